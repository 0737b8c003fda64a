"""Guarding a content repo: pre-commit hooks, staged files, cache, baseline, CI formats."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import dirty
from sanitize.cli import main

ROOT = Path(__file__).resolve().parents[1]
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=check)


def new_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q")
    git(path, "config", "user.email", "test@example.invalid")
    git(path, "config", "user.name", "Test")
    git(path, "config", "commit.gpgsign", "false")
    return path


def test_hooks_file_defines_both_hooks() -> None:
    hooks = {hook["id"]: hook for hook in HOOKS}
    assert set(hooks) == {"sanitize-check", "sanitize-clean"}
    for hook in hooks.values():
        assert hook["require_serial"] is True and hook["pass_filenames"] is True
        assert hook["language"] == "python"
        pattern = re.compile(hook["files"])
        for name in ("a.docx", "b.HEIC", "c.jpg", "d.md", "e.pptx", "f.pdf"):
            assert pattern.search(name), name
        assert not pattern.search("setup.py")
    assert "--fail-on-change" in hooks["sanitize-clean"]["entry"]
    assert "--in-place" in hooks["sanitize-clean"]["entry"]


LOCAL_CONFIG = """repos:
  - repo: local
    hooks:
{hooks}
"""


def local_hooks() -> str:
    """The hooks of .pre-commit-hooks.yaml, run with this interpreter's sanitize."""
    blocks = []
    for hook in HOOKS:
        entry = hook["entry"].replace("sanitize", f"{sys.executable} -m sanitize", 1)
        blocks.append(
            f"      - id: {hook['id']}\n        name: {hook['id']}\n        entry: {entry}\n"
            f"        language: system\n        require_serial: true\n"
            f"        files: '{hook['files']}'"
        )
    return "\n".join(blocks)


@pytest.mark.slow
@needs_git
def test_pre_commit_end_to_end(tmp_path: Path) -> None:
    pre_commit = [sys.executable, "-m", "pre_commit"]
    repo = new_repo(tmp_path / "content")
    (repo / ".pre-commit-config.yaml").write_text(LOCAL_CONFIG.format(hooks=local_hooks()))
    git(repo, "add", ".pre-commit-config.yaml")
    git(repo, "commit", "-q", "-m", "config", "--no-verify")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    subprocess.run([*pre_commit, "install"], cwd=repo, check=True, capture_output=True, env=env)

    def commit(message: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["git", "commit", "-q", "-m", message],
            cwd=repo,
            capture_output=True,
            text=True,
            env=env,
        )

    # A photo with GPS is refused; the clean hook fixes it; re-staged, it passes.
    (repo / "photo.jpg").write_bytes(dirty.dirty_jpeg())
    git(repo, "add", "photo.jpg")
    refused = commit("photo")
    assert refused.returncode != 0
    assert "photo.jpg" in refused.stdout + refused.stderr
    assert b"MARKER" not in (repo / "photo.jpg").read_bytes()  # cleaned in place by the hook
    git(repo, "add", "photo.jpg")
    accepted = commit("photo, cleaned")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr

    # A draft with an email is refused, and the clean hook does not rewrite its text.
    (repo / "draft.md").write_text("Écrivez-moi : jane.doe@gmail.com\n", encoding="utf-8")
    git(repo, "add", "draft.md")
    refused = commit("draft")
    assert refused.returncode != 0
    assert "EMAIL" in refused.stdout + refused.stderr
    assert "jane.doe@gmail.com" in (repo / "draft.md").read_text(encoding="utf-8")

    # A harmless draft passes.
    git(repo, "rm", "-q", "--cached", "draft.md")
    (repo / "notes.md").write_text("Idées de posts pour la semaine : coulisses, tutoriel.\n")
    git(repo, "add", "notes.md")
    harmless = commit("notes")
    assert harmless.returncode == 0, harmless.stdout + harmless.stderr


@pytest.mark.slow
@needs_git
def test_pre_commit_try_repo(tmp_path: Path) -> None:
    """The published hooks, installed by pre-commit itself from this repository."""
    if not (ROOT / ".git").exists():
        pytest.skip("try-repo needs this project as a git checkout")
    repo = new_repo(tmp_path / "content")
    (repo / "photo.jpg").write_bytes(dirty.dirty_jpeg())
    (repo / "notes.md").write_text("Idées de posts pour la semaine.\n")
    git(repo, "add", ".")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "try-repo",
            str(ROOT),
            "sanitize-check",
            "--all-files",
        ],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        timeout=1500,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert "photo.jpg" in output and "GPS" in output
    assert "notes.md: clean" in output


@needs_git
def test_staged_reads_the_index(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = new_repo(tmp_path / "repo")
    photo = repo / "photo.jpg"
    photo.write_bytes(dirty.dirty_jpeg())
    git(repo, "add", "photo.jpg")
    clean_copy = tmp_path / "clean.jpg"
    runner.invoke(main, ["clean", str(photo), "-o", str(tmp_path / "out")])
    shutil.copy(tmp_path / "out" / "photo.jpg", clean_copy)
    photo.write_bytes(clean_copy.read_bytes())  # the working tree is clean, the index is not
    monkeypatch.chdir(repo)
    assert runner.invoke(main, ["check", "--no-cache", "photo.jpg"]).exit_code == 0
    staged = runner.invoke(main, ["check", "--no-cache", "--staged"])
    assert staged.exit_code == 1 and "photo.jpg" in staged.stdout
    git(repo, "add", "photo.jpg")
    assert runner.invoke(main, ["check", "--no-cache", "--staged"]).exit_code == 0


def _models_loaded_after_check(path: Path, *extra: str) -> bool:
    code = (
        "import sys\nfrom sanitize.cli import main\n"
        "try:\n    main(['check', '-q', *sys.argv[1:]])\nexcept SystemExit:\n    pass\n"
        "print('SPACY' if 'spacy' in sys.modules else 'NO-SPACY')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, *extra, str(path)],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
    )
    return result.stdout.strip().endswith("SPACY") and "NO-SPACY" not in result.stdout


def test_cache_second_check_loads_no_model(tmp_path: Path) -> None:
    draft = tmp_path / "draft.md"
    draft.write_text("Bonjour Marie, écrivez à marie@gmail.com\n", encoding="utf-8")
    assert _models_loaded_after_check(draft)
    assert not _models_loaded_after_check(draft)  # answered from the cache
    assert _models_loaded_after_check(draft, "--no-cache")
    draft.write_text("Bonjour Marie, écrivez à marie.d@gmail.com\n", encoding="utf-8")
    assert _models_loaded_after_check(draft)  # new content, new key


def test_cache_gives_the_same_report(tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / "photo.jpg").write_bytes(dirty.dirty_jpeg())
    (tmp_path / "draft.md").write_text("contact: jane@gmail.com", encoding="utf-8")
    first = json.loads(runner.invoke(main, ["check", "--format", "json", str(tmp_path)]).stdout)
    second = json.loads(runner.invoke(main, ["check", "--format", "json", str(tmp_path)]).stdout)
    assert first == second
    assert any(Path(p).is_file() for p in Path(os.environ["SANITIZE_CACHE_DIR"]).rglob("*.json"))


def test_baseline(tmp_path: Path, runner: CliRunner) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    draft = posts / "a.md"
    draft.write_text("Contact: jane.doe@gmail.com\n", encoding="utf-8")
    baseline = tmp_path / ".sanitize-baseline.json"
    updated = runner.invoke(
        main, ["check", "--baseline", str(baseline), "--update-baseline", str(posts)]
    )
    assert updated.exit_code == 0
    stored = baseline.read_text()
    assert "jane" not in stored and "gmail" not in stored
    entry = json.loads(stored)["findings"][0]
    assert (
        entry["file"] == "posts/a.md"
        and entry["type"] == "EMAIL"
        and len(entry["fingerprint"]) == 64
    )
    assert runner.invoke(main, ["check", "--baseline", str(baseline), str(posts)]).exit_code == 0
    # Lines move: still accepted.
    draft.write_text("Intro\n\nMore text\nContact: jane.doe@gmail.com\n", encoding="utf-8")
    assert runner.invoke(main, ["check", "--baseline", str(baseline), str(posts)]).exit_code == 0
    # A new finding is not.
    draft.write_text("Contact: jane.doe@gmail.com, 06 12 34 56 78\n", encoding="utf-8")
    result = runner.invoke(main, ["check", "--baseline", str(baseline), str(posts)])
    assert result.exit_code == 1 and "PHONE" in result.stdout and "EMAIL" not in result.stdout


def test_github_annotations(tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / "photo.jpg").write_bytes(dirty.dirty_jpeg())
    (tmp_path / "draft.md").write_text("\ncontact: jane@gmail.com", encoding="utf-8")
    result = runner.invoke(main, ["check", "--format", "github", str(tmp_path)])
    assert result.exit_code == 1
    lines = result.stdout.strip().splitlines()
    assert any(line.startswith("::warning file=") and "photo.jpg" in line for line in lines)
    email = next(line for line in lines if "EMAIL" in line)
    assert re.match(
        r"::error file=.*draft\.md,line=2,col=10,title=EMAIL::EMAIL j\*\*\*@gmail\.com", email
    )


def test_sarif_is_valid(tmp_path: Path, runner: CliRunner) -> None:
    from sarif_pydantic import Sarif

    (tmp_path / "photo.jpg").write_bytes(dirty.dirty_jpeg())
    (tmp_path / "draft.md").write_text("contact: jane@gmail.com", encoding="utf-8")
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nbroken")
    report_file = tmp_path / "out" / "report.sarif"
    (tmp_path / "out").mkdir()
    result = runner.invoke(
        main, ["check", "--format", "sarif", "-o", str(report_file), str(tmp_path)]
    )
    assert result.exit_code == 2
    document = json.loads(report_file.read_text())
    Sarif.model_validate(document)  # the SARIF 2.1.0 object model
    assert document["version"] == "2.1.0"
    run = document["runs"][0]
    rules = {rule["id"] for rule in run["tool"]["driver"]["rules"]}
    assert {"metadata", "EMAIL", "error"} <= rules
    for result_entry in run["results"]:
        assert result_entry["ruleId"] in rules
        assert result_entry["level"] in ("error", "warning", "note", "none")
        assert result_entry["message"]["text"]
        uri = result_entry["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri
    email = next(r for r in run["results"] if r["ruleId"] == "EMAIL")
    assert email["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 1,
        "startColumn": 10,
    }


def test_output_file_for_json_and_text(tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / "photo.jpg").write_bytes(dirty.dirty_jpeg())
    report = tmp_path / "report.json"
    result = runner.invoke(
        main,
        ["check", "--format", "json", "--output-file", str(report), str(tmp_path / "photo.jpg")],
    )
    assert result.exit_code == 1 and result.stdout == ""
    assert json.loads(report.read_text())["files"][0]["status"] == "dirty"
    text_report = tmp_path / "report.txt"
    runner.invoke(main, ["clean", "--output-file", str(text_report), str(tmp_path / "photo.jpg")])
    assert "photo.jpg: cleaned" in text_report.read_text()


def test_exclude_and_force_exclude(tmp_path: Path, runner: CliRunner) -> None:
    project = tmp_path / "project"
    (project / "drafts" / "private").mkdir(parents=True)
    (project / ".git").mkdir()
    (project / "pyproject.toml").write_text('[tool.sanitize]\nexclude = ["drafts/private/"]\n')
    (project / ".sanitizeignore").write_text("*.psd.jpg\n")
    for name in ("drafts/a.jpg", "drafts/private/b.jpg", "drafts/c.psd.jpg"):
        (project / name).write_bytes(dirty.dirty_jpeg())
    from sanitize.config import find

    find.cache_clear()
    result = runner.invoke(main, ["check", "--format", "json", str(project / "drafts")])
    names = {Path(f["path"]).name for f in json.loads(result.stdout)["files"]}
    assert names == {"a.jpg"}
    named = str(project / "drafts" / "private" / "b.jpg")
    assert (
        len(json.loads(runner.invoke(main, ["check", "--format", "json", named]).stdout)["files"])
        == 1
    )
    forced = json.loads(
        runner.invoke(main, ["check", "--format", "json", "--force-exclude", named]).stdout
    )
    assert forced["files"] == []


def test_fail_on_change(tmp_path: Path, runner: CliRunner) -> None:
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(dirty.dirty_jpeg())
    assert (
        runner.invoke(main, ["clean", "--in-place", "--fail-on-change", str(photo)]).exit_code == 1
    )
    assert (
        runner.invoke(main, ["clean", "--in-place", "--fail-on-change", str(photo)]).exit_code == 0
    )


def test_clean_hook_redacts_only_when_configured(tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / ".git").mkdir()
    draft = tmp_path / "post.md"
    draft.write_text("mail: jane@gmail.com\n", encoding="utf-8")
    runner.invoke(main, ["clean", "--in-place", "--fail-on-change", str(draft)])
    assert draft.read_text(encoding="utf-8") == "mail: jane@gmail.com\n"
    (tmp_path / "pyproject.toml").write_text("[tool.sanitize]\nredact = true\n")
    from sanitize.config import find

    find.cache_clear()
    result = runner.invoke(main, ["clean", "--in-place", "--fail-on-change", str(draft)])
    assert result.exit_code == 1
    assert draft.read_text(encoding="utf-8") == "mail: [EMAIL]\n"
