"""Office Open XML (DOCX, XLSX, PPTX) support for the OOXML cleaner."""
