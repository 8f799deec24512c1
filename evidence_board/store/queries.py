"""Named read queries for callers outside the store (issue 13, "No side doors").

The store is the only layer that knows SQL; the window, the command line, the
exporters and the services ask for what they need by name here.
"""

from __future__ import annotations

import sqlite3


def card_tags(conn: sqlite3.Connection) -> list[str]:
    """Every distinct tag used on any card, sorted case-insensitively."""
    rows = conn.execute("SELECT DISTINCT value FROM cards, json_each(cards.tags)")
    return sorted({t for (t,) in rows}, key=str.casefold)
