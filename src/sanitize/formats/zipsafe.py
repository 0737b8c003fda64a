"""Read zip-based documents (OOXML, OpenDocument, EPUB) safely and write them back
deterministically.

Reading refuses what a hostile archive uses: too many members, paths that climb out of
the archive, encrypted members, a member named twice, and inflated sizes past a budget or
a ratio (zip bombs). The budget is counted on the bytes actually inflated, not on the
sizes the archive declares, which a bomb can lie about.

Writing always gives the same bytes for the same members: a fixed order, fixed
timestamps, no extra fields, no comment. OpenDocument and EPUB need their ``mimetype``
member first and stored uncompressed (readers sniff it at a fixed offset): ``first``
and ``stored`` say so.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable

from lxml import etree

from sanitize.errors import CorruptFileError, LimitExceededError
from sanitize.xmlsafe import parse_xml, serialize

MAX_MEMBERS = 20_000
MAX_RATIO = 200  # inflated/compressed beyond this, for members over MAX_RATIO_FREE bytes
MAX_RATIO_FREE = 10 * 1024**2
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def check_name(name: str) -> None:
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]:
        raise CorruptFileError(f"zip member with an unsafe path: {name!r}")


def read_members(data: bytes, max_inflated: int, what: str = "zip package") -> dict[str, bytes]:
    """Every file member's inflated bytes, in archive order (folders are left out)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as exc:
        raise CorruptFileError(f"not a readable {what}: {exc}") from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise LimitExceededError(f"{what} has too many members")
        members: dict[str, bytes] = {}
        budget = max_inflated
        for info in infos:
            check_name(info.filename)
            if info.is_dir():
                continue
            if info.flag_bits & 0x1:
                raise CorruptFileError(f"{what} has encrypted members")
            if info.filename in members:
                raise CorruptFileError(f"zip member appears twice: {info.filename}")
            if info.file_size > budget:
                raise LimitExceededError(f"{what} inflates past the size cap (zip bomb?)")
            if info.file_size > MAX_RATIO_FREE and info.file_size > MAX_RATIO * max(
                info.compress_size, 1
            ):
                raise LimitExceededError(
                    f"zip member {info.filename} inflates "
                    f"{info.file_size // max(info.compress_size, 1)}x (zip bomb?)"
                )
            try:
                with archive.open(info) as member:
                    content = member.read(budget + 1)
            except Exception as exc:  # BadZipFile, zlib.error, EOFError... from a corrupt stream
                raise CorruptFileError(f"broken zip member {info.filename}: {exc}") from exc
            budget -= len(content)
            if budget < 0:
                raise LimitExceededError(f"{what} inflates past the size cap (zip bomb?)")
            members[info.filename] = content
    return members


def write_members(
    members: dict[str, bytes],
    first: Iterable[str] = (),
    stored: frozenset[str] = frozenset(),
) -> bytes:
    """A zip of ``members``: the names in ``first`` in that order, then the rest sorted;
    the names in ``stored`` uncompressed, the others deflated."""
    leading = [name for name in first if name in members]
    order = leading + sorted(name for name in members if name not in leading)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            archive.writestr(info, members[name], compresslevel=None if name in stored else 6)
    return buffer.getvalue()


class ZipDocument:
    """The members of a zip-based document; XML members are parsed once (safely), edited
    in place, and serialised again only when written."""

    def __init__(self, members: dict[str, bytes]):
        self.members = members
        self._xml: dict[str, etree._Element] = {}

    def xml(self, name: str) -> etree._Element:
        if name not in self._xml:
            self._xml[name] = parse_xml(self.members[name], name)
        return self._xml[name]

    def parsed(self, name: str) -> bool:
        return name in self._xml

    def remove(self, name: str) -> None:
        self.members.pop(name, None)
        self._xml.pop(name, None)

    def write(
        self,
        first: Iterable[str] = (),
        stored: frozenset[str] = frozenset(),
        render: Callable[[str, etree._Element], bytes] | None = None,
        only: set[str] | None = None,
    ) -> bytes:
        """The zip; parsed XML members are serialised again (only those in ``only`` when
        given: the others keep their original bytes)."""
        for name, root in self._xml.items():
            if name in self.members and (only is None or name in only):
                self.members[name] = render(name, root) if render else serialize(root)
        return write_members(self.members, first, stored)


def first_member_stored(data: bytes | bytearray, name: str) -> bool:
    """Whether the archive's first member is ``name``, stored uncompressed."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
    return bool(infos) and infos[0].filename == name and infos[0].compress_type == 0
