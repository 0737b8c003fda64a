"""HTML, XHTML and CSS: planted MARKER values gone, the page shows the same, idempotent."""

from __future__ import annotations

import base64
import random
from pathlib import Path

import pytest
from lxml import etree

import dirty
from oracles import assert_no_markers, needs_exiftool
from sanitize import Options, clean_file, inspect_file
from sanitize.context import Context
from sanitize.errors import SanitizeError
from sanitize.filetype import detect
from sanitize.formats import css
from sanitize.registry import default_registry

NO_SCAN = Options(scan=False)
STRIP = Options(scan=False, strip_tracking=True)


def jpeg_uri() -> str:
    return "data:image/jpeg;base64," + base64.b64encode(dirty.dirty_jpeg()).decode()


def dirty_page() -> str:
    return f"""<!DOCTYPE html>
<!-- saved by MARKER-topcomment -->
<html lang="en" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width">
<meta name="author" content="MARKER-author">
<meta name="Generator" content="MARKER-generator">
<meta name="DC.creator" content="MARKER-dc">
<meta name="dcterms.modified" content="MARKER-date">
<meta property="article:author" content="MARKER-article-author">
<meta name="twitter:creator" content="@MARKER-handle">
<meta property="og:title" content="Public title">
<meta name="description" content="Public description">
<link rel="File-List" href="page_files/MARKER-filelist.xml">
<!--[if gte mso 9]><xml><o:DocumentProperties><o:Author>MARKER-word-author</o:Author></o:DocumentProperties></xml><![endif]-->
<title>Quarterly letter</title>
<style>
/* Author: MARKER-css-author */
p.MsoNormal {{ margin: 0; color: #333 }}
/*! Licence: kept on purpose */
/*# sourceMappingURL=/home/MARKER-user/site.css.map */
</style>
</head>
<body>
<p class="MsoNormal" style="mso-bidi-font-family:MARKER-mso;color:navy">Hello
<b id="docs-internal-guid-MARKER-gdocs">world</b><o:p>&nbsp;</o:p></p>
<![if !supportLists]><span>1.</span><![endif]>
<p data-block-id="MARKER-notion" data-pm-slice="MARKER-pm">Second paragraph</p>
<img src="photo.png" o:gfxdata="MARKER-gfx" alt="photo">
<img src="{jpeg_uri()}" alt="embedded">
<a href="file:///C:/Users/MARKER-local/doc.html">old link</a>
<a href="https://example.org/post?id=7&amp;utm_source=MARKER-utm&amp;fbclid=MARKER-fb#top">post</a>
<img src="https://tracker.example/MARKER-pixel.gif" width="1" height="1" alt="">
<script>var keep = 1;</script>
</body>
</html>
"""


def dirty_xhtml() -> str:
    return """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<!-- MARKER-prolog -->
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:o="urn:schemas-microsoft-com:office:office">
<head><meta charset="utf-8"/><meta name="generator" content="MARKER-gen"/><title>Chapter</title></head>
<body><p>Chapter one<o:p>&#160;</o:p><!-- MARKER-note --></p><br/></body>
</html>
"""


def visible(data: bytes) -> str:
    root = etree.fromstring(data, etree.HTMLParser())
    body = root.find(".//body")
    assert body is not None
    for node in body.iter("script", "style"):
        node.text = ""
    return " ".join("".join(body.itertext()).split())


def embedded_images(data: bytes) -> list[bytes]:
    root = etree.fromstring(data, etree.HTMLParser())
    return [
        base64.b64decode(img.get("src").split(",", 1)[1])
        for img in root.iter("img")
        if (img.get("src") or "").startswith("data:")
    ]


@pytest.fixture
def page(tmp_path: Path) -> Path:
    path = tmp_path / "letter.html"
    path.write_text(dirty_page(), encoding="utf-8")
    return path


def test_page_is_detected_and_listed(page: Path) -> None:
    assert detect(page.read_bytes()) == "html"
    report = inspect_file(page, NO_SCAN)
    assert report.kind == "html" and report.status == "dirty"
    fields = {(m.location, m.field) for m in report.metadata}
    for expected in [
        ("HTML:meta", "author"),
        ("HTML:meta", "generator"),
        ("HTML:meta", "dc.creator"),
        ("HTML:meta", "article:author"),
        ("HTML:style", "SourceMappingURL"),
        ("HTML:editor", "GoogleDocsId"),
        ("HTML:link", "LocalFilePath"),
        ("HTML:o", "gfxdata"),
    ]:
        assert expected in fields, expected
    assert any(m.location.startswith("HTML:data/EXIF") for m in report.metadata)
    assert any("TrackingParameter" in note for note in report.notes)
    assert any("TrackingPixel" in note for note in report.notes)


def test_strip_tracking_removes_every_marker(page: Path) -> None:
    report = clean_file(page, STRIP)
    assert report.status == "cleaned", report.error
    output = Path(report.output).read_bytes()
    assert_no_markers(output)
    for image in embedded_images(output):
        assert_no_markers(image)
    assert b"https://example.org/post?id=7#top" in output
    assert b"tracker.example" not in output
    # What the page shows is kept: public meta, title, licence comment, text, script.
    for kept in [
        b"og:title",
        b"Public description",
        b"Quarterly letter",
        b"Licence: kept",
        b"var keep = 1",
        b"color:navy",
        b"photo.png",
        b'lang="en"',
    ]:
        assert kept in output, kept
    assert visible(output) == visible(page.read_bytes())
    assert inspect_file(Path(report.output), STRIP).metadata == []


def test_without_strip_tracking_links_stay(page: Path) -> None:
    report = clean_file(page, NO_SCAN)
    assert report.status == "cleaned", report.error
    output = Path(report.output).read_bytes()
    assert b"utm_source=MARKER-utm" in output and b"MARKER-pixel" in output
    rest = output.replace(b"MARKER-utm", b"").replace(b"MARKER-fb", b"")
    assert_no_markers(rest.replace(b"MARKER-pixel", b""))
    again = inspect_file(Path(report.output), NO_SCAN)
    assert again.metadata == [] and any("TrackingPixel" in n for n in again.notes)


def test_page_cleaning_is_idempotent(page: Path, tmp_path: Path) -> None:
    first = Path(clean_file(page, STRIP).output)
    again = clean_file(first, Options(scan=False, strip_tracking=True, output_dir=tmp_path / "2"))
    assert again.status == "clean"
    assert Path(again.output).read_bytes() == first.read_bytes()


def test_clean_page_is_left_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "plain.html"
    path.write_bytes(b"<!doctype html>\n<title>x</title>\n<p class=a>Hi<br>there\n")
    report = clean_file(path, NO_SCAN)
    assert report.status == "clean"
    assert Path(report.output).read_bytes() == path.read_bytes()


def test_xhtml_stays_xml(tmp_path: Path) -> None:
    path = tmp_path / "chapter.xhtml"
    path.write_text(dirty_xhtml(), encoding="utf-8")
    assert detect(path.read_bytes()) == "html"
    report = clean_file(path, NO_SCAN)
    assert report.status == "cleaned", report.error
    output = Path(report.output).read_bytes()
    assert_no_markers(output)
    root = etree.fromstring(output)  # still well-formed XML
    assert root.tag == "{http://www.w3.org/1999/xhtml}html"
    assert b"<!DOCTYPE html>" in output and output.startswith(b"<?xml")
    assert b"urn:schemas-microsoft-com" not in output
    assert "Chapter one\xa0" in "".join(root.itertext())


def test_legacy_encoding_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "old.htm"
    page = '<html><head><meta charset="windows-1252"><meta name="author" content="MARKER-a">'
    page += "</head><body><p>Café déjà vu</p></body></html>"
    path.write_bytes(page.encode("cp1252"))
    report = clean_file(path, NO_SCAN)
    output = Path(report.output).read_bytes()
    assert_no_markers(output)
    assert "Café déjà vu".encode("cp1252") in output


def test_page_text_is_scanned_and_redacted(tmp_path: Path) -> None:
    path = tmp_path / "contact.html"
    path.write_text(
        "<!DOCTYPE html><html><head><title>t</title></head><body>"
        "<p>Write to <b>jane.doe@example.com</b> today</p><script>x='a@b.co'</script>"
        "</body></html>",
        encoding="utf-8",
    )
    report = inspect_file(path)
    assert [f.type for f in report.findings] == ["EMAIL"]
    redacted = clean_file(path, Options(redact=True))
    output = Path(redacted.output).read_bytes()
    assert b"jane.doe@example.com" not in output and b"[EMAIL]" in output
    assert b"x='a@b.co'" in output  # scripts are not text a reader sees


def test_drafts_with_tags_stay_text() -> None:
    assert detect(b"Notes: use <b>bold</b> here\n") == "text"
    assert detect(b"<p>fragment</p>\n") == "text"
    assert detect(b"<!-- c -->\n<!DOCTYPE html><p>x") == "html"
    assert detect(b"<html><body>x</body></html>") == "html"
    assert detect(b"\xef\xbb\xbf<?xml version='1.0'?><html xmlns='x'></html>") == "html"


def dirty_sheet() -> str:
    return """/* Author: MARKER-author, generated by MARKER-tool */
@import url(/*not-a-comment*/theme.css);
body{margin:0;content:"/* not a comment */"}
a/**/b{color:red}
div/* MARKER-glue */p{x:1}
/*! Licence MIT (c) kept */
/*# sourceMappingURL=/Users/MARKER-me/site.css.map */
"""


def test_css_comments_go_rules_stay(tmp_path: Path) -> None:
    path = tmp_path / "site.css"
    path.write_text(dirty_sheet(), encoding="utf-8")
    shown = inspect_file(path, NO_SCAN)
    assert shown.kind == "css" and len(shown.metadata) == 3
    assert any("licence" in note for note in shown.notes)
    report = clean_file(path, NO_SCAN)
    assert report.status == "cleaned", report.error
    output = Path(report.output).read_text(encoding="utf-8")
    assert_no_markers(output.encode())
    assert "url(/*not-a-comment*/theme.css)" in output
    assert '"/* not a comment */"' in output
    assert "div/**/p{x:1}" in output  # never glued into one selector token
    assert "/*! Licence MIT (c) kept */" in output
    assert css.without_comments(output) == css.without_comments(dirty_sheet())
    again = clean_file(Path(report.output), Options(scan=False, output_dir=tmp_path / "2"))
    assert again.status == "clean"
    assert Path(again.output).read_text(encoding="utf-8") == output


def test_css_is_chosen_by_name_only_for_text(tmp_path: Path) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("/* a comment */ body{}", encoding="utf-8")
    assert inspect_file(other, NO_SCAN).kind == "text"
    binary = tmp_path / "bad.css"
    binary.write_bytes(b"\x00\x01\x02 not css")
    assert inspect_file(binary, NO_SCAN).kind == "unknown"
    unclosed = tmp_path / "open.css"
    unclosed.write_text("a{b:c}\n/* MARKER-unclosed", encoding="utf-8")
    report = clean_file(unclosed, NO_SCAN)
    assert report.status == "cleaned"
    assert Path(report.output).read_text(encoding="utf-8") == "a{b:c}\n"


@needs_exiftool
def test_exiftool_sees_no_author_in_page(page: Path) -> None:
    from oracles import exiftool

    report = clean_file(page, STRIP)
    tags = exiftool(Path(report.output))
    left = [
        f"{k}={v}"
        for k, v in tags.items()
        if "MARKER" in str(v) or k.endswith((":Author", ":Generator", ":Creator"))
    ]
    assert left == []
    assert any("MARKER" in str(v) for v in exiftool(page).values())


@pytest.mark.parametrize("cut", [0.1, 0.33, 0.5, 0.9])
def test_truncated_pages_never_crash(cut: float, tmp_path: Path) -> None:
    data = dirty_page().encode()
    path = tmp_path / "cut.html"
    path.write_bytes(data[: int(len(data) * cut)])
    report = clean_file(path, STRIP)
    if report.status == "error":
        assert report.error and "\n" not in report.error and "internal" not in report.error
    else:
        assert report.status in ("clean", "cleaned")


def test_random_bytes_through_the_cleaners_give_one_line_errors() -> None:
    context = Context(STRIP, default_registry())
    rng = random.Random(7)
    for name in ("html", "css"):
        cleaner = default_registry().for_kind(name)
        assert cleaner is not None
        for size in (0, 1, 17, 300, 5000):
            data = bytes(rng.randrange(256) for _ in range(size))
            try:
                parsed = context.open(cleaner, data, name)
                context.call(cleaner, parsed.items)
                result = context.call(cleaner, parsed.clean)
                context.reopen_verified(cleaner, parsed, result.data)
            except SanitizeError as exc:
                assert "\n" not in str(exc)
