"""What the rewrite must leave as it was, compared byte for byte between input and output:
each page's own content streams and the images its resources name."""

from __future__ import annotations

from collections.abc import Callable

import pikepdf
from pikepdf import Stream

from sanitize.errors import VerificationError
from sanitize.pdf.document import as_dict, as_list, text
from sanitize.pdf.findings import is_dct
from sanitize.pdf.stored import Stored, same_bytes

# The bytes an embedded JPEG must have in the output, given its bytes in the input.
JpegExpected = Callable[[Stored], bytes]


def content_pieces(page: pikepdf.Object) -> list[bytes]:
    """The stored bytes of each content stream of a page, in drawing order."""
    contents = page.get("/Contents")
    streams = [contents] if isinstance(contents, Stream) else as_list(contents)
    return [bytes(stream.read_raw_bytes()) for stream in streams if isinstance(stream, Stream)]


def _contains_run(whole: list[bytes], run: list[bytes]) -> bool:
    """Whether ``run`` appears in ``whole`` as consecutive items."""
    width = len(run)
    return any(whole[start : start + width] == run for start in range(len(whole) - width + 1))


def _images(page: pikepdf.Object) -> dict[str, pikepdf.Object]:
    resources = as_dict(page.get("/Resources"))
    xobjects = as_dict(resources.get("/XObject")) if resources is not None else None
    found: dict[str, pikepdf.Object] = {}
    for name, xobject in xobjects.items() if xobjects is not None else []:
        if isinstance(xobject, Stream) and text(xobject.get("/Subtype")) == "/Image":
            found[name] = xobject
    return found


# A page, and how its file reads a stream's stored bytes (each file keeps what it read).
PageSide = tuple[pikepdf.Object, Callable[[pikepdf.Object], Stored]]


def compare_page(
    number: int, before: PageSide, after: PageSide, jpeg_expected: JpegExpected
) -> None:
    """Raise unless ``after`` still draws every content stream of ``before``, unchanged and
    in order (a flattened form only adds streams around them), and holds each of its
    images with the same bytes (a JPEG: the bytes its own cleaning verified)."""
    (page_before, read_before), (page_after, read_after) = before, after
    if not _contains_run(content_pieces(page_after), content_pieces(page_before)):
        raise VerificationError(f"the content of PDF page {number} changed during cleaning")
    kept = _images(page_after)
    for name, image in _images(page_before).items():
        data = read_before(image)
        expected = jpeg_expected(data) if is_dct(image) else data
        if name not in kept or not same_bytes(read_after(kept[name]), expected):
            raise VerificationError(f"image {name} of PDF page {number} changed during cleaning")
