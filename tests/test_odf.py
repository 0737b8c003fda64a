"""OpenDocument cleaner: ODT, OTT, ODS, ODP and ODG leave with their visible content only."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

import dirty
import dirty_odf
from realworld import REALWORLD
from sanitize import Options, clean_file, filetype, inspect_file
from sanitize.cleaners.base import Replacement
from sanitize.cleaners.odf import OdfCleaner
from sanitize.cli import main
from sanitize.context import Context
from sanitize.registry import default_registry

M = dirty.marker
MANIFEST = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
EXIFTOOL = shutil.which("exiftool")
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
KINDS = {"report.odt": "odt", "model.ott": "ott", "budget.ods": "ods", "carousel.odp": "odp"}
KINDS["plan.odg"] = "odg"


def common(tag: str) -> list[str]:
    fields = "INITIAL-CREATOR CREATOR TITLE SUBJECT DESCRIPTION KEYWORD GENERATOR TEMPLATE"
    fields += " PRINTED-BY USER-FIELD PRINTER PRINTER-SETUP DATASOURCE USERPATH THUMBNAIL"
    fields += " UICONFIG MACRO-LIB MACRO PYTHON-MACRO LAYOUT-CACHE SIGNER UNLISTED"
    return [f"{tag}-{field}" for field in fields.split()]


ODT = [
    *common("ODT"),
    *common("OBJ")[:14],
    "ODT-XML-COMMENT",
    "RSID",
    "RSID2",
    "MACRO-BINDING",
    "ODT-DEL-AUTHOR",
    "ODT-DELETED-TEXT",
    "ODT-INS-AUTHOR",
    "ODT-COMMENT-AUTHOR",
    "ODT-COMMENT-TEXT",
    "EXIF-GPS",
]
PLANTED = {
    "report.odt": ODT,
    "model.ott": ODT,
    "budget.ods": [
        *common("ODS"),
        "ODS-CHANGE-AUTHOR",
        "ODS-PREVIOUS-VALUE",
        "ODS-COMMENT-AUTHOR",
        "ODS-COMMENT-TEXT",
    ],
    "carousel.odp": [
        *common("ODP"),
        "ODP-SPEAKER-NOTES",
        "ODP-COMMENT-AUTHOR",
        "ODP-COMMENT-TEXT",
        "EXIF-GPS",
    ],
    "plan.odg": [*common("ODG"), "ODG-COMMENT-AUTHOR", "ODG-COMMENT-TEXT"],
}


def members(path: Path | bytes) -> dict[str, bytes]:
    source = io.BytesIO(path) if isinstance(path, bytes) else path
    with zipfile.ZipFile(source) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


@pytest.fixture(params=sorted(dirty_odf.BUILDERS))
def odf(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Path, Path]:
    name = request.param
    source = tmp_path / name
    source.write_bytes(dirty_odf.BUILDERS[name]())
    report = clean_file(source)
    # "flagged": the planted e-mail address is still in the text (it is content).
    assert report.status in ("cleaned", "flagged"), report.error
    assert report.kind == KINDS[name]
    return name, source, Path(report.output)


def test_fixture_plants_every_marker(odf: tuple[str, Path, Path]) -> None:
    name, source, _ = odf
    inflated = b"".join(members(source).values())
    for marker in PLANTED[name]:
        assert M(marker).encode() in inflated, marker


def test_no_marker_in_any_inflated_member(odf: tuple[str, Path, Path]) -> None:
    _, _, output = odf
    for member, data in members(output).items():
        assert dirty.MARK not in data, f"marker left in {member}"


def test_removed_members_and_kept_structure(odf: tuple[str, Path, Path]) -> None:
    _, _, output = odf
    names = set(members(output))
    for gone in ("Thumbnails/", "Configurations2/", "Basic/", "Scripts/", "layout-cache"):
        assert not any(n.startswith(gone) for n in names), gone
    assert "META-INF/documentsignatures.xml" not in names
    assert {"mimetype", "content.xml", "styles.xml", "meta.xml", "META-INF/manifest.xml"} <= names
    for member, data in members(output).items():
        if member.endswith(".xml"):
            for needle in (b"<dc:creator", b"<dc:date", b"officeooo:rsid", b"tracked-changes"):
                assert needle not in data, (member, needle)


def test_mimetype_first_stored_and_zip_deterministic(
    odf: tuple[str, Path, Path], tmp_path: Path
) -> None:
    name, source, output = odf
    with zipfile.ZipFile(output) as archive:
        infos = archive.infolist()
        assert infos[0].filename == "mimetype"
        assert infos[0].compress_type == zipfile.ZIP_STORED and infos[0].extra == b""
        assert (
            archive.read("mimetype")
            .decode()
            .endswith(
                {"odt": "text", "ott": "text-template", "ods": "spreadsheet"}.get(KINDS[name], "")
            )
        )
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in infos)
    # The first member's data sits at byte 38, where readers sniff the type.
    assert output.read_bytes()[30:38] == b"mimetype"
    again = clean_file(source, Options(output_dir=tmp_path / "again"))
    assert Path(again.output).read_bytes() == output.read_bytes()


def test_manifest_lists_exactly_the_members(odf: tuple[str, Path, Path]) -> None:
    _, _, output = odf
    parts = members(output)
    manifest = etree.fromstring(parts["META-INF/manifest.xml"])
    listed = {e.get(f"{{{MANIFEST}}}full-path") for e in manifest.iter(f"{{{MANIFEST}}}file-entry")}
    files = {p for p in listed if p and not p.endswith("/")}
    assert files == set(parts) - {"mimetype", "META-INF/manifest.xml"}
    for folder in (p for p in listed if p and p.endswith("/") and p != "/"):
        assert any(name.startswith(folder) for name in parts), folder


def test_idempotent(odf: tuple[str, Path, Path], tmp_path: Path) -> None:
    _, _, output = odf
    assert inspect_file(output).metadata == []
    again = clean_file(output, Options(output_dir=tmp_path / "twice"))
    assert again.status in ("clean", "flagged") and again.metadata == []
    assert Path(again.output).read_bytes() == output.read_bytes()


def test_embedded_photo_cleaned_losslessly(odf: tuple[str, Path, Path]) -> None:
    _, source, output = odf
    before = {n: d for n, d in members(source).items() if n.startswith("Pictures/")}
    after = {n: d for n, d in members(output).items() if n.startswith("Pictures/")}
    assert before.keys() == after.keys()
    for name in before:
        assert after[name][after[name].rindex(b"\xff\xda") :] in before[name]


def test_opens_in_odfpy(odf: tuple[str, Path, Path]) -> None:
    from odf import teletype, text
    from odf.opendocument import load

    _, _, output = odf
    document = load(str(output))
    paragraphs = [teletype.extractText(p) for p in document.getElementsByType(text.P)]
    assert paragraphs


def test_odt_visible_text(tmp_path: Path) -> None:
    from odf import teletype, text
    from odf.opendocument import load

    source = tmp_path / "report.odt"
    source.write_bytes(dirty_odf.dirty_odt())
    document = load(clean_file(source).output)
    texts = [teletype.extractText(p) for p in document.getElementsByType(text.P)]
    heading = [teletype.extractText(h) for h in document.getElementsByType(text.H)]
    assert heading == ["Quarterly report"]
    # Insertion accepted, deletion dropped, comment gone with its anchor; the rest as it was.
    for expected in (
        "Body text stays exactly as it is.",
        "Kept and inserted bold words.",
        "Commented word ends here.",
        "Write to jean.dupont@orange.fr for the files.",
        "Footnote text.",
        "Hidden section text",
        "Header text",
        "Footer text",
    ):
        assert expected in texts, expected
    assert "Kept and inserted bold words." in texts


def test_kinds_detected_from_the_mimetype_member() -> None:
    for name, build in dirty_odf.BUILDERS.items():
        assert filetype.detect(build()) == KINDS[name]
    formula = dirty_odf.package("formula", {"content.xml": "<x/>", "styles.xml": "<x/>"})
    assert filetype.detect(formula) == "odf"  # known, not handled


def test_show_lists_locations_and_remarks(runner: CliRunner, tmp_path: Path) -> None:
    for name, build in dirty_odf.BUILDERS.items():
        (tmp_path / name).write_bytes(build())
    result = runner.invoke(main, ["show", "--format", "json", str(tmp_path)])
    report = {Path(f["path"]).name: f for f in json.loads(result.stdout)["files"]}
    odt = {(m["location"], m["field"]) for m in report["report.odt"]["metadata"]}
    for expected in [
        ("meta.xml", "initial-creator"),
        ("meta.xml", "printed-by"),
        ("meta.xml", "user-defined Client"),
        ("settings.xml", "PrinterName"),
        ("content.xml", "Comment"),
        ("content.xml", "TrackedChange"),
        ("content.xml", "MacroBinding"),
        ("Object 1/meta.xml", "creator"),
        ("Basic/Standard/Module1.xml", "Macro"),
        ("Thumbnails/thumbnail.png", "Thumbnail"),
        ("notes-to-self.txt", "UnlistedMember"),
        ("META-INF/documentsignatures.xml", "DigitalSignature"),
    ]:
        assert expected in odt, expected
    assert ("Pictures/photo.jpg:EXIF:GPS", "GPSLatitude") in odt
    notes = report["report.odt"]["notes"]
    assert any("macros removed" in n for n in notes)
    assert any("hidden section" in n and "Draft" in n for n in notes)
    assert any("hidden sheet" in n and "Rates" in n for n in report["budget.ods"]["notes"])
    assert any("hidden slide" in n for n in report["carousel.odp"]["notes"])
    odp = {m["field"] for m in report["carousel.odp"]["metadata"]}
    assert {"SpeakerNotes", "Comment"} <= odp
    assert {f["kind"] for f in report.values()} == set(KINDS.values())


def test_text_findings_say_where(runner: CliRunner, tmp_path: Path) -> None:
    for name in ("report.odt", "budget.ods", "carousel.odp"):
        (tmp_path / name).write_bytes(dirty_odf.BUILDERS[name]())
    result = runner.invoke(main, ["check", "--format", "json", str(tmp_path)])
    report = {Path(f["path"]).name: f for f in json.loads(result.stdout)["files"]}
    where = {
        name: {f["where"] for f in r["findings"] if f["type"] == "EMAIL"}
        for name, r in report.items()
    }
    assert where["report.odt"] == {"content.xml"}
    assert where["budget.ods"] == {"Budget!B5"}
    assert where["carousel.odp"] == {"slide 2"}


def test_redaction_keeps_formatting(tmp_path: Path) -> None:
    source = tmp_path / "report.odt"
    source.write_bytes(dirty_odf.dirty_odt())
    report = clean_file(source, Options(redact=True))
    assert report.status in ("cleaned", "flagged"), report.error
    content = members(Path(report.output))["content.xml"]
    assert b"jean.dupont@orange.fr" not in content
    # The replacement sits in the bold span that held the address.
    assert re.search(rb'<text:span text:style-name="T1">[^<]+</text:span> for the files', content)
    assert b"Body text stays exactly as it is." in content


def test_redacting_a_number_cell_makes_it_text() -> None:
    context = Context(Options(), default_registry())
    parsed = OdfCleaner().open(dirty_odf.dirty_ods(), "ods", context)
    parts = parsed.text_parts()
    budget = parts[0]
    start = budget.text.index("1200")
    assert budget.label_at(start) == "Budget!B2"
    replacements = [[Replacement(start, start + 4, "[AMOUNT]")]] + [[] for _ in parts[1:]]
    content = members(parsed.redact(replacements))["content.xml"]
    cell = re.search(
        rb"<table:table-cell[^>]*>(?:(?!</table:table-cell>).)*\[AMOUNT\]", content, re.S
    )
    assert cell is not None
    assert b'office:value-type="string"' in cell.group(0) and b"office:value=" not in cell.group(0)


def test_odp_notes_kept_on_request(tmp_path: Path) -> None:
    source = tmp_path / "carousel.odp"
    source.write_bytes(dirty_odf.dirty_odp())
    report = clean_file(source, Options(keep_notes=True, output_dir=tmp_path / "kept"))
    content = members(Path(report.output))["content.xml"]
    assert M("ODP-SPEAKER-NOTES").encode() in content
    assert M("ODP-COMMENT-TEXT").encode() not in content
    assert not any(i.field == "SpeakerNotes" for i in report.metadata)


def _zip(entries: dict[str, bytes], stored_first: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _with(source: bytes, name: str, data: bytes) -> bytes:
    entries = members(source)
    entries[name] = data
    return _zip(entries)


@pytest.mark.parametrize(
    ("name", "data", "options", "expected"),
    [
        ("../../evil.txt", b"x", Options(), "unsafe path"),
        (
            "Pictures/bomb.bin",
            b"\0" * 50_000_000,
            Options(max_inflated_size=10_000_000),
            "zip bomb",
        ),
        (
            "content.xml",
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
            b"<d>&b;</d>",
            Options(),
            "entities",
        ),
        (
            "META-INF/manifest.xml",
            b"<manifest:manifest "
            b'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            b'<manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data/>'
            b"</manifest:file-entry></manifest:manifest>",
            Options(),
            "password-protected",
        ),
        ("content.xml", b"<office:document-content>", Options(), "not well-formed"),
    ],
)
def test_hostile_packages_give_one_line_errors(
    tmp_path: Path, name: str, data: bytes, options: Options, expected: str
) -> None:
    source = tmp_path / "hostile.odt"
    source.write_bytes(_with(dirty_odf.dirty_odt(), name, data))
    report = clean_file(source, options)
    assert report.status == "error" and expected in report.error, report.error
    assert "\n" not in report.error and "Traceback" not in report.error


def test_truncated_package_is_an_error(tmp_path: Path) -> None:
    data = dirty_odf.dirty_odt()
    source = tmp_path / "cut.odt"
    source.write_bytes(data[: len(data) // 2])
    report = clean_file(source)
    assert report.status in ("error", "unsupported")
    assert report.status == "unsupported" or "\n" not in report.error


def _convert(outputs: list[str], folder: Path) -> dict[str, str]:
    from pypdf import PdfReader

    assert SOFFICE is not None
    result = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder / "pdf"),
            *outputs,
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return {
        p.stem: " ".join(page.extract_text() for page in PdfReader(p).pages)
        for p in (folder / "pdf").glob("*.pdf")
    }


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (.ci/run installs it)")
def test_libreoffice_converts_cleaned_files(tmp_path: Path) -> None:
    outputs = []
    for name, build in dirty_odf.BUILDERS.items():
        source = tmp_path / name
        source.write_bytes(build())
        outputs.append(clean_file(source, Options(output_dir=tmp_path / "clean")).output)
    texts = _convert(outputs, tmp_path)
    assert "Body text stays exactly as it is." in texts["report"]
    assert "Kept and inserted bold words." in texts["report"]
    assert "Shoot" in texts["budget"]
    assert "Visible bullet text" in texts["carousel"]
    assert "Drawing label" in texts["plan"]


# -- files made by real software ---------------------------------------------------------
REAL_FILES = sorted(
    p for kind in ("odt", "ods", "odp", "odg") for p in (REALWORLD / kind).glob("*.od?")
)
# Files expected to be refused, with the reason (none so far: all of them clean).
EXPECTED_ERRORS: dict[str, str] = {}
# ExifTool tag names that would mean a personal field or a date was left.
PERSONAL = re.compile(
    r"creator|author|date|generator|editing|printed|template|user-?defined|keyword|"
    r"title|subject|description",
    re.I,
)


def _exiftool(path: Path) -> dict[str, object]:
    assert EXIFTOOL is not None
    result = subprocess.run(
        [EXIFTOOL, "-a", "-G1", "-j", str(path)], capture_output=True, text=True, check=True
    )
    data: dict[str, object] = json.loads(result.stdout)[0]
    return data


def _personal_tags(path: Path) -> list[str]:
    return [
        tag
        for tag in _exiftool(path)
        if tag.split(":")[0] not in ("System", "File", "ZIP", "ExifTool", "SourceFile")
        and PERSONAL.search(tag.split(":")[-1])
    ]


@pytest.mark.skipif(not REAL_FILES, reason=f"no real ODF files in {REALWORLD}")
@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_real_files_clean_and_verify(path: Path, tmp_path: Path) -> None:
    report = clean_file(path, Options(output_dir=tmp_path))
    if path.name in EXPECTED_ERRORS:
        assert report.status == "error" and EXPECTED_ERRORS[path.name] in report.error
        return
    assert report.status in ("cleaned", "flagged", "clean"), report.error
    output = Path(report.output)
    assert inspect_file(output).metadata == []
    before, after = members(path), members(output)
    assert "content.xml" in after and not any(n.startswith("Thumbnails/") for n in after)
    # The text a reader sees is the same (these files carry no comment or tracked change).
    from odf import teletype, text
    from odf.opendocument import load

    def paragraphs(document_path: Path) -> list[str]:
        document = load(str(document_path))
        return [teletype.extractText(p) for p in document.getElementsByType(text.P)]

    assert paragraphs(output) == paragraphs(path)
    assert len(after) <= len(before)
    if EXIFTOOL is not None:
        assert _personal_tags(output) == [], _exiftool(output)


@pytest.mark.slow
@pytest.mark.skipif(not REAL_FILES, reason=f"no real ODF files in {REALWORLD}")
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (.ci/run installs it)")
def test_real_files_convert_in_libreoffice(tmp_path: Path) -> None:
    outputs = []
    for path in REAL_FILES:
        if path.name in EXPECTED_ERRORS:
            continue
        outputs.append(clean_file(path, Options(output_dir=tmp_path / "clean")).output)
    texts = _convert(outputs, tmp_path)
    assert set(texts) == {Path(o).stem for o in outputs}
