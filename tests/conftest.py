from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))

import dirty  # noqa: E402


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def dirty_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    dirty.write_all(folder)
    return folder
