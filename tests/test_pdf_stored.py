"""A stream's stored bytes read in place (sanitize.pdf.stored) are exactly the bytes qpdf
reads, or not read in place at all; and the rewritten file's identifier
(sanitize.pdf.identifier) follows its content."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest

import dirty
import dirty_pdf
from realworld import REALWORLD
from sanitize.pdf.identifier import SAMPLED_ABOVE, content_digest
from sanitize.pdf.stored import StoredStreams, dictionary_end, same_bytes

REAL_PDFS = sorted((REALWORLD / "pdf").glob("*.pdf")) if (REALWORLD / "pdf").is_dir() else []


def views_and_qpdf(data: bytes) -> tuple[int, int]:
    """Compare every stream's view with qpdf's copy; return (streams, views)."""
    pdf = pikepdf.open(io.BytesIO(data))
    streams = StoredStreams(pdf, data)
    count = viewed = 0
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream):
            continue
        count += 1
        view = streams.view(obj)
        if view is None:
            continue
        viewed += 1
        assert bytes(view) == obj.read_raw_bytes(), obj.objgen
    return count, viewed


@pytest.mark.skipif(not REAL_PDFS, reason=f"real-world files not found at {REALWORLD}")
@pytest.mark.parametrize("path", REAL_PDFS, ids=lambda p: p.name[:30])
def test_views_of_real_files_are_qpdfs_bytes(path: Path) -> None:
    try:
        views_and_qpdf(path.read_bytes())
    except pikepdf.PdfError:
        pytest.skip("qpdf itself refuses this file")


def test_views_of_real_files_are_used() -> None:
    if not REAL_PDFS:
        pytest.skip(f"real-world files not found at {REALWORLD}")
    counted = viewed = 0
    for path in REAL_PDFS:
        try:
            streams, views = views_and_qpdf(path.read_bytes())
        except pikepdf.PdfError:
            continue
        counted, viewed = counted + streams, viewed + views
    assert viewed >= counted * 0.8  # the shortcut is the common case, not an exception


def test_a_photo_pdf_is_read_in_place() -> None:
    photos = [dirty.dirty_jpeg(size=(64, 48))] * 2
    data = dirty_pdf.plain_pdf(pages=2, jpeg=photos)
    streams, views = views_and_qpdf(data)
    assert streams and views == streams


def test_what_the_file_does_not_confirm_is_left_to_qpdf() -> None:
    body = b"0123456789"
    # A string in the dictionary that reads like its end and a stream keyword: the lexer
    # must skip it; with a /Length that does not land on endstream, qpdf reads the stream.
    tricky = (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
        b"3 0 obj\n<< /Length 10 /Note (a >> stream\n) /Hex <3e3e> >>\nstream\n"
        + body
        + b"\nendstream\nendobj\n"
    )
    data = _with_xref(tricky, 3)
    pdf = pikepdf.open(io.BytesIO(data))
    view = StoredStreams(pdf, data).view(pdf.get_object((3, 0)))
    assert view is not None and bytes(view) == body
    wrong = data.replace(b"/Length 10", b"/Length 12")
    pdf = pikepdf.open(io.BytesIO(wrong))
    assert StoredStreams(pdf, wrong).view(pdf.get_object((3, 0))) is None


def _with_xref(objects: bytes, count: int) -> bytes:
    offsets = [objects.index(b"%d 0 obj" % n) for n in range(1, count + 1)]
    table = b"xref\n0 %d\n0000000000 65535 f \n" % (count + 1)
    table += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    trailer = b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        count + 1,
        len(objects),
    )
    return objects + table + trailer


def test_dictionary_end_skips_strings_comments_and_hex() -> None:
    text = b"<< /A (x >> y \\) z) /B <3e3e> % >> comment\n /C << /D 1 >> >>stream"
    assert text[dictionary_end(text, 0) or 0 :] == b"stream"
    assert dictionary_end(b"<< /A (never closed >>", 0) is None


def test_same_bytes_compares_views_and_bytes() -> None:
    data = bytes(range(256)) * 100
    view = memoryview(data)[10:5000]
    assert same_bytes(view, data[10:5000]) and same_bytes(data[10:5000], view)
    assert same_bytes(view, memoryview(bytearray(data))[10:5000])
    assert not same_bytes(view, data[11:5001]) and not same_bytes(view, data[10:4999])


def _qpdf_output(payloads: list[bytes]) -> bytes:
    pdf = pikepdf.new()
    for index, payload in enumerate(payloads):  # reachable: qpdf writes nothing else
        pdf.Root[f"/S{index}"] = pdf.make_indirect(pikepdf.Stream(pdf, payload))
    buffer = io.BytesIO()
    pdf.save(
        buffer,
        static_id=True,
        compress_streams=False,  # as the rewrite writes: streams as they are
        object_stream_mode=pikepdf.ObjectStreamMode.disable,
    )
    return buffer.getvalue()


def digest(data: bytes) -> bytes:
    assert data.count(b"endstream") >= 2
    view = memoryview(bytearray(data))
    return content_digest(view, data[-4096:])


def test_the_identifier_follows_the_content() -> None:
    big = bytes(range(256)) * (SAMPLED_ABOVE // 128)
    small = b"BT (Hello) Tj ET"
    base = digest(_qpdf_output([big, small]))
    assert digest(_qpdf_output([big, small])) == base  # the same output, the same name
    assert digest(_qpdf_output([big, b"BT (Hellp) Tj ET"])) != base  # any small change
    changed_end = big[:-1] + b"\x00"
    assert digest(_qpdf_output([changed_end, small])) != base  # the end of a large stream
    longer = big + b"\x00"
    assert digest(_qpdf_output([longer, small])) != base  # its length


def test_large_bodies_are_found_in_qpdfs_output() -> None:
    from sanitize.pdf.identifier import _large_bodies

    big = bytes(range(256)) * (SAMPLED_ABOVE // 128)
    data = _qpdf_output([big, b"BT (Hello) Tj ET"])
    (body,) = _large_bodies(memoryview(data), data[-4096:])
    assert data[body[0] : body[1]] == big


def _one_stream(length: bytes = b"10", body: bytes = b"0123456789") -> bytes:
    objects = (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
        b"3 0 obj\n<< /Length " + length + b" >>\nstream\n" + body + b"\nendstream\nendobj\n"
    )
    return _with_xref(objects, 3)


def test_a_length_that_is_not_a_whole_number_is_left_to_qpdf() -> None:
    data = _one_stream(length=b"10.0")
    pdf = pikepdf.open(io.BytesIO(data))
    assert StoredStreams(pdf, data).view(pdf.get_object((3, 0))) is None


def test_a_file_qpdf_repaired_is_left_to_qpdf() -> None:
    data = _one_stream()
    # Every offset in the table off by two: qpdf rebuilds the table and warns.
    table = data.index(b"xref\n")
    broken = data[:table] + data[table:].replace(b"0000000", b"0000001", 3)
    pdf = pikepdf.open(io.BytesIO(broken))
    stream = pdf.get_object((3, 0))
    assert bytes(stream.read_raw_bytes()) == b"0123456789"
    streams = StoredStreams(pdf, broken)
    assert streams.view(stream) is None
    assert streams.view(stream) is None  # qpdf has handed its warnings over: still None
    assert pikepdf.open(io.BytesIO(broken)).get_warnings()  # qpdf did repair it
    healthy = pikepdf.open(io.BytesIO(data))
    assert not healthy.get_warnings()
    assert StoredStreams(healthy, data).view(healthy.get_object((3, 0))) is not None
