from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
# Commands the tests start run in their own process (what they measure: memory, exit,
# a kill) and leave no helper behind, module fixtures' environments included;
# tests/test_helper.py turns the helper on for its own tests.
os.environ["SANITIZE_HELPER"] = "0"

import dirty  # noqa: E402


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def dirty_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    dirty.write_all(folder)
    return folder


@pytest.fixture(autouse=True)
def isolated_state(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each test gets its own cache and baseline key: no state leaks between tests."""
    monkeypatch.setenv("SANITIZE_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("SANITIZE_BASELINE_KEY", "test-key-not-secret")
    # The developer's own settings (written by `sanitize ui`) must not change results.
    monkeypatch.setenv("SANITIZE_USER_CONFIG", str(tmp_path_factory.mktemp("user") / "none.toml"))
