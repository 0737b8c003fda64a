"""Batches over worker processes: cut into tasks by size, reported in the files' order,
a dead worker reported as such, and the same reports as one process gives."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

import dirty
from sanitize import runner
from sanitize.options import Options
from sanitize.report import FileReport
from sanitize.walk import Target


def targets_of(tmp_path: Path, sizes: list[int]) -> list[Target]:
    found = []
    for index, size in enumerate(sizes):
        path = tmp_path / f"f{index:03d}.txt"
        path.write_bytes(b"x" * size)
        found.append(Target(path, tmp_path))
    return found


def test_chunks_keep_the_order_and_cover_every_file(tmp_path: Path) -> None:
    sizes = [10, 5000, 10, 10, 80_000, 10, 10, 10, 300, 10] * 7
    targets = targets_of(tmp_path, sizes)
    parts = runner.chunks(targets, 2)
    assert [t for part in parts for t in part] == targets
    assert all(part for part in parts)


def test_a_big_file_goes_alone_and_small_ones_travel_together(tmp_path: Path) -> None:
    sizes = [100] * 64 + [1_000_000] + [100] * 64
    targets = targets_of(tmp_path, sizes)
    parts = runner.chunks(targets, 2)
    big = next(part for part in parts if targets[64] in part)
    assert big == [targets[64]]
    small = [part for part in parts if targets[64] not in part]
    assert max(len(part) for part in small) == 8  # 128 files / (2 workers * 8)
    assert max(len(part) for part in runner.chunks(targets_of(tmp_path, [1] * 999), 2)) == 16


def test_photos_of_equal_size_are_spread_over_many_tasks(tmp_path: Path) -> None:
    parts = runner.chunks(targets_of(tmp_path, [3_000_000] * 50), 2)
    assert len(parts) >= 2 * runner.CHUNKS_PER_WORKER
    assert max(len(part) for part in parts) <= 4


def test_files_never_read_and_gone_files_count_as_empty(tmp_path: Path) -> None:
    skipped = Target(tmp_path / "skip.bin", None, skip_reason="excluded")
    gone = Target(tmp_path / "gone.jpg", None)
    given = Target(tmp_path / "staged.jpg", None, data=b"abc")
    assert [runner._size(t) for t in (skipped, gone, given)] == [0, 0, 3]
    assert [t for p in runner.chunks([skipped, gone, given], 2) for t in p] == [
        skipped,
        gone,
        given,
    ]


def summary(report_files: list[FileReport], root: Path) -> list[tuple[str, str, str | None]]:
    return [
        (Path(f.path).name, f.status, f.output and str(Path(f.output).relative_to(root)))
        for f in report_files
    ]


def test_two_workers_give_one_process_report(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    dirty.write_all(folder)
    big = folder / "big.jpg"
    big.write_bytes(dirty.dirty_jpeg(size=(900, 700)))
    targets = [Target(p, folder) for p in sorted(folder.rglob("*")) if p.is_file()]
    assert len(targets) > 4
    one = runner.run("clean", targets, Options(output_dir=tmp_path / "one", scan=False), jobs=1)
    seen: list[str] = []
    two = runner.run(
        "clean",
        targets,
        Options(output_dir=tmp_path / "two", scan=False),
        jobs=2,
        progress=lambda item: seen.append(Path(item.path).name),
    )
    assert summary(two.files, tmp_path / "two") == summary(one.files, tmp_path / "one")
    assert seen == [t.path.name for t in targets]
    for a, b in zip(one.files, two.files, strict=True):
        assert (a.error, a.metadata, a.notes) == (b.error, b.metadata, b.notes)
        if a.output:
            assert Path(a.output).read_bytes() == Path(b.output or "").read_bytes()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux")
def test_a_dead_worker_is_reported_for_the_files_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    targets = targets_of(tmp_path, [100] * 40)
    real = runner.process

    def dies_on_the_twentieth(target: Target, command: str, options: Options) -> FileReport:
        if target.path.name == "f020.txt":
            os._exit(1)  # a crash no exception handler sees (killed, out of memory)
        return real(target, command, options)

    monkeypatch.setattr(runner, "process", dies_on_the_twentieth)  # inherited by fork
    report = runner.run("check", targets, Options(scan=False), jobs=2)
    assert [Path(f.path).name for f in report.files] == [t.path.name for t in targets]
    statuses = [f.status for f in report.files]
    died = statuses.index("error")
    assert died <= 20 and all(s == "error" for s in statuses[died:])
    assert all(s != "error" for s in statuses[:died])
    assert report.files[20].error == "a worker process died while processing the batch"


REFAULTS = """
import resource, sys
from sanitize import runner
if sys.argv[1] == "tuned":
    runner.reuse_memory()
elif sys.argv[1] == "batch":  # a batch run in this process tunes it the same way
    from pathlib import Path
    from sanitize.options import Options
    from sanitize.walk import Target
    files = [Target(Path(name), None) for name in sys.argv[2:]]
    runner.run("check", files, Options(scan=False), jobs=1)
def faults_of_one_photo():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    buffer = b"x" * (8 * 1024**2)  # written through: every page is touched
    del buffer
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
faults_of_one_photo()
print(faults_of_one_photo())
"""


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_batches_reuse_the_memory_of_the_file_before(tmp_path: Path) -> None:
    def refaults(*args: str) -> int:
        done = subprocess.run(
            [sys.executable, "-c", REFAULTS, *args], capture_output=True, text=True, check=True
        )
        return int(done.stdout.split()[-1])

    pages = 8 * 1024**2 // 4096
    assert refaults("default") > pages // 2  # handed back, and faulted in again
    assert refaults("tuned") < pages // 20
    two = [tmp_path / "a.txt", tmp_path / "b.txt"]
    for path in two:
        path.write_text("nothing to see")
    assert refaults("batch", *map(str, two)) < pages // 20
    assert refaults("batch", str(two[0])) > pages // 2  # one file: the process is left as is
