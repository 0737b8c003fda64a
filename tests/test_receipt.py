"""Receipts (clean --receipt), receipt verify, --resume, and URLs through fsspec (memory://)."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import dirty
import dirty_office
import dirty_pdf
from sanitize.cli import main
from sanitize.receipt import append_line, parse

DRAFT = "Call Jane Foster at jane.foster@example.com or 06 12 34 56 78 about MARKER-DRAFT.\n"


def build(folder: Path) -> list[Path]:
    files = dirty.write_all(folder)
    (folder / "docs").mkdir()
    for name, data in (
        ("docs/report.pdf", dirty_pdf.dirty_pdf()),
        ("docs/brief.docx", dirty_office.dirty_docx()),
        ("docs/deck.pptx", dirty_office.dirty_pptx()),
    ):
        (folder / name).write_bytes(data)
        files.append(folder / name)
    (folder / "draft.md").write_text(DRAFT)
    return [*files, folder / "draft.md"]


def lines(path: Path) -> list[dict[str, object]]:
    found = [line for _, line in parse(path.read_bytes())]
    assert all(line is not None for line in found)
    return found  # type: ignore[return-value]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def cleaned(tmp_path: Path, runner: CliRunner) -> tuple[Path, Path, list[Path]]:
    files = build(tmp_path / "in")
    receipt = tmp_path / "receipts" / "r.jsonl"
    result = runner.invoke(
        main,
        ["clean", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--receipt", str(receipt)],
    )
    assert result.exit_code == 1, result.output  # the draft is flagged
    return tmp_path, receipt, files


def test_receipt_has_one_line_per_file_and_no_value(cleaned: tuple[Path, Path, list[Path]]) -> None:
    tmp_path, receipt, files = cleaned
    raw = receipt.read_bytes()
    assert dirty.MARK not in raw  # no removed value, no author-chosen field name
    for secret in (b"jane.foster", b"Foster", b"12 34 56"):
        assert secret not in raw  # findings are counted, never quoted
    found = lines(receipt)
    assert sorted(str(line["input"]) for line in found) == sorted(str(f) for f in files)
    for line in found:
        source, output = Path(str(line["input"])), Path(str(line["output"]))
        assert line["input_sha256"] == sha(source)
        assert line["output_sha256"] == sha(output)
        assert output.is_relative_to(tmp_path / "out")
        assert line["command"] == "clean" and str(line["time"]).endswith("Z")
        assert line["versions"]["sanitize"]  # type: ignore[index]
        assert line["options"]["keep_notes"] is False  # type: ignore[index]
    photo = next(line for line in found if str(line["input"]).endswith("photo.jpg"))
    assert photo["kind"] == "jpeg" and photo["versions"]["jpeg"]  # type: ignore[index]
    assert {"location": "EXIF:GPS", "field": "GPSLatitude"} in photo["removed"]  # type: ignore[operator]
    assert "kept Orientation=6 so the photo displays upright" in photo["notes"]  # type: ignore[operator]
    draft = next(line for line in found if str(line["input"]).endswith("draft.md"))
    assert draft["status"] == "flagged"
    assert draft["findings"]["EMAIL"] == 1 and draft["findings"]["PHONE"] == 1  # type: ignore[index]
    pdf = next(line for line in found if str(line["input"]).endswith("report.pdf"))
    fields = {entry["field"] for entry in pdf["removed"]}  # type: ignore[attr-defined]
    assert "(named by the author)" in fields  # form field and script names


def test_verify_finds_an_edited_output(
    cleaned: tuple[Path, Path, list[Path]], runner: CliRunner
) -> None:
    tmp_path, receipt, files = cleaned
    result = runner.invoke(main, ["receipt", "verify", str(receipt)])
    assert result.exit_code == 0, result.output
    assert result.stdout.count(": ok: unchanged") == len(files)
    # Metadata put back into one output, another output only touched, a third deleted.
    (tmp_path / "out" / "photo.jpg").write_bytes(dirty.dirty_jpeg())
    with (tmp_path / "out" / "scan.tiff").open("ab") as handle:
        handle.write(b"\0")
    (tmp_path / "out" / "photo.webp").unlink()
    result = runner.invoke(main, ["receipt", "verify", "-q", "--format", "json", str(receipt)])
    assert result.exit_code == 1
    verdicts = {Path(v["output"]).name: v for v in json.loads(result.output)["outputs"]}
    assert verdicts["photo.jpg"]["status"] == "changed"
    assert "carries metadata again" in verdicts["photo.jpg"]["message"]
    assert verdicts["scan.tiff"]["status"] == "changed"
    assert verdicts["photo.webp"]["status"] == "missing"
    assert verdicts["draft.md"]["status"] == "ok"  # flagged, but no more than recorded
    assert b"MARKER" not in result.output.encode()


def test_verify_damaged_line_exits_2(tmp_path: Path, runner: CliRunner) -> None:
    receipt = tmp_path / "r.jsonl"
    receipt.write_bytes(b'{"receipt": 1, "status": "cleaned"\n')
    assert runner.invoke(main, ["receipt", "verify", str(receipt)]).exit_code == 2


def _append_many(args: tuple[str, int]) -> None:
    path, worker = args
    for number in range(200):
        line = {"worker": worker, "n": number, "pad": "x" * (number * 37 % 3000)}
        append_line(Path(path), (json.dumps(line) + "\n").encode())


def test_concurrent_writers_never_interleave(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    with multiprocessing.get_context("fork").Pool(4) as pool:
        pool.map(_append_many, [(str(path), worker) for worker in range(4)])
    found = lines(path)
    assert len(found) == 800
    assert {(line["worker"], line["n"]) for line in found} == {
        (w, n) for w in range(4) for n in range(200)
    }


def test_pre_commit_hook_form_writes_a_receipt(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's hook: entry + args [--receipt, .sanitize/receipts.jsonl] + file names."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    Path("photo.jpg").write_bytes(dirty.dirty_jpeg())
    entry = "clean --in-place --fail-on-change --force-exclude -q".split()
    hook = [*entry, "--receipt", ".sanitize/receipts.jsonl", "photo.jpg"]
    assert runner.invoke(main, hook).exit_code == 1  # changed: the user re-stages it
    receipt = Path(".sanitize/receipts.jsonl")
    (first,) = lines(receipt)
    assert first["input"] == "photo.jpg" and first["output"] == "photo.jpg"
    assert first["output_sha256"] == sha(Path("photo.jpg")) != first["input_sha256"]
    assert runner.invoke(main, hook).exit_code == 0  # the commit goes through
    second = lines(receipt)[1]
    assert second["status"] == "clean" and second["input_sha256"] == second["output_sha256"]
    assert runner.invoke(main, hook).exit_code == 0
    assert len(lines(receipt)) == 2  # the same work is never recorded twice
    assert dirty.MARK not in receipt.read_bytes()


def test_receipt_from_settings(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("pyproject.toml").write_text('[tool.sanitize]\nreceipt = "audit/receipts.jsonl"\n')
    Path("photo.jpg").write_bytes(dirty.dirty_jpeg())
    assert runner.invoke(main, ["clean", "photo.jpg", "-q"]).exit_code == 0
    assert lines(tmp_path / "audit" / "receipts.jsonl")[0]["output"] == "photo.clean.jpg"
    assert runner.invoke(main, ["check", "photo.jpg"]).exit_code == 1  # check writes none
    assert len(lines(tmp_path / "audit" / "receipts.jsonl")) == 1


def test_resume_writes_only_missing_outputs(
    cleaned: tuple[Path, Path, list[Path]], runner: CliRunner
) -> None:
    tmp_path, receipt, files = cleaned
    (tmp_path / "out" / "photo.jpg").unlink()
    (tmp_path / "in" / "draft.md").write_text("A new draft, nothing sensitive.\n")
    before = {p: p.stat().st_mtime_ns for p in (tmp_path / "out").rglob("*") if p.is_file()}
    args = ["clean", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--receipt", str(receipt)]
    result = runner.invoke(main, [*args, "--resume", "--format", "json"])
    assert result.exit_code == 1, result.output  # the PDF stays flagged, as recorded
    report = {Path(f["path"]).name: f for f in json.loads(result.output)["files"]}
    redone = {name for name, f in report.items() if "skipped by --resume" not in str(f["notes"])}
    assert redone == {"photo.jpg", "draft.md"}
    after = {p: p.stat().st_mtime_ns for p in (tmp_path / "out").rglob("*") if p.is_file()}
    changed = {p.name for p in after if before.get(p) != after[p]}
    assert changed == {"photo.jpg", "draft.md"}
    found = lines(receipt)
    # photo.jpg: same input, same output -> already recorded; draft.md: a new input.
    assert len(found) == len(files) + 1
    assert runner.invoke(main, ["receipt", "verify", str(receipt)]).exit_code == 0


def test_resume_needs_a_receipt(tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / "a.jpg").write_bytes(dirty.dirty_jpeg())
    result = runner.invoke(main, ["clean", "--resume", str(tmp_path / "a.jpg")])
    assert result.exit_code == 2 and "--resume needs" in result.output


def test_memory_urls_keep_the_tree(runner: CliRunner) -> None:
    fsspec = pytest.importorskip("fsspec")
    fs = fsspec.filesystem("memory")
    fs.pipe_file("/assets/2026/photo.jpg", dirty.dirty_jpeg())
    fs.pipe_file("/assets/2026/docs/brief.docx", dirty_office.dirty_docx())
    fs.pipe_file("/assets/2026/.hidden/skip.jpg", dirty.dirty_jpeg())
    try:
        result = runner.invoke(
            main,
            [
                "clean",
                "memory://assets/2026/",
                "-o",
                "memory://clean/2026",
                "--receipt",
                "memory://clean/receipts.jsonl",
            ],
        )
        assert result.exit_code == 0, result.output
        assert sorted(fs.find("/clean")) == [
            "/clean/2026/docs/brief.docx",
            "/clean/2026/photo.jpg",
            "/clean/receipts.jsonl",
        ]
        for name in ("/clean/2026/docs/brief.docx", "/clean/2026/photo.jpg"):
            assert dirty.MARK not in fs.cat_file(name)
        found = [line for _, line in parse(fs.cat_file("/clean/receipts.jsonl"))]
        assert [line["output"] for line in found if line] == [
            "memory://clean/2026/docs/brief.docx",
            "memory://clean/2026/photo.jpg",
        ]
        assert runner.invoke(main, ["check", "memory://clean/2026"]).exit_code == 0
        verify = runner.invoke(main, ["receipt", "verify", "memory://clean/receipts.jsonl"])
        assert verify.exit_code == 0, verify.output
    finally:
        fs.rm("/assets", recursive=True)
        fs.rm("/clean", recursive=True)


def test_file_urls_with_a_process_pool(tmp_path: Path) -> None:
    pytest.importorskip("fsspec")
    from sanitize import Options, clean_paths

    files = build(tmp_path / "in")
    report = clean_paths(
        [f"file://{tmp_path}/in"],
        Options(),
        jobs=2,
        output=f"file://{tmp_path}/out",
        receipt=tmp_path / "r.jsonl",
    )
    assert report.exit_code() == 1  # the draft is flagged, as in a local run
    assert len(lines(tmp_path / "r.jsonl")) == len(report.files) == len(files)
    assert (tmp_path / "out" / "docs" / "report.pdf").is_file()
    assert not list((tmp_path / "out").rglob(".sanitize-*"))


@pytest.mark.parametrize("receipt", [False, True])
def test_a_photo_loads_neither_dask_nor_fsspec(tmp_path: Path, receipt: bool) -> None:
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(dirty.dirty_jpeg())
    args = [str(photo), *(["--receipt", str(tmp_path / "r.jsonl")] if receipt else [])]
    code = (
        "import sys\n"
        "from sanitize.cli import main\n"
        "try:\n"
        f"    main({args!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "loaded = [m for m in ('dask', 'distributed', 'fsspec', 's3fs') if m in sys.modules]\n"
        "print('LOADED', loaded)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert "LOADED []" in result.stdout
    assert (tmp_path / "photo.clean.jpg").is_file()
