"""CSV export: ``cards.csv`` and ``links.csv`` in one folder, for spreadsheets
and link-analysis tools (``links.csv`` has the ``source``/``target``/``type``
columns Gephi's spreadsheet import looks for).

UTF-8 without a byte-order mark, comma-separated, one header row. Text that a
spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``,
tab or carriage return) gets a leading apostrophe: card text comes from
documents other people wrote, and opening an export must not run their formulas.
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
_TEXT_COLUMNS = {"title", "text", "tags", "attributes", "source_file", "source_title", "target_title", "label",
                 "created_by", "modified_by"}


def _cell(name: str, value: object) -> object:
    if isinstance(value, str) and name in _TEXT_COLUMNS and value.startswith(_FORMULA_START):
        return "'" + value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return "" if value is None else value


def _csv_bytes(columns: list[str], rows: list[dict]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(k, row.get(k)) for k in columns})
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
