"""PDF support for the PDF cleaner: open safely, list hidden content, rewrite."""
