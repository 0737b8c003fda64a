"""The web page in a real browser: headless Chromium from Debian, driven by Selenium.

One server (started as a user would, ``python -m sanitize ui --no-browser``) and one
browser serve the whole module. Downloads land in a folder and are checked with oracles
that share no code with sanitize: ExifTool, pikepdf, a scan of every zip member.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import dirty
import dirty_office
import dirty_pdf
from oracles import EXIFTOOL, assert_no_markers, assert_pdf_has_no_markers, metadata_left

pytest.importorskip("starlette", reason="the ui extra is not installed")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
from selenium.common.exceptions import (  # noqa: E402
    NoSuchElementException,
    StaleElementReferenceException,
)
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None or CHROMEDRIVER is None,
        reason="needs Debian's chromium and chromium-driver (apt-get install them)",
    ),
]
ARTIFACTS = Path(__file__).parent / "artifacts"
DOCS = Path(__file__).resolve().parents[1] / "docs"
DRAFT = (
    "Bonjour,\n\nMerci de relancer Atelier Sérac : écrire à claire.martin@atelier-serac.fr "
    "ou au 06 12 34 56 78.\nLe devis est de 2 500 € HT.\n"
)


class Server:
    def __init__(self, process: subprocess.Popen[str], address: str, tmp: Path) -> None:
        self.process = process
        self.address = address  # with the token
        self.origin = address.split("/?", 1)[0]
        self.port = int(self.origin.rsplit(":", 1)[1])
        self.tmp = tmp


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ui")


@pytest.fixture(scope="module")
def files(workspace: Path) -> dict[str, Path]:
    folder = workspace / "input"
    folder.mkdir()
    made = {
        "photo": ("holiday.jpg", dirty.dirty_jpeg()),
        "pdf": ("brief.pdf", dirty_pdf.dirty_pdf()),
        "docx": ("proposal.docx", dirty_office.dirty_docx()),
        "draft": ("relance.txt", DRAFT.encode()),
    }
    paths = {}
    for key, (name, data) in made.items():
        paths[key] = folder / name
        paths[key].write_bytes(data)
    return paths


@pytest.fixture(scope="module")
def server(workspace: Path) -> Iterator[Server]:
    tmp = workspace / "server-tmp"
    tmp.mkdir()
    env = {
        **os.environ,
        "TMPDIR": str(tmp),
        "SANITIZE_USER_CONFIG": str(workspace / "config.toml"),
        "SANITIZE_CACHE_DIR": str(workspace / "cache"),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "sanitize", "ui", "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith("sanitize ui: http://127.0.0.1:"), line
    started = Server(process, line.split(": ", 1)[1].strip(), tmp)
    yield started
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser(server: Server, workspace: Path) -> Iterator[webdriver.Chrome]:
    downloads = workspace / "downloads"
    downloads.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM  # type: ignore[assignment]
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--lang=en-US",
        "--window-size=1280,1000",
    ):
        options.add_argument(argument)
    options.add_experimental_option(
        "prefs",
        {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
            "intl.accept_languages": "en-US,en",
        },
    )
    service = webdriver.ChromeService(executable_path=CHROMEDRIVER)
    driver = webdriver.Chrome(options=options, service=service)
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    driver.execute_cdp_cmd(
        "Browser.grantPermissions",
        {"origin": server.origin, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]},
    )
    driver.downloads = downloads  # type: ignore[attr-defined]
    driver.get(server.address)
    yield driver
    driver.quit()


def wait(driver: webdriver.Chrome, condition, timeout: float = 60):  # type: ignore[no-untyped-def]
    # Cards are re-rendered as results come in: a found element may be replaced meanwhile.
    ignored = (NoSuchElementException, StaleElementReferenceException)
    return WebDriverWait(driver, timeout, 0.2, ignored_exceptions=ignored).until(condition)


def click(driver: webdriver.Chrome, element) -> None:  # type: ignore[no-untyped-def]
    # The page's header stays at the top: bring the control to the middle first.
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def card(driver: webdriver.Chrome, name: str):  # type: ignore[no-untyped-def]
    return driver.find_element(By.CSS_SELECTOR, f'li.card[data-name="{name}"]')


def ready(name: str):  # type: ignore[no-untyped-def]
    def check(driver: webdriver.Chrome) -> bool:
        return "status-pending" not in card(driver, name).get_attribute("class")

    return check


def downloaded(driver: webdriver.Chrome, name: str, timeout: float = 30) -> Path:
    path = driver.downloads / name  # type: ignore[attr-defined]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        partial = list(driver.downloads.glob("*.crdownload"))  # type: ignore[attr-defined]
        if path.is_file() and not partial and path.stat().st_size:
            return path
        time.sleep(0.2)
    raise AssertionError(f"{name} was not downloaded: {os.listdir(driver.downloads)}")  # type: ignore[attr-defined]


def screenshot(
    driver: webdriver.Chrome, name: str, width: int, docs: str | None = None, height: int = 0
) -> None:
    """The whole page (or ``height`` pixels of it) into tests/artifacts, and into docs/ for
    the README when ``docs`` names it."""
    ARTIFACTS.mkdir(exist_ok=True)
    driver.set_window_size(width, 1000)
    driver.execute_script("window.scrollTo(0, 0)")
    full = int(driver.execute_script("return document.documentElement.scrollHeight"))
    driver.set_window_size(width, height or min(full + 100, 4000))
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))
    if docs:
        DOCS.mkdir(exist_ok=True)
        shutil.copy(ARTIFACTS / f"{name}.png", DOCS / f"{docs}.png")
    driver.set_window_size(1280, 1000)


def test_cards_show_what_files_carry_then_clean_and_download(
    browser: webdriver.Chrome, files: dict[str, Path]
) -> None:
    picker = browser.find_element(By.ID, "pick-files")
    picker.send_keys("\n".join(str(files[k]) for k in ("photo", "pdf", "docx")))
    for name in ("holiday.jpg", "brief.pdf", "proposal.docx"):
        wait(browser, ready(name))

    photo = card(browser, "holiday.jpg")
    location = photo.find_element(By.CSS_SELECTOR, '[data-group="location"]')
    assert "Near Paris, France" in location.text
    assert "high risk" in location.text.lower()
    device = photo.find_element(By.CSS_SELECTOR, '[data-group="device"]').text
    assert "MARKER-EXIF-MAKE" in device and "MARKER-EXIF-SERIAL" in device
    docx = card(browser, "proposal.docx")
    assert "MARKER-DOCX-AUTHOR" in docx.find_element(By.CSS_SELECTOR, '[data-group="people"]').text
    hidden = docx.find_element(By.CSS_SELECTOR, '[data-group="hidden"]').text
    assert "MARKER-COMMENT-TEXT" in hidden or "comment" in hidden
    pdf = card(browser, "brief.pdf")
    assert "MARKER-PDF-AUTHOR" in pdf.find_element(By.CSS_SELECTOR, '[data-group="people"]').text
    assert pdf.find_element(By.CSS_SELECTOR, '[data-group="hidden"]')
    screenshot(browser, "ui-files-desktop", 1280)

    click(browser, browser.find_element(By.ID, "clean-all"))
    for name in ("holiday.jpg", "brief.pdf", "proposal.docx"):
        wait(
            browser,
            lambda d, n=name: card(d, n).find_elements(By.CSS_SELECTOR, "[data-action=download]"),
        )
    photo = card(browser, "holiday.jpg")
    assert "Cleaned" in photo.text
    assert photo.find_element(By.CSS_SELECTOR, ".removed [data-group=location]")
    screenshot(browser, "ui-cleaned-desktop", 1280)
    screenshot(browser, "ui-cleaned-390", 390)

    for name in ("holiday.jpg", "brief.pdf", "proposal.docx"):
        click(browser, card(browser, name).find_element(By.CSS_SELECTOR, "[data-action=download]"))
        downloaded(browser, name)
    jpeg = browser.downloads / "holiday.jpg"  # type: ignore[attr-defined]
    assert_no_markers(jpeg.read_bytes())
    if EXIFTOOL:
        assert metadata_left(jpeg) == []
    assert_pdf_has_no_markers(browser.downloads / "brief.pdf")  # type: ignore[attr-defined]
    with zipfile.ZipFile(browser.downloads / "proposal.docx") as docx_zip:  # type: ignore[attr-defined]
        for member in docx_zip.namelist():
            assert b"MARKER" not in docx_zip.read(member), member

    click(browser, browser.find_element(By.ID, "download-all"))
    bundle = downloaded(browser, "sanitized.zip")
    with zipfile.ZipFile(bundle) as archive:
        assert sorted(archive.namelist()) == ["brief.pdf", "holiday.jpg", "proposal.docx"]
        for member in archive.namelist():
            assert b"MARKER" not in archive.read(member), member


def test_settings_are_saved_where_the_command_line_reads_them(
    browser: webdriver.Chrome, server: Server, workspace: Path, files: dict[str, Path]
) -> None:
    click(browser, browser.find_element(By.ID, "tab-settings"))
    wait(browser, lambda d: d.find_element(By.ID, "settings-path").text)
    click(browser, browser.find_element(By.ID, "add-client"))
    browser.find_element(By.CSS_SELECTOR, ".client-name").send_keys("Atelier Sérac")
    browser.find_element(By.CSS_SELECTOR, ".client-placeholder").send_keys("[marque beauté]")
    browser.find_element(By.ID, "allow").send_keys("hello@mybrand.com")
    click(browser, browser.find_element(By.ID, "keep_bookmarks"))
    click(browser, browser.find_element(By.CSS_SELECTOR, "#settings-form button[type=submit]"))
    wait(browser, lambda d: d.find_element(By.ID, "settings-status").text)
    screenshot(browser, "ui-settings-390", 390)

    saved = (workspace / "config.toml").read_text(encoding="utf-8")
    assert "[tool.sanitize]" in saved and "keep_bookmarks = true" in saved
    # The command line, given no --config, reads the same file (lowest priority).
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sanitize",
            "check",
            "--no-cache",
            "--format",
            "json",
            str(files["draft"]),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "SANITIZE_USER_CONFIG": str(workspace / "config.toml")},
    )
    types = [f["type"] for f in json.loads(result.stdout)["files"][0]["findings"]]
    assert "CLIENT" in types


def test_draft_review_replace_two_keep_one_and_copy(
    browser: webdriver.Chrome, workspace: Path
) -> None:
    click(browser, browser.find_element(By.ID, "tab-drafts"))
    browser.find_element(By.ID, "draft-text").send_keys(DRAFT)
    click(browser, browser.find_element(By.ID, "check-text"))
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#findings li")) >= 4, 120)
    marks = {
        m.get_attribute("class").split()[0]
        for m in browser.find_elements(By.CSS_SELECTOR, "#review-text mark")
    }
    assert {"t-CLIENT", "t-EMAIL", "t-PHONE", "t-PRICE"} <= marks

    def finding(kind: str):  # type: ignore[no-untyped-def]
        return browser.find_element(By.CSS_SELECTOR, f"#findings li.t-{kind}")

    # Replace is the default: the email and the phone stay replaced; the price is kept,
    # always (it goes to the allow list); the client's name becomes its placeholder.
    assert finding("EMAIL").find_element(By.CSS_SELECTOR, "input[value=replace]").is_selected()
    assert finding("PHONE").find_element(By.CSS_SELECTOR, "input[value=replace]").is_selected()
    click(browser, finding("PRICE").find_element(By.CSS_SELECTOR, "input[value=keep]"))
    click(browser, finding("PRICE").find_element(By.CSS_SELECTOR, ".always input"))
    wait(browser, lambda d: "2 500 €" in (workspace / "config.toml").read_text(encoding="utf-8"))
    click(browser, browser.find_element(By.ID, "copy-safe"))
    copied = browser.execute_script("return window.sanitizeLastCopy")
    expected = (
        "Bonjour,\n\nMerci de relancer [marque beauté] : écrire à [EMAIL] ou au [PHONE].\n"
        "Le devis est de 2 500 € HT.\n"
    )
    assert copied == expected
    clipboard = browser.execute_async_script(
        "const done = arguments[0]; navigator.clipboard.readText().then(done, () => done(null));"
    )
    if clipboard is not None:  # headless Chromium may refuse to read it back
        assert clipboard == expected
    screenshot(browser, "ui-draft-desktop", 1280, docs="ui-draft")
    screenshot(browser, "ui-draft-390", 390)


def test_document_review_downloads_what_clean_redact_writes(
    browser: webdriver.Chrome, workspace: Path
) -> None:
    import docx

    document = docx.Document()
    paragraph = document.add_paragraph("Contact : ")
    paragraph.add_run("claire.martin@atelier-serac.fr").bold = True
    paragraph.add_run(" ou 06 12 34 56 78, pour Atelier Sérac.")
    source = workspace / "input" / "relance.docx"
    document.save(str(source))

    click(browser, browser.find_element(By.ID, "tab-drafts"))
    browser.find_element(By.ID, "pick-draft").send_keys(str(source))
    wait(browser, lambda d: d.find_element(By.ID, "review-title").text == "relance.docx", 120)
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#findings li.t-PHONE"))
    phone = browser.find_element(By.CSS_SELECTOR, "#findings li.t-PHONE")
    click(browser, phone.find_element(By.CSS_SELECTOR, "input[value=keep]"))
    click(browser, browser.find_element(By.ID, "redact-doc"))
    page_copy = downloaded(browser, "relance.docx")

    # The same file through the command line, with the kept phone allowed for this run.
    settings = workspace / "request.toml"
    settings.write_text(
        (workspace / "config.toml")
        .read_text(encoding="utf-8")
        .replace("allow = [", 'allow = ["06 12 34 56 78", '),
        encoding="utf-8",
    )
    out = workspace / "cli-redacted"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "sanitize",
            "clean",
            "--redact",
            "--config",
            str(settings),
            "-o",
            str(out),
            str(source),
        ],
        capture_output=True,
        check=False,
    )
    assert page_copy.read_bytes() == (out / "relance.docx").read_bytes()
    text = "\n".join(p.text for p in docx.Document(str(page_copy)).paragraphs)
    assert "[EMAIL]" in text and "06 12 34 56 78" in text and "[marque beauté]" in text
    bold = [r.text for p in docx.Document(str(page_copy)).paragraphs for r in p.runs if r.bold]
    assert bold == ["[EMAIL]"]  # the replacement keeps the run's formatting


def test_french_interface_from_the_switch(browser: webdriver.Chrome) -> None:
    click(browser, browser.find_element(By.ID, "lang"))
    assert browser.find_element(By.ID, "tab-files").text == "Fichiers"
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
    click(browser, browser.find_element(By.ID, "tab-files"))
    assert "Près de Paris, France" in card(browser, "holiday.jpg").text
    screenshot(browser, "ui-files-fr-390", 390)
    click(browser, browser.find_element(By.ID, "lang"))
    assert browser.find_element(By.ID, "tab-files").text == "Files"


def test_nothing_is_loaded_from_another_origin(browser: webdriver.Chrome, server: Server) -> None:
    names = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
        ".concat(performance.getEntriesByType('navigation').map(e => e.name))"
    )
    assert names and all(name.startswith(server.origin + "/") for name in names), names
    with _opener().open(server.address) as response:  # the redirect sets the cookie
        policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def _opener() -> urllib.request.OpenerDirector:
    import http.cookiejar

    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )


def _status(url: str, headers: dict[str, str] | None = None) -> int:
    try:
        with _opener().open(urllib.request.Request(url, headers=headers or {})) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_requests_without_the_token_or_from_another_host_are_refused(server: Server) -> None:
    assert _status(server.origin + "/") == 403
    assert _status(server.origin + "/api/files") == 403
    assert _status(server.origin + "/?t=wrong") == 403
    assert _status(server.address, {"Host": f"evil.example:{server.port}"}) == 421
    assert _status(server.address, {"Host": f"127.0.0.1:{server.port + 1}"}) == 421
    assert _status(server.address) == 200  # the printed address works (303, then the page)


def test_readme_screenshot_with_the_samples(browser: webdriver.Chrome) -> None:
    samples = Path(__file__).resolve().parents[1] / "samples"
    click(browser, browser.find_element(By.ID, "tab-files"))
    click(browser, browser.find_element(By.ID, "clear-all"))
    wait(browser, lambda d: not d.find_elements(By.CSS_SELECTOR, "li.card"))
    picker = browser.find_element(By.ID, "pick-files")
    picker.send_keys("\n".join(str(samples / n) for n in ("photo.jpg", "proposal.docx")))
    for name in ("photo.jpg", "proposal.docx"):
        wait(browser, ready(name))
    click(
        browser, card(browser, "proposal.docx").find_element(By.CSS_SELECTOR, "[data-action=clean]")
    )
    wait(browser, lambda d: "Cleaned" in card(d, "proposal.docx").text)
    assert "Near Paris, France" in card(browser, "photo.jpg").text
    assert "iPhone 15 Pro" in card(browser, "photo.jpg").text
    screenshot(browser, "ui-samples-desktop", 1280, docs="ui-files", height=1500)


def test_ctrl_c_stops_the_server_and_deletes_its_files(
    browser: webdriver.Chrome, server: Server
) -> None:
    assert any(server.tmp.iterdir())  # the uploads of the tests above
    server.process.send_signal(signal.SIGINT)
    assert server.process.wait(timeout=20) == 0
    assert list(server.tmp.iterdir()) == []
