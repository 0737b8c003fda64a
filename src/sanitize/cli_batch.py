"""The command line's side of receipts, URLs and clusters (kept out of cli.py).

Nothing here imports fsspec or dask: those come only with a URL or ``--scheduler``.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from sanitize.errors import SanitizeError
from sanitize.options import Options
from sanitize.remote import is_url

if TYPE_CHECKING:
    from sanitize.batch import Batch
    from sanitize.report import Report
    from sanitize.walk import Target


if TYPE_CHECKING:
    _ParamType = click.ParamType[Any, Any]
else:  # click before 8.2 has no subscriptable ParamType
    _ParamType = click.ParamType


class PathOrUrl(_ParamType):
    """A local path (as a Path) or a URL (kept as a string: Path would fold its ``//``)."""

    name = "path"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, Path) or is_url(value):
            return value
        return Path(value)


def split_output(paths: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """With URLs anywhere, ``-o`` is a destination for the batch, not ``Options.output_dir``."""
    output = kwargs.get("output_dir")
    if output is not None and (is_url(output) or any(is_url(p) for p in paths)):
        kwargs["output_url"], kwargs["output_dir"] = str(output), None


def config_receipt(options: Options) -> str | None:
    """``receipt = "path"`` from the settings; a relative path is relative to that file."""
    from sanitize.config import find

    config = options.config or find(Path.cwd().resolve())
    if not config.receipt:
        return None
    if is_url(config.receipt) or Path(config.receipt).is_absolute() or not config.source:
        return config.receipt
    return str(Path(config.source).parent / config.receipt)


Walker = Callable[[tuple[Any, ...], Options, dict[str, Any]], "list[Target]"]


def plan_batch(
    command: str, paths: tuple[Any, ...], options: Options, kwargs: dict[str, Any], walk: Walker
) -> Batch | None:
    """A ``batch.Batch`` when a URL, a receipt or a scheduler is involved; else None."""
    output = kwargs.get("output_url")
    urls = output is not None or any(is_url(p) for p in paths)
    receipt = kwargs.get("receipt") or (config_receipt(options) if command == "clean" else None)
    scheduler = kwargs.get("scheduler")
    if kwargs.get("resume") and not receipt:
        raise click.UsageError("--resume needs --receipt FILE (or receipt = in [tool.sanitize])")
    if not (urls or receipt or scheduler):
        return None
    if kwargs.get("staged") and (urls or scheduler):
        raise click.UsageError("--staged reads the local git index: no URLs, no --scheduler")
    if not paths and not kwargs.get("staged"):
        raise click.UsageError("give at least one PATH (or --staged)")
    from sanitize.batch import plan

    targets = None if urls else walk(paths, options, kwargs)
    try:
        return plan(
            command,
            [str(p) for p in paths],
            options,
            targets=targets,
            output=output,
            receipt=receipt,
            resume=bool(kwargs.get("resume")),
            scheduler=scheduler,
            processes=kwargs.get("jobs"),
        )
    except SanitizeError as exc:
        raise click.UsageError(str(exc)) from exc


class BatchError(click.ClickException):
    exit_code = 2  # as an unreadable file: the batch could not be done


def run_batch(batch: Batch, progress: Callable[[Any], None]) -> Report:
    """``batch.run``, with a receipt or a scheduler that fails said in one line."""
    try:
        return batch.run(progress)
    except (SanitizeError, OSError) as exc:
        raise BatchError(str(exc)) from exc


def batch_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """``clean``'s receipt options."""
    function = click.option(
        "--resume",
        is_flag=True,
        help="Skip files whose output is there with a receipt line for the same input.",
    )(function)
    return click.option(
        "--receipt",
        help="Append one JSON line per file to this receipt (a path or a URL).",
    )(function)


@click.group("receipt")
def receipt_group() -> None:
    """Receipts written by `clean --receipt`."""


@receipt_group.command("verify")
@click.argument("receipt_file")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems.")
def verify_command(receipt_file: str, output_format: str, quiet: bool) -> None:
    """Hash and inspect every output still present; exit 1 when one changed or carries
    metadata or sensitive text again, 2 when one cannot be read."""
    from sanitize.receipt_verify import verify

    if not is_url(receipt_file) and not Path(receipt_file).is_file():
        raise click.UsageError(f"no such receipt: {receipt_file}")
    try:
        verdicts = verify(receipt_file)
    except SanitizeError as exc:
        raise click.UsageError(str(exc)) from exc
    counts = Counter(v.status for v in verdicts)
    if output_format == "json":
        import json  # only for this one output

        listed = [{"output": v.output, "status": v.status, "message": v.message} for v in verdicts]
        click.echo(json.dumps({"outputs": listed, "summary": dict(counts)}, indent=2))
    else:
        for verdict in verdicts:
            if not quiet or verdict.code:
                click.echo(f"{verdict.output}: {verdict.status}: {verdict.message}")
        summary = ", ".join(
            f"{counts[s]} {s}" for s in ("ok", "changed", "dirty", "missing", "error")
        )
        click.echo(f"{len(verdicts)} output(s): {summary}", err=True)
    sys.exit(max((v.code for v in verdicts), default=0))
