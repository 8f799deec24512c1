"""What a case file may hold: one set of limits, kept on both sides.

The services refuse to write a value past these (``services/validation.py``)
and opening a case file refuses a file holding one
(``store/value_checks.py``), so every reader, exporter and window can rely
on them. Why each limit is where it is:

- **Board coordinates** (a card's top-left corner, in board units: a pixel at
  100 % zoom) lie within ±1,000,000. The 10,000-card bench board is
  25,000 × 15,000 units, so a board holds forty times that in each
  direction; at the window's 400 % the whole board spans 12 million pixels,
  far inside the 32-bit integers Qt scrolls and sizes in (2.1 billion), as
  are an SVG's pixel size and a PNG's before its scale is lowered. Past
  that, a value is not a real position: ``9.9e11`` made the SVG export
  overflow.
- **Card sides** are 20 to 2,000,000 units: 20 is the smallest card the
  window resizes to (the services refused smaller before), and a card, even
  a group frame around everything, is at most as wide as the whole board.
  A negative or zero side is no card (``-1e11`` broke the PNG export).
- **Quote regions** are in PDF points of the unrotated page. A page is at
  most 14,400 points a side (200 inches, the PDF specification's own limit),
  and a region may reach one such page beyond the page's corner (words in
  the media box outside a smaller crop box lie outside the page shown):
  every coordinate is within -14,400 .. 28,800, and x1 >= x0, y1 >= y0.
- **Stacking order** (z) is any number within ±1e12: only its order matters.
- **Colours** are ``#rrggbb`` or ``#rrggbbaa``, hex digits.
- **Dates** of a card are what ``datetime.fromisoformat`` reads, or a year,
  a year and month, or a full date (``2004``, ``2004-11``, ``2004-11-28``).
- **Timestamps** (created, modified, imported, audit times) are UTC as
  ``2004-11-28T10:15:00Z``, with or without milliseconds.
"""

from __future__ import annotations

import re
from datetime import date, datetime

BOARD_EXTENT = 1_000_000.0
MIN_CARD_SIDE = 20.0
MAX_CARD_SIDE = 2 * BOARD_EXTENT
MAX_STACKING = 1e12
MAX_PAGE_SIDE = 14_400.0
REGION_LOW, REGION_HIGH = -MAX_PAGE_SIDE, 2 * MAX_PAGE_SIDE

COLOUR = re.compile(r"#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")
PARTIAL_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
# The same shapes as SQLite GLOB patterns, for the checks at opening.
COLOUR_GLOBS = ("#" + "[0-9a-fA-F]" * 6, "#" + "[0-9a-fA-F]" * 8)
_STAMP = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]"
TIMESTAMP_GLOBS = (_STAMP + "Z", _STAMP + ".[0-9][0-9][0-9]Z")


def is_colour(value: object) -> bool:
    return isinstance(value, str) and COLOUR.fullmatch(value) is not None


def card_date_problem(value: str) -> str | None:
    """Why ``value`` is not a card date (None when it is one)."""
    text = value.strip()
    if PARTIAL_DATE.fullmatch(text):
        parts = [int(p) for p in text.split("-")]
        try:
            date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
        except ValueError:
            return "is not a real date"
        return None
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return "must be an ISO date such as 2004-11-28"
    return None


def is_card_date(value: object) -> bool:
    """A stored card date: text as the services write it (stripped, and a date)."""
    return isinstance(value, str) and value == value.strip() and value != "" and card_date_problem(value) is None
