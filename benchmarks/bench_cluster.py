"""Throughput of the same 300-file mixed set through the local process pool and through a
Dask cluster (1 and 2 workers, one thread each) between two buckets of a local S3 endpoint.

    python benchmarks/bench_cluster.py [--files 300]

Starts moto_server and `dask scheduler` / `dask worker` on 127.0.0.1 and stops them at the
end. Language models are loaded before timing (a warm pool, warm workers), so the figures
are steady-state throughput; the overhead per file of the cluster path is its time per file
with one worker minus the local time per file with one process.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import cluster_data  # noqa: E402
import cluster_env  # noqa: E402
from sanitize import Options, clean_paths  # noqa: E402


def timed(label: str, count: int, size: int, run: object) -> float:
    start = time.perf_counter()
    report = run()  # type: ignore[operator]
    elapsed = time.perf_counter() - start
    summary = report.summary()
    assert summary["total"] == count and summary["error"] == 0, summary
    print(
        f"{label:<28} {elapsed:6.1f} s  {count / elapsed:6.1f} files/s  "
        f"{size / elapsed / 1e6:6.2f} MB/s"
    )
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=300)
    count = parser.parse_args().files
    files = cluster_data.mixed_set(count)
    size = sum(len(data) for data in files.values())
    print(f"{count} files, {size / 1e6:.1f} MB (photos, PDFs, Office, drafts, videos)")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        cluster_data.write(files, root / "in")
        # Warm this process: the pool's forked workers inherit the loaded models.
        clean_paths(
            [root / "in" / next(n for n in files if n.endswith(".md"))],
            Options(output_dir=root / "warm"),
        )
        local = {}
        for jobs in (1, 2):
            local[jobs] = timed(
                f"local pool, {jobs} process(es)",
                count,
                size,
                lambda jobs=jobs: clean_paths(
                    [root / "in"], Options(output_dir=root / f"out{jobs}"), jobs=jobs
                ),
            )
        s3 = cluster_env.S3(root / "moto.log")
        s3.use_here()
        dask = None
        try:
            fs = s3.filesystem()
            fs.mkdir("bench-in")
            fs.mkdir("bench-out")
            fs.pipe({f"bench-in/{k}": v for k, v in files.items()})
            dask = cluster_env.Dask(root / "dask", s3.env, workers=1)
            remote = {}
            for workers in (1, 2):
                dask.ensure_workers(workers)
                warm = f"s3://bench-in/{next(n for n in files if n.endswith('.md'))}"
                clean_paths([warm], Options(), output="s3://bench-out/warm", client=dask.client)
                remote[workers] = timed(
                    f"dask cluster, {workers} worker(s)",
                    count,
                    size,
                    lambda workers=workers: clean_paths(
                        ["s3://bench-in"],
                        Options(),
                        output=f"s3://bench-out/{workers}",
                        receipt=f"s3://bench-out/receipts-{workers}.jsonl",
                        client=dask.client,
                    ),
                )
            overhead = (remote[1] - local[1]) / count * 1000
            print(f"cluster overhead per file (1 worker vs 1 process): {overhead:+.1f} ms")
            print(
                f"speed-up 2 workers vs 1: {remote[1] / remote[2]:.2f}x "
                f"(2 cores shared with the client, the scheduler and S3)"
            )
        finally:
            if dask is not None:
                dask.close()
            s3.close()


if __name__ == "__main__":
    main()
