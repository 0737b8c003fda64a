"""Batches on a real Dask cluster (scheduler and workers started with Dask's own command
line) between buckets of a real S3 endpoint (moto in server mode), all on 127.0.0.1."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

pytest.importorskip("distributed")
pytest.importorskip("s3fs")
pytest.importorskip("moto")

import cluster_data  # noqa: E402
import cluster_env  # noqa: E402
import dirty  # noqa: E402
from sanitize import Options, clean_paths  # noqa: E402
from sanitize.cli import main  # noqa: E402
from sanitize.receipt import parse  # noqa: E402

EXIFTOOL = shutil.which("exiftool")


class Stack:
    def __init__(self, folder: Path) -> None:
        self.s3 = cluster_env.S3(folder / "moto.log")
        self.s3.use_here()
        self.dask: cluster_env.Dask | None = None
        try:
            self.dask = cluster_env.Dask(folder / "dask", self.s3.env, workers=2)
        except BaseException:
            self.s3.close()
            raise
        self.fs = self.s3.filesystem()

    def bucket(self, name: str, files: dict[str, bytes] | None = None) -> str:
        self.fs.mkdir(name)
        if files:
            self.fs.pipe({f"{name}/{key}": value for key, value in files.items()})
        return f"s3://{name}"

    def objects(self, prefix: str) -> dict[str, bytes]:
        self.fs.invalidate_cache()
        base = prefix.removeprefix("s3://").rstrip("/")
        return {str(k)[len(base) + 1 :]: self.fs.cat_file(k) for k in self.fs.find(base)}

    def receipt(self, url: str) -> list[dict[str, Any]]:
        self.fs.invalidate_cache()
        found = [line for _, line in parse(self.fs.cat_file(url.removeprefix("s3://")))]
        assert all(line is not None for line in found)
        return found  # type: ignore[return-value]

    def close(self) -> None:
        if self.dask is not None:
            self.dask.close()
        self.s3.close()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    started = Stack(tmp_path_factory.mktemp("cluster"))
    try:
        yield started
    finally:
        started.close()


@pytest.fixture(autouse=True)
def two_workers(stack: Stack) -> None:
    assert stack.dask is not None
    stack.dask.ensure_workers(2)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_outputs(stack: Stack, source: str, output: str, receipt: str, count: int) -> None:
    """Every output whole and clean, the receipt exactly one line per file, no value in it."""
    outputs = stack.objects(output)
    assert len(outputs) == count
    assert not [name for name, data in outputs.items() if dirty.MARK in data]
    lines = stack.receipt(receipt)
    inputs = [line["input"] for line in lines]
    assert len(inputs) == len(set(inputs)) == count
    assert dirty.MARK not in stack.fs.cat_file(receipt.removeprefix("s3://"))
    by_output = {line["output"]: line for line in lines}
    for name, data in outputs.items():
        line = by_output[f"{output.rstrip('/')}/{name}"]
        assert line["output_sha256"] == sha(data)  # whole: no partial object
        assert line["input"] == f"{source.rstrip('/')}/{name}"
        assert "jane.foster" not in json.dumps(line)


def test_cluster_run_is_a_local_run(stack: Stack, tmp_path: Path, runner: CliRunner) -> None:
    assert stack.dask is not None
    files = cluster_data.mixed_set(30)
    source = stack.bucket("quick-in") + "/2026/"
    stack.fs.pipe({f"quick-in/2026/{k}": v for k, v in files.items()})
    output, receipt = "s3://quick-out/2026/", "s3://quick-out-receipts/receipts.jsonl"
    stack.bucket("quick-out")
    stack.bucket("quick-out-receipts")
    args = ["clean", source, "-o", output, "--receipt", receipt, "--format", "json"]
    remote = runner.invoke(main, [*args, "--scheduler", stack.dask.address])
    # The same files on disk, through the local process pool.
    cluster_data.write(files, tmp_path / "in")
    local = runner.invoke(
        main,
        ["clean", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--format", "json", "-j", "1"],
    )
    assert remote.exit_code == local.exit_code == 1  # drafts are flagged
    got, want = json.loads(remote.stdout), json.loads(local.stdout)
    assert got["summary"] == want["summary"]
    assert [
        (Path(f["path"]).name, f["status"], f["kind"], len(f["metadata"])) for f in got["files"]
    ] == [(Path(f["path"]).name, f["status"], f["kind"], len(f["metadata"])) for f in want["files"]]
    check_outputs(stack, source, output, receipt, len(files))
    if EXIFTOOL:  # an independent reader, on a sample
        sample = [
            name
            for name in stack.objects(output)
            if name.endswith((".jpg", ".pdf", ".docx", ".png"))
        ][:4]
        for name in sample:
            path = tmp_path / "sample" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(stack.objects(output)[name])
        shown = subprocess.run(
            [EXIFTOOL, "-j", "-a", "-G1", str(tmp_path / "sample"), "-r"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout
        tags = json.loads(shown)
        assert len(tags) == len(sample)
        assert "MARKER" not in shown
        assert not [t for t in tags for key in t if "GPS" in key or key.endswith(":Author")]
    verify = runner.invoke(main, ["receipt", "verify", receipt])
    assert verify.exit_code == 0, verify.output
    # An output edited after cleaning: metadata put back into a photo.
    photo = next(name for name in files if name.endswith(".jpg"))
    stack.fs.pipe_file(f"quick-out/2026/{photo}", dirty.dirty_jpeg())
    verify = runner.invoke(main, ["receipt", "verify", "-q", receipt])
    assert verify.exit_code == 1
    assert f"{photo}: changed:" in verify.stdout and "metadata again" in verify.stdout


@pytest.mark.slow
def test_worker_killed_mid_run(stack: Stack) -> None:
    """300 files; one worker SIGKILLed while the run is under way."""
    assert stack.dask is not None
    files = cluster_data.mixed_set(300)
    source = stack.bucket("kill-in", files)
    stack.bucket("kill-out")
    output, receipt = "s3://kill-out/clean", "s3://kill-out/receipts/receipts.jsonl"
    killed: list[int] = []
    done: list[Any] = []

    def progress(report: Any) -> None:
        done.append(report)
        if not killed and len(done) >= 20:
            killed.append(stack.dask.kill_worker())  # type: ignore[union-attr]

    report = clean_paths(
        [source],
        Options(),
        progress=progress,
        output=output,
        receipt=receipt,
        client=stack.dask.client,
    )
    assert killed
    assert report.summary()["error"] == 0
    assert len(report.files) == 300
    outputs = stack.objects("s3://kill-out/clean")
    check_outputs(stack, source, output, receipt, 300)
    assert set(outputs) == set(files)


@pytest.mark.slow
def test_resume_after_an_interrupted_run(stack: Stack, runner: CliRunner) -> None:
    assert stack.dask is not None
    files = cluster_data.mixed_set(60)
    source = stack.bucket("resume-in", files)
    stack.bucket("resume-out")
    output, receipt = "s3://resume-out/clean", "s3://resume-out/receipts.jsonl"

    done: list[Any] = []

    def interrupt(report: Any) -> None:
        done.append(report)
        if len(done) == 15:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        clean_paths(
            [source],
            Options(),
            progress=interrupt,
            output=output,
            receipt=receipt,
            client=stack.dask.client,
        )
    recorded = {line["input"] for line in stack.receipt(receipt)}
    assert len(recorded) == 15
    before = stack.objects(output)
    assert len(before) < len(files)
    args = ["clean", source, "-o", output, "--receipt", receipt, "--resume", "--format", "json"]
    result = runner.invoke(main, [*args, "--scheduler", stack.dask.address])
    assert result.exit_code == 1, result.output  # drafts are flagged, as in the first run
    reported = json.loads(result.stdout)["files"]
    skipped = {f["path"] for f in reported if any("skipped by --resume" in n for n in f["notes"])}
    assert skipped == recorded
    for item in reported:
        name = item["path"].removeprefix(source + "/")
        if name in before and item["path"] not in skipped:  # written, not yet recorded
            assert "not written again" in " ".join(item["notes"])
    check_outputs(stack, source, output, receipt, len(files))


def test_a_receipt_in_a_missing_bucket_stops_before_any_work(
    stack: Stack, runner: CliRunner
) -> None:
    source = stack.bucket("early-in", {"photo.jpg": dirty.dirty_jpeg()})
    args = [
        "clean",
        source,
        "-o",
        "s3://early-in-clean",
        "--receipt",
        "s3://no-such-bucket/r.jsonl",
    ]
    result = runner.invoke(main, args)
    assert result.exit_code == 2
    assert "cannot write the receipt" in result.output
    assert "Traceback" not in result.output
    assert list(stack.objects(source)) == ["photo.jpg"]
