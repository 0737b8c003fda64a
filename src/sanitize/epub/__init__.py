"""EPUB 2 and 3: scrubbing and text."""
