"""Hostile and broken files: never a traceback, a hang, a leak or lost data.

For every format: truncations, seeded byte flips, empty files, random bytes and wrong
names; then bombs, filesystem traps, and a process killed in the middle of --in-place.
The contract checked for each case: a one-line error naming the file (or a verified
clean), exit status 2 when anything failed, inputs byte-identical, no temporary or
partial file left, bounded time.
"""

from __future__ import annotations

import errno
import io
import json
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import dirty
import seeds
from sanitize import Options, clean_file
from sanitize.cli import main

STATUSES = {"clean", "cleaned", "flagged", "unsupported", "error"}


def hostile_variants(extension: str, data: bytes) -> dict[str, bytes]:
    rng = random.Random(f"{extension}-hostile")
    variants = {"empty": b"", "random": rng.randbytes(2048)}
    for fraction in (0.1, 0.5, 0.9):
        variants[f"cut{int(fraction * 100)}"] = data[: int(len(data) * fraction)]
    variants["cut-last-byte"] = data[:-1]
    for seed in range(3):
        flipped = bytearray(data)
        for _ in range(8):
            position = rng.randrange(len(flipped))
            flipped[position] ^= 1 << rng.randrange(8)
        variants[f"flip{seed}"] = bytes(flipped)
    return variants


def run_batch(folder: Path, *extra: str) -> tuple[int, dict[str, dict], str]:
    runner = CliRunner()
    result = runner.invoke(
        main,
        [
            "clean",
            "--format",
            "json",
            "--timeout",
            "30",
            "-o",
            str(folder.parent / f"{folder.name}-out"),
            *extra,
            str(folder),
        ],
    )
    assert "Traceback" not in result.output
    report = json.loads(result.stdout)
    return result.exit_code, {Path(f["path"]).name: f for f in report["files"]}, result.output


def assert_contract(
    folder: Path, originals: dict[str, bytes], code: int, files: dict[str, dict]
) -> None:
    out = folder.parent / f"{folder.name}-out"
    for name, data in originals.items():
        assert (folder / name).read_bytes() == data, f"{name} was modified"
        entry = files[name]
        assert entry["status"] in STATUSES
        if entry["status"] == "error":
            assert entry["error"] and "\n" not in entry["error"]
            # Our own wording: an unexpected exception would read "cannot process this file".
            assert not entry["error"].startswith("cannot process"), (name, entry["error"])
            # A bug in a cleaner is never taken for a hostile file, nor the reverse.
            assert not entry["error"].startswith("internal error"), (name, entry["error"])
            assert not (out / name).exists()
    leftovers = [p.name for p in out.rglob(".sanitize-*")] if out.exists() else []
    assert leftovers == []
    errors = any(f["status"] == "error" for f in files.values())
    flagged = any(f["status"] == "flagged" for f in files.values())
    assert code == (2 if errors else 1 if flagged else 0)


@pytest.mark.parametrize("extension", sorted(seeds.samples()))
def test_hostile_inputs_for_every_format(extension: str, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    originals = {}
    for label, data in hostile_variants(extension, seeds.samples()[extension]).items():
        name = f"{label}.{extension}"
        (folder / name).write_bytes(data)
        originals[name] = data
    # The valid file under another format's name is cleaned by its real type.
    other = "png" if extension != "png" else "jpg"
    (folder / f"renamed.{other}").write_bytes(seeds.samples()[extension])
    originals[f"renamed.{other}"] = seeds.samples()[extension]
    started = time.monotonic()
    code, files, _ = run_batch(folder)
    assert time.monotonic() - started < 120
    assert_contract(folder, originals, code, files)
    assert files["empty." + extension]["status"] in ("error", "unsupported")
    # Text counts as a draft by its name only; every binary format is cleaned by its bytes.
    # (A seed whose text holds a name is "flagged": cleaned, with sensitive text kept.)
    expected = {"unsupported"} if extension == "md" else {"cleaned", "flagged"}
    assert files[f"renamed.{other}"]["status"] in expected, files[f"renamed.{other}"]


# -- bombs -----------------------------------------------------------------------------
def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    import struct
    import zlib

    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload))
    )


def image_bombs() -> dict[str, bytes]:
    import struct
    import zlib

    png = (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0))
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + _png_chunk(b"tEXt", b"Author\x00x")
        + _png_chunk(b"IEND", b"")
    )
    jpeg = bytearray(dirty.dirty_jpeg())
    sof = jpeg.index(b"\xff\xc0")
    jpeg[sof + 5 : sof + 9] = struct.pack(">HH", 65_500, 65_500)
    gif = bytearray(dirty.dirty_gif(animated=False))
    gif[6:10] = struct.pack("<HH", 65_535, 65_535)
    return {"huge.png": png, "huge.jpg": bytes(jpeg), "huge.gif": bytes(gif)}


def test_decompression_bombs_are_bounded(tmp_path: Path) -> None:
    """Run under a 1.5 GiB address-space limit: nothing may try to decode the pixels."""
    folder = tmp_path / "bombs"
    folder.mkdir()
    for name, data in image_bombs().items():
        (folder / name).write_bytes(data)
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{i} "{"&lol" + str(i - 1) + ";" if i else "&lol;"}' * 10 + '">'
            for i in range(1, 9)
        )
        + ']><svg xmlns="http://www.w3.org/2000/svg">&lol8;</svg>'
    )
    (folder / "laughs.svg").write_text(laughs)
    (folder / "xxe.svg").write_text(
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM '
        '"file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&xxe;</svg>'
    )
    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1536 * 1024**2, 1536 * 1024**2))\n"
        "from sanitize.cli import main\nmain(sys.argv[1:])"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            "clean",
            "--no-scan",
            "--format",
            "json",
            "-j",
            "1",
            "-o",
            str(tmp_path / "out"),
            str(folder),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in result.stderr
    files = {Path(f["path"]).name: f for f in json.loads(result.stdout)["files"]}
    for name in image_bombs():
        # Metadata removed, pixels never decoded.
        assert files[name]["status"] == "cleaned", files[name]
    for name in ("laughs.svg", "xxe.svg"):
        assert files[name]["status"] == "error" and "entities" in files[name]["error"]
        assert not (tmp_path / "out" / name).exists()  # nothing written, /etc/passwd never read


def test_zip_bomb_in_office_file(tmp_path: Path) -> None:
    import dirty_office

    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(dirty_office.dirty_docx())) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb,
    ):
        for info in source.infolist():
            bomb.writestr(info, source.read(info))
        with bomb.open("word/media/zeros.bin", "w") as member:
            for _ in range(50):
                member.write(b"\x00" * 1024**2)
    path = tmp_path / "bomb.docx"
    path.write_bytes(buffer.getvalue())
    assert path.stat().st_size < 2 * 1024**2
    report = clean_file(path)
    assert report.status == "error" and "zip bomb" in report.error


@pytest.mark.parametrize(
    "name, payload",
    [
        (
            "huge-xref.pdf",
            b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
            b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
            b"xref\n0 99999999\n0000000000 65535 f \ntrailer\n<< /Size 99999999 /Root 1 0 R >>\n"
            b"startxref\n90\n%%EOF\n",
        ),
        (
            "deep.pdf",
            b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R /X "
            + b"<< /A " * 5000
            + b">>" * 5000
            + b" >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n",
        ),
        (
            "self-kids.pdf",
            b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
            b"2 0 obj\n<< /Type /Pages /Kids [2 0 R] /Count 1 >>\nendobj\n"
            b"trailer\n<< /Root 1 0 R >>\n%%EOF\n",
        ),
    ],
)
def test_hostile_pdfs_end_in_bounded_time(name: str, payload: bytes, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_bytes(payload)
    started = time.monotonic()
    report = clean_file(path, Options(time_limit=20))
    assert time.monotonic() - started < 30
    assert report.status in ("error", "cleaned")
    if report.status == "error":
        assert "\n" not in report.error and not report.error.startswith("cannot process")


def test_time_limit_is_configurable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sanitize.cleaners import jpeg

    def slow(self: jpeg.JpegFile) -> list[object]:
        time.sleep(5)
        return []

    monkeypatch.setattr(jpeg.JpegFile, "items", slow)
    path = tmp_path / "a.jpg"
    path.write_bytes(dirty.dirty_jpeg())
    report = clean_file(path, Options(time_limit=0.5))
    assert report.status == "error" and "time limit" in report.error


def test_size_cap_is_configurable(tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "a.jpg"
    path.write_bytes(dirty.dirty_jpeg())
    result = runner.invoke(main, ["check", "--max-size", "100", str(path)])
    assert result.exit_code == 2 and "limit" in result.output


# -- filesystem ------------------------------------------------------------------------
def test_symlink_loops_and_odd_names(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    originals = {}
    for name in ("-dash.jpg", "with space.jpg", "new\nline.jpg", "ünïcödé 写真.jpg"):
        (folder / name).write_bytes(dirty.dirty_jpeg())
        originals[name] = (folder / name).read_bytes()
    (folder / "loop-a.jpg").symlink_to(folder / "loop-b.jpg")
    (folder / "loop-b.jpg").symlink_to(folder / "loop-a.jpg")
    (folder / "dir-loop").symlink_to(folder, target_is_directory=True)
    (folder / "outside.jpg").symlink_to(tmp_path / "nowhere.jpg")
    runner = CliRunner()
    result = runner.invoke(main, ["clean", "-o", str(tmp_path / "out"), str(folder)])
    assert result.exit_code == 0, result.output
    for line in result.output.splitlines():
        assert "Traceback" not in line
    assert "new\\nline.jpg" in result.output  # escaped, so every report line is one line
    for name, data in originals.items():
        assert (folder / name).read_bytes() == data
        assert b"MARKER" not in (tmp_path / "out" / name).read_bytes()
    assert not (tmp_path / "out" / "loop-a.jpg").exists()
    assert not (tmp_path / "out" / "dir-loop").exists()


def _clean_with(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str, patch
) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.jpg", "b.jpg", "c.jpg"):
        (folder / name).write_bytes(dirty.dirty_jpeg())
    originals = {p.name: p.read_bytes() for p in folder.iterdir()}
    patch(folder / target)
    result = CliRunner().invoke(
        main, ["clean", "-j", "1", "-o", str(tmp_path / "out"), str(folder)]
    )
    for name, data in originals.items():
        if (folder / name).exists():
            assert (folder / name).read_bytes() == data
    assert list((tmp_path / "out").glob(".sanitize-*")) == []
    return result.exit_code, result.output


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sanitize import pipeline

    real = pipeline.read_input

    def patch(bad: Path) -> None:
        def read(path: Path, options: Options) -> bytes:
            if path.name == bad.name:
                raise PermissionError(errno.EACCES, "Permission denied")
            return real(path, options)

        monkeypatch.setattr(pipeline, "read_input", read)

    code, output = _clean_with(tmp_path, monkeypatch, "b.jpg", patch)
    assert code == 2 and "b.jpg: error: Permission denied" in output
    assert (tmp_path / "out" / "a.jpg").exists() and (tmp_path / "out" / "c.jpg").exists()


def test_read_only_output_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sanitize import atomic

    def patch(bad: Path) -> None:
        real = atomic.tempfile.mkstemp

        def mkstemp(*args, **kwargs):  # type: ignore[no-untyped-def]
            raise OSError(errno.EROFS, "Read-only file system")

        monkeypatch.setattr(atomic.tempfile, "mkstemp", mkstemp)
        assert real

    code, output = _clean_with(tmp_path, monkeypatch, "b.jpg", patch)
    assert code == 2 and output.count("error: Read-only file system") == 3


def test_full_disk_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sanitize import atomic

    def patch(bad: Path) -> None:
        real_fdopen = os.fdopen

        class Full(io.RawIOBase):
            def __init__(self, fd: int):
                self.handle = real_fdopen(fd, "wb")

            def write(self, data):  # type: ignore[no-untyped-def]
                self.handle.write(data[: len(data) // 2])
                raise OSError(errno.ENOSPC, "No space left on device")

            def close(self) -> None:
                self.handle.close()

        monkeypatch.setattr(atomic.os, "fdopen", lambda fd, mode: Full(fd))

    code, output = _clean_with(tmp_path, monkeypatch, "b.jpg", patch)
    assert code == 2 and "No space left on device" in output
    assert [p.name for p in (tmp_path / "out").iterdir()] == []


def test_file_vanishing_during_a_batch(tmp_path: Path) -> None:
    from sanitize.runner import run
    from sanitize.walk import collect

    for name in ("a.jpg", "b.jpg"):
        (tmp_path / name).write_bytes(dirty.dirty_jpeg())
    targets = collect([tmp_path])
    (tmp_path / "a.jpg").unlink()
    report = run("clean", targets, Options(), jobs=1)
    statuses = {Path(f.path).name: (f.status, f.error) for f in report.files}
    assert statuses["a.jpg"] == ("error", "no such file")
    assert statuses["b.jpg"][0] == "cleaned"


def test_file_changing_during_in_place_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sanitize.cleaners import jpeg
    from sanitize.cleaners.base import CleanResult

    path = tmp_path / "a.jpg"
    path.write_bytes(dirty.dirty_jpeg())
    real = jpeg.JpegFile.clean

    def clean_while_user_saves(self: jpeg.JpegFile) -> CleanResult:
        result = real(self)
        path.write_bytes(dirty.dirty_jpeg(orientation=3))  # the user saves a new version
        return result

    monkeypatch.setattr(jpeg.JpegFile, "clean", clean_while_user_saves)
    report = clean_file(path, Options(in_place=True))
    assert report.status == "error" and "changed while" in report.error
    assert path.read_bytes() == dirty.dirty_jpeg(orientation=3)


def test_lying_cleaner_is_reported_as_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sanitize.cleaners import png
    from sanitize.cleaners.base import CleanResult

    # A cleaner whose clean() hands back the input unchanged, metadata and all.
    monkeypatch.setattr(png.PngFile, "clean", lambda self: CleanResult(self.data))
    path = tmp_path / "a.png"
    path.write_bytes(dirty.dirty_png())
    report = clean_file(path)
    assert report.status == "error" and "remain after cleaning" in report.error
    assert not (tmp_path / "a.clean.png").exists()


# -- crash safety ----------------------------------------------------------------------
def large_jpeg(seed: int) -> bytes:
    from PIL import Image

    rng = random.Random(seed)
    image = Image.frombytes("RGB", (300, 200), rng.randbytes(300 * 200 * 3)).resize((2400, 1600))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95, exif=dirty.exif_bytes(orientation=6))
    return buffer.getvalue()


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.15, 0.4, 0.8])
def test_in_place_survives_sigkill(delay: float, tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    originals, expected = {}, {}
    base = large_jpeg(1)
    for index in range(16):
        data = base[:2] + b"\xff\xfe\x00\x06" + index.to_bytes(4, "big") + base[2:]
        (folder / f"{index:02d}.jpg").write_bytes(data)
        originals[f"{index:02d}.jpg"] = data
        scratch = tmp_path / "scratch" / f"{index:02d}.jpg"
        scratch.parent.mkdir(exist_ok=True)
        scratch.write_bytes(data)
        expected[scratch.name] = Path(clean_file(scratch).output).read_bytes()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sanitize",
            "clean",
            "--in-place",
            "--no-scan",
            "-j",
            "1",
            "-q",
            str(folder),
        ]
    )
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()
    done = 0
    for name, data in originals.items():
        now = (folder / name).read_bytes()
        assert now in (data, expected[name]), f"{name} is neither original nor cleaned"
        done += now == expected[name]
    # Temporary files a killed process could not remove are never taken for content.
    leftovers = [p for p in folder.iterdir() if p.name.startswith(".sanitize-")]
    report = json.loads(
        subprocess.run(
            [
                sys.executable,
                "-m",
                "sanitize",
                "check",
                "--format",
                "json",
                "--no-scan",
                str(folder),
            ],
            capture_output=True,
            text=True,
        ).stdout
    )
    assert len(report["files"]) == len(originals)
    assert all(
        not p.name.startswith(".sanitize-") for p in map(lambda f: Path(f["path"]), report["files"])
    )
    # A process killed between mkstemp and rename can leave one: named so walks skip it.
    assert all(p.name.endswith(".tmp") for p in leftovers)
