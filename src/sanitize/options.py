"""Settings that change what a cleaner removes or how the pipeline runs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sanitize.config import Config

DEFAULT_MAX_FILE_SIZE = 2 * 1024**3  # bytes read into memory for one file parsed whole
# Files of the kinds that stream (movies, audio: see sanitize.catalog) from this size on are
# read through a memory map and copied by the kernel, whatever their size.
DEFAULT_STREAM_FROM = 16 * 1024**2
DEFAULT_MAX_INFLATED_SIZE = 512 * 1024**2  # decompressed bytes allowed inside one container
DEFAULT_TIME_LIMIT = 120.0  # seconds for one file before it is reported as an error


@dataclass(frozen=True)
class Options:
    keep_notes: bool = False  # PPTX speaker notes
    keep_annotations: bool = False  # PDF comments, highlights, stamps...
    keep_bookmarks: bool = False  # PDF outline titles
    keep_hidden: bool = False  # hidden PPTX slides and XLSX sheets
    keep_forms: bool = False  # PDF forms stay fillable (values cleared) instead of flattened
    strip_tracking: bool = False  # HTML: tracking parameters in links, tracking pixels
    flatten: str | None = None  # "raster": PDF pages become images
    dpi: int = 150
    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # formats parsed whole only
    stream_from: int = DEFAULT_STREAM_FROM  # smaller files are read into memory
    max_inflated_size: int = DEFAULT_MAX_INFLATED_SIZE
    time_limit: float = DEFAULT_TIME_LIMIT  # 0 turns the limit off
    # Text detection
    scan: bool = True  # look for sensitive text in drafts and documents
    redact: bool = False  # clean: replace what was found in the copy's text
    language: str | None = None  # "fr" or "en"; detected per file when None
    config: Config | None = None  # --config: overrides the files' own config
    clients: tuple[str, ...] = ()  # --clients FILE: more client names
    cache: bool = False  # remember check/show results (the command line turns it on)
    # Output placement, used by the pipeline only.
    output_dir: Path | None = None
    in_place: bool = False
