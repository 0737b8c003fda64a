"""The identifier of a rewritten PDF (the trailer's /ID), derived from its content.

It must say nothing of the original (qpdf's own would keep the original's first half) and
be the same for the same output, so that cleaning a cleaned file changes nothing; it need
not resist anyone, as /ID is a name for the document, not a seal. Hashing every byte of a
PDF of photos costs more than the whole rewrite (20 ms for 23 MB here), so each large stream
body enters the hash as its length, its first and its last SAMPLE bytes; everything else
(every object, every small stream: the pages' drawings and text, the trailer) is hashed
whole. Two outputs share an identifier only if they differ nowhere but inside large
streams of the same lengths, between their first and last 16 KiB.

The bodies are found in qpdf's own output, whose form is fixed: a classic cross-reference
table gives each object's offset, and a stream object is written as ``N G obj`` then a
one-line dictionary ending in ``/Length L >>``, ``stream``, the body, ``endstream``. A body
is sampled only when all of that is found where expected; otherwise it is hashed whole.
"""

from __future__ import annotations

import hashlib
import re

SAMPLED_ABOVE = 256 * 1024
SAMPLE = 16 * 1024
DIGEST_SIZE = 16

_STARTXREF = re.compile(rb"startxref\s+(\d{1,15})\s+%%EOF\s*$")
_SUBSECTION = re.compile(rb"(\d{1,10}) (\d{1,10})\r?\n")
_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])[ \r\n]{2}")
_STREAM_OBJECT = re.compile(rb"\d{1,10} \d{1,5} obj\n<<[^\n]* /Length (\d{1,15}) >>\nstream\n")
_ENDSTREAM = re.compile(rb"\nendstream")


def _object_offsets(view: memoryview, tail: bytes) -> list[int]:
    """Offsets of the objects in use, from the single classic table qpdf writes."""
    found = _STARTXREF.search(tail)
    if found is None:
        return []
    position = int(found[1])
    if bytes(view[position : position + 5]) != b"xref\n":
        return []
    position += 5
    offsets: list[int] = []
    while subsection := _SUBSECTION.match(view, position):
        position = subsection.end()
        for _ in range(int(subsection[2])):
            entry = _ENTRY.match(view, position)
            if entry is None:
                return []
            position = entry.end()
            if entry[3] == b"n":
                offsets.append(int(entry[1]))
    return sorted(offsets)


def _large_bodies(view: memoryview, tail: bytes) -> list[tuple[int, int]]:
    bodies: list[tuple[int, int]] = []
    for offset in _object_offsets(view, tail):
        header = _STREAM_OBJECT.match(view, offset)
        if header is None:
            continue
        begin = header.end()
        end = begin + int(header[1])
        large = end - begin > SAMPLED_ABOVE and _ENDSTREAM.match(view, end) is not None
        if large and (not bodies or begin >= bodies[-1][1]):
            bodies.append((begin, end))
    return bodies


def content_digest(view: memoryview, tail: bytes) -> bytes:
    """DIGEST_SIZE bytes of SHA-256 over ``view`` with its large stream bodies sampled.
    ``tail``: the last bytes of the file, which hold startxref."""
    digest = hashlib.sha256()
    position = 0
    for begin, end in _large_bodies(view, tail):
        digest.update(view[position:begin])
        digest.update(b"%d\n" % (end - begin))
        digest.update(view[begin : begin + SAMPLE])
        digest.update(view[end - SAMPLE : end])
        position = end
    digest.update(view[position:])
    return digest.digest()[:DIGEST_SIZE]
