"""PDF: remove authorship and hidden content with a full rewrite; keep the visible page."""

from __future__ import annotations

from sanitize.cleaners.base import Cleaner, CleanResult
from sanitize.errors import CorruptFileError, SanitizeError, VerificationError
from sanitize.options import Options
from sanitize.report import MetadataItem


def _jpeg_items(data: bytes) -> list[MetadataItem]:
    from sanitize.cleaners.jpeg import JpegCleaner

    try:
        return JpegCleaner().inspect(data, "jpeg", Options())
    except SanitizeError:
        return [MetadataItem("JPEG", "UnreadableImage", f"<{len(data)} bytes>")]


def _clean_jpeg(data: bytes) -> bytes:
    from sanitize.cleaners.jpeg import JpegCleaner

    cleaner = JpegCleaner()
    try:
        result = cleaner.clean(data, "jpeg", Options())
    except SanitizeError as exc:
        raise CorruptFileError(f"an embedded JPEG image cannot be cleaned: {exc}") from exc
    cleaner.verify(data, result.data, "jpeg", Options())
    return result.data


class PdfCleaner(Cleaner):
    name = "pdf"
    kinds = frozenset({"pdf"})

    @classmethod
    def malformed_errors(cls) -> tuple[type[BaseException], ...]:
        from pypdf.errors import PyPdfError

        return (PyPdfError,)

    def inspect(self, data: bytes, kind: str, options: Options) -> list[MetadataItem]:
        from sanitize.pdf.document import open_pdf
        from sanitize.pdf.findings import catalog_items, object_items, page_items

        reader, _ = open_pdf(data)
        return [
            *catalog_items(reader, options),
            *page_items(reader, options),
            *object_items(reader, _jpeg_items),
        ]

    def clean(self, data: bytes, kind: str, options: Options) -> CleanResult:
        from sanitize.pdf.document import open_pdf
        from sanitize.pdf.rewrite import rewrite

        reader, notes = open_pdf(data)
        output, rewrite_notes = rewrite(reader, options, _clean_jpeg)
        notes.extend(rewrite_notes)
        if options.flatten == "raster":
            from sanitize.pdf.raster import rasterize

            pixels = rasterize(output, options.dpi)
            output, _ = rewrite(open_pdf(pixels)[0], options, _clean_jpeg)
            notes.append(
                f"pages rendered as images at {options.dpi} dpi: text is no longer selectable"
            )
        return CleanResult(output, notes)

    def verify(self, original: bytes, cleaned: bytes, kind: str, options: Options) -> None:
        from sanitize.pdf.document import open_pdf

        before, _ = open_pdf(original)
        after, _ = open_pdf(cleaned)
        if len(before.pages) != len(after.pages):
            raise VerificationError("PDF page count changed during cleaning")
        for number, (a, b) in enumerate(zip(before.pages, after.pages, strict=True), start=1):
            # pypdf writes numbers to 6 decimals: 595.303937007874 comes back as 595.303937.
            moved = any(
                abs(float(x) - float(y)) > 0.01
                for x, y in zip(a.mediabox, b.mediabox, strict=False)
            )
            if options.flatten is None and moved:
                raise VerificationError(f"PDF page {number} changed size during cleaning")
