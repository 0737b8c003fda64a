"""Imports run one way: format code never reaches up to the pipeline or the registry, and
text detection (a pure function over strings) knows no file format."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "sanitize"
FORMAT_PACKAGES = ("cleaners", "formats", "ooxml", "pdf")
FORMAT_MODULES = tuple(f"sanitize.{p}" for p in FORMAT_PACKAGES)


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, at any depth (lazy imports inside functions too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def modules(*packages: str) -> list[Path]:
    return sorted(p for package in packages for p in (SRC / package).rglob("*.py"))


@pytest.mark.parametrize("path", modules(*FORMAT_PACKAGES), ids=lambda p: p.stem)
def test_format_modules_never_import_pipeline_registry_or_detection(path: Path) -> None:
    bad = {
        name
        for name in imports_of(path)
        if name.startswith(("sanitize.pipeline", "sanitize.registry", "sanitize.detect"))
        or name in ("sanitize.api", "sanitize.runner", "sanitize.scan", "sanitize.cli")
    }
    assert not bad, f"{path.relative_to(SRC)} imports {sorted(bad)}"


@pytest.mark.parametrize("path", modules("detect"), ids=lambda p: p.stem)
def test_detection_imports_no_format_module(path: Path) -> None:
    bad = {
        name
        for name in imports_of(path)
        if name.startswith(FORMAT_MODULES)
        or name.startswith(("sanitize.pipeline", "sanitize.registry", "sanitize.filetype"))
    }
    assert not bad, f"{path.relative_to(SRC)} imports {sorted(bad)}"
