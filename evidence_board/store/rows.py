"""Converting between table rows (dicts of column values) and model records.

JSON columns (tags, regions, attributes, metadata) are written compactly with
sorted keys so that identical content gives identical text, which keeps the
audit trail's before/after comparisons exact.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from evidence_board.model import (
    Board, Card, CardKind, Direction, EntityType, Link, Placement, Source, Strength,
)
from evidence_board.store.tables import recorded_columns

# In the tables' order (store/tables.py), which is the order of the records'
# fields: the readers below build records positionally (a test holds the two
# orders together). A card's row number, seq, is the store's own.
CARD_COLUMNS = recorded_columns("cards")
LINK_COLUMNS = recorded_columns("links")
PLACEMENT_COLUMNS = recorded_columns("placements")
BOARD_COLUMNS = recorded_columns("boards")
SOURCE_COLUMNS = recorded_columns("sources")


# Enum lookups by value: a plain dict is several times faster than Enum(value),
# which matters when a board of 10,000 cards and 20,000 links is read.
_KINDS = {k.value: k for k in CardKind}
_ENTITY_TYPES = {e.value: e for e in EntityType}
_DIRECTIONS = {d.value: d for d in Direction}
_STRENGTHS = {s.value: s for s in Strength}
_loads = json.loads


# One encoder for every call: json.dumps with options builds a new encoder
# each time, a third of the cost of encoding a card's tags.
_encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def dumps(value: Any) -> str:
    return _encode(value)


@functools.lru_cache(maxsize=4096)
def _tags(text: str) -> tuple[str, ...]:
    """Tags decoded once per distinct text: a board's cards share a few
    dozen tag lists, and a tuple is safe to share between them."""
    return tuple(_loads(text))


def card_from_row(r: tuple | Any) -> Card:
    """Build a Card from a row selected with CARD_COLUMNS.

    Positional arguments in the dataclass's field order: reading a board of
    10,000 cards spends its time here, and keywords cost a third more.
    """
    return Card(
        r[0], _KINDS[r[1]], r[2], r[3], r[4],
        _tags(r[5]) if r[5] != "[]" else (),
        r[6], r[7], r[8], r[9],
        tuple(tuple(x) for x in _loads(r[10])) if r[10] != "[]" else (),
        _ENTITY_TYPES[r[11]] if r[11] else None,
        _loads(r[12]) if r[12] != "{}" else {},
        r[13], r[14], r[15], r[16], r[17], r[18], r[19],
    )


def card_to_row(card: Card) -> dict[str, Any]:
    return {
        "id": card.id, "kind": CardKind(card.kind).value, "title": card.title, "text": card.text,
        "colour": card.colour, "tags": dumps(list(card.tags)), "reliability": card.reliability,
        "credibility": card.credibility, "source_id": card.source_id, "page": card.page,
        "regions": dumps([list(r) for r in card.regions]),
        "entity_type": EntityType(card.entity_type).value if card.entity_type else None,
        "attributes": dumps(card.attributes), "date_start": card.date_start,
        "date_end": card.date_end, "attachment_id": card.attachment_id,
        "created_at": card.created_at, "created_by": card.created_by,
        "modified_at": card.modified_at, "modified_by": card.modified_by,
    }


def link_from_row(r: tuple | Any) -> Link:
    """Build a Link from a row selected with LINK_COLUMNS (positional, as above)."""
    return Link(r[0], r[1], r[2], r[3], _DIRECTIONS[r[4]], _STRENGTHS[r[5]], r[6], r[7], r[8], r[9], r[10])


def link_to_row(link: Link) -> dict[str, Any]:
    return {
        "id": link.id, "from_card": link.from_card, "to_card": link.to_card, "label": link.label,
        "direction": Direction(link.direction).value, "strength": Strength(link.strength).value,
        "colour": link.colour, "created_at": link.created_at, "created_by": link.created_by,
        "modified_at": link.modified_at, "modified_by": link.modified_by,
    }


def placement_from_row(r: tuple | Any) -> Placement:
    return Placement(*r)


def placement_to_row(p: Placement) -> dict[str, Any]:
    return {c: getattr(p, c) for c in PLACEMENT_COLUMNS}


def board_from_row(r: tuple | Any) -> Board:
    return Board(*r)


def source_from_row(r: tuple | Any) -> Source:
    values = dict(zip(SOURCE_COLUMNS, r))
    values["metadata"] = json.loads(values["metadata"] or "{}")
    return Source(**values)


def source_to_row(s: Source) -> dict[str, Any]:
    row = {c: getattr(s, c) for c in SOURCE_COLUMNS}
    row["metadata"] = dumps(s.metadata)
    return row


def select(columns: tuple[str, ...], table: str) -> str:
    return f"SELECT {', '.join(columns)} FROM {table}"
