"""sanitize: make content safe to publish.

The Python API mirrors the command line::

    from sanitize import clean_file, inspect_file, Options
    report = clean_file("photo.jpg")              # writes photo.clean.jpg
    report = inspect_file("photo.jpg")            # lists what the photo carries
"""

from __future__ import annotations

# Not typing's TYPE_CHECKING, nor importlib up front: every run of the command imports
# this package first, and those two cost it milliseconds (see sanitize.launch).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from sanitize.api import check_paths, clean_file, clean_paths, inspect_file, show_paths
    from sanitize.errors import SanitizeError
    from sanitize.options import Options
    from sanitize.report import FileReport, Finding, MetadataItem, Report

__version__ = "0.1.0"

# Public name -> the module that defines it. Loaded on first use, so that the command
# line (and every `import sanitize.x`) does not pay for the whole API up front.
_PUBLIC = {
    "check_paths": "sanitize.api",
    "clean_file": "sanitize.api",
    "clean_paths": "sanitize.api",
    "inspect_file": "sanitize.api",
    "show_paths": "sanitize.api",
    "SanitizeError": "sanitize.errors",
    "Options": "sanitize.options",
    "FileReport": "sanitize.report",
    "Finding": "sanitize.report",
    "MetadataItem": "sanitize.report",
    "Report": "sanitize.report",
}

__all__ = [
    "FileReport",
    "Finding",
    "MetadataItem",
    "Options",
    "Report",
    "SanitizeError",
    "__version__",
    "check_paths",
    "clean_file",
    "clean_paths",
    "inspect_file",
    "show_paths",
]


def __getattr__(name: str) -> object:
    # Any other name raises AttributeError, which `from sanitize import submodule` needs
    # in order to fall back to importing the submodule.
    if name not in _PUBLIC:
        raise AttributeError(f"module 'sanitize' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(_PUBLIC[name]), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
