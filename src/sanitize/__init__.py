"""sanitize: make content safe to publish.

The Python API mirrors the command line::

    from sanitize import clean_file, inspect_file, Options
    report = clean_file("photo.jpg")              # writes photo.clean.jpg
    report = inspect_file("photo.jpg")            # lists what the photo carries
"""

from sanitize.api import check_paths, clean_file, clean_paths, inspect_file, show_paths
from sanitize.errors import SanitizeError
from sanitize.options import Options
from sanitize.report import FileReport, Finding, MetadataItem, Report

__version__ = "0.1.0"

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
