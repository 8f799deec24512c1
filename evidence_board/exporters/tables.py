"""CSV export: ``cards.csv`` and ``links.csv`` in one folder, for spreadsheets
and link-analysis tools (``links.csv`` has the ``source``/``target``/``type``
columns Gephi's spreadsheet import looks for).

UTF-8 without a byte-order mark, comma-separated, one header row. Every text
cell that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-``, ``@``, tab or carriage return), in every column, gets a leading
apostrophe (OWASP's advice): card text comes from documents other people
wrote, a case file from anyone, and opening an export must not run their
formulas. Numbers the export itself writes (positions, sizes, page and card
numbers) stay numbers: their text is digits, a sign and a point, never a formula.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from evidence_board.exporters.files import atomic_write_bytes
from evidence_board.exporters.scope import ExportScope, card_record, link_record
from evidence_board.model import Direction

CARD_COLUMNS = [
    "number", "id", "kind", "title", "text", "entity_type", "tags", "reliability", "credibility", "grade",
    "source_file", "source_sha256", "page", "date_start", "date_end", "attributes", "colour",
    "x", "y", "width", "height", "group_id", "created_at", "created_by", "modified_at", "modified_by",
]
LINK_COLUMNS = [
    "id", "source", "target", "source_title", "target_title", "label", "type", "direction", "strength",
    "colour", "created_at", "created_by",
]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if isinstance(value, str):
        return "'" + value if value.startswith(_FORMULA_START) else value
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (int, float)):
        return value
    return _cell(str(value))  # anything else is written as its text, neutralised too


def _csv_bytes(columns: list[str], rows: list[dict]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(row.get(k)) for k in columns})
    return out.getvalue().encode("utf-8")


def export_csv(scope: ExportScope, folder: str | os.PathLike[str]) -> Path:
    """Write ``cards.csv`` and ``links.csv`` into ``folder`` (made if missing); return the folder."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(20, "CSV export writes a folder (cards.csv, links.csv), not a file", str(folder))
    folder.mkdir(parents=True, exist_ok=True)
    cards = sorted((card_record(scope, c, p) for c, p in scope.cards()),
                   key=lambda r: (r["number"] is None, r["number"] or 0, r["id"]))
    links = []
    for link in scope.links():
        record = link_record(scope, link)
        record["type"] = "Undirected" if link.direction is Direction.NONE else "Directed"
        links.append(record)
    atomic_write_bytes(folder / "cards.csv", _csv_bytes(CARD_COLUMNS, cards))
    atomic_write_bytes(folder / "links.csv", _csv_bytes(LINK_COLUMNS, links))
    return folder
