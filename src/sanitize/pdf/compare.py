"""What the rewrite must leave as it was, compared byte for byte between input and output:
each page's own content streams and the images its resources name."""

from __future__ import annotations

from collections.abc import Callable

from pypdf import PageObject
from pypdf.generic import StreamObject

from sanitize.errors import VerificationError
from sanitize.pdf.document import as_dict, as_list, resolve
from sanitize.pdf.findings import is_dct

# The bytes an embedded JPEG must have in the output, given its bytes in the input.
JpegExpected = Callable[[bytes], bytes]


def content_pieces(page: PageObject) -> list[bytes]:
    """The stored bytes of each content stream of a page, in drawing order."""
    contents = resolve(page.get("/Contents"))
    streams = [resolve(item) for item in as_list(contents)] if contents else []
    if isinstance(contents, StreamObject):
        streams = [contents]
    return [stream._data for stream in streams if isinstance(stream, StreamObject)]


def _contains_run(whole: list[bytes], run: list[bytes]) -> bool:
    """Whether ``run`` appears in ``whole`` as consecutive items."""
    width = len(run)
    return any(whole[start : start + width] == run for start in range(len(whole) - width + 1))


def _images(page: PageObject) -> dict[str, StreamObject]:
    resources = as_dict(page.get("/Resources"))
    xobjects = as_dict(resources.get("/XObject")) if resources is not None else None
    found = {}
    for name, ref in (xobjects or {}).items():
        xobject = resolve(ref)
        if isinstance(xobject, StreamObject) and xobject.get("/Subtype") == "/Image":
            found[name] = xobject
    return found


def compare_page(
    number: int, before: PageObject, after: PageObject, jpeg_expected: JpegExpected
) -> None:
    """Raise unless ``after`` still draws every content stream of ``before``, unchanged and
    in order (a flattened form only adds streams around them), and holds each of its
    images with the same bytes (a JPEG: the bytes its own cleaning verified)."""
    if not _contains_run(content_pieces(after), content_pieces(before)):
        raise VerificationError(f"the content of PDF page {number} changed during cleaning")
    kept = _images(after)
    for name, image in _images(before).items():
        expected = jpeg_expected(image._data) if is_dct(image) else image._data
        if name not in kept or kept[name]._data != expected:
            raise VerificationError(f"image {name} of PDF page {number} changed during cleaning")
