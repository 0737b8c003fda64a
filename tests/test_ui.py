"""The web page's server without a browser: groups, places, settings, the guard, the API."""

from __future__ import annotations

import io
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner

import dirty
import dirty_office

pytest.importorskip("starlette", reason="the ui extra is not installed")
from starlette.testclient import TestClient  # noqa: E402

from sanitize import config as config_module  # noqa: E402
from sanitize.cli import main  # noqa: E402
from sanitize.report import MetadataItem  # noqa: E402
from sanitize.ui import groups, places, settings  # noqa: E402
from sanitize.ui.app import State, create_app  # noqa: E402
from sanitize.ui.guard import Guard  # noqa: E402
from sanitize.ui.store import LIFETIME, Store, safe_name  # noqa: E402

PORT = 8123
TOKEN = "test-token"


@pytest.fixture(autouse=True)
def user_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "user" / "config.toml"
    monkeypatch.setenv("SANITIZE_USER_CONFIG", str(path))
    config_module.find.cache_clear()
    yield path
    config_module.find.cache_clear()


@pytest.mark.parametrize(
    ("location", "field", "group"),
    [
        ("EXIF:GPS", "GPSLatitude", "location"),
        ("word/media/image1.jpg:EXIF:GPS", "GPSAltitude", "location"),
        ("IPTC", "City", "location"),
        ("QuickTime", "com.apple.quicktime.location.ISO6709", "location"),
        ("docProps/core.xml", "creator", "people"),
        ("docProps/core.xml", "lastModifiedBy", "people"),
        ("PDF:Info", "Author", "people"),
        ("PDF:Info", "Creator", "software"),
        ("XMP", "xmp:CreatorTool", "software"),
        ("ppt/commentAuthors.xml", "cmAuthor", "people"),
        ("EXIF:IFD0", "Make", "device"),
        ("EXIF:ExifIFD", "BodySerialNumber", "device"),
        ("EXIF:ExifIFD", "DateTimeOriginal", "dates"),
        ("docProps/core.xml", "modified", "dates"),
        ("EXIF:IFD0", "Software", "software"),
        ("docProps/app.xml", "Template", "software"),
        ("word/comments.xml", "comment", "hidden"),
        ("word/document.xml", "TrackedDeletion", "hidden"),
        ("word/document.xml", "HiddenText", "hidden"),
        ("ppt/notesSlides/notesSlide1.xml", "SpeakerNotes", "hidden"),
        ("PDF:EmbeddedFiles", "EmbeddedFile", "hidden"),
        ("PDF:Revisions", "EarlierRevisions", "hidden"),
        ("docProps/thumbnail.jpeg", "thumbnail", "hidden"),
        ("EXIF:IFD1", "JPEGInterchangeFormat", "hidden"),
        ("word/settings.xml", "docId", "other"),
    ],
)
def test_metadata_items_fall_into_plain_groups(location: str, field: str, group: str) -> None:
    assert groups.group_of(MetadataItem(location, field, "x")) == group


def test_groups_come_most_severe_first_with_the_nearest_town() -> None:
    items = [
        MetadataItem("EXIF:IFD0", "Software", "Camera 1.0"),
        MetadataItem("EXIF:GPS", "GPSLatitudeRef", "N"),
        MetadataItem("EXIF:GPS", "GPSLatitude", "45 45 36"),
        MetadataItem("EXIF:GPS", "GPSLongitudeRef", "E"),
        MetadataItem("EXIF:GPS", "GPSLongitude", "4 50 24"),
    ]
    result = groups.grouped(items)
    assert [g["group"] for g in result] == ["location", "software"]
    assert result[0]["severity"] == "high"
    (place,) = result[0]["places"]  # type: ignore[misc]
    assert (place["town"], place["country"]) == ("Lyon", "France")


@pytest.mark.parametrize(
    ("value", "reference", "expected"),
    [
        ("48 51 24", "N", 48.8567),
        ("33 52 4.8", "S", -33.868),
        ("48,51.4N", "", 48.8567),
        ("2/1 21/1 300/100", "W", -2.3508),
        ("48.8567", "", 48.8567),
    ],
)
def test_gps_angles_in_every_notation(value: str, reference: str, expected: float) -> None:
    assert places.angle(value, reference) == pytest.approx(expected, abs=1e-3)


def test_nearest_town_offline() -> None:
    assert places.GAZETTEER.nearest(48.8567, 2.3508)[:2] == ("Paris", "France")  # type: ignore[index]
    assert places.GAZETTEER.nearest(-33.868, 151.209)[:2] == ("Sydney", "Australia")  # type: ignore[index]
    assert places.GAZETTEER.nearest(0.0, -140.0) is None  # the middle of the Pacific
    quicktime = MetadataItem("QuickTime", "©xyz", "+40.7128-074.0060/")
    (place,) = places.positions([quicktime])
    assert place.town == "New York City"


def test_settings_page_writes_the_file_the_command_line_reads(
    user_config: Path, tmp_path: Path
) -> None:
    settings.save(
        {
            "clients": [{"name": "Atelier Sérac", "placeholder": "[marque beauté]"}],
            "allow": ["hello@mybrand.com", " "],
            "entities": ["EMAIL", "CLIENT", "NOPE"],
            "keep_notes": True,
        }
    )
    text = user_config.read_text(encoding="utf-8")
    assert text.count("[tool.sanitize]") == 1
    loaded = config_module.load(user_config)
    assert loaded.clients == (("Atelier Sérac", "[marque beauté]"),)
    assert loaded.allow == ("hello@mybrand.com",)
    assert loaded.entities == ("EMAIL", "CLIENT")
    assert config_module.user_switches()["keep_notes"] is True
    settings.allow('quote " and \\ back')
    assert config_module.load(user_config).allow[-1] == 'quote " and \\ back'

    # A folder without project settings gets the user's; a project's own file wins.
    draft = tmp_path / "loose" / "draft.txt"
    draft.parent.mkdir()
    draft.write_text("Écrire à Atelier Sérac, contact@other.com", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--no-cache", str(draft)])
    assert "CLIENT" in result.output and "EMAIL" in result.output
    (draft.parent / ".sanitize.toml").write_text('entities = ["EMAIL"]\n')
    config_module.find.cache_clear()
    result = CliRunner().invoke(main, ["check", "--no-cache", str(draft)])
    assert "CLIENT" not in result.output and "EMAIL" in result.output


def test_settings_switches_are_the_command_lines_defaults(user_config: Path) -> None:
    from sanitize.cli import _options

    assert _options().keep_notes is False
    settings.save({"keep_notes": True, "flatten_raster": True})
    options = _options(flatten=None)
    assert options.keep_notes is True and options.flatten == "raster"
    assert _options().flatten is None  # check and show have no --flatten


def test_names_from_the_browser_cannot_leave_the_folder() -> None:
    assert safe_name("../../etc/passwd") == "etc/passwd"
    assert safe_name("/abs/x.jpg") == "abs/x.jpg"
    assert safe_name("trip\\day 1\\IMG.jpg") == "trip/day 1/IMG.jpg"
    assert safe_name("..") == "file"


@pytest.fixture
def client() -> TestClient:
    store = Store()
    pool = ThreadPoolExecutor(2)
    state = State(store, pool)
    app = Guard(create_app(state), TOKEN, PORT)
    with TestClient(app, base_url=f"http://127.0.0.1:{PORT}") as test_client:
        test_client.state = state  # type: ignore[attr-defined]
        yield test_client
    pool.shutdown()
    store.close()
    assert not store.root.exists()


def test_guard_wants_the_token_and_the_loopback_host(client: TestClient) -> None:
    assert client.get("/").status_code == 403
    assert client.get("/api/files").status_code == 403
    assert client.get("/?t=nope").status_code == 403
    foreign = client.get(f"/?t={TOKEN}", headers={"Host": "attacker.example"})
    assert foreign.status_code == 421
    entered = client.get(f"/?t={TOKEN}", follow_redirects=False)
    assert entered.status_code == 303 and entered.headers["location"] == "/"
    assert "HttpOnly" in entered.headers["set-cookie"]
    assert "SameSite=Strict" in entered.headers["set-cookie"]
    page = client.get("/")
    assert page.status_code == 200
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "<script" in page.text and "http" not in page.text.split("<body", 1)[0]


def test_upload_inspect_clean_download_and_zip(client: TestClient) -> None:
    client.get(f"/?t={TOKEN}")
    photo = client.put(
        "/api/files", params={"name": "trip/day1/IMG_0042.jpg"}, content=dirty.dirty_jpeg()
    )
    assert photo.status_code == 200
    card = photo.json()
    assert card["kind"] == "jpeg" and card["inspected"]["status"] == "dirty"
    by_group = {g["group"]: g for g in card["inspected"]["groups"]}
    assert by_group["location"]["places"][0]["town"] == "Paris"
    docx = client.put(
        "/api/files", params={"name": "proposal.docx"}, content=dirty_office.dirty_docx()
    )
    broken = client.put("/api/files", params={"name": "broken.pdf"}, content=b"%PDF-1.7\n garbage")
    assert broken.json()["inspected"]["status"] == "error"
    assert "\n" not in broken.json()["inspected"]["error"]

    for item in (card, docx.json()):
        cleaned = client.post(f"/api/files/{item['id']}/clean").json()["cleaned"]
        assert cleaned["status"] == "cleaned" and cleaned["groups"]
    notes = client.get(f"/api/files/{card['id']}").json()["cleaned"]["notes"]
    assert any("Orientation" in note for note in notes)  # kept on purpose, and why
    copy = client.get(f"/api/files/{card['id']}/download/cleaned")
    assert copy.status_code == 200 and dirty.MARK not in copy.content
    assert client.get(f"/api/files/{broken.json()['id']}/download/cleaned").status_code == 404

    bundle = client.get("/api/all.zip")
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as archive:
        assert sorted(archive.namelist()) == ["proposal.docx", "trip/day1/IMG_0042.jpg"]
        assert all(dirty.MARK not in archive.read(name) for name in archive.namelist())

    state = client.state  # type: ignore[attr-defined]
    client.delete(f"/api/files/{card['id']}")
    assert client.get(f"/api/files/{card['id']}").status_code == 404
    assert state.store.expire(now=state.store.listing()[-1].created + LIFETIME + 1) == 2
    assert [p.name for p in state.store.root.iterdir()] == []


def test_uploads_are_streamed_to_disk(client: TestClient) -> None:
    client.get(f"/?t={TOKEN}")
    chunk = b"\0" * (1024 * 1024)

    def body():  # type: ignore[no-untyped-def]
        for _ in range(24):
            yield chunk

    response = client.put("/api/files", params={"name": "big.bin"}, content=body())
    assert response.json()["size"] == 24 * len(chunk)
    assert response.json()["inspected"]["status"] == "unsupported"


def test_draft_review_segments_rebuild_the_text(client: TestClient) -> None:
    client.get(f"/?t={TOKEN}")
    text = "Écris à jane.doe@example.com 🙂 ou au 06 12 34 56 78."
    review = client.post("/api/draft", json={"text": text}).json()
    assert [f["type"] for f in review["findings"]] == ["EMAIL", "PHONE"]
    assert [f["replacement"] for f in review["findings"]] == ["[EMAIL]", "[PHONE]"]
    (part,) = review["parts"]
    assert "".join(s["text"] for s in part["segments"]) == text
