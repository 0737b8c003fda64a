"""Gitignore-style exclusions from ``exclude`` in the config and ``.sanitizeignore``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sanitize import config as config_module
from sanitize.config import Config

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

IGNORE_FILE = ".sanitizeignore"


@lru_cache(maxsize=64)
def _root(folder: Path) -> Path:
    for candidate in (folder, *folder.parents):
        if (candidate / IGNORE_FILE).is_file() or (candidate / ".git").exists():
            return candidate
    return folder


class Excluder:
    """Answers whether a path is excluded, with the rules that apply where it lives."""

    def __init__(self, override: Config | None = None):
        self.override = override
        self._specs: dict[Path, tuple[Path, GitIgnoreSpec] | None] = {}

    def _rules(self, folder: Path) -> tuple[Path, GitIgnoreSpec] | None:
        if folder not in self._specs:
            config = self.override or config_module.find(folder)
            base = Path(config.source).parent if config.source else _root(folder)
            patterns = list(config.exclude)
            ignore_file = base / IGNORE_FILE
            if not ignore_file.is_file():
                ignore_file = _root(folder) / IGNORE_FILE
            if ignore_file.is_file():
                patterns += ignore_file.read_text(encoding="utf-8", errors="replace").splitlines()
            spec = None
            if patterns:
                import pathspec  # only when there are patterns to match

                spec = pathspec.GitIgnoreSpec.from_lines(patterns)
            self._specs[folder] = (base, spec) if spec else None
        return self._specs[folder]

    def __call__(self, path: Path) -> bool:
        try:
            resolved = path.resolve()
        except (OSError, RuntimeError):  # a symlink loop: judged by its own name
            resolved = path.absolute()
        rules = self._rules(resolved.parent)
        if rules is None:
            return False
        base, spec = rules
        try:
            relative = resolved.relative_to(base.resolve()).as_posix()
        except ValueError:
            return False
        if resolved.is_dir():
            relative += "/"
        return bool(spec.match_file(relative))
