"""PDF cleaner: every hiding place emptied (raw bytes, pikepdf, ExifTool), page kept."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

import dirty
import dirty_pdf
from oracles import (
    assert_pdf_has_no_markers,
    exiftool,
    needs_exiftool,
    pdf_streams_and_objects,
)
from sanitize import Options, clean_file, inspect_file
from sanitize.cleaners.pdf import PdfFile
from sanitize.cli import main
from sanitize.context import Context, Nested
from sanitize.errors import VerificationError
from sanitize.registry import default_registry


@pytest.fixture
def dirty_file(tmp_path: Path) -> Path:
    path = tmp_path / "brief.pdf"
    path.write_bytes(dirty_pdf.dirty_pdf())
    return path


@pytest.fixture
def cleaned(dirty_file: Path) -> Path:
    # Metadata only: the flattened form's value is scanned in test_flattened_form_is_scanned.
    report = clean_file(dirty_file, Options(scan=False))
    assert report.status == "cleaned", report.error
    return Path(report.output)


def page_texts(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def test_fixture_really_hides_markers_everywhere(dirty_file: Path) -> None:
    data = dirty_file.read_bytes()
    for name in (
        "PDF-AUTHOR",
        "PDFXMP",
        "PAGEXMP",
        "PIECEINFO",
        "THUMB",
        "PAGE-AA",
        "JS",
        "OPENACTION",
        "ATTACH-DATA",
        "FILEANNOT-DATA",
        "TEXT-AUTHOR",
        "HIGHLIGHT-TEXT",
        "FIELD-NAME",
        "HIDDEN-FIELD-VALUE",
        "XFA",
        "HIDDEN-LAYER-TEXT",
        "LAYER-NAME",
        "BOOKMARK",
        "ORPHAN",
        "OLD-REVISION",
        "EXIF-GPS",
        "LINK-AUTHOR",
        "LASTMOD",
    ):
        planted = dirty.marker(name)
        assert planted.encode() in data or planted.replace("-", "\\055").encode() in data, name
    assert PdfReader(dirty_file).metadata.author == dirty.marker("PDF-AUTHOR-V2")


def test_every_marker_gone_from_bytes_and_streams(cleaned: Path) -> None:
    assert_pdf_has_no_markers(cleaned)


def test_full_rewrite_single_revision(cleaned: Path) -> None:
    data = cleaned.read_bytes()
    assert data.count(b"%%EOF") == 1
    result = (
        subprocess.run(["qpdf", "--check", str(cleaned)], capture_output=True, text=True)
        if shutil.which("qpdf")
        else None
    )
    if result is not None:
        assert result.returncode == 0, result.stdout + result.stderr
    with pikepdf.open(cleaned) as pdf:
        assert "/Info" not in pdf.trailer
        assert "/Metadata" not in pdf.Root
        for key in ("/AcroForm", "/OpenAction", "/Outlines", "/Names"):
            if key == "/Names" and key in pdf.Root:
                assert set(pdf.Root.Names.keys()) <= {"/Dests"}
            else:
                assert key not in pdf.Root


def test_no_producer_of_our_own(cleaned: Path) -> None:
    data = cleaned.read_bytes()
    assert b"/Producer" not in data
    assert not any(name in data.lower() for name in (b"qpdf", b"pikepdf", b"pypdf"))


def test_trailer_id_replaced(tmp_path: Path) -> None:
    source = tmp_path / "with-id.pdf"
    with pikepdf.open(io.BytesIO(dirty_pdf.plain_pdf(pages=1))) as pdf:
        pdf.save(source, static_id=False)  # qpdf writes a random /ID
    output = Path(clean_file(source).output)
    with pikepdf.open(source) as before, pikepdf.open(output) as after:
        assert bytes(before.trailer.ID[0]) != bytes(after.trailer.ID[0])
        assert bytes(before.trailer.ID[1]) != bytes(after.trailer.ID[1])
        assert len(bytes(after.trailer.ID[0])) == 16


@needs_exiftool
def test_exiftool_lists_no_authorship(cleaned: Path) -> None:
    tags = exiftool(cleaned)
    assert not [k for k in tags if k.startswith("XMP")]
    for key in ("PDF:Author", "PDF:Creator", "PDF:Producer", "PDF:Title"):
        assert key not in tags


def test_visible_content_kept(dirty_file: Path, cleaned: Path) -> None:
    before, after = page_texts(dirty_file), page_texts(cleaned)
    assert len(before) == len(after) == 2
    # Hidden-layer text goes; the form value is drawn into the page; the rest is unchanged.
    expected = before[0].replace(dirty.marker("HIDDEN-LAYER-TEXT") + "\n", "")
    assert after[0] == expected + "\nJane Fielding"
    assert after[1] == before[1] == "Visible page 2 text"
    reader = PdfReader(cleaned)
    uris = [a.get_object()["/A"]["/URI"] for a in reader.pages[0]["/Annots"]]
    assert uris == ["https://example.com/portfolio"]


def test_plain_pdf_text_links_fonts_images_unchanged(tmp_path: Path) -> None:
    source = tmp_path / "plain.pdf"
    source.write_bytes(dirty_pdf.plain_pdf(pages=3))
    output = Path(clean_file(source).output)
    assert page_texts(source) == page_texts(output)
    before, after = PdfReader(source), PdfReader(output)
    for a, b in zip(before.pages, after.pages, strict=True):
        assert list(a.mediabox) == list(b.mediabox)
        assert list(a["/Resources"]["/Font"]) == list(b["/Resources"]["/Font"])
        assert len(b["/Annots"]) == 1
    assert_same_rendering(source, output)


def assert_same_rendering(first: Path, second: Path) -> None:
    import pypdfium2 as pdfium
    from PIL import ImageChops

    a, b = pdfium.PdfDocument(str(first)), pdfium.PdfDocument(str(second))
    assert len(a) == len(b)
    for index in range(len(a)):
        one = a[index].render(scale=1).to_pil()
        two = b[index].render(scale=1).to_pil()
        assert ImageChops.difference(one.convert("RGB"), two.convert("RGB")).getbbox() is None


def test_embedded_photo_cleaned_losslessly(tmp_path: Path) -> None:
    jpeg = dirty.dirty_jpeg(orientation=1)
    source = tmp_path / "photo.pdf"
    source.write_bytes(dirty_pdf.plain_pdf(pages=1, jpeg=jpeg))
    output = Path(clean_file(source).output)
    with pikepdf.open(output) as pdf:
        image = next(iter(pdf.pages[0].Resources.XObject.values()))
        data = image.read_raw_bytes()
    assert b"MARKER-" not in data
    # Same compressed scan data as the photo before cleaning.
    assert data[data.rindex(b"\xff\xda") :] in jpeg


def test_show_and_check_list_every_kind_of_item(dirty_file: Path, runner: CliRunner) -> None:
    items = inspect_file(dirty_file).metadata
    locations = {item.location.split("/")[0] for item in items}
    assert {
        "PDF:Info",
        "PDF:JavaScript",
        "PDF:EmbeddedFiles",
        "PDF:Form",
        "PDF:Outline",
        "PDF:Layers",
        "PDF:Revisions",
        "PDF:Page1",
        "XMP",
        "PDF:Object",
        "PDF:Image",
    } <= locations
    fields = {item.field for item in items}
    assert {
        "Thumbnail",
        "AdditionalActions",
        "TextAnnotation",
        "FileAttachmentAnnotation",
        "HiddenLayer",
        "PieceInfo",
        "OpenAction",
    } <= fields
    result = runner.invoke(main, ["check", "--format", "json", str(dirty_file)])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["files"][0]["kind"] == "pdf"


def test_idempotent(cleaned: Path, tmp_path: Path) -> None:
    assert inspect_file(cleaned).metadata == []
    again = clean_file(cleaned, Options(output_dir=tmp_path / "again", scan=False))
    assert again.status == "clean"
    assert Path(again.output).read_bytes() == cleaned.read_bytes()


def test_flattened_form_is_scanned(dirty_file: Path, tmp_path: Path) -> None:
    """Flattening draws the filled values into the page: the copy's text is scanned again,
    and a copy that shows a name is "flagged", never "cleaned"."""
    pytest.importorskip("spacy")
    assert "Jane Fielding" not in " ".join(page_texts(dirty_file))
    report = clean_file(dirty_file, Options(output_dir=tmp_path / "out"))
    assert "Jane Fielding" in " ".join(page_texts(Path(report.output)))
    assert report.status == "flagged", report.error
    assert report.kept == len(report.findings) >= 1
    assert {f.type for f in report.findings} == {"PERSON"}


def test_keep_options(dirty_file: Path, tmp_path: Path) -> None:
    options = Options(
        keep_annotations=True, keep_bookmarks=True, output_dir=tmp_path / "kept", scan=False
    )
    report = clean_file(dirty_file, options)
    assert report.status == "cleaned", report.error
    reader = PdfReader(report.output)
    subtypes = {a.get_object()["/Subtype"] for a in reader.pages[0]["/Annots"]}
    assert {"/Text", "/Highlight", "/Ink"} <= subtypes
    assert "/FileAttachment" not in subtypes
    assert [item.title for item in reader.outline] == [dirty.marker("BOOKMARK")]


def test_flatten_raster(dirty_file: Path, tmp_path: Path) -> None:
    report = clean_file(
        dirty_file, Options(flatten="raster", dpi=72, output_dir=tmp_path / "raster")
    )
    assert report.status == "cleaned", report.error
    assert any("no longer selectable" in note for note in report.notes)
    output = Path(report.output)
    assert_pdf_has_no_markers(output)
    assert all(not text.strip() for text in page_texts(output))
    with pikepdf.open(output) as pdf:
        assert len(pdf.pages) == 2
        assert abs(float(pdf.pages[0].MediaBox[2]) - 595) < 2


def test_encrypted_with_empty_password(tmp_path: Path) -> None:
    source = tmp_path / "locked.pdf"
    source.write_bytes(dirty_pdf.encrypted_pdf(""))
    report = clean_file(source)
    assert report.status == "cleaned", report.error
    output = Path(report.output)
    assert_pdf_has_no_markers(output)
    assert not PdfReader(output).is_encrypted


def test_encrypted_with_password_is_a_clear_error(tmp_path: Path) -> None:
    source = tmp_path / "secret.pdf"
    source.write_bytes(dirty_pdf.encrypted_pdf("hunter2"))
    report = clean_file(source)
    assert report.status == "error"
    assert "password" in report.error


def test_broken_xref_is_repaired(tmp_path: Path) -> None:
    data = dirty_pdf.plain_pdf(pages=2)
    start = data.rindex(b"startxref")
    # The xref table is garbled and startxref points to the wrong place.
    table = data.rindex(b"\nxref") + 1
    broken = data[:table] + b"xref\n0 3\ngarbage entries\n" + data[data.rindex(b"trailer") : start]
    broken += b"startxref\n12\n%%EOF\n"
    source = tmp_path / "broken.pdf"
    source.write_bytes(broken)
    report = clean_file(source)
    assert report.status == "cleaned", report.error
    assert len(PdfReader(report.output).pages) == 2


@pytest.mark.parametrize(
    "payload",
    [
        b"%PDF-1.7\n" + b"\x00" * 50,
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 1 0 R >>\nendobj\n"
        b"trailer\n<< /Root 1 0 R >>\n%%EOF",
        b"%PDF-1.4\n1 0 obj\n" + b"[" * 100_000 + b"\nendobj\n%%EOF",
    ],
)
def test_hostile_or_hopeless_pdfs_give_clear_errors(payload: bytes, tmp_path: Path) -> None:
    source = tmp_path / "bad.pdf"
    source.write_bytes(payload)
    report = clean_file(source)
    assert report.status == "error"
    assert report.error and "\n" not in report.error
    assert not (tmp_path / "bad.clean.pdf").exists()


def test_reference_cycle_is_bounded(tmp_path: Path) -> None:
    cyclic = (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R /Loop 3 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [4 0 R] /Count 1 >>\nendobj\n"
        b"3 0 obj\n<< /Next 3 0 R /Other [3 0 R 1 0 R] >>\nendobj\n"
        b"4 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] /Self 4 0 R >>\nendobj\n"
        b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )
    source = tmp_path / "cycle.pdf"
    source.write_bytes(cyclic)
    report = clean_file(source)
    assert report.status in ("cleaned", "error")
    if report.status == "cleaned":
        assert len(PdfReader(io.BytesIO(Path(report.output).read_bytes())).pages) == 1


def test_field_without_appearance_is_drawn(tmp_path: Path) -> None:
    """Forms saved with NeedAppearances have no drawing of their values: one is made."""
    from pypdf import PdfWriter
    from pypdf.generic import (
        ArrayObject,
        BooleanObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        TextStringObject,
    )

    def name(value: str) -> NameObject:
        return NameObject(value)

    writer = PdfWriter()
    page = writer.add_blank_page(300, 300)
    font = writer._add_object(
        DictionaryObject(
            {
                name("/Type"): name("/Font"),
                name("/Subtype"): name("/Type1"),
                name("/BaseFont"): name("/Helvetica"),
            }
        )
    )
    field = writer._add_object(
        DictionaryObject(
            {
                name("/Type"): name("/Annot"),
                name("/Subtype"): name("/Widget"),
                name("/FT"): name("/Tx"),
                name("/T"): TextStringObject("client"),
                name("/V"): TextStringObject("Filled Without AP"),
                name("/DA"): TextStringObject("/Helv 12 Tf 0 g"),
                name("/P"): page.indirect_reference,
                name("/Rect"): ArrayObject(
                    [FloatObject(20), FloatObject(200), FloatObject(250), FloatObject(230)]
                ),
            }
        )
    )
    page[name("/Annots")] = ArrayObject([field])
    writer.root_object[name("/AcroForm")] = DictionaryObject(
        {
            name("/Fields"): ArrayObject([field]),
            name("/NeedAppearances"): BooleanObject(True),
            name("/DR"): DictionaryObject({name("/Font"): DictionaryObject({name("/Helv"): font})}),
            name("/DA"): TextStringObject("/Helv 12 Tf 0 g"),
        }
    )
    source = tmp_path / "form.pdf"
    with source.open("wb") as handle:
        writer.write(handle)
    output = Path(clean_file(source).output)
    assert page_texts(output) == ["Filled Without AP"]
    with pikepdf.open(output) as pdf:
        assert "/AcroForm" not in pdf.Root and "/Annots" not in pdf.pages[0]


def test_page_sizes_with_many_decimals(tmp_path: Path) -> None:
    """LibreOffice writes A4 as 595.303937007874 pt; the size must survive the rewrite."""
    with pikepdf.open(io.BytesIO(dirty_pdf.plain_pdf(pages=1, with_photo=False))) as pdf:
        pdf.pages[0].MediaBox = pikepdf.Array([0, 0, 595.303937007874, 841.889763779528])
        source = tmp_path / "a4.pdf"
        pdf.save(source)
    report = clean_file(source)
    assert report.status == "cleaned", report.error
    with pikepdf.open(report.output) as pdf:
        assert abs(float(pdf.pages[0].MediaBox[2]) - 595.3039) < 0.001


# -- references the rewrite leaves, and forms kept fillable --------------------------------
def assert_every_reference_resolves(path: Path) -> None:
    """Every ``N 0 R`` outside streams names an object the file defines (the raw bytes),
    and every reference pikepdf meets resolves to an object of the file, not to null."""
    import re

    data = path.read_bytes()
    outside = re.sub(rb"stream\r?\n.*?endstream", b"", data, flags=re.DOTALL)
    defined = {int(n) for n in re.findall(rb"(?m)^(\d+) 0 obj", data)}
    referenced = {int(n) for n in re.findall(rb"(\d+) 0 R\b", outside)}
    assert referenced <= defined, sorted(referenced - defined)
    with pikepdf.open(path) as pdf:
        existing = {o.objgen for o in pdf.objects if o is not None and o.objgen != (0, 0)}
        stack: list[object] = [o for o in pdf.objects if o is not None]
        seen: set[tuple[int, int]] = set()
        while stack:
            item = stack.pop()
            if not isinstance(item, pikepdf.Object):
                continue
            if item.is_indirect:
                assert item.objgen in existing, item.objgen
                if item.objgen in seen:
                    continue
                seen.add(item.objgen)
            if isinstance(item, pikepdf.Dictionary | pikepdf.Stream):
                stack.extend(item.get(key) for key in list(item.keys()))
            elif isinstance(item, pikepdf.Array):
                stack.extend(item)


def _checkbox_with_javascript() -> bytes:
    pdf = pikepdf.open(io.BytesIO(dirty_pdf.plain_pdf(pages=1, with_photo=False)))
    script = pdf.make_stream(b"app.alert('" + dirty.marker("CHECKBOX-JS").encode() + b"');")
    action = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=script))
    on = pdf.make_stream(b"0 0 1 rg 0 0 10 10 re f", BBox=[0, 0, 10, 10])
    off = pdf.make_stream(b"", BBox=[0, 0, 10, 10])
    box = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Widget,
            FT=pikepdf.Name.Btn,
            T=pikepdf.String("agree"),
            V=pikepdf.Name.Yes,
            AS=pikepdf.Name.Yes,
            Rect=[100, 100, 110, 110],
            A=action,
            AP=pikepdf.Dictionary(N=pikepdf.Dictionary(Yes=on, Off=off)),
        )
    )
    text_field = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Widget,
            FT=pikepdf.Name.Tx,
            T=pikepdf.String("client"),
            V=pikepdf.String(dirty.marker("TYPED-VALUE")),
            Rect=[100, 200, 300, 220],
            AP=pikepdf.Dictionary(
                N=pdf.make_stream(
                    b"BT /F1 12 Tf 2 5 Td (" + dirty.marker("TYPED-VALUE").encode() + b") Tj ET",
                    BBox=[0, 0, 200, 20],
                )
            ),
        )
    )
    pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([box, text_field]))
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=[box, text_field])
    pdf.Root.Names = pikepdf.Dictionary(
        JavaScript=pikepdf.Dictionary(Names=[pikepdf.String("init"), action])
    )
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_checkbox_javascript_leaves_no_dangling_reference(tmp_path: Path) -> None:
    source = tmp_path / "checkbox.pdf"
    source.write_bytes(_checkbox_with_javascript())
    for options in (Options(scan=False), Options(scan=False, keep_forms=True)):
        report = clean_file(source, replace(options, output_dir=tmp_path / str(options.keep_forms)))
        assert report.status == "cleaned", report.error
        output = Path(report.output)
        assert_every_reference_resolves(output)
        everything = b"".join(data for _, data in pdf_streams_and_objects(output))
        assert dirty.marker("CHECKBOX-JS").encode() not in everything
        if options.keep_forms:
            assert_pdf_has_no_markers(output)
        else:  # flattened: what was typed is drawn on the page, as a printout shows it
            assert dirty.marker("TYPED-VALUE").encode() in everything


def test_catalog_entry_pointing_at_info(tmp_path: Path) -> None:
    """A catalog entry naming the /Info object: the dropped Info leaves a null behind."""
    with pikepdf.open(io.BytesIO(dirty_pdf.plain_pdf(pages=1, with_photo=False))) as pdf:
        pdf.docinfo = pdf.make_indirect(
            pikepdf.Dictionary(Author=pikepdf.String(dirty.marker("INFO-AUTHOR")))
        )
        pdf.Root.SomeInfo = pdf.trailer.Info
        source = tmp_path / "info.pdf"
        pdf.save(source)
    report = clean_file(source, Options(scan=False))
    assert report.status == "cleaned", report.error
    output = Path(report.output)
    assert_pdf_has_no_markers(output)
    assert_every_reference_resolves(output)
    with pikepdf.open(output) as pdf:
        assert pdf.Root.get("/SomeInfo") is None or pdf.Root.SomeInfo == pikepdf.Object.parse(
            b"null"
        )


def test_cleaned_outputs_have_no_dangling_reference(cleaned: Path) -> None:
    assert_every_reference_resolves(cleaned)


def test_keep_forms_keeps_fields_fillable_and_empty(dirty_file: Path, tmp_path: Path) -> None:
    report = clean_file(dirty_file, Options(keep_forms=True, scan=False, output_dir=tmp_path / "k"))
    assert report.status == "cleaned", report.error
    assert any("--keep-forms" in note for note in report.notes)
    output = Path(report.output)
    assert_every_reference_resolves(output)
    # The fields' names and tooltips are the form itself: they stay, and only they do.
    everything = b"".join(data for _, data in pdf_streams_and_objects(output))
    for kept in ("FIELD-NAME", "FIELD-TOOLTIP"):
        everything = everything.replace(dirty.marker(kept).encode(), b"")
        everything = everything.replace(dirty.marker(kept).replace("-", "\\055").encode(), b"")
    assert dirty.MARK not in everything, everything[everything.index(dirty.MARK) - 80 :][:200]
    assert b"Jane Fielding" not in everything
    with pikepdf.open(output) as pdf:
        form = pdf.Root.AcroForm
        assert "/XFA" not in form and len(form.Fields) == 2
        for field in form.Fields:
            assert "/V" not in field
        widgets = [a for a in pdf.pages[0].Annots if a.get("/Subtype") == "/Widget"]
        assert len(widgets) == 2
    assert "Jane Fielding" not in " ".join(page_texts(output))
    assert inspect_file(output, Options(keep_forms=True, scan=False)).metadata == []
    # The same file without the option is flattened: the value is drawn on the page.
    flat = clean_file(dirty_file, Options(scan=False, output_dir=tmp_path / "flat"))
    assert "Jane Fielding" in " ".join(page_texts(Path(flat.output)))


def test_keep_forms_unticks_checkboxes(tmp_path: Path) -> None:
    source = tmp_path / "checkbox.pdf"
    source.write_bytes(_checkbox_with_javascript())
    report = clean_file(source, Options(keep_forms=True, scan=False, output_dir=tmp_path / "k"))
    with pikepdf.open(report.output) as pdf:
        box, text_field = pdf.Root.AcroForm.Fields
        assert box.AS == "/Off" and "/V" not in box and "/A" not in box
        assert "/V" not in text_field and text_field.AP.N.read_bytes() == b""


def _opened(data: bytes, context: Context | None = None) -> PdfFile:
    """A PDF opened by the registry's cleaner, as the pipeline opens it."""
    registry = default_registry()
    cleaner = registry.for_kind("pdf")
    assert cleaner is not None
    parsed = cleaner.open(data, "pdf", context or Context(Options(scan=False), registry))
    assert isinstance(parsed, PdfFile)
    return parsed


def _edited(data: bytes, edit: Callable[[pikepdf.Pdf], None]) -> bytes:
    buffer = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        edit(pdf)
        pdf.save(buffer)
    return buffer.getvalue()


def _cleaned_pair() -> tuple[PdfFile, bytes]:
    original = _opened(dirty_pdf.plain_pdf(pages=2))
    return original, bytes(original.clean().data)


def test_verify_accepts_the_cleaned_copy() -> None:
    original, output = _cleaned_pair()
    original.verify(_opened(output, original.context))


def test_verify_refuses_changed_page_content() -> None:
    original, output = _cleaned_pair()

    def draw_more(pdf: pikepdf.Pdf) -> None:
        contents = pdf.pages[1].Contents
        contents.write(contents.read_bytes() + b"\nBT /F1 9 Tf 9 9 Td (added) Tj ET")

    with pytest.raises(VerificationError, match="content of PDF page 2"):
        original.verify(_opened(_edited(output, draw_more), original.context))


def test_verify_refuses_a_changed_or_missing_photo() -> None:
    original, output = _cleaned_pair()

    def other_photo(pdf: pikepdf.Pdf) -> None:
        image = pdf.pages[0].Resources.XObject.Im1
        image.write(dirty.dirty_jpeg(orientation=1, size=(64, 96)), filter=pikepdf.Name.DCTDecode)

    def no_photo(pdf: pikepdf.Pdf) -> None:
        del pdf.pages[0].Resources.XObject["/Im1"]

    for edit in (other_photo, no_photo):
        with pytest.raises(VerificationError, match="image /Im1 of PDF page 1"):
            original.verify(_opened(_edited(output, edit), original.context))


def test_photos_of_the_output_are_not_cleaned_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Three different photos: the re-inspection of the output meets three cleaned photos
    # that the nested pipeline has just verified, and reads them from its results.
    photos = [dirty.dirty_jpeg(orientation=1, size=(96 + 16 * i, 64)) for i in range(3)]
    source = tmp_path / "photos.pdf"
    source.write_bytes(dirty_pdf.plain_pdf(pages=3, jpeg=photos))
    calls: list[bytes] = []
    nested = Context.clean_nested

    def counted(self: Context, data: bytes, where: str = "") -> Nested:
        calls.append(data)
        return nested(self, data, where)

    monkeypatch.setattr(Context, "clean_nested", counted)
    report = clean_file(source, Options(scan=False, output_dir=tmp_path / "out"))
    assert report.status == "cleaned", report.error
    assert len(calls) == 3 and {len(data) for data in calls} == {len(p) for p in photos}
    # A new run (a new context) inspects the output's photos itself, and finds them clean.
    calls.clear()
    assert inspect_file(Path(report.output), Options(scan=False)).metadata == []
    assert len(calls) == 3


def test_a_verified_photo_vouches_only_for_its_own_bytes() -> None:
    photo = dirty.dirty_jpeg(orientation=1)
    original = _opened(dirty_pdf.plain_pdf(pages=1, jpeg=photo))
    original.clean()
    # The same context opens the dirty original again: its photo is still listed.
    again = _opened(original.data, original.context)
    assert any(item.location.startswith("PDF:Image/") for item in again.items())


def test_reader_reads_the_callers_bytes_without_a_copy() -> None:
    import tracemalloc

    photo = dirty.dirty_jpeg(orientation=1, size=(1600, 1200))
    data = dirty_pdf.plain_pdf(pages=2, jpeg=[photo, photo[:2] + b"\xff\xfe\x00\x03B" + photo[2:]])
    tracemalloc.start()
    try:
        parsed = _opened(data)
        assert len(parsed.pdf.pages) == 2
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # qpdf reads what it needs through the stream: the file is never copied whole.
    assert peak < len(data) / 2, (peak, len(data))


def test_names_that_are_not_utf8_are_walked(tmp_path: Path) -> None:
    """qpdf hands such names back as text it cannot take again: the walk reads them by
    items, and the file is cleaned (found by fuzzing)."""
    odd = (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R /A\xff\xfe 3 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [4 0 R] /Count 1 >>\nendobj\n"
        b"3 0 obj\n<< /PieceInfo (private) /B\xfe 5 >>\nendobj\n"
        b"4 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>\nendobj\n"
        b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )
    source = tmp_path / "odd.pdf"
    source.write_bytes(odd)
    report = clean_file(source, Options(scan=False))
    assert report.status == "cleaned", report.error
    assert b"private" not in Path(report.output).read_bytes()


def test_private_trailer_keys_are_listed_and_removed(tmp_path: Path) -> None:
    with pikepdf.open(io.BytesIO(dirty_pdf.plain_pdf(pages=1, with_photo=False))) as pdf:
        pdf.trailer.Tracking = pikepdf.String(dirty.marker("TRAILER-KEY"))
        source = tmp_path / "trailer.pdf"
        pdf.save(source)
    listed = inspect_file(source, Options(scan=False)).metadata
    assert any(item.location == "PDF:Trailer" and item.field == "Tracking" for item in listed)
    report = clean_file(source, Options(scan=False))
    assert report.status == "cleaned", report.error
    assert_pdf_has_no_markers(Path(report.output))
    with pikepdf.open(report.output) as pdf:
        assert set(pdf.trailer.keys()) <= {"/Root", "/Size", "/ID"}


def test_page_text_is_scanned_page_by_page(tmp_path: Path) -> None:
    """The text of each page, as PDFium reads it, is scanned with the page it is on."""
    pytest.importorskip("spacy")
    with pikepdf.open(io.BytesIO(dirty_pdf.plain_pdf(pages=2, with_photo=False))) as pdf:
        page = pdf.pages[1]
        page.Contents.write(
            page.Contents.read_bytes() + b"\nBT /F1 12 Tf 72 600 Td (Write to "
            b"jane.fielding@example.org) Tj ET"
        )
        source = tmp_path / "text.pdf"
        pdf.save(source)
    report = inspect_file(source)
    assert {(f.type, f.where) for f in report.findings} == {("EMAIL", "page 2")}


def _cleaned(pdf: pikepdf.Pdf, source: Path) -> Path:
    """``pdf`` saved as ``source``, then cleaned (metadata only): the cleaned copy."""
    pdf.save(source)
    report = clean_file(source, Options(scan=False))
    assert report.status == "cleaned", report.error
    return Path(report.output)


# -- found in review of the qpdf port ------------------------------------------------------
def _layered(drawing: bytes, streams: int = 1) -> pikepdf.Pdf:
    """A one-page PDF whose layer /MC0 is hidden by default, drawn by ``drawing``."""
    import zlib

    pdf = pikepdf.new()
    pdf.add_blank_page()
    page = pdf.pages[0].obj
    group = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.OCG, Name=pikepdf.String("h")))
    pdf.Root.OCProperties = pikepdf.Dictionary(
        OCGs=pikepdf.Array([group]), D=pikepdf.Dictionary(OFF=pikepdf.Array([group]))
    )
    page.Resources = pikepdf.Dictionary(Properties=pikepdf.Dictionary(MC0=group))
    content = pdf.make_stream(zlib.compress(drawing, 9), Filter=pikepdf.Name.FlateDecode)
    page.Contents = pikepdf.Array([content] * streams)
    return pdf


def test_a_drawing_that_would_parse_into_gigabytes_is_refused(tmp_path: Path) -> None:
    # 4 MB of "0 g" compress to a few kilobytes and parse into ~4 million objects; the
    # page lists the stream four times.
    drawing = b"/OC /MC0 BDC 0 g EMC\n" + b"0 g\n" * (1 << 20)
    source = tmp_path / "bomb.pdf"
    _layered(drawing, streams=4).save(source)
    assert source.stat().st_size < 50_000
    report = clean_file(source, Options(scan=False))
    assert report.status == "error" and "hidden layers" in (report.error or "")


def test_layer_names_that_are_not_utf8_are_cut(tmp_path: Path) -> None:
    pdf = _layered(b"/OC /MC#FF BDC BT /F1 9 Tf (HIDDEN-LAYER) Tj ET EMC")
    source = tmp_path / "names.pdf"
    pdf.save(source)
    raw = source.read_bytes().replace(b"/MC0", b"/MC\xff")  # the name, in the dictionary too
    source.write_bytes(raw.replace(b"/MC#FF", b"/MC#ff"))
    report = clean_file(source, Options(scan=False))
    assert report.status == "cleaned", report.error
    with pikepdf.open(report.output) as out:
        assert b"HIDDEN-LAYER" not in out.pages[0].Contents.read_bytes()


def test_a_hidden_widget_with_real_flags_is_not_drawn(tmp_path: Path) -> None:
    """/F 2.0 is Hidden for a viewer, as /F 2 is."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    drawing = pdf.make_stream(b"BT /F1 9 Tf (HIDDEN-VALUE) Tj ET", BBox=[0, 0, 100, 20])
    widget = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Widget,
            FT=pikepdf.Name.Tx,
            T=pikepdf.String("secret"),
            F=pikepdf.Object.parse(b"2.0"),
            Rect=[10, 10, 110, 30],
            AP=pikepdf.Dictionary(N=drawing),
        )
    )
    pdf.pages[0].obj.Annots = pikepdf.Array([widget])
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=[widget])
    output = _cleaned(pdf, tmp_path / "hidden.pdf")
    assert b"HIDDEN-VALUE" not in output.read_bytes()


def test_removed_annotations_named_by_the_structure_tree_go(tmp_path: Path) -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    note = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Text,
            T=pikepdf.String(dirty.marker("NOTE-AUTHOR")),
            Contents=pikepdf.String(dirty.marker("NOTE-TEXT")),
            Rect=[0, 0, 10, 10],
        )
    )
    pdf.pages[0].obj.Annots = pikepdf.Array([note])
    reference = pikepdf.Dictionary(Type=pikepdf.Name.OBJR, Obj=note)
    element = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.Annot, K=reference))
    pdf.Root.StructTreeRoot = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot, K=element)
    )
    output = _cleaned(pdf, tmp_path / "tagged.pdf")
    assert_pdf_has_no_markers(output)
    assert_every_reference_resolves(output)
