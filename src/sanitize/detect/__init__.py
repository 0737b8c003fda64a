"""Find sensitive text (emails, phones, prices, clients, names...) in drafts and documents.

Pattern entities run on plain regular expressions with checksums; names and places come
from spaCy through Presidio, loaded only when text is actually scanned.
"""

from sanitize.detect.engine import Detector, Span, get_detector

__all__ = ["Detector", "Span", "get_detector"]
