"""CSS style sheets: comments go (``/* Author: ... */``, generator banners, and
``/*# sourceMappingURL=... */``, which often points at a path on the author's machine);
every rule stays as it was written.

``/*! ... */`` comments stay: minifiers keep them on purpose because they hold licence
notices, which a licence may require to travel with the code. A remark lists them.
Verification: the sheet with every comment taken out is the same before and after.

A style sheet has no signature. A file is cleaned as CSS when its bytes are text and its
name ends in ``.css`` (see ``catalog.text_kind``): the name decides how browsers and
bundlers read the file too, and nothing but comments is ever changed.
"""

from __future__ import annotations

from sanitize import catalog
from sanitize.cleaners.base import Cleaner, CleanResult, ParsedFile
from sanitize.context import Context
from sanitize.errors import VerificationError
from sanitize.formats import css
from sanitize.formats.values import short_text
from sanitize.report import MetadataItem

BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def decode(data: bytes) -> tuple[str, str, bytes]:
    """Text, encoding and byte-order mark; undecodable bytes survive the round trip."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, "surrogatepass"), encoding, bom
    return data.decode("utf-8", "surrogateescape"), "utf-8", b""


class CssFile(ParsedFile):
    def __init__(self, data: bytes, kind: str, context: Context):
        super().__init__(data, kind, context)
        self.text, self.encoding, self.bom = decode(data)
        found = css.comments(self.text)
        self.removed = [c for c in found if css.is_removable(c)]
        self.licences = [c for c in found if c.is_license]
        self._items = [
            MetadataItem(
                "CSS",
                "SourceMappingURL" if c.is_source_map else "Comment",
                short_text(c.text) or "<blank>",
            )
            for c in self.removed
        ]

    def rules(self) -> str:
        return css.without_comments(self.text)

    def items(self) -> list[MetadataItem]:
        return list(self._items)

    def remarks(self) -> list[str]:
        if not self.licences:
            return []
        first = short_text(self.licences[0].text[1:], 80)
        return [f"kept {len(self.licences)} /*! licence */ comment(s), e.g. {first}"]

    def clean(self) -> CleanResult:
        if not self.removed:
            return CleanResult(self.data)
        text = css.remove(self.text, self.removed)
        errors = "surrogatepass" if self.encoding.startswith("utf-16") else "surrogateescape"
        return CleanResult(self.bom + text.encode(self.encoding, errors))

    def verify(self, cleaned: ParsedFile) -> None:
        if not isinstance(cleaned, CssFile) or self.rules() != cleaned.rules():
            raise VerificationError("CSS rules changed during cleaning")


class CssCleaner(Cleaner):
    name = "css"
    kinds = catalog.kinds_of("css")

    def open(self, data: bytes, kind: str, context: Context) -> CssFile:
        return CssFile(data, kind, context)
