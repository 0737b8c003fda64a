"""The ``sanitize`` command line: a thin layer over sanitize.api."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from sanitize import __version__
from sanitize.config import load as load_config
from sanitize.config import read_clients_file
from sanitize.errors import SanitizeError
from sanitize.options import DEFAULT_MAX_FILE_SIZE, DEFAULT_TIME_LIMIT, Options
from sanitize.registry import default_registry
from sanitize.render import error_line, file_lines, render_json, summary_line
from sanitize.report import FileReport, Report
from sanitize.runner import run
from sanitize.walk import collect

EXIT_USAGE = 2


class DefaultToClean(click.Group):
    """``sanitize PATH...`` means ``sanitize clean PATH...``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["clean", *args]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultToClean, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sanitize")
def main() -> None:
    """Remove hidden metadata from files before you publish them.

    `sanitize PATH...` is short for `sanitize clean PATH...`.
    """


def common_options(function: Callable[..., Any]) -> Callable[..., Any]:
    decorators = [
        click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path)),
        click.option(
            "--format",
            "output_format",
            type=click.Choice(["text", "json"]),
            default="text",
            show_default=True,
            help="Report format.",
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
            "--strict", is_flag=True, help="Unsupported files make the exit status non-zero."
        ),
        click.option("--keep-notes", is_flag=True, help="Keep PPTX speaker notes."),
        click.option(
            "--keep-annotations", is_flag=True, help="Keep PDF comments and other annotations."
        ),
        click.option("--keep-bookmarks", is_flag=True, help="Keep PDF bookmark titles."),
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
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="Settings file (pyproject.toml or .sanitize.toml) used for every file.",
        ),
        click.option(
            "--clients",
            "clients_file",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="More client names, one per line.",
        ),
    ]
    for decorator in reversed(decorators):
        function = decorator(function)
    return function


def _options(**kwargs: Any) -> Options:
    try:
        config = load_config(kwargs["config_file"]) if kwargs.get("config_file") else None
        clients_file = kwargs.get("clients_file")
        clients = tuple(read_clients_file(clients_file)) if clients_file else ()
    except SanitizeError as exc:
        raise click.UsageError(str(exc)) from exc
    return Options(
        scan=not kwargs.get("no_scan", False),
        redact=kwargs.get("redact", False),
        language=kwargs.get("lang"),
        config=config,
        clients=clients,
        keep_notes=kwargs.get("keep_notes", False),
        keep_annotations=kwargs.get("keep_annotations", False),
        keep_bookmarks=kwargs.get("keep_bookmarks", False),
        flatten=kwargs.get("flatten"),
        dpi=kwargs.get("dpi", 150),
        output_dir=kwargs.get("output_dir"),
        in_place=kwargs.get("in_place", False),
        time_limit=kwargs.get("timeout", DEFAULT_TIME_LIMIT),
        max_file_size=kwargs.get("max_size", DEFAULT_MAX_FILE_SIZE),
    )


def _execute(command: str, paths: tuple[Path, ...], options: Options, **kwargs: Any) -> None:
    output_format = kwargs["output_format"]
    quiet = kwargs["quiet"]
    for warning in default_registry().warnings:
        click.echo(f"warning: {warning}", err=True)
    targets = collect(list(paths), exclude_dir=options.output_dir)
    text = output_format == "text"

    def emit(item: FileReport) -> None:
        if item.status == "error":
            click.echo(error_line(item), err=True)
        if text:
            for line in file_lines(item, command, quiet):
                click.echo(line)

    show_bar = len(targets) > 1 and not quiet and sys.stderr.isatty()
    if show_bar:
        with click.progressbar(length=len(targets), file=sys.stderr, label=command) as bar:

            def progress(item: FileReport) -> None:
                bar.update(1)
                emit(item)

            report = run(command, targets, options, kwargs["jobs"], progress)
    else:
        report = run(command, targets, options, kwargs["jobs"], emit)
    _finish(report, output_format, quiet, kwargs["strict"])


def _finish(report: Report, output_format: str, quiet: bool, strict: bool) -> None:
    if output_format != "json":
        for notice in report.notices:
            click.echo(f"notice: {notice}", err=True)
    if output_format == "json":
        click.echo(render_json(report))
    elif not quiet:
        click.echo(summary_line(report), err=True)
    sys.exit(report.exit_code(strict))


@main.command()
@common_options
@click.option(
    "-o",
    "--output",
    "output_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write cleaned files into this folder (a folder's tree is mirrored).",
)
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
def clean(paths: tuple[Path, ...], **kwargs: Any) -> None:
    """Write a cleaned copy of each file (NAME.clean.EXT by default)."""
    if kwargs["output_dir"] is not None and kwargs["in_place"]:
        raise click.UsageError("-o/--output and --in-place cannot be used together")
    _execute("clean", paths, _options(**kwargs), **kwargs)


@main.command()
@common_options
def check(paths: tuple[Path, ...], **kwargs: Any) -> None:
    """Write nothing; exit 1 if anything would be removed, 2 on errors."""
    _execute("check", paths, _options(**kwargs), **kwargs)


@main.command()
@common_options
def show(paths: tuple[Path, ...], **kwargs: Any) -> None:
    """List what each file carries, field by field."""
    _execute("show", paths, _options(**kwargs), **kwargs)
