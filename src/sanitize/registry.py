"""Find cleaners through the ``sanitize.cleaners`` entry-point group.

Built-in cleaners are declared in pyproject.toml under that group, exactly as a plugin
package would declare its own, so both are loaded by the same code. A plugin that
handles a kind already handled replaces the built-in cleaner for it. Built-in modules
are imported only when a file of their kind shows up: `sanitize photo.jpg` never
imports the PDF or Office code.

Reading entry points through ``importlib.metadata`` costs tens of milliseconds (its
imports, and the metadata of every installed distribution), more than cleaning a photo.
So the installed distributions' ``entry_points.txt`` files are first looked through
directly, and ``importlib.metadata`` runs only when one of them declares a cleaner that
is not a built-in: that is, only when there is a plugin.
"""

from __future__ import annotations

import importlib
import os
import sys
from functools import lru_cache
from typing import TYPE_CHECKING

from sanitize import catalog
from sanitize.cleaners.base import Cleaner

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

ENTRY_POINT_GROUP = "sanitize.cleaners"

# The built-in cleaners and their kinds come from the one format table.
BUILTIN_CLEANERS = catalog.CLEANERS
BUILTIN_KINDS = {name: tuple(sorted(catalog.kinds_of(name))) for name in catalog.CLEANERS}


def entry_points(group: str) -> list[EntryPoint]:
    """The entry points of ``group``, as ``importlib.metadata`` lists them; none, without
    reading any distribution's metadata, when no distribution declares anything in the
    group but built-in cleaners (which ``_discover`` leaves to the format table)."""
    if not _declared_beyond_builtins(group):
        return []
    from importlib.metadata import entry_points as installed_entry_points

    return list(installed_entry_points(group=group))


def _declared_beyond_builtins(group: str) -> bool:
    """Whether some installed distribution may declare an entry point of ``group`` other
    than a built-in cleaner. It looks where ``importlib.metadata`` looks (the
    ``*.dist-info`` and ``*.egg-info`` folders of every ``sys.path`` folder), and answers
    True whenever it cannot be sure (a zip or egg on the path, another finder of
    distributions), so that the full discovery then decides."""
    from importlib.machinery import PathFinder

    for finder in sys.meta_path:
        if finder is not PathFinder and hasattr(finder, "find_distributions"):
            return True
    builtins = set(BUILTIN_CLEANERS.values())
    for entry in sys.path:
        root = entry or "."
        if os.path.basename(root).lower().endswith(".egg"):
            return True
        try:
            children = os.listdir(root)
        except NotADirectoryError:
            return True  # a zip file on the path, which may hold distributions
        except OSError:
            continue  # missing or unreadable: importlib.metadata skips it too
        folders = [c for c in children if c.lower().endswith((".dist-info", ".egg-info"))]
        for folder in folders:
            if _declares_beyond(os.path.join(root, folder, "entry_points.txt"), group, builtins):
                return True
    return False


def _declares_beyond(path: str, group: str, builtins: set[str]) -> bool:
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError, PermissionError):
        return False  # no entry points (importlib.metadata reads none there either)
    except (OSError, UnicodeDecodeError):
        return True
    if group not in text:
        return False
    # The same reading of the file as importlib.metadata's: stripped lines, "#" comments,
    # "[section]" headers, "name = value" pairs.
    section = None
    for line in map(str.strip, text.splitlines()):
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line.strip("[]")
        elif section == group:
            _, equals, value = line.partition("=")
            if not equals or value.strip() not in builtins:
                return True
    return False


def load_reference(reference: str) -> type[Cleaner]:
    module_name, _, attribute = reference.partition(":")
    found = getattr(importlib.import_module(module_name), attribute)
    if not (isinstance(found, type) and issubclass(found, Cleaner)):
        raise TypeError(f"{reference} is not a sanitize Cleaner class")
    return found


class Registry:
    def __init__(
        self,
        cleaners: list[Cleaner],
        warnings: list[str] | None = None,
        lazy: dict[str, str] | None = None,
        sources: dict[str, str] | None = None,
    ):
        self.cleaners = cleaners  # loaded ones; plugins are loaded at once
        self.warnings = warnings or []
        # Cleaner class reference -> where it comes from ("sanitize 0.2.0", "acme-notes 1.3").
        self.sources = dict(sources or {})
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

    def versions(self) -> list[tuple[str, str, str]]:
        """(kind, cleaner class, "origin version/cleaner version") for every kind: part
        of cache keys, so a new plugin or cleaner version never reuses an old answer."""
        rows = []
        for kind in self.kinds:
            cleaner = self._by_kind.get(kind)
            if cleaner is not None:
                reference = _reference(type(cleaner))
                rows.append((kind, reference, f"{self.origin(reference)}/{cleaner.version}"))
            else:  # a built-in not imported yet: its version is sanitize's
                rows.append((kind, self._lazy[kind], self.origin(self._lazy[kind])))
        return rows

    def origin(self, reference: str) -> str:
        from sanitize import __version__

        return self.sources.get(reference, f"sanitize {__version__}")

    def listing(self) -> list[tuple[str, list[str], str]]:
        """(cleaner reference, kinds, origin) of every cleaner in use, built-ins included."""
        by_reference: dict[str, list[str]] = {}
        for kind in self.kinds:
            cleaner = self._by_kind.get(kind)
            reference = _reference(type(cleaner)) if cleaner is not None else self._lazy[kind]
            by_reference.setdefault(reference, []).append(kind)
        return [(ref, kinds, self.origin(ref)) for ref, kinds in sorted(by_reference.items())]


def _reference(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def _discover() -> Registry:
    found = entry_points(group=ENTRY_POINT_GROUP)
    builtin_values = {value: name for name, value in BUILTIN_CLEANERS.items()}
    # Every built-in of the format table is available, even when the installed metadata
    # predates it (an editable install made before a cleaner was added): the table, not
    # a stale entry_points.txt, says what sanitize handles. Plugins still override kinds.
    lazy: dict[str, str] = {}
    for name, reference in BUILTIN_CLEANERS.items():
        for kind in BUILTIN_KINDS[name]:
            lazy[kind] = reference
    cleaners: list[Cleaner] = []
    warnings: list[str] = []
    sources: dict[str, str] = {}
    for ep in sorted(found, key=lambda ep: ep.name):
        if ep.value in builtin_values:
            continue
        try:
            cleaner = ep.load()()
        except Exception as exc:  # a broken plugin must not break the built-ins
            warnings.append(f"cleaner plugin {ep.name!r} not loaded: {exc}")
            continue
        cleaners.append(cleaner)
        dist = ep.dist
        origin = f"{dist.name} {dist.version}" if dist is not None else f"plugin {ep.name}"
        sources[_reference(type(cleaner))] = origin
    return Registry(cleaners, warnings, lazy, sources)


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    return _discover()
