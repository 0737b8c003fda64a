"""Settings from ``[tool.sanitize]`` in pyproject.toml or from ``.sanitize.toml``.

The nearest file walking up from a scanned file wins; ``--config FILE`` overrides. When no
project file is found, the user's own file (written by ``sanitize ui``'s settings page) applies.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from sanitize.errors import SanitizeError

ENTITIES = (
    "EMAIL",
    "PHONE",
    "PRICE",
    "CLIENT",
    "PERSON",
    "LOCATION",
    "IBAN",
    "CREDIT_CARD",
    "URL",
    "FR_SIRET",
    "FR_SIREN",
    "FR_NIR",
    "IP_ADDRESS",
    "SECRET",
)
DEFAULT_THRESHOLD = 0.5


@dataclass(frozen=True)
class Config:
    clients: tuple[tuple[str, str | None], ...] = ()  # (name, placeholder or None)
    allow: tuple[str, ...] = ()
    entities: tuple[str, ...] = ENTITIES
    languages: tuple[str, ...] = ("fr", "en")
    score_threshold: float = DEFAULT_THRESHOLD
    exclude: tuple[str, ...] = ()
    redact: bool = False  # the pre-commit clean hook rewrites text only when this is set
    source: str | None = field(default=None, compare=False)
    receipt: str | None = None  # clean appends a receipt line per file here (relative: to source)

    def with_clients(self, names: list[str]) -> Config:
        known = {name for name, _ in self.clients}
        extra = tuple((name, None) for name in names if name not in known)
        return Config(
            self.clients + extra,
            self.allow,
            self.entities,
            self.languages,
            self.score_threshold,
            self.exclude,
            self.redact,
            self.source,
            self.receipt,
        )


def _table(path: Path) -> dict[str, object] | None:
    import tomllib  # only once a config file is found: most runs have none

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SanitizeError(f"cannot read config {path}: {exc}") from exc
    # tomllib returns Any. [tool.sanitize] is a table, a dict with str keys, in every
    # config parse() accepts; its values are checked there one by one.
    table: dict[str, object] | None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("sanitize")
    else:
        table = data.get("tool", {}).get("sanitize", data)
    return table


def _type_name(value: object) -> str:
    kind = type(value)
    return (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else f"{kind.__module__}.{kind.__qualname__}"
    )


def _iterable(table: dict[str, object], key: str, default: Iterable[object]) -> Iterable[object]:
    """``table[key]`` (or ``default``) to iterate over: anything else raises the TypeError
    that iterating over it would."""
    value = table.get(key, default)
    if not isinstance(value, Iterable):
        raise TypeError(f"'{_type_name(value)}' object is not iterable")
    return value


def _number(table: dict[str, object], key: str, default: float) -> float:
    """``float(table[key])`` (or ``default``); a TOML value float() refuses is its TypeError."""
    value = table.get(key, default)
    if not isinstance(value, (str, int, float)):
        raise TypeError(
            f"float() argument must be a string or a real number, not '{_type_name(value)}'"
        )
    return float(value)


def parse(table: dict[str, object], source: str | None = None) -> Config:
    clients_raw = table.get("clients", [])
    if isinstance(clients_raw, dict):
        clients = tuple((str(k), str(v) if v else None) for k, v in clients_raw.items())
    elif isinstance(clients_raw, list):
        clients = tuple((str(name), None) for name in clients_raw)
    else:
        raise SanitizeError("config: clients must be a list of names or a table name = placeholder")
    entities = tuple(str(e).upper() for e in _iterable(table, "entities", ENTITIES))
    unknown = set(entities) - set(ENTITIES)
    if unknown:
        raise SanitizeError(
            f"config: unknown entities {sorted(unknown)}; known: {', '.join(ENTITIES)}"
        )
    languages = tuple(str(lang) for lang in _iterable(table, "languages", ("fr", "en")))
    return Config(
        clients=clients,
        allow=tuple(str(a) for a in _iterable(table, "allow", ())),
        entities=entities,
        languages=languages,
        score_threshold=_number(table, "score_threshold", DEFAULT_THRESHOLD),
        exclude=tuple(str(p) for p in _iterable(table, "exclude", ())),
        redact=bool(table.get("redact", False)),
        source=source,
        receipt=str(table["receipt"]) if table.get("receipt") else None,
    )


def load(path: Path) -> Config:
    table = _table(path)
    if table is None:
        raise SanitizeError(f"config {path} has no [tool.sanitize] table")
    return parse(table, str(path))


def user_config_path() -> Path:
    """The user's settings file: ``SANITIZE_USER_CONFIG``, else the platform's config dir."""
    override = os.environ.get("SANITIZE_USER_CONFIG")
    if override:
        return Path(override)
    from platformdirs import user_config_path as config_dir

    return config_dir("sanitize") / "config.toml"


def user() -> Config:
    """The user's settings (lowest priority: any project file found walking up wins)."""
    path = user_config_path()
    return load(path) if path.is_file() else Config()


# Cleaning switches the settings page stores beside the detection settings; the command
# line uses them as defaults for its flags of the same name, so both clean alike.
SWITCHES = (
    "keep_notes",
    "keep_annotations",
    "keep_bookmarks",
    "keep_hidden",
    "keep_forms",
    "strip_tracking",
    "flatten_raster",
)


def user_switches() -> dict[str, bool]:
    path = user_config_path()
    table = _table(path) if path.is_file() else None
    return {name: bool((table or {}).get(name, False)) for name in SWITCHES}


@lru_cache(maxsize=256)
def find(folder: Path) -> Config:
    """The config that applies to files in ``folder`` (the user's when there is none)."""
    for candidate in (folder, *folder.parents):
        dotfile = candidate / ".sanitize.toml"
        if dotfile.is_file():
            return load(dotfile)
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            table = _table(pyproject)
            if table is not None:
                return parse(table, str(pyproject))
        if (candidate / ".git").exists():
            break  # a repository's root ends the search
    return user()


def read_clients_file(path: Path) -> list[str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise SanitizeError(f"cannot read clients file {path}: {exc}") from exc
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
