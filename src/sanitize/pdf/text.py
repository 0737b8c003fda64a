"""The visible text of each page, as PDFium extracts it.

qpdf (the cleaner's parser) reads structure, not text; PDFium is the engine Chromium shows
PDFs with, so its text is what a reader of the page sees, in reading order, including what
flattened form fields draw. It is loaded only when the text is scanned."""

from __future__ import annotations

import threading
from typing import Any

from sanitize.errors import CorruptFileError, SanitizeError

# PDFium is not thread-safe: the web page may scan from several threads of one process.
_LOCK = threading.Lock()
# PDFium marks a hyphen it judges a line-end break with U+FFFE (and some builds with
# U+0002); the word reads whole without it.
_BREAK_MARKS = str.maketrans({"\ufffe": None, "\x02": None, "\r": None})


def page_texts(data: bytes, pages: int) -> list[str]:
    """The text of every page, in page order. ``pages``: how many qpdf reads; a PDF the two
    engines read differently cannot be said to hold no sensitive text."""
    import pypdfium2 as pdfium

    with _LOCK:
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            if "password" in str(exc).lower():
                raise SanitizeError("encrypted PDF: a password is needed to read its text") from exc
            raise CorruptFileError(f"cannot read the text of this PDF: {exc}") from exc
        texts = []
        try:
            if len(document) != pages:
                raise CorruptFileError(
                    f"the pages cannot be read for their text ({len(document)} read by "
                    f"PDFium, {pages} in the file's page tree)"
                )
            for index in range(len(document)):
                texts.append(_page_text(pdfium, document, index))
        finally:
            document.close()
    return texts


def _page_text(pdfium: Any, document: Any, index: int) -> str:
    try:
        page = document[index]
    except pdfium.PdfiumError as exc:
        raise CorruptFileError(f"cannot read the text of page {index + 1}: {exc}") from exc
    try:
        textpage = page.get_textpage()
        try:
            return str(textpage.get_text_bounded()).translate(_BREAK_MARKS)
        finally:
            textpage.close()
    except pdfium.PdfiumError as exc:
        raise CorruptFileError(f"cannot read the text of page {index + 1}: {exc}") from exc
    finally:
        page.close()
