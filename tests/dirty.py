"""Build image files that carry a distinct marker in every metadata hiding place.

Used by the tests (fixtures are generated at test time) and by tools/make_samples.py.
Every marker starts with ``MARKER`` so a test can search an output's bytes for them.
"""

from __future__ import annotations

import io
import random
import struct
import zlib
from pathlib import Path

import piexif
from PIL import Image, ImageCms, PngImagePlugin

# Searched without its hyphen: PDF writers may escape "-" as "\\055" in strings.
MARK = b"MARKER"


def marker(name: str) -> str:
    return f"MARKER-{name}"


def srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def noise_image(width: int = 96, height: int = 64, seed: int = 1, mode: str = "RGB") -> Image.Image:
    """A gradient with seeded noise: compresses like a photo, differs per seed."""
    rng = random.Random(seed)
    base = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    noise = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    image = Image.blend(noise, base, 0.6)
    if mode == "RGBA":
        image.putalpha(Image.linear_gradient("L").resize((width, height)))
    elif mode == "P":
        image = image.quantize(64)
        image.info["transparency"] = 0
    return image


def xmp_packet(tag: str = "XMP") -> bytes:
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
        f'xmp:CreatorTool="{marker(tag + "-TOOL")}">'
        f"<dc:creator><rdf:Seq><rdf:li>{marker(tag + '-CREATOR')}</rdf:li></rdf:Seq></dc:creator>"
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
        '<?xpacket end="w"?>'
    ).encode()


def exif_bytes(orientation: int = 6, thumbnail: bool = True, tag: str = "EXIF") -> bytes:
    thumb = b""
    if thumbnail:
        buffer = io.BytesIO()
        Image.new("RGB", (16, 12), (255, 0, 0)).save(buffer, "JPEG")
        thumb = buffer.getvalue()
    exif = {
        "0th": {
            piexif.ImageIFD.Make: marker(tag + "-MAKE").encode(),
            piexif.ImageIFD.Model: marker(tag + "-MODEL").encode(),
            piexif.ImageIFD.Software: marker(tag + "-SOFTWARE").encode(),
            piexif.ImageIFD.Artist: marker(tag + "-ARTIST").encode(),
            piexif.ImageIFD.Orientation: orientation,
        },
        "Exif": {
            piexif.ExifIFD.DateTimeOriginal: b"2025:06:01 12:34:56",
            piexif.ExifIFD.BodySerialNumber: marker(tag + "-SERIAL").encode(),
            piexif.ExifIFD.UserComment: b"ASCII\x00\x00\x00" + marker(tag + "-COMMENT").encode(),
        },
        "GPS": {
            piexif.GPSIFD.GPSLatitudeRef: b"N",
            piexif.GPSIFD.GPSLatitude: ((48, 1), (51, 1), (2400, 100)),
            piexif.GPSIFD.GPSLongitudeRef: b"E",
            piexif.GPSIFD.GPSLongitude: ((2, 1), (21, 1), (300, 100)),
            piexif.GPSIFD.GPSAreaInformation: b"ASCII\x00\x00\x00" + marker(tag + "-GPS").encode(),
        },
        "1st": {
            piexif.ImageIFD.JPEGInterchangeFormat: 0,
            piexif.ImageIFD.JPEGInterchangeFormatLength: 0,
        }
        if thumbnail
        else {},
        "thumbnail": thumb or None,
    }
    return piexif.dump(exif)  # starts with b"Exif\0\0"


def _segment(marker_byte: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker_byte)) + struct.pack(">H", len(payload) + 2) + payload


def iptc_block() -> bytes:
    def dataset(number: int, value: bytes) -> bytes:
        return b"\x1c\x02" + bytes([number]) + struct.pack(">H", len(value)) + value

    iim = dataset(80, marker("IPTC-BYLINE").encode()) + dataset(90, marker("IPTC-CITY").encode())
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(iim)) + iim
    if len(iim) % 2:
        resource += b"\x00"
    return b"Photoshop 3.0\x00" + resource


def dirty_jpeg(
    orientation: int = 6, size: tuple[int, int] = (96, 64), progressive: bool = False
) -> bytes:
    """A JPEG with EXIF (+GPS, thumbnail), XMP, extended XMP, IPTC, COM, MPF, JUMBF, APP4, trailer.

    (The thumbnail is in EXIF; everything else is one segment each.)"""
    buffer = io.BytesIO()
    noise_image(*size).save(
        buffer,
        "JPEG",
        quality=90,
        icc_profile=srgb_profile(),
        exif=exif_bytes(orientation),
        progressive=progressive,
    )
    data = buffer.getvalue()
    extra = b"".join(
        [
            _segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + xmp_packet()),
            _segment(
                0xE1,
                b"http://ns.adobe.com/xmp/extension/\x00"
                + b"0" * 32
                + struct.pack(">II", 30, 0)
                + marker("XMPEXT").encode(),
            ),
            _segment(0xED, iptc_block()),
            _segment(0xFE, marker("COMMENT").encode()),
            _segment(0xE2, b"MPF\x00" + marker("MPF").encode()),
            _segment(0xEB, b"JP\x00\x00\x00\x00\x00\x01jumb" + marker("C2PA").encode()),
            _segment(0xE4, b"VENDOR\x00" + marker("APP4").encode()),
        ]
    )
    # Insert after the APP segments Pillow wrote, before the quantisation tables.
    dqt = 2
    while 0xE0 <= data[dqt + 1] <= 0xEF:
        dqt += 2 + struct.unpack(">H", data[dqt + 2 : dqt + 4])[0]
    return data[:dqt] + extra + data[dqt:] + b"TRAILER" + marker("TRAILER").encode()


def _png_chunk(type_: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(type_ + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + type_ + payload + struct.pack(">I", crc)


def dirty_png(orientation: int = 6, mode: str = "RGBA") -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", marker("PNG-TEXT"))
    info.add_text("Comment", marker("PNG-ZTXT"), zip=True)
    info.add_itxt("Description", marker("PNG-ITXT"), lang="en", tkey="Beschreibung")
    info.add_itxt("XML:com.adobe.xmp", xmp_packet("PNGXMP").decode(), zip=True)
    buffer = io.BytesIO()
    noise_image(mode=mode).save(buffer, "PNG", pnginfo=info, icc_profile=srgb_profile())
    data = buffer.getvalue()
    iend = data.rindex(b"IEND") - 4
    tiff = exif_bytes(orientation, thumbnail=False, tag="PNGEXIF")[6:]
    idat = data.index(b"IDAT") - 4
    extra_before = _png_chunk(b"eXIf", tiff) + _png_chunk(b"tIME", b"\x07\xe9\x06\x01\x0c\x22\x38")
    extra_after = _png_chunk(b"prVt", marker("PNG-PRIVATE").encode())
    return (
        data[:idat]
        + extra_before
        + data[idat:iend]
        + extra_after
        + data[iend:]
        + marker("PNG-TRAILER").encode()
    )


def dirty_webp(kind: str = "lossy", orientation: int = 6) -> bytes:
    buffer = io.BytesIO()
    options = {
        "exif": exif_bytes(orientation, thumbnail=False, tag="WEBPEXIF"),
        "xmp": xmp_packet("WEBPXMP"),
        "icc_profile": srgb_profile(),
    }
    if kind == "animated":
        frames = [noise_image(seed=s) for s in range(3)]
        frames[0].save(
            buffer, "WEBP", save_all=True, append_images=frames[1:], duration=100, loop=0, **options
        )
    else:
        noise_image().save(buffer, "WEBP", lossless=kind == "lossless", quality=80, **options)
    return buffer.getvalue()


def dirty_gif(animated: bool = True) -> bytes:
    buffer = io.BytesIO()
    frames = [noise_image(seed=s).convert("P") for s in range(3 if animated else 1)]
    frames[0].save(
        buffer,
        "GIF",
        save_all=animated,
        append_images=frames[1:],
        duration=80,
        loop=0,
        comment=marker("GIF-COMMENT").encode(),
    )
    data = buffer.getvalue()
    xmp = marker("GIF-XMP").encode()
    application = b"\x21\xff\x0bXMP DataXMP" + bytes([len(xmp)]) + xmp + b"\x00"
    trailer = data.rindex(b"\x3b")
    return data[:trailer] + application + data[trailer:] + marker("GIF-TRAILER").encode()


def dirty_tiff(compression: str = "tiff_lzw") -> bytes:
    from PIL import TiffImagePlugin

    info = TiffImagePlugin.ImageFileDirectory_v2()
    info[270] = marker("TIFF-DESCRIPTION")
    info[271] = marker("TIFF-MAKE")
    info[272] = marker("TIFF-MODEL")
    info[305] = marker("TIFF-SOFTWARE")
    info[315] = marker("TIFF-ARTIST")
    info[306] = "2025:06:01 12:00:00"
    info[33432] = marker("TIFF-COPYRIGHT")
    info[274] = 1
    info[700] = xmp_packet("TIFFXMP")
    buffer = io.BytesIO()
    noise_image().save(
        buffer, "TIFF", tiffinfo=info, compression=compression, icc_profile=srgb_profile()
    )
    return buffer.getvalue()


def dirty_heic(orientation: int = 1) -> bytes:
    import pillow_heif

    heif = pillow_heif.from_pillow(noise_image())
    buffer = io.BytesIO()
    heif.save(
        buffer,
        quality=90,
        exif=exif_bytes(orientation, thumbnail=False, tag="HEICEXIF"),
        xmp=xmp_packet("HEICXMP"),
        icc_profile=srgb_profile(),
    )
    return buffer.getvalue()


BUILDERS = {
    "photo.jpg": dirty_jpeg,
    "graphic.png": dirty_png,
    "photo.webp": dirty_webp,
    "animation.gif": dirty_gif,
    "scan.tiff": dirty_tiff,
    "photo.heic": dirty_heic,
}


def write_all(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, build in BUILDERS.items():
        path = folder / name
        path.write_bytes(build())
        written.append(path)
    return written


HDRGM_NS = "http://ns.adobe.com/hdr-gain-map/1.0/"


def _after_app_segments(data: bytes) -> int:
    """Where the first non-APPn segment of a Pillow-written JPEG starts."""
    pos = 2
    while 0xE0 <= data[pos + 1] <= 0xEF:
        pos += 2 + struct.unpack(">H", data[pos + 2 : pos + 4])[0]
    return pos


def _mpf_payload(entries: list[tuple[int, int, int]]) -> bytes:
    """An APP2 MPF payload (little-endian, as some phones write it) with an MP index and an
    ImageUIDList and attribute IFD, both of which cleaning drops."""
    count = 4
    values_at = 8 + 2 + 12 * count + 4
    uid = marker("MPF-UID").encode().ljust(33, b"\x00")
    out = b"MPF\x00II*\x00" + struct.pack("<I", 8) + struct.pack("<H", count)
    out += struct.pack("<HHI", 0xB000, 7, 4) + b"0100"
    out += struct.pack("<HHII", 0xB001, 4, 1, len(entries))
    out += struct.pack("<HHII", 0xB002, 7, 16 * len(entries), values_at)
    out += struct.pack("<HHII", 0xB003, 7, len(uid), values_at + 16 * len(entries))
    out += struct.pack("<I", 0)
    for attribute, size, offset in entries:
        out += struct.pack("<IIIHH", attribute, size, offset, 0, 0)
    return out + uid


def ultra_hdr_jpeg(orientation: int = 6, trailer: bool = True) -> bytes:
    """An Ultra HDR photo as Android phones write it (developer.android.com, "Ultra HDR
    Image Format"): a primary JPEG whose XMP holds hdrgm:Version and a container directory
    and whose APP2 MPF index points to a second JPEG, the gain map, with its own hdrgm XMP
    and ISO 21496-1 block. Both images carry personal metadata with markers."""
    gain = io.BytesIO()
    noise_image(48, 32, seed=7).convert("L").save(
        gain, "JPEG", quality=85, exif=exif_bytes(1, thumbnail=False, tag="GAINEXIF")
    )
    gain_xmp = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Adobe XMP Core 5.1.2">'
        f'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f'<rdf:Description rdf:about="" xmlns:hdrgm="{HDRGM_NS}" '
        'xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
        'hdrgm:Version="1.0" hdrgm:GainMapMin="0" hdrgm:GainMapMax="2.3" hdrgm:Gamma="1" '
        'hdrgm:OffsetSDR="0.015625" hdrgm:OffsetHDR="0.015625" hdrgm:HDRCapacityMin="0" '
        'hdrgm:HDRCapacityMax="2.3" hdrgm:BaseRenditionIsHDR="False" '
        f'xmp:CreatorTool="{marker("GAIN-XMP-TOOL")}"/>'
        "</rdf:RDF></x:xmpmeta>"
    ).encode()
    iso = b"urn:iso:std:iso:ts:21496:-1\x00" + bytes(range(40))
    gain_data = gain.getvalue()
    at = _after_app_segments(gain_data)
    gain_data = (
        gain_data[:at]
        + _segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + gain_xmp)
        + _segment(0xE2, iso)
        + gain_data[at:]
    )
    primary_xmp = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" '
        'xmlns:Container="http://ns.google.com/photos/1.0/container/" '
        'xmlns:Item="http://ns.google.com/photos/1.0/container/item/" '
        f'xmlns:hdrgm="{HDRGM_NS}" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'hdrgm:Version="1.0">'
        f"<dc:creator><rdf:Seq><rdf:li>{marker('HDR-CREATOR')}</rdf:li></rdf:Seq></dc:creator>"
        "<Container:Directory><rdf:Seq>"
        '<rdf:li rdf:parseType="Resource"><Container:Item Item:Semantic="Primary" '
        'Item:Mime="image/jpeg"/></rdf:li>'
        '<rdf:li rdf:parseType="Resource"><Container:Item Item:Semantic="GainMap" '
        f'Item:Mime="image/jpeg" Item:Length="{len(gain_data)}"/></rdf:li>'
        "</rdf:Seq></Container:Directory></rdf:Description></rdf:RDF></x:xmpmeta>"
    ).encode()
    primary = io.BytesIO()
    noise_image(96, 64).save(
        primary, "JPEG", quality=90, icc_profile=srgb_profile(), exif=exif_bytes(orientation)
    )
    base = primary.getvalue()
    at = _after_app_segments(base)
    head = base[:at] + _segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + primary_xmp)
    iso_version = _segment(0xE2, b"urn:iso:std:iso:ts:21496:-1\x00\x00\x00\x00\x00")
    blank = _segment(0xE2, _mpf_payload([(0, 0, 0), (0, 0, 0)]))
    header = len(head) + 4 + 4  # the MPF offsets count from the byte after "MPF\0"
    primary_size = len(head) + len(blank) + len(iso_version) + len(base) - at
    mpf = _segment(
        0xE2,
        _mpf_payload([(0x20030000, primary_size, 0), (0, len(gain_data), primary_size - header)]),
    )
    data = head + mpf + iso_version + base[at:] + gain_data
    if trailer:
        data += b"MOTION" + marker("HDR-TRAILER").encode()
    return data
