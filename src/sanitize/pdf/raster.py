"""--flatten raster: render every page and rebuild an image-only PDF."""

from __future__ import annotations

import io

from sanitize.errors import CorruptFileError, LimitExceededError

MAX_PIXELS = 150_000_000  # per page: about 12 000 x 12 000, a poster at 150 dpi


def rasterize(data: bytes, dpi: int) -> bytes:
    import pypdfium2 as pdfium  # rendering only: loaded when asked for

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise CorruptFileError(f"cannot render this PDF: {exc}") from exc
    images = []
    try:
        for index in range(len(document)):
            page = document[index]
            width, height = page.get_size()
            if width * height * (dpi / 72) ** 2 > MAX_PIXELS:
                raise LimitExceededError(f"page {index + 1} is too large to render at {dpi} dpi")
            bitmap = page.render(scale=dpi / 72, may_draw_forms=True)
            images.append(bitmap.to_pil().convert("RGB"))
            page.close()
    finally:
        document.close()
    buffer = io.BytesIO()
    images[0].save(
        buffer, "PDF", save_all=True, append_images=images[1:], resolution=float(dpi), quality=90
    )
    return buffer.getvalue()
