"""PDF: remove authorship and hidden content with a full rewrite; keep the visible page."""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from sanitize import catalog
from sanitize.cleaners.base import Cleaner, CleanResult, ParsedFile, TextPart
from sanitize.context import Context, Nested
from sanitize.errors import CorruptFileError, SanitizeError, VerificationError
from sanitize.pdf.stored import Stored, StoredStreams, same_bytes
from sanitize.report import MetadataItem

if TYPE_CHECKING:
    import pikepdf
    from pikepdf import Pdf


class ImageResults:
    """The embedded images of one file, by their exact bytes: what the nested pipeline made
    of each (or why it failed), and each cleaned image as already clean.

    Looked up by length and both ends, then confirmed by comparing all the bytes: hashing
    megabytes of photos (twice: the input's, then the output's copies) costs more than
    comparing them."""

    def __init__(self) -> None:
        self._slots: dict[tuple[int, bytes, bytes], list[tuple[Stored, Nested | SanitizeError]]]
        self._slots = {}

    @staticmethod
    def _key(data: Stored) -> tuple[int, bytes, bytes]:
        return len(data), bytes(data[:32]), bytes(data[-32:])

    def get(self, data: Stored) -> Nested | SanitizeError | None:
        for known, result in self._slots.get(self._key(data), []):
            if same_bytes(known, data):
                return result
        return None

    def put(self, data: Stored, result: Nested | SanitizeError) -> None:
        self._slots.setdefault(self._key(data), []).append((data, result))


class PdfFile(ParsedFile):
    """The document is opened once; the listing walks it, and the rewrite edits a copy
    opened from the same bytes (qpdf reads lazily: the copy costs the cross-reference
    table). Embedded photos go through the pipeline's nested cleaning, once each."""

    def __init__(
        self, data: bytes, kind: str, context: Context, images: ImageResults | None = None
    ):
        from sanitize.pdf.document import open_pdf

        super().__init__(data, kind, context)
        self.pdf: Pdf
        self.pdf, self.open_notes = open_pdf(data)
        self._images = ImageResults() if images is None else images
        self._streams = StoredStreams(self.pdf, data)
        self._copies: dict[tuple[int, int], bytes] = {}

    def stored(self, stream: pikepdf.Object) -> Stored:
        """A stream's bytes as stored in this file: a view of the file's bytes where the
        file confirms their place (see sanitize.pdf.stored), else qpdf's copy, read once.
        The rewrite opens these same bytes again: an object's number names the same
        stored bytes there."""
        view = self._streams.view(stream)
        if view is not None:
            return view
        key = stream.objgen
        found = self._copies.get(key)
        if found is None:
            found = bytes(stream.read_raw_bytes())
            if key != (0, 0):
                self._copies[key] = found
        return found

    def _image(self, data: Stored) -> Nested | SanitizeError:
        found = self._images.get(data)
        if found is not None:
            return found
        try:
            # The nested pipeline parses bytes: a copy made for it is dropped once it is
            # cleaned, and the next photo's copy reuses its memory.
            owned = data if isinstance(data, bytes) else bytes(data)
            nested = self.context.clean_nested(owned, "page image")
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

    def _image_items(self, image: pikepdf.Object) -> list[MetadataItem]:
        data = self.stored(image)
        nested = self._image(data)
        if isinstance(nested, SanitizeError):
            return [MetadataItem("JPEG", "UnreadableImage", f"<{len(data)} bytes>")]
        return nested.items

    def _clean_image(self, data: Stored) -> bytes:
        nested = self._image(data)
        if isinstance(nested, SanitizeError):
            raise CorruptFileError(f"an embedded JPEG image cannot be cleaned: {nested}")
        return nested.data

    def items(self) -> list[MetadataItem]:
        from sanitize.pdf.findings import catalog_items, object_items, page_items

        return [
            *catalog_items(self.pdf, self.data, self.options),
            *page_items(self.pdf, self.options),
            *object_items(self.pdf, self._image_items),
        ]

    def clean(self) -> CleanResult:
        from sanitize.pdf.rewrite import rewrite

        options = self.options
        output, rewrite_notes = rewrite(self.data, options, self._clean_image, self.stored)
        notes = [*self.open_notes, *rewrite_notes]
        if options.flatten == "raster":
            from sanitize.pdf.raster import rasterize

            pixels = rasterize(output, options.dpi)
            output, _ = rewrite(pixels, options, self._clean_image, _read_stored)
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
        before, after = self.pdf.pages, cleaned.pdf.pages
        if len(before) != len(after):
            raise VerificationError("PDF page count changed during cleaning")
        rasterized = self.options.flatten is not None
        same_content = not rasterized and not hidden_groups(self.pdf.Root)
        for number, (a, b) in enumerate(zip(before, after, strict=True), start=1):
            moved = any(
                abs(float(x) - float(y)) > 0.01
                for x, y in zip(a.mediabox, b.mediabox, strict=False)
            )
            if not rasterized and moved:
                raise VerificationError(f"PDF page {number} changed size during cleaning")
            if same_content:
                compare_page(
                    number, (a.obj, self.stored), (b.obj, cleaned.stored), self._clean_image
                )

    def text_parts(self) -> list[TextPart]:
        """The text of each page as PDFium (Chromium's PDF engine) extracts it: qpdf reads
        structure, not text. Loaded only when the text is scanned."""
        from sanitize.pdf.text import page_texts

        return [
            TextPart(f"page {number}", text)
            for number, text in enumerate(page_texts(self.data, len(self.pdf.pages)), start=1)
            if text.strip()
        ]


def _read_stored(stream: pikepdf.Object) -> bytes:
    return bytes(stream.read_raw_bytes())


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
        from sanitize.pdf.document import MALFORMED_ERRORS

        return MALFORMED_ERRORS

    def open(self, data: bytes, kind: str, context: Context) -> PdfFile:
        images = self._images.get(context)
        if images is None:
            images = self._images[context] = ImageResults()
        return PdfFile(data, kind, context, images)
