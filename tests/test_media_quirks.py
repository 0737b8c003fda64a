"""Media files as other software writes them: live-recorded WebM, MP3 tags with wrong sizes
or at the end, FLAC behind an ID3 tag or with a wrong picture size, movie handler names,
fragmented MP4, an Ogg stream cut short. ffmpeg and ffprobe are the independent oracles."""

from __future__ import annotations

import struct
import subprocess
from pathlib import Path

import pytest

import dirty
import dirty_media
from dirty_media import FFMPEG, needs_ffmpeg
from oracles import assert_no_markers
from sanitize import Options, clean_file, inspect_file
from sanitize.cleaners.mp3 import Mp3Cleaner
from sanitize.errors import VerificationError
from sanitize.filetype import detect
from sanitize.formats import ebml

M = dirty.marker
pytestmark = needs_ffmpeg


def ffmpeg(*args: str | Path) -> None:
    assert FFMPEG is not None
    subprocess.run([FFMPEG, "-v", "error", "-y", *map(str, args)], check=True)


def decoded(path: Path) -> list[str]:
    """MD5 of every decoded audio frame: what a person hears."""
    assert FFMPEG is not None
    result = subprocess.run(
        [FFMPEG, "-v", "error", "-i", str(path), "-map", "0:a", "-f", "framemd5", "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = [line for line in result.stdout.splitlines() if not line.startswith("#")]
    return [line.split(",")[5].strip() for line in lines]  # side data (tags) aside


def cleaned(path: Path, tmp_path: Path) -> Path:
    report = clean_file(path, Options(output_dir=tmp_path / "out", scan=False, cache=False))
    assert report.status == "cleaned", report.error
    output = Path(report.output or "")
    assert inspect_file(output, Options(scan=False, cache=False)).metadata == []
    return output


def id3v2(*frames: tuple[bytes, str], declared: int | None = None) -> bytes:
    """An ID3v2.3 tag of text frames; ``declared`` overrides the size in its header."""
    body = b"".join(
        fid + struct.pack(">I", len(text) + 1) + b"\x00\x00\x00" + text.encode("latin-1")
        for fid, text in frames
    )
    size = len(body) if declared is None else declared
    syncsafe = bytes((size >> shift) & 0x7F for shift in (21, 14, 7, 0))
    return b"ID3\x03\x00\x00" + syncsafe + body


def plain_mp3(tmp_path: Path, *options: str) -> Path:
    path = tmp_path / "plain.mp3"
    ffmpeg(*dirty_media.AUDIO, "-id3v2_version", "0", *options, path)
    return path


# -- WebM recorded live ---------------------------------------------------------------------


def live_webm(tmp_path: Path) -> Path:
    """A WebM as a browser's MediaRecorder writes it: Segment and Clusters of unknown size."""
    piped = tmp_path / "piped.webm"
    assert FFMPEG is not None
    with piped.open("wb") as handle:
        subprocess.run(
            [
                FFMPEG,
                "-v",
                "error",
                *dirty_media.VIDEO,
                *dirty_media.AUDIO,
                "-c:v",
                "libvpx",
                "-c:a",
                "libopus",
                *dirty_media.TAGS,
                "-metadata:s:v",
                f"title={M('TRACK-NAME')}",
                "-f",
                "webm",
                "-",
            ],
            stdout=handle,
            check=True,
        )
    data = piped.read_bytes()
    header, segment = ebml.children(data, 0, len(data))
    assert data[segment.start + 4] == 0x01 and data[segment.start + 5 : segment.start + 12] == (
        b"\xff" * 7
    ), "ffmpeg wrote a sized Segment to a pipe"
    # ffmpeg still sizes its Clusters: give them the unknown size a browser writes.
    parts = [data[: segment.data_start]]
    for element in ebml.children(data, segment.data_start, segment.end):
        if element.id == ebml.CLUSTER:
            parts.append(b"\x1f\x43\xb6\x75\x01" + b"\xff" * 7)
            parts.append(data[element.data_start : element.end])
        elif element.id == 0x114D9B74:  # SeekHead: its positions would be stale
            parts.append(ebml.void(element.end - element.start))
        else:
            parts.append(data[element.start : element.end])
    live = tmp_path / "recording.webm"
    live.write_bytes(b"".join(parts))
    return live


def test_live_recorded_webm_is_walked_cleaned_and_verified(tmp_path: Path) -> None:
    source = live_webm(tmp_path)
    fields = {(m.location, m.field) for m in inspect_file(source).metadata}
    assert {
        ("Matroska:Info", "Title"),
        ("Matroska:Info", "WritingApp"),
        ("Matroska:Track", "TrackName"),
        ("Matroska:Tags", "ARTIST"),
    } <= fields
    output = cleaned(source, tmp_path)
    assert_no_markers(output.read_bytes())
    assert b"Lavf" not in output.read_bytes()
    assert dirty_media.packet_hashes(output) == dirty_media.packet_hashes(source)


def test_unknown_size_elements_end_where_their_level_does() -> None:
    cluster = b"\x1f\x43\xb6\x75\x01" + b"\xff" * 7 + b"\xe7\x81\x00"  # Timestamp 0
    info = b"\x15\x49\xa9\x66\x83" + b"\x7b\xa9\x80"  # an empty Title
    segment = b"\x18\x53\x80\x67\x01" + b"\xff" * 7 + info + cluster + cluster
    data = b"\x1a\x45\xdf\xa3\x80" + segment
    header, found = ebml.children(data, 0, len(data))
    assert found.end == len(data)
    inside = ebml.children(data, found.data_start, found.end)
    assert [e.id for e in inside] == [0x1549A966, ebml.CLUSTER, ebml.CLUSTER]
    assert inside[1].end == inside[2].start


# -- MP3 ------------------------------------------------------------------------------------


def test_mp3_tag_declaring_more_than_the_file_ends_at_the_audio(tmp_path: Path) -> None:
    plain = plain_mp3(tmp_path)
    audio = plain.read_bytes()
    source = tmp_path / "long-tag.mp3"
    tag = id3v2((b"TPE1", M("ARTIST")), (b"TIT2", M("TITLE")), declared=len(audio) * 4)
    source.write_bytes(tag + audio)
    output = cleaned(source, tmp_path)
    assert output.read_bytes() == audio  # the whole song, not its first bytes
    assert decoded(output) == decoded(plain)
    assert dirty_media.duration(output) == pytest.approx(dirty_media.duration(plain), abs=1e-3)


def test_mp3_info_frame_is_kept(tmp_path: Path) -> None:
    source = tmp_path / "lame.mp3"
    ffmpeg(*dirty_media.AUDIO, *dirty_media.TAGS, "-id3v2_version", "3", source)
    output = cleaned(source, tmp_path).read_bytes()
    assert output[:2] == b"\xff\xfb" and (b"Xing" in output[:200] or b"Info" in output[:200])
    assert decoded(tmp_path / "out" / "lame.mp3") == decoded(source)
    assert dirty_media.duration(tmp_path / "out" / "lame.mp3") == pytest.approx(
        dirty_media.duration(source), abs=1e-3
    )


def test_mp3_tags_at_the_end_are_removed(tmp_path: Path) -> None:
    """Lyrics3v2, APEv2 and ID3v1 stacked after the audio, and an ID3v2.4 tag with a footer
    after those (as Audacious writes it): all found from the end and cut."""
    plain = plain_mp3(tmp_path)
    audio = plain.read_bytes()
    field = b"LYR" + b"%05d" % len(M("LYRICS")) + M("LYRICS").encode()
    lyrics = b"LYRICSBEGIN" + field
    lyrics += b"%06d" % len(lyrics) + b"LYRICS200"
    source = tmp_path / "tails.mp3"
    source.write_bytes(audio + lyrics)
    import mutagen.apev2
    import mutagen.id3

    ape = mutagen.apev2.APEv2()  # type: ignore[no-untyped-call]
    ape["Artist"] = M("APE-ARTIST")
    ape.save(source)
    id3v1 = b"TAG" + M("V1").encode().ljust(30, b"\x00") + b"\x00" * 94 + b"\xff"
    footer_tag = bytearray(id3v2((b"TIT2", M("V24"))))
    footer_tag[3], footer_tag[5] = 4, 0x10
    footer = b"3DI" + bytes(footer_tag[3:10])
    source.write_bytes(source.read_bytes() + id3v1 + bytes(footer_tag) + footer)
    fields = {m.location for m in inspect_file(source).metadata}
    assert {"Lyrics3", "APEv2", "ID3v1", "ID3v2"} <= fields
    output = cleaned(source, tmp_path)
    assert output.read_bytes() == audio
    assert decoded(output) == decoded(plain)


def test_mp3_verification_counts_frames(tmp_path: Path) -> None:
    from sanitize.context import Context
    from sanitize.registry import default_registry

    data = plain_mp3(tmp_path).read_bytes()
    context = Context(Options(), default_registry())
    cleaner = Mp3Cleaner()
    original = cleaner.open(id3v2((b"TIT2", M("T"))) + data, "mp3", context)
    with pytest.raises(VerificationError, match="frames"):
        original.verify(cleaner.open(data[:4096], "mp3", context))
    original.verify(cleaner.open(data, "mp3", context))


# -- FLAC -----------------------------------------------------------------------------------


def tagged_flac(tmp_path: Path) -> Path:
    path = tmp_path / "song.flac"
    ffmpeg(*dirty_media.AUDIO, *dirty_media.TAGS, path)
    return path


def test_flac_behind_an_id3_tag_is_flac(tmp_path: Path) -> None:
    flac = tagged_flac(tmp_path)
    source = tmp_path / "id3.flac"
    source.write_bytes(id3v2((b"TPE1", M("ID3-ARTIST"))) + flac.read_bytes())
    assert detect(source.read_bytes()) == "flac"
    locations = {m.location for m in inspect_file(source).metadata}
    assert {"ID3v2", "FLAC:VorbisComment"} <= locations
    output = cleaned(source, tmp_path)
    assert output.read_bytes()[:4] == b"fLaC"
    assert_no_markers(output.read_bytes())
    assert decoded(output) == decoded(flac)


def test_flac_picture_block_with_a_wrong_size(tmp_path: Path) -> None:
    import mutagen.flac

    source = tagged_flac(tmp_path)
    audio = mutagen.flac.FLAC(source)  # type: ignore[no-untyped-call]
    picture = mutagen.flac.Picture()  # type: ignore[no-untyped-call]
    picture.mime, picture.desc, picture.data = "image/jpeg", M("COVER"), dirty.dirty_jpeg()
    audio.add_picture(picture)  # type: ignore[no-untyped-call]
    audio.save()
    reference = decoded(source)
    data = bytearray(source.read_bytes())
    pos = 4
    while data[pos] & 0x7F != 6:
        pos += 4 + int.from_bytes(data[pos + 1 : pos + 4], "big")
    data[pos + 1 : pos + 4] = b"\x00\x00\x00"  # a tagger wrote size 0
    source.write_bytes(bytes(data))
    assert ("FLAC", "PICTURE") in {(m.location, m.field) for m in inspect_file(source).metadata}
    output = cleaned(source, tmp_path)
    assert_no_markers(output.read_bytes())
    assert decoded(output) == reference


# -- MP4 / MOV ------------------------------------------------------------------------------


def test_movie_handler_and_compressor_names_become_neutral(tmp_path: Path) -> None:
    source = dirty_media.make("clip.mov", tmp_path)
    data = bytearray(source.read_bytes())
    # As an iPhone writes them: handler names of Core Media, Apple's vendor code.
    for handler, name in ((b"vide", b"Core Media Video"), (b"soun", b"Core Media Audio")):
        at = data.index(b"mhlr" + handler)
        data[at + 8 : at + 12] = b"appl"
        size = int.from_bytes(data[at - 12 : at - 8], "big")
        field = at - 12 + size - (at + 20)
        data[at + 20 : at + 20 + field] = (bytes([len(name)]) + name).ljust(field, b"\x00")[:field]
    source.write_bytes(bytes(data))
    fields = {m.field for m in inspect_file(source).metadata}
    assert {"HandlerName", "HandlerVendor", "Vendor"} <= fields
    output = cleaned(source, tmp_path)
    result = output.read_bytes()
    assert len(result) == len(data)
    # (The AAC encoder's own name stays inside the audio bitstream: that is media data.)
    for word in (b"Core Media", b"appl", b"FFMP", b"Handler"):
        assert word not in result, word
    assert dirty_media.packet_hashes(output) == dirty_media.packet_hashes(source)


def test_fragmented_mp4_is_cleaned_and_its_fragments_compared(tmp_path: Path) -> None:
    from sanitize.context import Context
    from sanitize.registry import default_registry

    source = tmp_path / "frag.mp4"
    ffmpeg(
        *dirty_media.VIDEO,
        *dirty_media.AUDIO,
        "-c:v",
        "libx264",
        "-c:a",
        "aac",
        *dirty_media.TAGS,
        "-movflags",
        "frag_keyframe+empty_moov+default_base_moof",
        source,
    )
    output = cleaned(source, tmp_path)
    assert_no_markers(output.read_bytes())
    assert dirty_media.packet_hashes(output) == dirty_media.packet_hashes(source)
    context = Context(Options(), default_registry())
    cleaner = default_registry().for_kind("mp4")
    assert cleaner is not None
    original = cleaner.open(source.read_bytes(), "mp4", context)
    assert len(original.samples()) > 10  # type: ignore[attr-defined]
    tampered = bytearray(output.read_bytes())
    last_offset, size, _ = original.samples()[-1]  # type: ignore[attr-defined]
    tampered[last_offset] ^= 0xFF
    with pytest.raises(VerificationError):
        original.verify(cleaner.open(bytes(tampered), "mp4", context))


def test_movie_stripped_of_its_media_is_cleaned_without_touching_the_header(
    tmp_path: Path,
) -> None:
    """Sample tables that point into the movie header (a movie whose media was cut away):
    the metadata goes, nothing is written where a sample points, a note says so."""
    source = dirty_media.make("clip.mp4", tmp_path)
    data = source.read_bytes()
    at = data.index(b"mdat") - 4
    size = int.from_bytes(data[at : at + 4], "big")
    stripped = data[:at] + b"\x00\x00\x00\x08mdat" + data[at + size :]
    source.write_bytes(stripped)
    report = clean_file(source, Options(output_dir=tmp_path / "out", scan=False, cache=False))
    assert report.status == "cleaned", report.error
    assert any("not in this file's media data" in note for note in report.notes)
    assert_no_markers(Path(report.output or "").read_bytes())


# -- Ogg ------------------------------------------------------------------------------------


def test_ogg_with_its_last_page_cut_short(tmp_path: Path) -> None:
    source = tmp_path / "long.ogg"
    ffmpeg("-f", "lavfi", "-i", "sine=duration=20", "-c:a", "libvorbis", *dirty_media.TAGS, source)
    data = source.read_bytes()
    source.write_bytes(data[:-10])
    output = cleaned(source, tmp_path)
    result = output.read_bytes()
    assert_no_markers(result)
    assert result.endswith(data[-200:-10])
    # ffmpeg reads both up to the cut and then reports the end of the file.
    assert packets_until_cut(output) == packets_until_cut(source)


def packets_until_cut(path: Path) -> list[str]:
    assert FFMPEG is not None
    result = subprocess.run(
        [
            FFMPEG,
            "-v",
            "quiet",
            "-i",
            str(path),
            "-map",
            "0:a",
            "-c",
            "copy",
            "-f",
            "framemd5",
            "-",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line for line in result.stdout.splitlines() if not line.startswith("#")]
    assert len(lines) > 10
    return [line.split(",")[5].strip() for line in lines]  # size and side data aside
