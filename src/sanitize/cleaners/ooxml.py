"""DOCX, XLSX and PPTX: one cleaner for the three Office Open XML formats."""

from __future__ import annotations

from sanitize import filetype
from sanitize.cleaners.base import Cleaner, CleanResult, Scanner
from sanitize.errors import VerificationError
from sanitize.options import Options
from sanitize.report import MetadataItem

OOXML_KINDS = frozenset({"docx", "xlsx", "pptx"})


def _clean_nested(options: Options):  # type: ignore[no-untyped-def]
    """Embedded images and Office documents go through their own cleaners."""

    def clean(name: str, data: bytes) -> tuple[bytes | None, list[MetadataItem], list[str]]:
        from sanitize.registry import default_registry

        kind = filetype.detect(data)
        cleaner = default_registry().for_kind(kind)
        if cleaner is None or kind == "pdf":
            return None, [], []
        found = cleaner.inspect(data, kind, options)
        result = cleaner.clean(data, kind, options)
        if cleaner.inspect(result.data, kind, options):
            raise VerificationError(f"metadata remains in embedded {kind}")
        cleaner.verify(data, result.data, kind, options)
        return result.data, found, result.notes

    return clean


class OoxmlCleaner(Cleaner):
    name = "ooxml"
    kinds = OOXML_KINDS
    can_redact = True

    def redact(self, data: bytes, kind: str, options: Options, scan: Scanner) -> bytes:
        from sanitize.ooxml.package import Package
        from sanitize.ooxml.redact import redact_package

        package = Package.read(data, options.max_inflated_size)
        redact_package(package, kind, scan)
        return package.write()

    def __init__(self) -> None:
        self._last: tuple[bytes, Options, object] | None = None

    def _scrub(self, data: bytes, options: Options):  # type: ignore[no-untyped-def]
        """Run the removal walk once per input (inspect, remarks and clean share it)."""
        from sanitize.ooxml.package import Package
        from sanitize.ooxml.scrub import Scrub

        if self._last is not None and self._last[0] is data and self._last[1] == options:
            return self._last[2]
        package = Package.read(data, options.max_inflated_size)
        scrub = Scrub(package, options, _clean_nested(options))
        scrub.run()
        self._last = (data, options, scrub)
        return scrub

    def remarks(self, data: bytes, kind: str, options: Options) -> list[str]:
        return list(self._scrub(data, options).notes)

    def inspect(self, data: bytes, kind: str, options: Options) -> list[MetadataItem]:
        return self._scrub(data, options).items

    def clean(self, data: bytes, kind: str, options: Options) -> CleanResult:
        from sanitize.ooxml.scrub import verify_package

        scrub = self._scrub(data, options)
        verify_package(scrub.package)
        notes = list(scrub.notes)
        if kind == "pptx" and options.keep_notes:
            notes.append("speaker notes kept (--keep-notes)")
        return CleanResult(scrub.package.write(), notes)

    def verify(self, original: bytes, cleaned: bytes, kind: str, options: Options) -> None:
        if filetype.detect(cleaned) != kind:
            raise VerificationError(f"cleaned file is no longer a valid {kind.upper()}")
