"""Settings that change what a cleaner removes or how the pipeline runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_MAX_FILE_SIZE = 2 * 1024**3  # bytes read into memory for one file
DEFAULT_MAX_INFLATED_SIZE = 1024**3  # total decompressed bytes allowed inside one container
DEFAULT_TIME_LIMIT = 120.0  # seconds for one file before it is reported as an error


@dataclass(frozen=True)
class Options:
    keep_notes: bool = False  # PPTX speaker notes
    keep_annotations: bool = False  # PDF comments, highlights, stamps...
    keep_bookmarks: bool = False  # PDF outline titles
    flatten: str | None = None  # "raster": PDF pages become images
    dpi: int = 150
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    max_inflated_size: int = DEFAULT_MAX_INFLATED_SIZE
    time_limit: float = DEFAULT_TIME_LIMIT  # 0 turns the limit off
    # Output placement, used by the pipeline only.
    output_dir: Path | None = None
    in_place: bool = False
    extra: dict[str, object] = field(default_factory=dict, compare=False, hash=False)
