"""The settings page reads and writes the user's config file, in the ``[tool.sanitize]``
format the command line reads (sanitize.config finds it when no project file applies)."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from sanitize import config as config_module
from sanitize.atomic import write_atomic
from sanitize.config import ENTITIES, SWITCHES, Config
from sanitize.errors import SanitizeError

HEADER = (
    "# Written by the settings page of `sanitize ui`; the command line reads it too,\n"
    "# for files outside any project that has settings of its own.\n"
)


def read_table(path: Path | None = None) -> dict[str, object]:
    path = path or config_module.user_config_path()
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SanitizeError(f"cannot read config {path}: {exc}") from exc
    tool = data.get("tool", {})
    table = tool.get("sanitize", data) if isinstance(tool, dict) else data
    return dict(table) if isinstance(table, dict) else {}


def current() -> dict[str, object]:
    """What the page shows: the user file's values, defaults where it says nothing."""
    table = read_table()
    parsed = config_module.parse(table) if table else Config()
    return {
        "path": str(config_module.user_config_path()),
        "clients": [{"name": n, "placeholder": p or ""} for n, p in parsed.clients],
        "allow": list(parsed.allow),
        "entities": list(parsed.entities),
        "all_entities": list(ENTITIES),
        **{name: bool(table.get(name, False)) for name in SWITCHES},
    }


def _clean_list(value: object) -> list[str]:
    if not isinstance(value, list):
        raise SanitizeError("expected a list")
    return [str(v).strip() for v in value if str(v).strip()]


def save(update: dict[str, object]) -> dict[str, object]:
    """Merge the page's fields into the user file; keys the page does not manage stay."""
    table = read_table()
    if "clients" in update:
        clients = update["clients"]
        if not isinstance(clients, list):
            raise SanitizeError("clients: expected a list")
        table["clients"] = {
            str(c.get("name", "")).strip(): str(c.get("placeholder", "")).strip()
            for c in clients
            if isinstance(c, dict) and str(c.get("name", "")).strip()
        }
    if "allow" in update:
        table["allow"] = _clean_list(update["allow"])
    if "entities" in update:
        table["entities"] = [e for e in _clean_list(update["entities"]) if e in ENTITIES]
    for name in SWITCHES:
        if name in update:
            table[name] = bool(update[name])
    config_module.parse(table)  # refuse what the command line would refuse
    write(table)
    return current()


def allow(value: str) -> None:
    """Add one value to the allow list (a finding the user chose to keep always)."""
    table = read_table()
    existing = [str(v) for v in table.get("allow", []) or []]  # type: ignore[attr-defined]
    if value.strip() and value.strip() not in existing:
        table["allow"] = [*existing, value.strip()]
        write(table)


def write(table: dict[str, object]) -> None:
    path = config_module.user_config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, (HEADER + "[tool.sanitize]\n" + dumps(table)).encode())
    config_module.find.cache_clear()  # later scans in this process must see the new file


def _value(value: object) -> str:
    # A JSON string is a valid TOML basic string once non-ASCII stays as it is.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        pairs = ", ".join(f"{_value(str(k))} = {_value(v)}" for k, v in value.items())
        return "{ " + pairs + " }" if pairs else "{}"
    raise SanitizeError(f"cannot write {type(value).__name__} to the settings file")


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _value(key)


def dumps(table: dict[str, object]) -> str:
    return "".join(f"{_key(key)} = {_value(value)}\n" for key, value in table.items())
