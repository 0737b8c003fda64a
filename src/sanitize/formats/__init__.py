"""Byte-level readers and writers shared by several cleaners."""
