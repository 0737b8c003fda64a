"""PDF: remove authorship and hidden content with a full rewrite; keep the visible page."""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from sanitize import catalog
from sanitize.cleaners.base import Cleaner, CleanResult, ParsedFile, TextPart
from sanitize.context import Context, Nested
from sanitize.errors import CorruptFileError, SanitizeError, VerificationError
from sanitize.report import MetadataItem

if TYPE_CHECKING:
    from pypdf import PdfReader


class ImageResults:
    """The embedded images of one file, by their exact bytes: what the nested pipeline made
    of each (or why it failed), and each cleaned image as already clean.

    Looked up by length and both ends, then confirmed by comparing all the bytes: hashing
    megabytes of photos (twice: the input's, then the output's copies) costs more than
    comparing them."""

    def __init__(self) -> None:
        self._slots: dict[tuple[int, bytes, bytes], list[tuple[bytes, Nested | SanitizeError]]]
        self._slots = {}

    @staticmethod
    def _key(data: bytes) -> tuple[int, bytes, bytes]:
        return len(data), data[:32], data[-32:]

    def get(self, data: bytes) -> Nested | SanitizeError | None:
        for known, result in self._slots.get(self._key(data), []):
            if known == data:
                return result
        return None

    def put(self, data: bytes, result: Nested | SanitizeError) -> None:
        self._slots.setdefault(self._key(data), []).append((data, result))


class PdfFile(ParsedFile):
    """The document is read once; the listing walks that reader and the rewrite clones it.
    Embedded photos go through the pipeline's nested cleaning, once each."""

    def __init__(
        self, data: bytes, kind: str, context: Context, images: ImageResults | None = None
    ):
        from sanitize.pdf.document import open_pdf

        super().__init__(data, kind, context)
        self.reader: PdfReader
        self.reader, self.open_notes = open_pdf(data)
        self._images = ImageResults() if images is None else images

    def _image(self, data: bytes) -> Nested | SanitizeError:
        found = self._images.get(data)
        if found is not None:
            return found
        try:
            nested = self.context.clean_nested(data, "page image")
        except SanitizeError as exc:
            self._images.put(data, exc)
            return exc
        self._images.put(data, nested)
        if nested.handled and self._images.get(nested.data) is None:
            # The nested pipeline has just opened these cleaned bytes as a new file and
            # found nothing left (Context.reopen_clean): the same bytes re-inspected, with
            # the same options, give the same empty listing. The output's re-inspection
            # meets them again and is answered here instead of parsing every photo twice.
            cleaned = bytes(nested.data)
            self._images.put(cleaned, Nested(nested.kind, cleaned, True))
        return nested

    def _image_items(self, data: bytes) -> list[MetadataItem]:
        nested = self._image(data)
        if isinstance(nested, SanitizeError):
            return [MetadataItem("JPEG", "UnreadableImage", f"<{len(data)} bytes>")]
        return nested.items

    def _clean_image(self, data: bytes) -> bytes:
        nested = self._image(data)
        if isinstance(nested, SanitizeError):
            raise CorruptFileError(f"an embedded JPEG image cannot be cleaned: {nested}")
        return nested.data

    def items(self) -> list[MetadataItem]:
        from sanitize.pdf.findings import catalog_items, object_items, page_items

        return [
            *catalog_items(self.reader, self.options),
            *page_items(self.reader, self.options),
            *object_items(self.reader, self._image_items),
        ]

    def clean(self) -> CleanResult:
        from sanitize.pdf.document import open_pdf
        from sanitize.pdf.rewrite import rewrite

        options = self.options
        output, rewrite_notes = rewrite(self.reader, options, self._clean_image)
        notes = [*self.open_notes, *rewrite_notes]
        if options.flatten == "raster":
            from sanitize.pdf.raster import rasterize

            pixels = rasterize(output, options.dpi)
            output, _ = rewrite(open_pdf(pixels)[0], options, self._clean_image)
            notes.append(
                f"pages rendered as images at {options.dpi} dpi: text is no longer selectable"
            )
        return CleanResult(output, notes)

    def verify(self, cleaned: ParsedFile) -> None:
        """The output, read as a new file, against this one: the same pages, each the same
        size, drawing the same content streams and images (byte for byte), unless the
        cleaning was asked to change them (hidden layers cut out, pages rasterized)."""
        from sanitize.pdf.compare import compare_page
        from sanitize.pdf.layers import hidden_groups

        if not isinstance(cleaned, PdfFile):
            raise VerificationError("cleaned file is no longer a PDF")
        before, after = self.reader.pages, cleaned.reader.pages
        if len(before) != len(after):
            raise VerificationError("PDF page count changed during cleaning")
        rasterized = self.options.flatten is not None
        same_content = not rasterized and not hidden_groups(self.reader.root_object)
        for number, (a, b) in enumerate(zip(before, after, strict=True), start=1):
            # pypdf writes numbers to 6 decimals: 595.303937007874 comes back as 595.303937.
            moved = any(
                abs(float(x) - float(y)) > 0.01
                for x, y in zip(a.mediabox, b.mediabox, strict=False)
            )
            if not rasterized and moved:
                raise VerificationError(f"PDF page {number} changed size during cleaning")
            if same_content:
                compare_page(number, a, b, self._clean_image)

    def text_parts(self) -> list[TextPart]:
        parts = []
        for number, page in enumerate(self.reader.pages, start=1):
            try:
                text = page.extract_text() or ""
            except Exception as exc:  # a page pypdf cannot read is reported, not skipped
                raise CorruptFileError(f"cannot read the text of page {number}: {exc}") from exc
            if text.strip():
                parts.append(TextPart(f"page {number}", text))
        return parts


class PdfCleaner(Cleaner):
    name = "pdf"
    kinds = catalog.kinds_of("pdf")

    def __init__(self) -> None:
        # The output of a file is opened with the context of the original (see
        # Context.reopen_clean); sharing the image results through it is what lets the
        # re-inspection recognise the photos the cleaning has just verified. Weak keys:
        # the results go with the file's context.
        self._images: weakref.WeakKeyDictionary[Context, ImageResults] = weakref.WeakKeyDictionary()

    @classmethod
    def malformed_errors(cls) -> tuple[type[BaseException], ...]:
        from pypdf.errors import PyPdfError

        return (PyPdfError,)

    def open(self, data: bytes, kind: str, context: Context) -> PdfFile:
        images = self._images.get(context)
        if images is None:
            images = self._images[context] = ImageResults()
        return PdfFile(data, kind, context, images)
