"""The records a case is made of: boards, cards, links, placements and sources."""

from __future__ import annotations

import enum
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


def new_id() -> str:
    """A stable random id (128 random bits as 32 hex digits): unique across
    case files, so cases can be merged."""
    return os.urandom(16).hex()


def new_ids(count: int) -> list[str]:
    """``count`` ids as new_id makes them, from one read of the random source."""
    digits = os.urandom(16 * count).hex()
    return [digits[i:i + 32] for i in range(0, 32 * count, 32)]


class CardKind(str, enum.Enum):
    DOCUMENT = "document"  # a source file
    QUOTE = "quote"  # an excerpt of a source, with page and region
    PHOTO = "photo"  # an image, or a clip of a page
    NOTE = "note"  # free text
    ENTITY = "entity"  # a person, organisation, place, event...
    GROUP = "group"  # a titled frame holding other cards


def count_cards(kinds: Iterable[CardKind]) -> str:
    """How the status bar and the export dialog count a board ("17 cards and
    1 group"): group frames apart, so the two always say the same."""
    kinds = list(kinds)
    groups = sum(kind is CardKind.GROUP for kind in kinds)
    cards = len(kinds) - groups
    parts = [f"{cards} card{'' if cards == 1 else 's'}"] if cards or not groups else []
    if groups:
        parts.append(f"{groups} group{'' if groups == 1 else 's'}")
    return " and ".join(parts)


class EntityType(str, enum.Enum):
    PERSON = "person"
    ORGANISATION = "organisation"
    PLACE = "place"
    EVENT = "event"
    VEHICLE = "vehicle"
    ACCOUNT = "account"
    OTHER = "other"


class Direction(str, enum.Enum):
    NONE = "none"
    FORWARD = "forward"
    BOTH = "both"


class Strength(str, enum.Enum):
    """How sure the analyst is of a link; drawn solid, dashed and dotted."""

    CONFIRMED = "confirmed"
    UNCONFIRMED = "unconfirmed"
    TENTATIVE = "tentative"


# A quoted region on a page, in PDF points from the page's top-left corner.
Region = tuple[float, float, float, float]


@dataclass(slots=True)
class Card:
    id: str
    kind: CardKind
    title: str = ""
    text: str = ""
    colour: str = ""
    tags: tuple[str, ...] = ()
    reliability: str | None = None
    credibility: int | None = None
    source_id: str | None = None
    page: int | None = None  # 1-based page of a quote or page clip
    regions: tuple[Region, ...] = ()
    entity_type: EntityType | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    date_start: str | None = None  # ISO date (or date-time) of an entity/event
    date_end: str | None = None
    attachment_id: int | None = None  # the image of a photo card
    created_at: str = ""
    created_by: str = ""
    modified_at: str = ""
    modified_by: str = ""


@dataclass(slots=True)
class Link:
    id: str
    from_card: str
    to_card: str
    label: str = ""
    direction: Direction = Direction.FORWARD
    strength: Strength = Strength.CONFIRMED
    colour: str = ""
    created_at: str = ""
    created_by: str = ""
    modified_at: str = ""
    modified_by: str = ""


@dataclass(slots=True)
class Board:
    id: str
    name: str
    sort_order: int = 0
    created_at: str = ""
    created_by: str = ""


@dataclass(slots=True)
class Placement:
    """Where a card sits on one board; the same card may sit on several."""

    board_id: str
    card_id: str
    x: float = 0.0
    y: float = 0.0
    width: float = 220.0
    height: float = 120.0
    z: float = 0.0
    group_id: str | None = None  # the group card this one is inside, on this board


@dataclass(slots=True)
class Source:
    """An imported file, its bytes kept byte-exact in the case file."""

    id: str
    sha256: str
    size: int
    media_type: str
    file_name: str
    attachment_id: int
    title: str = ""
    author: str = ""
    created: str | None = None  # dates the document itself carries
    modified: str | None = None
    page_count: int | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    reliability: str | None = None
    thumbnail_id: int | None = None
    imported_at: str = ""
    imported_by: str = ""
