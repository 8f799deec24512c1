"""Checking and normalising the fields a caller passes to the services.

Every check raises InvalidInput with a sentence a user can act on, before
anything is written.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from evidence_board.errors import InvalidInput
from evidence_board.model import CARD_KINDS, CardKind, Direction, EntityType, Strength, limits
from evidence_board.model.grading import validate_credibility, validate_reliability
from evidence_board.store.rows import dumps

# Limits on what one card, link or page may hold. The store refuses to open
# a file with a text value over 4 MiB (store/safety.py), and the audit trail
# keeps a card's whole row as one JSON text, so a card stays well below that.
MAX_CARD_TEXT = 1_000_000
MAX_SHORT_TEXT = 10_000  # a title's, a label's, an attribute's, a tag's
MAX_PAGE_TEXT = 1_000_000


# Card fields a caller may set, and how each is stored.
CARD_FIELDS = (
    "title", "text", "colour", "tags", "reliability", "credibility", "source_id", "page",
    "regions", "entity_type", "attributes", "date_start", "date_end", "attachment_id",
)
LINK_FIELDS = ("label", "direction", "strength", "colour")


def text(value: Any, what: str, limit: int) -> str:
    value = "" if value is None else str(value)
    if len(value) > limit:
        raise InvalidInput(f"the {what} is too long ({len(value):,} characters; at most {limit:,})")
    return value


# A dict lookup per enum instead of Enum(value), which is several times slower
# and runs once per card and link of a bulk import.
_ENUM_VALUES: dict[type, dict[Any, str]] = {}


def enum_value(enum_type: type, value: Any, what: str) -> str:
    values = _ENUM_VALUES.get(enum_type)
    if values is None:  # members are str enums: a member and its value look up alike
        values = _ENUM_VALUES[enum_type] = {m.value: m.value for m in enum_type}
    try:
        return values[value]
    except (KeyError, TypeError):  # TypeError: an unhashable value
        allowed = ", ".join(m.value for m in enum_type)
        raise InvalidInput(f"{what} must be one of {allowed}, not {value!r}") from None



def colour(value: Any) -> str:
    if value in (None, ""):
        return ""
    if not limits.is_colour(value):
        raise InvalidInput(f"colour must be written #rrggbb, not {value!r}")
    return value.lower()


def tags(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    out: list[str] = []
    for tag in value or ():
        if not isinstance(tag, str):
            raise InvalidInput(f"a tag must be text, not {tag!r}")
        tag = text(" ".join(tag.split()), "tag", MAX_SHORT_TEXT)
        if tag and tag not in out:
            out.append(tag)
    return out


def iso_date(value: Any, what: str) -> str | None:
    """Accept 2004, 2004-11, 2004-11-28 or an ISO date-time (model/limits.py)."""
    if value in (None, ""):
        return None
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    text = str(value).strip()
    problem = limits.card_date_problem(text)
    if problem == "is not a real date":
        raise InvalidInput(f"{what} {text!r} {problem}")
    if problem is not None:
        raise InvalidInput(f"{what} {problem}, not {text!r}")
    return text


def regions(value: Any) -> list[list[float]]:
    """Rectangles on a page, in PDF points; each within the limits of model/limits.py."""
    out = []
    for region in value or ():
        try:
            x0, y0, x1, y1 = (float(v) for v in region)
        except (TypeError, ValueError):
            raise InvalidInput(f"a region is four numbers x0, y0, x1, y1, not {region!r}") from None
        if not (x1 >= x0 and y1 >= y0):
            raise InvalidInput(f"a region must have x1 >= x0 and y1 >= y0: {region!r}")
        if not all(limits.REGION_LOW <= n <= limits.REGION_HIGH for n in (x0, y0, x1, y1)):
            raise InvalidInput(f"a region lies on its page, within {limits.REGION_LOW:,.0f} .. "
                               f"{limits.REGION_HIGH:,.0f} points: {region!r}")
        out.append([x0, y0, x1, y1])
    return out


def attributes(value: Any) -> dict[str, str]:
    if not value:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidInput("attributes must be a mapping of names to values")
    out = {}
    for k, v in value.items():
        name = text(str(k).strip(), "attribute name", MAX_SHORT_TEXT)
        if not name:
            raise InvalidInput("an attribute needs a name")
        out[name] = text(v, f"attribute {name!r}", MAX_SHORT_TEXT)
    return out


def _graded(check):  # noqa: ANN001, ANN202 - a grading validator
    def convert(value: Any) -> Any:
        try:
            return check(value)
        except ValueError as exc:
            raise InvalidInput(str(exc)) from None
    return convert


def _page(value: Any) -> int | None:
    if value is not None and (not isinstance(value, int) or value < 1):
        raise InvalidInput(f"page must be a whole number from 1, not {value!r}")
    return value


def _as_is(value: Any) -> Any:  # source_id, attachment_id: checked against the case by the service
    return value


# How each card field becomes its column value (JSON columns as text). A
# table rather than a chain of ifs: a bulk import runs it for every field.
_CARD_CONVERTERS: dict[str, Any] = {
    "title": lambda value: text(value, "title", MAX_SHORT_TEXT),
    "text": lambda value: text(value, "text", MAX_CARD_TEXT),
    "colour": colour,
    "tags": lambda value: dumps(tags(value)),
    "reliability": _graded(validate_reliability),
    "credibility": _graded(validate_credibility),
    "source_id": _as_is,
    "page": _page,
    "regions": lambda value: dumps(regions(value)),
    "entity_type": lambda value: enum_value(EntityType, value, "entity type") if value else None,
    "attributes": lambda value: dumps(attributes(value)),
    "date_start": lambda value: iso_date(value, "date start"),
    "date_end": lambda value: iso_date(value, "date end"),
    "attachment_id": _as_is,
}
assert tuple(_CARD_CONVERTERS) == CARD_FIELDS


def card_columns(values: Mapping[str, Any]) -> dict[str, Any]:
    """Turn caller-facing card fields into column values (JSON as text)."""
    return _converted(values, _CARD_CONVERTERS, "card")


def _converted(values: Mapping[str, Any], converters: Mapping[str, Any], what: str) -> dict[str, Any]:
    try:
        return {name: converters[name](value) for name, value in values.items()}
    except KeyError:
        unknown = values.keys() - converters.keys()
        if not unknown:
            raise  # a KeyError from inside a converter
        raise InvalidInput(f"unknown {what} field(s): {', '.join(sorted(unknown))}") from None


def check_card(kind: CardKind, row: Mapping[str, Any]) -> None:
    """The fields each kind of card cannot do without (its descriptor's ``needs``)."""
    descriptor = CARD_KINDS[kind]
    present = dict(row, title=row.get("title", "").strip(), text=row.get("text", "").strip())
    if not all(any(present.get(name) for name in one_of) for one_of in descriptor.needs):
        raise InvalidInput(descriptor.needs_message)
    if row.get("date_start") and row.get("date_end") and row["date_end"] < row["date_start"]:
        raise InvalidInput("the end date is before the start date")


_LINK_CONVERTERS: dict[str, Any] = {
    "label": lambda value: text(" ".join(str(value or "").split()), "label", MAX_SHORT_TEXT),
    "direction": lambda value: enum_value(Direction, value, "direction"),
    "strength": lambda value: enum_value(Strength, value, "strength"),
    "colour": colour,
}
assert tuple(_LINK_CONVERTERS) == LINK_FIELDS


def link_columns(values: Mapping[str, Any]) -> dict[str, Any]:
    return _converted(values, _LINK_CONVERTERS, "link")


def number(value: Any, what: str) -> float:
    try:
        result = float(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{what} must be a number, not {value!r}") from None
    if not math.isfinite(result):
        raise InvalidInput(f"{what} must be a finite number")
    return result


def coordinate(value: Any, what: str) -> float:
    """A position on the board (a card's left or top edge): model/limits.py says why this range."""
    result = number(value, what)
    if not -limits.BOARD_EXTENT <= result <= limits.BOARD_EXTENT:
        raise InvalidInput(f"{what} must be within ±{limits.BOARD_EXTENT:,.0f}, the board's extent, "
                           f"not {result:,.6g}")
    return result


def side(value: Any, what: str) -> float:
    """A card's width or height."""
    result = number(value, what)
    if not limits.MIN_CARD_SIDE <= result <= limits.MAX_CARD_SIDE:
        raise InvalidInput(f"{what} must be from {limits.MIN_CARD_SIDE:,.0f} to {limits.MAX_CARD_SIDE:,.0f}, "
                           f"not {result:,.6g}")
    return result


def ids(values: str | Iterable[str]) -> list[str]:
    if isinstance(values, str):
        return [values]
    return list(dict.fromkeys(values))
