"""Find cleaners through the ``sanitize.cleaners`` entry-point group.

Built-in cleaners are declared in pyproject.toml under that group, exactly as a plugin
package would declare its own, so both are loaded by the same code. A plugin that
handles a kind already handled replaces the built-in cleaner for it.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from importlib.metadata import entry_points

from sanitize.cleaners.base import Cleaner

ENTRY_POINT_GROUP = "sanitize.cleaners"

# Used only when sanitize runs from a source tree that was never installed, so that no
# entry-point metadata exists; tests check it matches pyproject.toml.
BUILTIN_CLEANERS = {
    "jpeg": "sanitize.cleaners.jpeg:JpegCleaner",
    "png": "sanitize.cleaners.png:PngCleaner",
    "webp": "sanitize.cleaners.webp:WebpCleaner",
    "gif": "sanitize.cleaners.gif:GifCleaner",
    "tiff": "sanitize.cleaners.tiff:TiffCleaner",
    "heic": "sanitize.cleaners.heic:HeicCleaner",
    "pdf": "sanitize.cleaners.pdf:PdfCleaner",
    "ooxml": "sanitize.cleaners.ooxml:OoxmlCleaner",
    "mp4": "sanitize.cleaners.mp4:Mp4Cleaner",
    "matroska": "sanitize.cleaners.matroska:MatroskaCleaner",
    "avi": "sanitize.cleaners.avi:AviCleaner",
    "mp3": "sanitize.cleaners.mp3:Mp3Cleaner",
    "flac": "sanitize.cleaners.flac:FlacCleaner",
    "ogg": "sanitize.cleaners.ogg:OggCleaner",
    "wave": "sanitize.cleaners.wave:WaveCleaner",
    "svg": "sanitize.cleaners.svg:SvgCleaner",
    "text": "sanitize.cleaners.text:TextCleaner",
}


def _load_reference(reference: str) -> type[Cleaner]:
    module_name, _, attribute = reference.partition(":")
    return getattr(importlib.import_module(module_name), attribute)


class Registry:
    def __init__(self, cleaners: list[Cleaner], warnings: list[str] | None = None):
        self.cleaners = cleaners
        self.warnings = warnings or []
        self._by_kind: dict[str, Cleaner] = {}
        for cleaner in cleaners:
            for kind in cleaner.kinds:
                self._by_kind[kind] = cleaner

    def for_kind(self, kind: str) -> Cleaner | None:
        return self._by_kind.get(kind)

    def sniff(self, data: bytes) -> str | None:
        for cleaner in self.cleaners:
            kind = cleaner.sniff(data)
            if kind:
                return kind
        return None

    @property
    def kinds(self) -> list[str]:
        return sorted(self._by_kind)


def _discover() -> tuple[list[Cleaner], list[str]]:
    found = list(entry_points(group=ENTRY_POINT_GROUP))
    builtin_values = set(BUILTIN_CLEANERS.values())
    has_builtins = any(ep.value in builtin_values for ep in found)
    references = [] if has_builtins else list(BUILTIN_CLEANERS.values())
    # Built-ins first so that a plugin for the same kind wins.
    found.sort(key=lambda ep: (ep.value not in builtin_values, ep.name))
    cleaners: list[Cleaner] = [_load_reference(reference)() for reference in references]
    warnings: list[str] = []
    for ep in found:
        try:
            cleaners.append(ep.load()())
        except Exception as exc:  # a broken plugin must not break the built-ins
            warnings.append(f"cleaner plugin {ep.name!r} not loaded: {exc}")
    return cleaners, warnings


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    cleaners, warnings = _discover()
    return Registry(cleaners, warnings)
