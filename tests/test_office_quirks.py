"""Office files as real software writes them: defects Word tolerates, macro-enabled files
and templates, ISO Strict, embedded OLE objects, hidden slides and sheets, picture names."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import olefile
import pytest
from click.testing import CliRunner
from lxml import etree

import dirty
import dirty_office
from dirty_office import Patcher
from sanitize import Options, clean_file, inspect_file
from sanitize.cli import main
from sanitize.filetype import detect

S_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def members(path: Path | bytes) -> dict[str, bytes]:
    source = io.BytesIO(path) if isinstance(path, bytes) else path
    with zipfile.ZipFile(source) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def assert_no_marker(path: Path) -> None:
    for member, data in members(path).items():
        assert dirty.MARK not in data, f"marker left in {member}"
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            # OLE streams may hold UTF-16 text too.
            assert "MARKER".encode("utf-16-le") not in data, member


def clean(tmp_path: Path, name: str, data: bytes, **options: object) -> tuple[Path, list[str]]:
    source = tmp_path / name
    source.write_bytes(data)
    report = clean_file(source, Options(output_dir=tmp_path / "out", scan=False, **options))  # type: ignore[arg-type]
    assert report.status == "cleaned", report.error
    return Path(report.output or ""), report.notes


# -- what Word and LibreOffice tolerate --------------------------------------------------------
def test_relationship_to_missing_part_dropped_with_a_note(tmp_path: Path) -> None:
    import docx

    patch = Patcher(dirty_office.dirty_docx())
    del patch.parts["word/fontTable.xml"]  # the relationship to it stays
    output, notes = clean(tmp_path, "fonts.docx", patch.bytes())
    assert any("missing parts" in n and "word/fontTable.xml" in n for n in notes)
    assert b"fontTable" not in members(output)["word/_rels/document.xml.rels"]
    assert docx.Document(str(output)).paragraphs[0].text == "Proposal for the spring campaign"
    assert_no_marker(output)


def test_empty_part_treated_as_absent(tmp_path: Path) -> None:
    import docx

    patch = Patcher(dirty_office.dirty_docx())
    patch.parts["word/fontTable.xml"] = b""
    patch.parts["word/webSettings.xml"] = b"  \r\n"
    output, notes = clean(tmp_path, "empty.docx", patch.bytes())
    assert any("empty part" in n and "word/fontTable.xml" in n for n in notes)
    assert "word/fontTable.xml" not in members(output)
    docx.Document(str(output))


def test_package_without_content_types_is_rebuilt(tmp_path: Path) -> None:
    import docx
    import pptx

    for name, build, opener in (
        ("no-types.docx", dirty_office.dirty_docx, lambda p: docx.Document(str(p))),
        ("no-types.pptx", dirty_office.dirty_pptx, lambda p: pptx.Presentation(str(p))),
    ):
        patch = Patcher(build())
        del patch.parts["[Content_Types].xml"]
        data = patch.bytes()
        assert detect(data) == name.rsplit(".", 1)[1]
        output, notes = clean(tmp_path, name, data)
        assert any("[Content_Types].xml was missing" in n for n in notes)
        parts = members(output)
        types = etree.fromstring(parts["[Content_Types].xml"])
        for override in types.iter("{*}Override"):
            assert override.get("PartName", "").lstrip("/") in parts
        opener(output)
        assert_no_marker(output)


def test_truly_broken_package_is_one_clear_line(tmp_path: Path) -> None:
    patch = Patcher(dirty_office.dirty_docx())
    patch.parts["word/document.xml"] = b""
    source = tmp_path / "broken.docx"
    source.write_bytes(patch.bytes())
    report = clean_file(source, Options(output_dir=tmp_path / "out", scan=False))
    assert report.status == "error"
    assert "main part word/document.xml" in (report.error or "")
    assert "\n" not in (report.error or "")
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


# -- macro-enabled files and templates ---------------------------------------------------------
def test_docm_macros_kept_and_reported(tmp_path: Path) -> None:
    data = dirty_office.macro_docx()
    assert detect(data) == "docm"
    output, notes = clean(tmp_path, "brief.docm", data)
    assert any("macros kept" in n and "Module1" in n for n in notes)
    parts = members(output)
    assert "word/vbaProject.bin" in parts
    with olefile.OleFileIO(io.BytesIO(parts["word/vbaProject.bin"])) as ole:
        assert b"Module=Module1" in ole.openstream("PROJECT").read()
    assert detect(output.read_bytes()) == "docm"
    assert_no_marker(output)
    assert inspect_file(output, Options(scan=False)).metadata == []


@pytest.mark.parametrize(
    ("suffix", "build", "old", "new"),
    [
        (
            "dotx",
            dirty_office.dirty_docx,
            "wordprocessingml.document.main+xml",
            "wordprocessingml.template.main+xml",
        ),
        (
            "xltx",
            dirty_office.dirty_xlsx,
            "spreadsheetml.sheet.main+xml",
            "spreadsheetml.template.main+xml",
        ),
        (
            "potx",
            dirty_office.dirty_pptx,
            "presentationml.presentation.main+xml",
            "presentationml.template.main+xml",
        ),
    ],
)
def test_templates_cleaned_like_documents(
    tmp_path: Path, suffix: str, build: object, old: str, new: str
) -> None:
    patch = Patcher(build())  # type: ignore[operator]
    patch.replace("[Content_Types].xml", old, new)
    data = patch.bytes()
    assert detect(data) == suffix
    output, _ = clean(tmp_path, f"template.{suffix}", data)
    assert_no_marker(output)


# -- ISO/IEC 29500 Strict ----------------------------------------------------------------------
def test_strict_document_cleaned_like_transitional(tmp_path: Path) -> None:
    data = dirty_office.strict(dirty_office.dirty_docx())
    assert b"purl.oclc.org/ooxml/wordprocessingml/main" in members(data)["word/document.xml"]
    output, _ = clean(tmp_path, "strict.docx", data)
    assert_no_marker(output)
    parts = members(output)
    assert "docProps/app.xml" not in parts and "docProps/custom.xml" not in parts
    document = parts["word/document.xml"]
    assert b"purl.oclc.org/ooxml/wordprocessingml/main" in document
    assert b"schemas.openxmlformats.org/wordprocessingml/2006/main" not in document
    assert b"Body text stays exactly as it is." in document
    assert inspect_file(output, Options(scan=False)).metadata == []


# -- embedded OLE objects ----------------------------------------------------------------------
def test_embedded_ole_property_streams_emptied(tmp_path: Path) -> None:
    data = dirty_office.with_ole_objects(dirty_office.dirty_docx(), "word", "word/document.xml")
    fields = {
        (i.location, i.field, i.value)
        for i in inspect_file_bytes(tmp_path, "ole.docx", data).metadata
    }
    assert (
        "word/embeddings/oleObject1.bin:SummaryInformation",
        "Author",
        dirty.marker("OBJ-OLE-AUTHOR"),
    ) in fields
    output, _ = clean(tmp_path, "ole.docx", data)
    assert_no_marker(output)
    before, after = members(data), members(output)
    for name in (
        "word/embeddings/oleObject1.bin",
        "word/embeddings/Microsoft_Excel_97-2003_Worksheet.xls",
    ):
        assert len(after[name]) == len(before[name])
        with olefile.OleFileIO(io.BytesIO(after[name])) as ole:
            assert ole.openstream("WordDocument").read() == b"visible content " * 8
            assert ole.getproperties("\x05SummaryInformation") == {}
            assert ole.get_metadata().author is None


def inspect_file_bytes(tmp_path: Path, name: str, data: bytes):  # type: ignore[no-untyped-def]
    path = tmp_path / "inspect" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    return inspect_file(path, Options(scan=False))


# -- hidden slides -----------------------------------------------------------------------------
def hidden_slides_pptx() -> bytes:
    import pptx

    presentation = pptx.Presentation()
    for title in ("First", dirty.marker("HIDDEN-SLIDE"), "Third"):
        slide = presentation.slides.add_slide(presentation.slide_layouts[1])
        slide.shapes.title.text = title
    hidden = presentation.slides[1]
    hidden._element.set("show", "0")
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()


def test_hidden_slide_removed_unless_kept(tmp_path: Path) -> None:
    import pptx

    data = hidden_slides_pptx()
    output, _ = clean(tmp_path, "deck.pptx", data)
    assert_no_marker(output)
    titles = [s.shapes.title.text for s in pptx.Presentation(str(output)).slides]
    assert titles == ["First", "Third"]
    kept_source = tmp_path / "kept.pptx"
    kept_source.write_bytes(data)
    kept = clean_file(kept_source, Options(keep_hidden=True, output_dir=tmp_path / "k", scan=False))
    assert kept.status == "cleaned", kept.error
    assert len(pptx.Presentation(kept.output).slides) == 3
    assert any("hidden slides kept" in n for n in kept.notes)


# -- hidden sheets -----------------------------------------------------------------------------
def hidden_sheets_xlsx(validation: bool = False) -> bytes:
    import openpyxl
    from openpyxl.workbook.defined_name import DefinedName

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Budget"
    sheet["A1"], sheet["B1"], sheet["C1"], sheet["D1"] = "Total", "=Rates!A1*2", "=Rate+1", 7
    rates = workbook.create_sheet("Rates")
    rates["A1"] = 42
    rates["A2"] = dirty.marker("HIDDEN-SHEET")
    rates.sheet_state = "hidden"
    secret = workbook.create_sheet("Secret")
    secret["A1"] = dirty.marker("VERY-HIDDEN-SHEET")
    secret.sheet_state = "veryHidden"
    workbook.defined_names["Rate"] = DefinedName("Rate", attr_text="Rates!$A$1")
    if validation:
        from openpyxl.worksheet.datavalidation import DataValidation

        rule = DataValidation(type="list", formula1="Rates!$A$1:$A$2")
        sheet.add_data_validation(rule)
        rule.add("E1")
    buffer = io.BytesIO()
    workbook.save(buffer)
    patch = Patcher(buffer.getvalue())
    # Excel saves the value it computed beside each formula; openpyxl does not.
    patch.replace(
        "xl/worksheets/sheet1.xml", "<f>Rates!A1*2</f><v></v>", "<f>Rates!A1*2</f><v>84</v>"
    )
    patch.replace("xl/worksheets/sheet1.xml", "<f>Rate+1</f><v></v>", "<f>Rate+1</f><v>43</v>")
    return patch.bytes()


def test_hidden_sheets_removed_after_formulas_become_values(tmp_path: Path) -> None:
    import openpyxl

    output, notes = clean(tmp_path, "budget.xlsx", hidden_sheets_xlsx())
    assert_no_marker(output)
    workbook = openpyxl.load_workbook(output)
    assert workbook.sheetnames == ["Budget"]
    assert [c.value for c in workbook["Budget"][1]] == ["Total", 84, 43, 7]
    assert "Rate" not in workbook.defined_names
    assert any("replaced 2 formula(s)" in n for n in notes)
    workbook_xml = members(output)["xl/workbook.xml"]
    assert b"Rates" not in workbook_xml and b"Secret" not in workbook_xml


def test_hidden_sheet_still_read_by_a_list_is_kept_and_reported(tmp_path: Path) -> None:
    import openpyxl

    output, notes = clean(tmp_path, "lists.xlsx", hidden_sheets_xlsx(validation=True))
    assert openpyxl.load_workbook(output).sheetnames == ["Budget", "Rates"]
    assert any("hidden sheet kept" in n and "Rates" in n for n in notes)
    assert dirty.marker("VERY-HIDDEN-SHEET").encode() not in b"".join(members(output).values())


# -- picture names -----------------------------------------------------------------------------
def test_picture_file_names_neutral_alt_text_kept(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_picture(io.BytesIO(dirty.dirty_jpeg(orientation=1)))
    document.add_picture(io.BytesIO(dirty.dirty_jpeg(orientation=1)))
    buffer = io.BytesIO()
    document.save(buffer)
    patch = Patcher(buffer.getvalue())
    text = patch.parts["word/document.xml"].decode()
    properties = re.findall(r"<wp:docPr [^>]*/>", text)
    assert len(properties) == 2
    path = f"C:\\Users\\{dirty.marker('PICTURE-USER')}\\Pictures\\IMG_1234.JPG"
    text = text.replace(properties[0], f'<wp:docPr id="1" name="IMG_1234.JPG" descr="{path}"/>')
    text = text.replace(
        properties[1], '<wp:docPr id="2" name="Picture 2" descr="A red bicycle against a wall"/>'
    )
    patch.parts["word/document.xml"] = text.encode()
    output, _ = clean(tmp_path, "pictures.docx", patch.bytes())
    assert_no_marker(output)
    document_xml = members(output)["word/document.xml"].decode()
    assert 'name="Picture 1" descr="Picture 1"' in document_xml
    assert 'descr="A red bicycle against a wall"' in document_xml
    assert "IMG_1234" not in document_xml
    docx.Document(str(output))


def test_new_options_on_the_command_line(tmp_path: Path) -> None:
    import json

    source = tmp_path / "deck.pptx"
    source.write_bytes(hidden_slides_pptx())

    def fields(*flags: str) -> set[str]:
        result = CliRunner().invoke(
            main, ["show", "--format", "json", "--no-cache", *flags, str(source)]
        )
        assert result.exit_code in (0, 1), result.output
        return {m["field"] for m in json.loads(result.stdout)["files"][0]["metadata"]}

    assert "HiddenSlide" in fields()
    assert "HiddenSlide" not in fields("--keep-hidden")


# -- LibreOffice opens every output ------------------------------------------------------------
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (.ci/run installs it)")
def test_libreoffice_converts_quirky_outputs(tmp_path: Path) -> None:
    no_types = Patcher(dirty_office.dirty_docx())
    del no_types.parts["[Content_Types].xml"]
    sources = {
        "macros.docm": dirty_office.macro_docx(),
        "strict.docx": dirty_office.strict(dirty_office.dirty_docx()),
        "notypes.docx": no_types.bytes(),
        "deck.pptx": hidden_slides_pptx(),
        "budget.xlsx": hidden_sheets_xlsx(),
        "ole.docx": dirty_office.with_ole_objects(
            dirty_office.dirty_docx(), "word", "word/document.xml"
        ),
    }
    outputs = [str(clean(tmp_path, name, data)[0]) for name, data in sources.items()]
    result = subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            *outputs,
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    from pypdf import PdfReader

    texts = {
        p.stem: " ".join(page.extract_text() for page in PdfReader(p).pages)
        for p in (tmp_path / "pdf").glob("*.pdf")
    }
    assert set(texts) == {Path(o).stem for o in outputs}
    for stem in ("macros", "strict", "notypes", "ole"):
        assert "Body text stays exactly as it is." in texts[stem], stem
    assert "First" in texts["deck"] and "Third" in texts["deck"]
    assert "84" in texts["budget"]
