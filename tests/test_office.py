"""OOXML cleaner: DOCX, XLSX and PPTX leave with nothing but their visible content."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

import dirty
import dirty_office
from sanitize import Options, clean_file, inspect_file
from sanitize.cli import main

BUILDERS: dict[str, Callable[[], bytes]] = {
    "brief.docx": dirty_office.dirty_docx,
    "budget.xlsx": dirty_office.dirty_xlsx,
    "carousel.pptx": dirty_office.dirty_pptx,
}
PLANTED = {
    "brief.docx": [
        "DOCX-AUTHOR",
        "DOCX-COMPANY",
        "DOCX-MANAGER",
        "DOCX-TEMPLATE",
        "DOCX-HLINKBASE",
        "DOCX-CUSTOM",
        "COMMENT-AUTHOR",
        "COMMENT-TEXT",
        "PERSON",
        "DEL-AUTHOR",
        "DELETED-TEXT",
        "MOVED-AWAY",
        "FORMAT-AUTHOR",
        "HIDDEN-TEXT",
        "WINUSER",
        "DOCVAR",
        "GLOSSARY",
        "DOCX-CUSTOMXML",
        "DOCX-LABEL",
        "EXIF-GPS",
    ],
    "budget.xlsx": [
        "XLSX-AUTHOR",
        "XLSX-COMPANY",
        "XLSX-COMMENT",
        "XLSX-COMMENT-AUTHOR",
        "XLSX-THREAD",
        "XLSX-PERSON",
        "XLUSER",
        "DOCID",
        "PRINTER",
        "XLSX-REVISER",
        "XLSX-CUSTOM",
        "EXIF-GPS",
    ],
    "carousel.pptx": [
        "PPTX-AUTHOR",
        "PPTX-COMPANY",
        "SPEAKER-NOTES",
        "PPTX-COMMENT",
        "PPTX-COMMENT-AUTHOR",
        "PPTX-CUSTOMXML",
        "PPTX-CUSTOM",
        "EXIF-GPS",
    ],
}


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


@pytest.fixture(params=sorted(BUILDERS))
def office(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Path, Path]:
    name = request.param
    source = tmp_path / name
    source.write_bytes(BUILDERS[name]())
    report = clean_file(source)
    assert report.status == "cleaned", report.error
    return name, source, Path(report.output)


def test_fixture_plants_every_marker(office: tuple[str, Path, Path]) -> None:
    name, source, _ = office
    inflated = b"".join(members(source).values())
    for marker in PLANTED[name]:
        assert dirty.marker(marker).encode() in inflated, marker


def test_no_marker_in_any_inflated_member(office: tuple[str, Path, Path]) -> None:
    _, _, output = office
    for member, data in members(output).items():
        assert dirty.MARK not in data, f"marker left in {member}"


def test_no_author_date_or_revision_ids_left(office: tuple[str, Path, Path]) -> None:
    _, _, output = office
    for member, data in members(output).items():
        if member.endswith((".xml", ".rels")):
            for needle in (
                b"w:author",
                b"w:date=",
                b"w:rsid",
                b"w14:paraId",
                b"creationId",
                b"absPath",
                b"revisionPtr",
                b"<dc:creator",
                b"lastModifiedBy",
                b"dcterms:created",
            ):
                assert needle not in data, (member, needle)
    names = set(members(output))
    for removed in (
        "docProps/app.xml",
        "docProps/custom.xml",
        "docProps/thumbnail.jpeg",
        "word/comments.xml",
        "word/people.xml",
        "word/webSettings.xml",
        "word/glossary/document.xml",
        "customXml/item1.xml",
        "docMetadata/LabelInfo.xml",
        "xl/persons/person.xml",
        "ppt/commentAuthors.xml",
        "ppt/notesSlides/notesSlide1.xml",
    ):
        assert removed not in names


def test_relationships_and_content_types_consistent(office: tuple[str, Path, Path]) -> None:
    _, _, output = office
    parts = members(output)
    types = etree.fromstring(parts["[Content_Types].xml"])
    for override in types.iter("{*}Override"):
        assert override.get("PartName").lstrip("/") in parts
    for name, data in parts.items():
        if not name.endswith(".rels"):
            continue
        folder = (
            name.replace("_rels/", "").rsplit("/", 1)[0]
            if "/" in name.replace("_rels/", "")
            else ""
        )
        source = name.replace("_rels/", "")[: -len(".rels")]
        ids = set()
        for rel in etree.fromstring(data):
            ids.add(rel.get("Id"))
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target")
            import posixpath

            resolved = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(folder, target))
            )
            assert resolved in parts, f"{name} -> {target}"
        if source in parts:
            root = etree.fromstring(parts[source])
            for element in root.iter():
                for key, value in element.attrib.items():
                    if key.startswith(
                        "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
                    ):
                        assert value in ids, f"dangling {value} in {source}"


def test_opens_in_python_libraries(office: tuple[str, Path, Path]) -> None:
    name, _, output = office
    if name.endswith(".docx"):
        import docx

        docx.Document(str(output))
    elif name.endswith(".xlsx"):
        import openpyxl

        openpyxl.load_workbook(output)
    else:
        import pptx

        pptx.Presentation(str(output))


def test_zip_is_deterministic(office: tuple[str, Path, Path], tmp_path: Path) -> None:
    _, source, output = office
    again = clean_file(source, Options(output_dir=tmp_path / "again"))
    assert Path(again.output).read_bytes() == output.read_bytes()
    with zipfile.ZipFile(output) as archive:
        infos = archive.infolist()
        assert archive.comment == b""
    names = [info.filename for info in infos]
    assert names[0] == "[Content_Types].xml" and names[1:] == sorted(names[1:])
    for info in infos:
        assert info.date_time == (1980, 1, 1, 0, 0, 0)
        assert info.extra == b""


def test_idempotent(office: tuple[str, Path, Path], tmp_path: Path) -> None:
    _, _, output = office
    assert inspect_file(output).metadata == []
    again = clean_file(output, Options(output_dir=tmp_path / "twice"))
    assert again.status == "clean"
    assert Path(again.output).read_bytes() == output.read_bytes()


def test_embedded_photo_cleaned_losslessly(office: tuple[str, Path, Path]) -> None:
    _, source, output = office
    before = {n: d for n, d in members(source).items() if "/media/" in n}
    after = {n: d for n, d in members(output).items() if "/media/" in n}
    assert before.keys() == after.keys() and before
    for name in before:
        assert after[name][after[name].rindex(b"\xff\xda") :] in before[name]


def test_docx_visible_text(tmp_path: Path) -> None:
    import docx

    source = tmp_path / "brief.docx"
    source.write_bytes(dirty_office.dirty_docx())
    output = Path(clean_file(source).output)
    before, after = docx.Document(str(source)), docx.Document(str(output))
    assert [p.text for p in before.paragraphs[:3]] == [p.text for p in after.paragraphs[:3]]
    # Insertions accepted, deletions and moves dropped, hidden text and comment anchors gone.
    assert after.paragraphs[3].text == "Kept and inserted bold commented"
    cells = lambda d: [c.text for row in d.tables[0].rows for c in row.cells]  # noqa: E731
    assert cells(before) == cells(after)
    assert after.sections[0].header.paragraphs[0].text == "Header text"
    assert after.sections[0].footer.paragraphs[0].text == "Footer text"


def test_xlsx_values_kept_and_hidden_sheet_removed(tmp_path: Path) -> None:
    import openpyxl

    source = tmp_path / "budget.xlsx"
    source.write_bytes(dirty_office.dirty_xlsx())
    report = clean_file(source)
    before, after = openpyxl.load_workbook(source), openpyxl.load_workbook(report.output)
    assert after.sheetnames == ["Budget"]
    assert [[c.value for c in r] for r in before["Budget"].iter_rows()] == [
        [c.value for c in r] for r in after["Budget"].iter_rows()
    ]
    assert ("xl/workbook.xml", "HiddenSheet") in {
        (i.location, i.field) for i in inspect_file(source).metadata
    }
    kept = clean_file(source, Options(keep_hidden=True, output_dir=tmp_path / "kept"))
    assert openpyxl.load_workbook(kept.output).sheetnames == ["Budget", "Rates"]
    assert any("hidden sheet" in note and "Rates" in note for note in kept.notes)


def test_pptx_notes_removed_unless_kept(tmp_path: Path) -> None:
    import pptx

    source = tmp_path / "carousel.pptx"
    source.write_bytes(dirty_office.dirty_pptx())
    removed = pptx.Presentation(clean_file(source).output)
    assert not removed.slides[0].has_notes_slide
    assert [s.text_frame.text for s in removed.slides[0].shapes if s.has_text_frame] == [
        "Carousel, slide one",
        "Visible bullet text",
    ]
    kept_report = clean_file(source, Options(keep_notes=True, output_dir=tmp_path / "kept"))
    kept = pptx.Presentation(kept_report.output)
    assert kept.slides[0].notes_slide.notes_text_frame.text == dirty.marker("SPEAKER-NOTES")
    assert not any(
        i.field == "SpeakerNotes" for i in inspect_file(source, Options(keep_notes=True)).metadata
    )


def test_show_lists_locations(runner: CliRunner, tmp_path: Path) -> None:
    for name, build in BUILDERS.items():
        (tmp_path / name).write_bytes(build())
    result = runner.invoke(main, ["show", "--format", "json", str(tmp_path)])
    report = {Path(f["path"]).name: f for f in json.loads(result.stdout)["files"]}
    docx_fields = {(m["location"], m["field"]) for m in report["brief.docx"]["metadata"]}
    for expected in [
        ("docProps/core.xml", "creator"),
        ("docProps/app.xml", "Company"),
        ("word/document.xml", "TrackedDeletion"),
        ("word/document.xml", "HiddenText"),
        ("word/settings.xml", "attachedTemplate"),
        ("word/settings.xml", "DocumentVariable"),
    ]:
        assert expected in docx_fields
    assert any(
        m["location"].startswith("word/media/") and m["field"] == "GPSLatitude"
        for m in report["brief.docx"]["metadata"]
    )
    xlsx_fields = {m["field"] for m in report["budget.xlsx"]["metadata"]}
    assert {"absPath", "revisionPtr", "threadedComment"} <= xlsx_fields
    pptx_fields = {m["field"] for m in report["carousel.pptx"]["metadata"]}
    assert {"SpeakerNotes", "cmAuthor", "CreationIds"} <= pptx_fields
    assert {f["kind"] for f in report.values()} == {"docx", "xlsx", "pptx"}


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _with(source: bytes, name: str, data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(source)) as archive:
        entries = {n: archive.read(n) for n in archive.namelist()}
    entries[name] = data
    return _zip(entries)


def test_path_traversal_member_refused(tmp_path: Path) -> None:
    source = tmp_path / "evil.docx"
    source.write_bytes(_with(dirty_office.dirty_docx(), "../../evil.txt", b"x"))
    report = clean_file(source)
    assert report.status == "error" and "unsafe path" in report.error


def test_zip_bomb_refused(tmp_path: Path) -> None:
    source = tmp_path / "bomb.docx"
    source.write_bytes(_with(dirty_office.dirty_docx(), "word/media/bomb.bin", b"\0" * 50_000_000))
    assert source.stat().st_size < 1_000_000
    report = clean_file(source, Options(max_inflated_size=10_000_000))
    assert report.status == "error" and "zip bomb" in report.error


def test_entity_expansion_refused(tmp_path: Path) -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><w:document '
        b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">&b;</w:document>'
    )
    source = tmp_path / "laughs.docx"
    source.write_bytes(_with(dirty_office.dirty_docx(), "word/document.xml", laughs))
    report = clean_file(source)
    assert report.status == "error" and "entities" in report.error


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (.ci/run installs it)")
def test_libreoffice_converts_cleaned_files(tmp_path: Path) -> None:
    outputs = []
    for name, build in BUILDERS.items():
        source = tmp_path / name
        source.write_bytes(build())
        outputs.append(clean_file(source, Options(output_dir=tmp_path / "clean")).output)
    profile = tmp_path / "profile"
    result = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
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
    assert "Body text stays exactly as it is." in texts["brief"]
    assert "Shoot" in texts["budget"]
    assert "Visible bullet text" in texts["carousel"]
