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
        reason="needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)",
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


def screenshot(driver: webdriver.Chrome, name: str, width: int, docs: bool = False) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    driver.set_window_size(width, 1000)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(int(height) + 100, 4000))
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))
    if docs:
        DOCS.mkdir(exist_ok=True)
        shutil.copy(ARTIFACTS / f"{name}.png", DOCS / f"{name}.png")
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
        wait(browser, lambda d, n=name: card(d, n).find_elements(By.CSS_SELECTOR, "[data-action=download]"))
    photo = card(browser, "holiday.jpg")
    assert "Cleaned" in photo.text
    assert photo.find_element(By.CSS_SELECTOR, ".removed [data-group=location]")
    screenshot(browser, "ui-cleaned-desktop", 1280, docs=True)
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
