"""Plain records of a case: no Qt, no SQL.

Everything the store reads comes back as one of these dataclasses, and the
services take and return them, so the Qt layer and the CLI share one vocabulary.
"""

from evidence_board.model.card_kinds import CARD_KINDS, DEFAULT_SIZES, ENTITY_LOOKS, KindDescriptor
from evidence_board.model.grading import CREDIBILITY, RELIABILITY, validate_credibility, validate_reliability
from evidence_board.model.records import (
    Board,
    Card,
    CardKind,
    Direction,
    EntityType,
    Link,
    Placement,
    Region,
    Source,
    Strength,
    count_cards,
    new_id,
    new_ids,
)

__all__ = [
    "Board",
    "CARD_KINDS",
    "Card",
    "CardKind",
    "DEFAULT_SIZES",
    "CREDIBILITY",
    "Direction",
    "ENTITY_LOOKS",
    "EntityType",
    "KindDescriptor",
    "Link",
    "Placement",
    "RELIABILITY",
    "Region",
    "Source",
    "Strength",
    "count_cards",
    "new_id",
    "new_ids",
    "validate_credibility",
    "validate_reliability",
]
