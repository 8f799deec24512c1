"""Exports of a board (or a selection on it): PDF, PNG, SVG, JSON Canvas, GraphML, GEXF and CSV.

The data formats here are Qt-free; the pictures (PDF, PNG, SVG) live in
``pdf.py`` and ``pictures.py`` and draw through :mod:`evidence_board.render`,
the same code that paints the screen. Import those modules only when needed.
"""

from __future__ import annotations

from pathlib import Path

from evidence_board.errors import InvalidInput

FORMATS = ("pdf", "png", "svg", "canvas", "graphml", "gexf", "csv")
_SUFFIXES = {".pdf": "pdf", ".png": "png", ".svg": "svg", ".canvas": "canvas", ".graphml": "graphml",
             ".gexf": "gexf"}


def format_for_path(path: str | Path) -> str:
    """The export format a path asks for: its extension, or csv for a folder.

    CSV writes a folder holding cards.csv and links.csv, so an existing
    folder, a path ending in a slash or a path without an extension means csv.
    """
    text = str(path)
    p = Path(text)
    if text.endswith(("/", "\\")) or p.is_dir() or not p.suffix:
        return "csv"
    if p.suffix.lower() == ".csv":
        raise InvalidInput(f"{p.name}: CSV export writes a folder (cards.csv and links.csv); give a folder name")
    try:
        return _SUFFIXES[p.suffix.lower()]
    except KeyError:
        raise InvalidInput(f"{p.name}: unknown export format {p.suffix!r}; "
                           f"use --format ({', '.join(FORMATS)})") from None
