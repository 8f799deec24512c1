"""Named read queries for callers outside the store (issue 13, "No side doors").

The store is the only layer that knows SQL; the window, the command line, the
exporters and the services ask for what they need by name here. Each takes
the connection to read: a case's own (``case.conn``), or inside a service call
the writer's (``w.conn``), so the read sees the transaction's own writes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

# SQLite refuses a statement with more than 999 parameters in older builds;
# ids are asked for 500 at a time.
_CHUNK = 500


def _dicts(cur: sqlite3.Cursor) -> list[dict[str, Any]]:
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def _select_in(conn: sqlite3.Connection, sql: str, ids: list[Any]) -> list[tuple]:
    """Rows of ``sql`` for many ids, 500 at a time (``{marks}`` is where the
    ids go, as often as it appears), each row once, in the order found."""
    found: dict[tuple, None] = {}
    uses = sql.count("{marks}")
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        for row in conn.execute(sql.format(marks=",".join("?" * len(chunk))), chunk * uses):
            found[tuple(row)] = None
    return list(found)


# -- cards -------------------------------------------------------------------

def card_tags(conn: sqlite3.Connection) -> list[str]:
    """Every distinct tag used on any card, sorted case-insensitively."""
    rows = conn.execute("SELECT DISTINCT value FROM cards, json_each(cards.tags)")
    return sorted({t for (t,) in rows}, key=str.casefold)


def card_title(conn: sqlite3.Connection, card_id: str) -> str:
    """A card's title ("" for an untitled or unknown card)."""
    row = conn.execute("SELECT title FROM cards WHERE id = ?", (card_id,)).fetchone()
    return row[0] if row else ""


def card_labels(conn: sqlite3.Connection) -> dict[str, str]:
    """Every card's id and what names it in a list: its title, else the
    first 40 characters of its text."""
    return dict(conn.execute("SELECT id, coalesce(nullif(title, ''), substr(text, 1, 40)) FROM cards"))


def existing_card_ids(conn: sqlite3.Connection, ids: Iterable[str]) -> set[str]:
    """Those of ``ids`` that name a card in the case."""
    return {row[0] for row in _select_in(conn, "SELECT id FROM cards WHERE id IN ({marks})", list(ids))}


def all_card_ids(conn: sqlite3.Connection) -> set[str]:
    return {row[0] for row in conn.execute("SELECT id FROM cards")}


def group_card_ids(conn: sqlite3.Connection) -> set[str]:
    """The ids of every group frame card."""
    return {row[0] for row in conn.execute("SELECT id FROM cards WHERE kind = 'group'")}


def cards_citing(conn: sqlite3.Connection, source_id: str) -> list[str]:
    """The ids of the cards that cite a source."""
    return [row[0] for row in _select_in(conn, "SELECT id FROM cards WHERE source_id IN ({marks})", [source_id])]


def card_rows(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every card as the table holds it (all columns, the row number too)."""
    return _dicts(conn.execute("SELECT * FROM cards"))


# -- links -------------------------------------------------------------------

def link_rows(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every link as the table holds it."""
    return _dicts(conn.execute("SELECT * FROM links"))


def link_keys_touching(conn: sqlite3.Connection, card_ids: list[str]) -> list[tuple]:
    """The keys, ``(id,)``, of the links from or to any of these cards."""
    return _select_in(conn, "SELECT id FROM links WHERE from_card IN ({marks}) OR to_card IN ({marks})", card_ids)


# -- boards and placements ---------------------------------------------------

def board_rows(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every board as the table holds it, in the boards' order."""
    return _dicts(conn.execute("SELECT * FROM boards ORDER BY sort_order"))


def board_count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM boards").fetchone()[0]


def next_board_order(conn: sqlite3.Connection) -> int:
    """The sort order a new board takes: after every board (0 for the first)."""
    return conn.execute("SELECT coalesce(max(sort_order), -1) + 1 FROM boards").fetchone()[0]


def placement_counts_by_board(conn: sqlite3.Connection) -> dict[str, int]:
    """How many cards sit on each board that has any, by board id."""
    return dict(conn.execute("SELECT board_id, count(*) FROM placements GROUP BY board_id"))


def max_z(conn: sqlite3.Connection, board_id: str) -> float | None:
    """The highest stacking order on a board; None on an empty board."""
    return conn.execute("SELECT max(z) FROM placements WHERE board_id = ?", (board_id,)).fetchone()[0]


def z_range(conn: sqlite3.Connection, board_id: str) -> tuple[float, float]:
    """The lowest and highest stacking order on a board, (0, 0) on an empty one."""
    lo, hi = conn.execute("SELECT coalesce(min(z), 0), coalesce(max(z), 0) FROM placements WHERE board_id = ?",
                          (board_id,)).fetchone()
    return lo, hi


def card_ids_on_board(conn: sqlite3.Connection, board_id: str) -> list[str]:
    return [row[0] for row in conn.execute("SELECT card_id FROM placements WHERE board_id = ?", (board_id,))]


def members_of_group(conn: sqlite3.Connection, board_id: str, group_id: str) -> list[str]:
    """The ids of the cards a group frame holds on one board."""
    return [row[0] for row in conn.execute("SELECT card_id FROM placements WHERE board_id = ? AND group_id = ?",
                                           (board_id, group_id))]


def size_elsewhere(conn: sqlite3.Connection, card_id: str) -> tuple[float, float] | None:
    """(width, height) of a card on some board it sits on; None if it is on none."""
    row = conn.execute("SELECT width, height FROM placements WHERE card_id = ? LIMIT 1", (card_id,)).fetchone()
    return tuple(row) if row else None


def placement_keys(conn: sqlite3.Connection) -> set[tuple[str, str]]:
    """Every (board id, card id) that has a placement."""
    return {tuple(row) for row in conn.execute("SELECT board_id, card_id FROM placements")}


def placement_keys_framed_by(conn: sqlite3.Connection, group_ids: list[str]) -> list[tuple]:
    """(board id, card id) of the placements inside any of these group frames."""
    return _select_in(conn, "SELECT board_id, card_id FROM placements WHERE group_id IN ({marks})", group_ids)


def placement_keys_of(conn: sqlite3.Connection, card_ids: list[str]) -> list[tuple]:
    """(board id, card id) of every placement of these cards."""
    return _select_in(conn, "SELECT board_id, card_id FROM placements WHERE card_id IN ({marks})", card_ids)


def placement_rows(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every placement as the table holds it, by board, back to front."""
    return _dicts(conn.execute("SELECT * FROM placements ORDER BY board_id, z"))


def placement_rows_of(conn: sqlite3.Connection, card_id: str) -> list[dict[str, Any]]:
    """Every placement of one card as the table holds it."""
    return _dicts(conn.execute("SELECT * FROM placements WHERE card_id = ?", (card_id,)))


# -- sources and attachments -------------------------------------------------

def source_rows(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every source as the table holds it, oldest import first."""
    return _dicts(conn.execute("SELECT * FROM sources ORDER BY imported_at, id"))


def source_page_rows(conn: sqlite3.Connection, source_id: str) -> list[dict[str, Any]]:
    """A source's pages as {page, text}, in page order."""
    return _dicts(conn.execute("SELECT page, text FROM source_pages WHERE source_id = ? ORDER BY page",
                               (source_id,)))


def source_page_keys(conn: sqlite3.Connection, source_id: str) -> list[tuple]:
    """(source id, page) of every page of a source."""
    return _select_in(conn, "SELECT source_id, page FROM source_pages WHERE source_id IN ({marks})", [source_id])


def source_sha256s(conn: sqlite3.Connection) -> dict[str, str]:
    """Every source's SHA-256, by source id."""
    return dict(conn.execute("SELECT id, sha256 FROM sources"))


def attachment_sha256s(conn: sqlite3.Connection) -> dict[int, str]:
    """Every attachment's SHA-256, by attachment id."""
    return dict(conn.execute("SELECT id, sha256 FROM attachments"))


def attachment_sha256(conn: sqlite3.Connection, attachment_id: int | None) -> str | None:
    """An attachment's SHA-256, None when there is no such attachment."""
    row = conn.execute("SELECT sha256 FROM attachments WHERE id = ?", (attachment_id,)).fetchone()
    return row[0] if row else None


def attachment_exists(conn: sqlite3.Connection, attachment_id: int) -> bool:
    return conn.execute("SELECT 1 FROM attachments WHERE id = ?", (attachment_id,)).fetchone() is not None


def attachment_media_type(conn: sqlite3.Connection, attachment_id: int) -> str | None:
    """An attachment's media type, None when there is no such attachment."""
    row = conn.execute("SELECT media_type FROM attachments WHERE id = ?", (attachment_id,)).fetchone()
    return row[0] if row else None


# -- the audit trail ---------------------------------------------------------

def audit_images(conn: sqlite3.Connection, table: str, row_key: str) -> list[tuple[str | None, str | None]]:
    """(before, after) JSON images of every recorded change of one row, oldest first."""
    return conn.execute("SELECT before, after FROM audit_changes WHERE table_name = ? AND row_key = ? ORDER BY rowid",
                        (table, row_key)).fetchall()
