"""Exports of a board (or a selection on it): PDF, PNG, SVG, JSON Canvas, GraphML, GEXF and CSV.

The formats are one table, :mod:`evidence_board.exporters.formats`. The data
formats are Qt-free; the pictures (PDF, PNG, SVG) live in ``pdf.py`` and
``pictures.py`` and draw through :mod:`evidence_board.render`, the same code
that paints the screen. Import those modules only when needed.
"""

from __future__ import annotations

from evidence_board.exporters.formats import EXPORT_FORMATS, FORMATS, export_format, format_for_path

__all__ = ["EXPORT_FORMATS", "FORMATS", "export_format", "format_for_path"]
