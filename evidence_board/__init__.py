"""Evidence Board: an offline evidence board backed by one SQLite case file."""

__version__ = "0.1.0"
