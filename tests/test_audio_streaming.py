"""Long audio streams: a FLAC is cleaned from a memory map as a plan, MP3 frames are counted
from bounded reads, and walks over a map give back the pages they passed."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import dirty
import dirty_media
from dirty_media import needs_ffmpeg
from oracles import assert_no_markers
from sanitize import Options, clean_file, source
from sanitize.cleaners.flac import FlacCleaner, FlacFile
from sanitize.context import Context
from sanitize.errors import VerificationError
from sanitize.formats import ebml, mpeg_audio
from sanitize.registry import default_registry

M = dirty.marker
STREAMED = Options(stream_from=1, scan=False)
IN_MEMORY = Options(stream_from=1 << 62, scan=False)


# -- MP3 frames, counted window by window ---------------------------------------------------
def reference_stream(data: bytes, start: int, end: int) -> mpeg_audio.Stream:
    """The frame walk as a decoder makes it, over the whole bytes at once."""
    pos, frames, samples, rate, skipped = start, 0, 0, 0, 0
    while pos < end:
        frame = mpeg_audio.frame_at(data, pos)
        if frame is not None and pos + frame.length <= end:
            frames, samples = frames + 1, samples + frame.samples
            rate = rate or frame.rate
            pos += frame.length
            continue
        following = mpeg_audio.find_sync(data, pos + 1, end)
        stop = end if following is None else following
        skipped, pos = skipped + stop - pos, stop
    return mpeg_audio.Stream(frames, samples, rate, skipped)


def mp3_frame(rng: random.Random) -> bytes:
    """An MPEG-1 Layer III frame at 44.1 kHz, of a random bit rate (VBR), random body."""
    index, padding = rng.randint(1, 14), rng.randint(0, 1)
    bitrate = (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)[index - 1]
    length = 144 * bitrate * 1000 // 44100 + padding
    header = bytes([0xFF, 0xFB, index << 4 | padding << 1, rng.choice((0x00, 0x40, 0x64))])
    return header + rng.randbytes(length - 4)


def adts_frame(rng: random.Random) -> bytes:
    length = rng.randint(100, 8000)
    header = bytes(
        [
            0xFF,
            0xF1,
            0x50,
            0x80 | (length >> 11),
            (length >> 3) & 0xFF,
            ((length & 7) << 5) | 0x1F,
            0xFC,
        ]
    )
    return header + rng.randbytes(length - 7)


def audio_run(rng: random.Random, size: int) -> bytes:
    """Frames of both kinds, junk between runs of them, and frames cut short."""
    parts: list[bytes] = [rng.randbytes(rng.randint(0, 50))]
    total = 0
    while total < size:
        choice = rng.random()
        if choice < 0.6:
            part = b"".join(mp3_frame(rng) for _ in range(rng.randint(1, 40)))
        elif choice < 0.8:
            part = b"".join(adts_frame(rng) for _ in range(rng.randint(1, 5)))
        elif choice < 0.9:
            part = rng.randbytes(rng.randint(1, 3000)) + b"\xff\xfb"
        else:
            part = mp3_frame(rng)[: rng.randint(1, 200)]
        parts.append(part)
        total += len(part)
    return b"".join(parts)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("window", [4096, 1 << 20])
def test_windowed_walk_counts_as_the_whole_walk(
    seed: int, window: int, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(mpeg_audio, "WINDOW", window)
    rng = random.Random(seed)
    data = audio_run(rng, 300_000)
    start = rng.randint(0, 100)
    end = len(data) - rng.randint(0, 200)
    expected = reference_stream(data, start, end)
    assert expected.frames > 100
    assert mpeg_audio.stream(data, start, end) == expected
    path = tmp_path / "audio.bin"
    path.write_bytes(data)
    mapped = source.open_mapped(path)
    try:
        assert mpeg_audio.stream(mapped, start, end) == expected
    finally:
        source.close_mapped(mapped)


def test_walk_reads_the_map_only_through_bounded_reads(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    rng = random.Random(7)
    path = tmp_path / "audio.bin"
    path.write_bytes(audio_run(rng, 3_000_000))
    sizes: list[int] = []
    real = source.read

    def read(data: object, start: int, stop: int) -> bytes:
        sizes.append(stop - start)
        return real(data, start, stop)  # type: ignore[arg-type]

    monkeypatch.setattr(source, "read", read)
    mapped = source.open_mapped(path)
    try:
        found = mpeg_audio.stream(mapped, 0, len(mapped))
    finally:
        source.close_mapped(mapped)
    assert found.frames > 1000
    assert len(sizes) >= 3 and max(sizes) <= mpeg_audio.WINDOW + (1 << 14)


def test_a_hostile_run_of_ever_new_headers_keeps_the_cache_small() -> None:
    rng = random.Random(3)
    data = b"".join(mp3_frame(rng) for _ in range(20_000))
    walk = mpeg_audio._Walk()
    walk.run(data, len(data), len(data))
    assert walk.frames == 20_000
    assert len(walk.headers) <= mpeg_audio._CACHE_MAX


# -- FLAC from a map -----------------------------------------------------------------------
def tagged_flac(folder: Path) -> Path:
    """A FLAC with Vorbis comments, a picture, padding, and ID3 tags before and after."""
    import mutagen.flac

    path = dirty_media.make("episode.flac", folder)
    audio = mutagen.flac.FLAC(path)  # type: ignore[no-untyped-call]
    picture = mutagen.flac.Picture()  # type: ignore[no-untyped-call]
    picture.mime, picture.desc, picture.data = "image/jpeg", M("COVER"), dirty.dirty_jpeg()
    audio.add_picture(picture)  # type: ignore[no-untyped-call]
    audio.save()  # type: ignore[no-untyped-call]
    # A copy without the ID3v1 tag: ffmpeg reads a tag after the frames as frame data.
    shutil.copyfile(path, folder / "plain.flac")
    tag = b"TAG" + M("ID3V1").encode().ljust(125, b"\x00")
    path.write_bytes(path.read_bytes() + tag)
    return path


def opened(data: bytes | source.MappedFile) -> FlacFile:
    context = Context(STREAMED, default_registry())
    return FlacCleaner().open(data, "flac", context)  # type: ignore[arg-type]


@needs_ffmpeg
def test_flac_plan_renders_the_whole_bytes_output(tmp_path: Path) -> None:
    path = tagged_flac(tmp_path)
    data = path.read_bytes()
    in_memory = opened(data).clean()
    assert in_memory.plan is None
    mapped = source.open_mapped(path)
    try:
        parsed = opened(mapped)
        assert parsed.streamed
        streamed = parsed.clean()
        assert streamed.plan is not None and streamed.data == b""
        assert streamed.plan.render(data) == in_memory.data
        assert [m.field for m in parsed.items()] == [m.field for m in opened(data).items()]
    finally:
        source.close_mapped(mapped)
    # The output is the stream's first blocks (the last one flagged as last) and its frames.
    original = opened(data)
    expected = b"fLaC" + data[original.kept[0][1] : original.kept[0][2]]
    expected = expected[:4] + bytes([expected[4] | 0x80]) + expected[5:]
    assert [t for t, _, _ in original.kept] == [0]
    assert bytes(in_memory.data) == expected + data[original.audio : original.audio_end]
    assert_no_markers(bytes(in_memory.data))


@needs_ffmpeg
def test_flac_streamed_and_verified_from_the_map(tmp_path: Path) -> None:
    path = tagged_flac(tmp_path)
    original = path.read_bytes()
    memory = clean_file(path, IN_MEMORY)
    assert memory.status == "cleaned", memory.error
    expected = Path(memory.output).read_bytes()  # type: ignore[arg-type]
    Path(memory.output).unlink()  # type: ignore[arg-type]
    # Over the size cap for files read whole: it streams all the same.
    report = clean_file(path, Options(scan=False, max_file_size=len(original) // 2))
    assert report.status == "cleaned", report.error
    output = Path(report.output)  # type: ignore[arg-type]
    assert output.read_bytes() == expected
    assert path.read_bytes() == original
    assert dirty_media.packet_hashes(output) == dirty_media.packet_hashes(tmp_path / "plain.flac")
    assert clean_file(output, STREAMED).status == "clean"


@needs_ffmpeg
@pytest.mark.parametrize("damage", ["frame", "total samples", "md5", "last frame cut"])
def test_flac_verify_from_the_map_refuses_changed_audio(damage: str, tmp_path: Path) -> None:
    path = tagged_flac(tmp_path)
    cleaned = bytearray(opened(path.read_bytes()).clean().data)
    info = 8  # "fLaC" and the STREAMINFO block header
    if damage == "frame":
        cleaned[len(cleaned) // 2] ^= 1
    elif damage == "total samples":
        cleaned[info + 17] ^= 1
    elif damage == "md5":
        cleaned[info + 20] ^= 1
    else:
        del cleaned[-10:]
    changed = tmp_path / "changed.flac"
    changed.write_bytes(bytes(cleaned))
    before, after = source.open_mapped(path), source.open_mapped(changed)
    try:
        with pytest.raises(VerificationError):
            opened(before).verify(opened(after))
    finally:
        source.close_mapped(before)
        source.close_mapped(after)


# -- pages a walk passed -------------------------------------------------------------------
def test_release_is_harmless_on_bytes_and_maps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(source, "RELEASE_EVERY", 1)
    source.release(b"abc", 0, 3)
    path = dirty_media.make("clip.mkv", tmp_path) if dirty_media.FFMPEG else None
    if path is None:
        pytest.skip("ffmpeg is not installed")
    data = path.read_bytes()
    expected = ebml.children(data, 0, len(data))
    mapped = source.open_mapped(path)
    try:
        # Released after every element: the walk reads the same elements again.
        assert ebml.children(mapped, 0, len(mapped)) == expected  # type: ignore[arg-type]
        source.release(mapped, len(mapped) + 10, len(mapped) + 20)
        source.release(mapped, 5, len(mapped) * 2)
        assert mapped[:4] == data[:4]
    finally:
        source.close_mapped(mapped)


@needs_ffmpeg
@pytest.mark.parametrize(
    "name", ["clip.mkv", "clip.webm", "clip.avi", "take.wav", "take.aiff", "episode.mp3"]
)
def test_pages_released_after_every_header_change_nothing(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source_file = dirty_media.make(name, tmp_path)
    memory = clean_file(source_file, IN_MEMORY)
    assert memory.status == "cleaned", memory.error
    expected = Path(memory.output).read_bytes()  # type: ignore[arg-type]
    Path(memory.output).unlink()  # type: ignore[arg-type]
    released: list[int] = []
    real = source.release

    def release(data: source.MappedFile, start: int, stop: int) -> None:
        released.append(stop - start)
        real(data, start, stop)

    monkeypatch.setattr(source, "RELEASE_EVERY", 1)
    monkeypatch.setattr(source, "release", release)
    streamed = clean_file(source_file, STREAMED)
    assert streamed.status == "cleaned", streamed.error
    assert Path(streamed.output).read_bytes() == expected  # type: ignore[arg-type]
    if name != "episode.mp3":  # its frames are read with pread, not through the map
        assert released


# -- memory --------------------------------------------------------------------------------
PEAK_RSS = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.stderr.write(done.stdout + done.stderr)
"""


def long_audio(folder: Path, suffix: str, megabytes: int) -> Path:
    """Twenty seconds of real audio (pink noise, so FLAC cannot shrink it to nothing)
    looped by stream copy to about ``megabytes``, with tags and a cover."""
    ffmpeg = shutil.which("ffmpeg")
    assert ffmpeg is not None
    seed = folder / f"seed{suffix}"
    codec = ["-c:a", "flac"] if suffix == ".flac" else ["-c:a", "libmp3lame", "-b:a", "320k"]
    noise = "anoisesrc=color=pink:amplitude=0.3:sample_rate=44100:duration=20"
    subprocess.run(
        [ffmpeg, "-v", "error", "-y", "-f", "lavfi", "-i", noise, "-ac", "2", *codec, str(seed)],
        check=True,
    )
    cover = folder / "cover.jpg"
    cover.write_bytes(dirty.dirty_jpeg(orientation=1))
    loops = max(megabytes * 1024**2 // seed.stat().st_size, 1)
    path = folder / f"long{suffix}"
    subprocess.run(
        [ffmpeg, "-v", "error", "-y", "-stream_loop", str(loops - 1), "-i", str(seed),
         "-i", str(cover), "-map", "0:a", "-map", "1:v", "-c", "copy",
         "-disposition:v", "attached_pic", *dirty_media.TAGS, str(path)],
        check=True,
    )  # fmt: skip
    seed.unlink()
    return path


@pytest.mark.slow
@needs_ffmpeg
@pytest.mark.parametrize("suffix", [".mp3", ".flac"])
def test_memory_does_not_grow_with_the_audio(suffix: str, tmp_path: Path) -> None:
    audio = long_audio(tmp_path, suffix, 200)
    assert audio.stat().st_size > 150 * 1024**2
    command = [sys.executable, "-m", "sanitize", "clean", "--no-scan", "-q", str(audio)]
    measured = subprocess.run(
        [sys.executable, "-c", PEAK_RSS, *command], capture_output=True, text=True, check=True
    )
    code, peak_kb = (int(x) for x in measured.stdout.split())
    assert code == 0, measured.stderr
    # Before: the whole file (and, for MP3, its cleaned copy too) was resident.
    assert peak_kb < 100 * 1024, f"peak RSS {peak_kb // 1024} MB"
    output = audio.with_name("long.clean" + suffix)
    with output.open("rb") as handle:
        head = handle.read(1 << 20)
    assert_no_markers(head)
    report = clean_file(output, Options(scan=False))
    assert report.status == "clean" and not report.metadata


@pytest.mark.parametrize("seed", range(6))
def test_windowed_sync_search_finds_what_the_whole_search_finds(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(seed)
    # Junk full of 0xFF bytes and lone headers, then audio.
    junk = bytes(rng.choice((0xFF, 0xFB, 0x90, 0x00, 0x41)) for _ in range(20_000))
    data = junk + audio_run(rng, 50_000)

    def whole(start: int, end: int) -> int | None:
        pos = data.find(b"\xff", start, end)
        while 0 <= pos < end:
            if mpeg_audio.sync_at(data, pos, end):
                return pos
            pos = data.find(b"\xff", pos + 1, end)
        return None

    monkeypatch.setattr(mpeg_audio, "WINDOW", 1000)
    for start in (0, 1, 999, 1000, 5000, 19_999, len(data) - 5):
        for end in (len(data), len(data) - 3, 25_000, start):
            assert mpeg_audio.find_sync(data, start, end) == whole(start, end)
