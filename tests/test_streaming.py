"""Large movies and audio are cleaned from a memory map and copied by the kernel: the same
output as in memory, atomic in place, no size cap, memory that does not grow with the file."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import dirty
import dirty_media
from dirty_media import needs_ffmpeg
from oracles import assert_no_markers
from sanitize import Options, catalog, clean_file, pipeline
from sanitize.cli import main
from sanitize.registry import default_registry
from sanitize.source import Plan, Zeros

STREAMED = Options(stream_from=1, scan=False)
IN_MEMORY = Options(stream_from=1 << 62, scan=False)


def _streaming_kinds() -> list[str]:
    """The recipes whose format's cleaner streams."""
    registry = default_registry()
    names = []
    for name in sorted(dirty_media.RECIPES):
        suffix = "." + name.rsplit(".", 1)[1]
        kind = next(f.kind for f in catalog.FORMATS if suffix in f.extensions)
        cleaner = registry.for_kind(kind)
        if cleaner is not None and cleaner.streams:
            names.append(name)
    return names


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The kinds the pipeline mapped instead of reading whole."""
    seen: list[str] = []
    real = pipeline.map_input

    def map_input(path, options, registry):  # type: ignore[no-untyped-def]
        found = real(path, options, registry)
        if found is not None:
            seen.append(found[1])
        return found

    monkeypatch.setattr(pipeline, "map_input", map_input)
    return seen


@needs_ffmpeg
@pytest.mark.parametrize("name", _streaming_kinds())
def test_streamed_output_is_the_in_memory_output(name: str, tmp_path: Path, spy: list[str]) -> None:
    source = dirty_media.make(name, tmp_path)
    original = source.read_bytes()
    memory = clean_file(source, IN_MEMORY)
    assert memory.status == "cleaned", memory.error
    expected = Path(memory.output).read_bytes()  # type: ignore[arg-type]
    Path(memory.output).unlink()  # type: ignore[arg-type]
    assert spy == []
    streamed = clean_file(source, STREAMED)
    assert streamed.status == "cleaned", streamed.error
    assert len(spy) == 1
    assert Path(streamed.output).read_bytes() == expected  # type: ignore[arg-type]
    assert source.read_bytes() == original
    assert_no_markers(Path(streamed.output).read_bytes())  # type: ignore[arg-type]
    assert [m.field for m in streamed.metadata] == [m.field for m in memory.metadata]
    assert list(tmp_path.glob(".sanitize-*")) == []


@needs_ffmpeg
def test_streamed_packets_identical(tmp_path: Path) -> None:
    source = dirty_media.make("clip.mov", tmp_path)
    report = clean_file(source, STREAMED)
    assert report.status == "cleaned", report.error
    output = Path(report.output)  # type: ignore[arg-type]
    assert dirty_media.packet_hashes(output) == dirty_media.packet_hashes(source)


@needs_ffmpeg
def test_in_place_streamed(tmp_path: Path, spy: list[str]) -> None:
    source = dirty_media.make("clip.mov", tmp_path)
    expected_report = clean_file(source, STREAMED)
    expected = Path(expected_report.output).read_bytes()  # type: ignore[arg-type]
    Path(expected_report.output).unlink()  # type: ignore[arg-type]
    mode = 0o640
    source.chmod(mode)
    report = clean_file(source, Options(stream_from=1, scan=False, in_place=True))
    assert report.status == "cleaned", report.error
    assert source.read_bytes() == expected
    assert source.stat().st_mode & 0o777 == mode
    assert list(tmp_path.glob(".sanitize-*")) == []
    # Cleaning a clean file in place writes nothing.
    before = source.stat().st_mtime_ns
    again = clean_file(source, Options(stream_from=1, scan=False, in_place=True))
    assert again.status == "clean", again.error
    assert source.stat().st_mtime_ns == before
    assert spy == ["mov", "mov", "mov"]


@needs_ffmpeg
def test_failed_check_leaves_the_original(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sanitize.cleaners import mp4
    from sanitize.errors import VerificationError

    source = dirty_media.make("clip.mov", tmp_path)
    original = source.read_bytes()

    def refuse(self: mp4.Mp4File, cleaned: object) -> None:
        raise VerificationError("samples changed")

    monkeypatch.setattr(mp4.Mp4File, "verify", refuse)
    report = clean_file(source, Options(stream_from=1, scan=False, in_place=True))
    assert report.status == "error" and "samples changed" in report.error
    assert source.read_bytes() == original
    assert list(tmp_path.glob(".sanitize-*")) == []


@needs_ffmpeg
def test_file_changing_during_streamed_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sanitize.cleaners import mp4
    from sanitize.cleaners.base import CleanResult

    source = dirty_media.make("clip.mov", tmp_path)
    saved = source.read_bytes() + b"\x00\x00\x00\x08free"
    real = mp4.Mp4File.clean

    def clean_while_user_saves(self: mp4.Mp4File) -> CleanResult:
        result = real(self)
        source.with_suffix(".new").write_bytes(saved)
        source.with_suffix(".new").replace(source)  # an editor saving a new version
        return result

    monkeypatch.setattr(mp4.Mp4File, "clean", clean_while_user_saves)
    report = clean_file(source, Options(stream_from=1, scan=False, in_place=True))
    assert report.status == "error" and "changed while" in report.error
    assert source.read_bytes() == saved
    assert list(tmp_path.glob(".sanitize-*")) == []


@needs_ffmpeg
def test_over_the_cap_streams_but_whole_formats_are_refused(
    tmp_path: Path, runner: CliRunner, spy: list[str]
) -> None:
    movie = dirty_media.make("clip.mov", tmp_path)
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(dirty.dirty_jpeg())
    cap = str(min(movie.stat().st_size, photo.stat().st_size) - 1)
    result = runner.invoke(main, ["clean", "--no-scan", "--max-size", cap, str(movie)])
    assert result.exit_code == 0, result.output
    assert spy == ["mov"]
    assert_no_markers((tmp_path / "clip.clean.mov").read_bytes())
    result = runner.invoke(main, ["clean", "--no-scan", "--max-size", cap, str(photo)])
    assert result.exit_code == 2 and "limit" in result.output


@needs_ffmpeg
def test_truncated_movie_streamed_is_an_error(tmp_path: Path) -> None:
    source = dirty_media.make("clip.mov", tmp_path)
    data = source.read_bytes()
    source.write_bytes(data[: len(data) // 2])
    report = clean_file(source, STREAMED)
    assert report.status == "error"
    assert list(tmp_path.glob(".sanitize-*")) == []


def test_plan_replays_overlapping_edits_in_order() -> None:
    data = bytes(range(64))
    edits: list[tuple[int, bytes | int]] = [(4, b"abcd"), (6, 4), (2, b"XY"), (40, 100), (9, b"Q")]
    plan = Plan.patched(48, edits)
    expected = bytearray(data)
    for offset, content in edits:
        new = bytes(content) if isinstance(content, int) else content
        expected[offset : offset + len(new)] = new
    del expected[48:]
    assert plan.render(data) == expected
    assert plan.changes(data)
    assert Plan.patched(len(data), []).changes(data) is False
    assert Plan.patched(len(data), [(3, b"\x03")]).changes(data) is False
    assert any(isinstance(s, Zeros) for s in plan.segments)
    assert plan.edited() == [(2, 10), (40, 48)]


def test_plan_writes_with_the_kernel_copy(tmp_path: Path) -> None:
    import os

    original = tmp_path / "in.bin"
    original.write_bytes(os.urandom(3 << 20))
    data = original.read_bytes()
    plan = Plan.patched(len(data) - 5, [(10, b"hello"), ((2 << 20) + 7, 1 << 20)])
    with original.open("rb") as source, (tmp_path / "out.bin").open("wb") as target:
        plan.write(source.fileno(), target)
    assert (tmp_path / "out.bin").read_bytes() == plan.render(data)


# -- memory ----------------------------------------------------------------------------
def phone_movie(folder: Path, megabytes: int) -> Path:
    """A phone-style MOV (H.264 + AAC, location, make, model, date) of about ``megabytes``:
    a short real clip looped with stream copy, so every byte is a real sample."""
    ffmpeg = shutil.which("ffmpeg")
    assert ffmpeg is not None
    clip = folder / "seed.mov"
    subprocess.run(
        [
            ffmpeg,
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=640x360:rate=30",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=48000",
            "-t",
            "10",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-b:v",
            "20M",
            "-c:a",
            "aac",
            str(clip),
        ],
        check=True,
    )
    loops = max(megabytes * 1024**2 // clip.stat().st_size, 1)
    movie = folder / "phone.mov"
    subprocess.run(
        [
            ffmpeg,
            "-v",
            "error",
            "-y",
            "-stream_loop",
            str(loops - 1),
            "-i",
            str(clip),
            "-c",
            "copy",
            "-map",
            "0",
            "-metadata",
            "location=+48.8566+002.3522/",
            "-metadata",
            "com.apple.quicktime.location.ISO6709=+48.8566+002.3522+035.000/",
            "-metadata",
            "com.apple.quicktime.make=Apple",
            "-metadata",
            "com.apple.quicktime.model=iPhone 15 Pro",
            "-metadata",
            "creation_time=2025-06-01T12:00:00Z",
            "-movflags",
            "use_metadata_tags",
            str(movie),
        ],
        check=True,
    )
    clip.unlink()
    return movie


PEAK_RSS = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.stderr.write(done.stdout + done.stderr)
"""


@pytest.mark.slow
@needs_ffmpeg
def test_memory_does_not_grow_with_the_movie(tmp_path: Path) -> None:
    movie = phone_movie(tmp_path, 250)
    assert movie.stat().st_size > 200 * 1024**2
    measured = subprocess.run(
        [
            sys.executable,
            "-c",
            PEAK_RSS,
            sys.executable,
            "-m",
            "sanitize",
            "clean",
            "--no-scan",
            "-q",
            str(movie),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    code, peak_kb = (int(x) for x in measured.stdout.split())
    assert code == 0, measured.stderr
    output = tmp_path / "phone.clean.mov"
    assert output.stat().st_size == movie.stat().st_size
    assert peak_kb < 150 * 1024, f"peak RSS {peak_kb // 1024} MB"
    with output.open("rb") as handle:  # the movie header is at the end
        handle.seek(-(4 << 20), 2)
        tail = handle.read()
    assert b"+48.8566" not in tail and b"iPhone" not in tail
    report = clean_file(output, Options(scan=False))
    assert report.status == "clean" and not report.metadata
