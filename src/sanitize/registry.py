"""Find cleaners through the ``sanitize.cleaners`` entry-point group.

Built-in cleaners are declared in pyproject.toml under that group, exactly as a plugin
package would declare its own, so both are loaded by the same code. A plugin that
handles a kind already handled replaces the built-in cleaner for it. Built-in modules
are imported only when a file of their kind shows up: `sanitize photo.jpg` never
imports the PDF or Office code.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from importlib.metadata import entry_points

from sanitize.cleaners.base import Cleaner

ENTRY_POINT_GROUP = "sanitize.cleaners"

# The built-in entry points, also used when sanitize runs from a source tree that was
# never installed (no entry-point metadata); tests check both against pyproject.toml.
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
# The kinds each built-in handles, so its module can wait until one is met.
BUILTIN_KINDS = {
    "jpeg": ("jpeg",),
    "png": ("png",),
    "webp": ("webp",),
    "gif": ("gif",),
    "tiff": ("tiff",),
    "heic": ("heic", "avif"),
    "pdf": ("pdf",),
    "ooxml": ("docx", "xlsx", "pptx"),
    "mp4": ("mp4", "mov", "m4v", "m4a", "3gp"),
    "matroska": ("mkv", "webm"),
    "avi": ("avi",),
    "mp3": ("mp3",),
    "flac": ("flac",),
    "ogg": ("ogg",),
    "wave": ("wav", "aiff"),
    "svg": ("svg",),
    "text": ("text",),
}


def load_reference(reference: str) -> type[Cleaner]:
    module_name, _, attribute = reference.partition(":")
    return getattr(importlib.import_module(module_name), attribute)


class Registry:
    def __init__(
        self,
        cleaners: list[Cleaner],
        warnings: list[str] | None = None,
        lazy: dict[str, str] | None = None,
    ):
        self.cleaners = cleaners  # loaded ones; plugins are loaded at once
        self.warnings = warnings or []
        self._lazy = dict(lazy or {})  # kind -> reference of a built-in not imported yet
        self._by_kind: dict[str, Cleaner] = {}
        for cleaner in cleaners:
            for kind in cleaner.kinds:
                self._by_kind[kind] = cleaner
                self._lazy.pop(kind, None)

    def for_kind(self, kind: str) -> Cleaner | None:
        if kind not in self._by_kind and kind in self._lazy:
            cleaner = load_reference(self._lazy[kind])()
            self.cleaners.append(cleaner)
            for handled in cleaner.kinds:
                if self._lazy.pop(handled, None) is not None or handled not in self._by_kind:
                    self._by_kind[handled] = cleaner
        return self._by_kind.get(kind)

    def sniff(self, data: bytes) -> str | None:
        for cleaner in self.cleaners:
            kind = cleaner.sniff(data)
            if kind:
                return kind
        return None

    @property
    def kinds(self) -> list[str]:
        return sorted(set(self._by_kind) | set(self._lazy))


def _discover() -> Registry:
    found = list(entry_points(group=ENTRY_POINT_GROUP))
    builtin_values = {value: name for name, value in BUILTIN_CLEANERS.items()}
    has_builtins = any(ep.value in builtin_values for ep in found)
    lazy: dict[str, str] = {}
    for name, reference in BUILTIN_CLEANERS.items():
        if not has_builtins or any(ep.value == reference for ep in found):
            for kind in BUILTIN_KINDS[name]:
                lazy[kind] = reference
    cleaners: list[Cleaner] = []
    warnings: list[str] = []
    for ep in sorted(found, key=lambda ep: ep.name):
        if ep.value in builtin_values:
            continue
        try:
            cleaners.append(ep.load()())
        except Exception as exc:  # a broken plugin must not break the built-ins
            warnings.append(f"cleaner plugin {ep.name!r} not loaded: {exc}")
    return Registry(cleaners, warnings, lazy)


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    return _discover()
