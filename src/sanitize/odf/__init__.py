"""OpenDocument (ODT, ODS, ODP, ODG and their templates): scrubbing and text."""
