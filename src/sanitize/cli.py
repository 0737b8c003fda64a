"""The ``sanitize`` command line: a thin layer over the pipeline and the report renderers."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from sanitize import __version__
from sanitize.atomic import write_atomic
from sanitize.cli_batch import (
    PathOrUrl,
    batch_options,
    plan_batch,
    receipt_group,
    run_batch,
    split_output,
)
from sanitize.config import load as load_config
from sanitize.config import read_clients_file, user_switches
from sanitize.errors import SanitizeError
from sanitize.options import DEFAULT_MAX_FILE_SIZE, DEFAULT_TIME_LIMIT, Options
from sanitize.registry import default_registry
from sanitize.render import error_line, file_lines, render_json, summary_line
from sanitize.report import FileReport, Report
from sanitize.runner import reuse_memory, run
from sanitize.walk import Target, collect

FORMATS = ["text", "json", "github", "sarif"]
PathType = click.Path(exists=True, dir_okay=False, path_type=Path)


class DefaultToClean(click.Group):
    """``sanitize PATH...`` means ``sanitize clean PATH...``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["clean", *args]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultToClean, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sanitize")
def main() -> None:
    """Remove hidden metadata and flag sensitive text before you publish.

    `sanitize PATH...` is short for `sanitize clean PATH...`.
    """


def _apply(
    function: Callable[..., Any], decorators: list[Callable[..., Any]]
) -> Callable[..., Any]:
    for decorator in reversed(decorators):
        function = decorator(function)
    return function


def common_options(function: Callable[..., Any]) -> Callable[..., Any]:
    return _apply(
        function,
        [
            click.argument("paths", nargs=-1, type=PathOrUrl()),
            click.option(
                "--format",
                "output_format",
                type=click.Choice(FORMATS),
                default="text",
                show_default=True,
                help="Report format (github: workflow annotations).",
            ),
            click.option(
                "-j",
                "--jobs",
                type=click.IntRange(min=1),
                default=None,
                help="Parallel processes for batches [default: all cores].",
            ),
            click.option("-q", "--quiet", is_flag=True, help="Print only problems."),
            click.option(
                "--scheduler",
                envvar="SANITIZE_SCHEDULER",
                help="Run the batch on this Dask scheduler (tcp://HOST:8786).",
            ),
            click.option(
                "--strict", is_flag=True, help="Unsupported files make the exit status 1."
            ),
            click.option("--keep-notes", is_flag=True, help="Keep PPTX speaker notes."),
            click.option(
                "--keep-annotations", is_flag=True, help="Keep PDF comments and other annotations."
            ),
            click.option("--keep-bookmarks", is_flag=True, help="Keep PDF bookmark titles."),
            click.option(
                "--keep-hidden", is_flag=True, help="Keep hidden PPTX slides and XLSX sheets."
            ),
            click.option(
                "--keep-forms",
                is_flag=True,
                help="Keep PDF forms fillable (values cleared) instead of flattening them.",
            ),
            click.option(
                "--strip-tracking",
                is_flag=True,
                help="HTML: remove tracking parameters from links and tracking pixels.",
            ),
            click.option(
                "--timeout",
                type=click.FloatRange(min=0),
                default=DEFAULT_TIME_LIMIT,
                show_default=True,
                help="Seconds allowed per file (0: no limit).",
            ),
            click.option(
                "--max-size",
                type=click.IntRange(min=1),
                default=DEFAULT_MAX_FILE_SIZE,
                show_default=True,
                help="Largest file read, in bytes.",
            ),
            click.option(
                "--no-scan", is_flag=True, help="Do not look for sensitive text (metadata only)."
            ),
            click.option(
                "--lang",
                type=click.Choice(["fr", "en"]),
                default=None,
                help="Language of the text [default: detected per file].",
            ),
            click.option(
                "--config",
                "config_file",
                type=PathType,
                help="Settings file (pyproject.toml or .sanitize.toml) used for every file.",
            ),
            click.option(
                "--clients", "clients_file", type=PathType, help="More client names, one per line."
            ),
            click.option(
                "--force-exclude",
                is_flag=True,
                help="Apply exclude patterns to files named on the command line too.",
            ),
            click.option(
                "--output-file",
                type=click.Path(dir_okay=False, path_type=Path),
                help="Write the report to this file instead of stdout.",
            ),
        ],
    )


def scan_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """Options of the read-only commands."""
    return _apply(
        function,
        [
            click.option(
                "--staged", is_flag=True, help="Check what is staged in git, not the working tree."
            ),
            click.option("--no-cache", is_flag=True, help="Do not reuse or store earlier results."),
            click.option(
                "--baseline",
                type=click.Path(dir_okay=False, path_type=Path),
                help="Ignore the findings recorded in this baseline file.",
            ),
            click.option(
                "--update-baseline",
                is_flag=True,
                help="Record the current findings in the --baseline file.",
            ),
            click.option(
                "-o",
                "output_file_short",
                type=click.Path(dir_okay=False, path_type=Path),
                help="Same as --output-file.",
            ),
        ],
    )


def _options(**kwargs: Any) -> Options:
    try:
        config = load_config(kwargs["config_file"]) if kwargs.get("config_file") else None
        clients_file = kwargs.get("clients_file")
        clients = tuple(read_clients_file(clients_file)) if clients_file else ()
        switches = user_switches()  # the settings page's choices, as defaults for the flags
    except SanitizeError as exc:
        raise click.UsageError(str(exc)) from exc
    flatten = kwargs.get("flatten")
    if switches["flatten_raster"] and "flatten" in kwargs:
        flatten = flatten or "raster"
    return Options(
        scan=not kwargs.get("no_scan", False),
        redact=kwargs.get("redact", False),
        language=kwargs.get("lang"),
        config=config,
        clients=clients,
        cache=not kwargs.get("no_cache", True),
        keep_notes=kwargs.get("keep_notes") or switches["keep_notes"],
        keep_annotations=kwargs.get("keep_annotations") or switches["keep_annotations"],
        keep_bookmarks=kwargs.get("keep_bookmarks") or switches["keep_bookmarks"],
        keep_hidden=kwargs.get("keep_hidden") or switches["keep_hidden"],
        keep_forms=kwargs.get("keep_forms") or switches["keep_forms"],
        flatten=flatten,
        strip_tracking=kwargs.get("strip_tracking") or switches["strip_tracking"],
        dpi=kwargs.get("dpi", 150),
        output_dir=kwargs.get("output_dir"),
        in_place=kwargs.get("in_place", False),
        time_limit=kwargs.get("timeout", DEFAULT_TIME_LIMIT),
        max_file_size=kwargs.get("max_size", DEFAULT_MAX_FILE_SIZE),
    )


def _targets(paths: tuple[Path, ...], options: Options, kwargs: dict[str, Any]) -> list[Target]:
    from sanitize.ignore import Excluder

    excluder = Excluder(options.config)
    if kwargs.get("staged"):
        from sanitize.gitstage import staged_targets

        try:
            staged = staged_targets(list(paths))
        except SanitizeError as exc:
            raise click.UsageError(str(exc)) from exc
        return [t for t in staged if not excluder(t.path)]
    if not paths:
        raise click.UsageError("give at least one PATH (or --staged)")
    return collect(
        list(paths),
        exclude_dir=options.output_dir,
        is_excluded=excluder,
        force_exclude=kwargs.get("force_exclude", False),
    )


def _execute(command: str, paths: tuple[Path, ...], options: Options, **kwargs: Any) -> None:
    output_format, quiet = kwargs["output_format"], kwargs["quiet"]
    output_file = kwargs.get("output_file") or kwargs.get("output_file_short")
    if kwargs.get("update_baseline") and not kwargs.get("baseline"):
        raise click.UsageError("--update-baseline needs --baseline FILE")
    for warning in default_registry().warnings:
        click.echo(f"warning: {warning}", err=True)
    batch = plan_batch(command, paths, options, kwargs, _targets)
    targets = [] if batch is not None else _targets(paths, options, kwargs)
    count = len(batch.jobs) if batch is not None else len(targets)

    def execute(progress: Callable[[FileReport], None]) -> Report:
        if batch is not None:
            return run_batch(batch, progress)
        # This process is ours: even one file reuses its freed buffers (a PDF's photos
        # are read, cleaned and written one after another). The Python API leaves a
        # caller's process as it is unless it runs a batch (see runner.reuse_memory).
        reuse_memory()
        return run(command, targets, options, kwargs["jobs"], progress)

    lines: list[str] = []
    streaming = output_format == "text" and output_file is None and kwargs.get("baseline") is None

    def emit(item: FileReport) -> None:
        if item.status == "error":
            click.echo(error_line(item), err=True)
        if streaming:
            for line in file_lines(item, command, quiet):
                click.echo(line)

    if count > 1 and not quiet and sys.stderr.isatty():
        with click.progressbar(length=count, file=sys.stderr, label=command) as bar:

            def progress(item: FileReport) -> None:
                bar.update(1)
                emit(item)

            report = execute(progress)
    else:
        report = execute(emit)
    _baseline(report, kwargs)
    if output_format == "text" and not streaming:
        lines = [line for item in report.files for line in file_lines(item, command, quiet)]
    _finish(report, output_format, quiet, output_file, lines)
    code = report.exit_code(kwargs["strict"])
    if (
        kwargs.get("fail_on_change")
        and code == 0
        and any(f.status == "cleaned" for f in report.files)
    ):
        code = 1  # like a formatter: the user re-stages the cleaned files
    sys.exit(code)


def _baseline(report: Report, kwargs: dict[str, Any]) -> None:
    path = kwargs.get("baseline")
    if path is None:
        return
    from sanitize import baseline

    try:
        if kwargs.get("update_baseline"):
            count = baseline.write(report, path)
            click.echo(f"baseline {path}: {count} finding(s) recorded", err=True)
            for item in report.files:
                item.findings = []
                if item.status == "dirty" and not item.metadata:
                    item.status = "clean"
                if item.status == "flagged":
                    item.status, item.kept = "cleaned", 0
        else:
            baseline.apply(report, path)
    except SanitizeError as exc:
        raise click.UsageError(str(exc)) from exc


def _finish(
    report: Report, output_format: str, quiet: bool, output_file: Path | None, lines: list[str]
) -> None:
    if output_format in ("text", "github"):
        for notice in report.notices:
            click.echo(f"notice: {notice}", err=True)
    if output_format == "json":
        rendered = render_json(report)
    elif output_format == "github":
        from sanitize.formats_ci import render_github

        rendered = render_github(report)
    elif output_format == "sarif":
        from sanitize.formats_ci import render_sarif

        rendered = render_sarif(report)
    else:
        rendered = "\n".join(lines)
        if not quiet:
            click.echo(summary_line(report), err=True)
    if output_file is not None:
        write_atomic(output_file, (rendered + "\n").encode())
    elif rendered:
        click.echo(rendered)


@main.command()
@common_options
@click.option(
    "-o",
    "--output",
    "output_dir",
    type=PathOrUrl(),
    help="Write cleaned files into this folder or URL (a folder's tree is mirrored).",
)
@batch_options
@click.option("--in-place", is_flag=True, help="Replace each original, atomically.")
@click.option(
    "--flatten",
    type=click.Choice(["raster"]),
    default=None,
    help="PDF: render pages to images so nothing but pixels remains.",
)
@click.option(
    "--dpi",
    type=click.IntRange(min=30, max=1200),
    default=150,
    show_default=True,
    help="Resolution for --flatten raster.",
)
@click.option(
    "--redact",
    is_flag=True,
    help="Replace sensitive text in the copy ([EMAIL], client placeholders, price ranges).",
)
@click.option(
    "--fail-on-change",
    is_flag=True,
    help="Exit 1 when a file was changed (for the pre-commit clean hook).",
)
def clean(paths: tuple[Path, ...], **kwargs: Any) -> None:
    """Write a cleaned copy of each file (NAME.clean.EXT by default)."""
    if kwargs["output_dir"] is not None and kwargs["in_place"]:
        raise click.UsageError("-o/--output and --in-place cannot be used together")
    split_output(paths, kwargs)
    _execute("clean", paths, _options(**kwargs), **kwargs)


@main.command()
@common_options
@scan_options
def check(paths: tuple[Path, ...], **kwargs: Any) -> None:
    """Write nothing; exit 1 if anything would be removed or is flagged, 2 on errors."""
    _execute("check", paths, _options(**kwargs), **kwargs)


@main.command()
@common_options
@scan_options
def show(paths: tuple[Path, ...], **kwargs: Any) -> None:
    """List what each file carries, field by field, and the sensitive text it holds."""
    _execute("show", paths, _options(**kwargs), **kwargs)


main.add_command(receipt_group)


@main.command()
def plugins() -> None:
    """List the cleaners in use: the kinds each handles and where it comes from."""
    registry = default_registry()
    for warning in registry.warnings:
        click.echo(f"warning: {warning}", err=True)
    for reference, kinds, origin in registry.listing():
        click.echo(f"{reference}  [{origin}]  {', '.join(kinds)}")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--port",
    type=click.IntRange(min=0, max=65535),
    default=0,
    help="Port on 127.0.0.1 [default: a free one].",
)
@click.option("--no-browser", is_flag=True, help="Print the address; do not open a browser.")
def ui(paths: tuple[Path, ...], port: int, no_browser: bool) -> None:
    """Open the web page: drop files, see what they carry, clean them, review drafts."""
    try:
        from sanitize.ui.server import serve
    except ImportError as exc:
        raise click.ClickException(
            f"the web page needs {exc.name or 'its packages'}: pip install sanitize-publish"
        ) from exc
    serve(list(paths), port, open_browser=not no_browser)
