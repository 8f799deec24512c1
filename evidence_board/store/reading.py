"""Everything that reads a case: boards, cards, links, sources, search, history.

A mixin of CaseFile; it only needs ``self.conn``. Nothing here loads an
attachment's bytes unless asked for that attachment by id.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from evidence_board.errors import UnknownId
from evidence_board.model import Board, Card, Link, Placement, Source
from evidence_board.store.rows import (
    BOARD_COLUMNS, CARD_COLUMNS, LINK_COLUMNS, PLACEMENT_COLUMNS, SOURCE_COLUMNS,
    board_from_row, card_from_row, link_from_row, placement_from_row, select, source_from_row,
)
from evidence_board.store import search as searching
from evidence_board.store.collector import collector_paused
from evidence_board.store.keylists import in_lists
from evidence_board.store.search import SearchHit


class MissingAttachment(UnknownId, KeyError):
    """A stored file a row points at is not in the case. Opening refuses such
    a file (store/value_checks.py); a reader that meets one says so in words."""

    def __str__(self) -> str:  # KeyError's own would quote the message
        return str(self.args[0]) if self.args else ""


@dataclass(slots=True)
class BoardContents:
    """One board read into memory: what a canvas or an exporter draws."""

    board: Board
    cards: dict[str, Card] = field(default_factory=dict)
    placements: dict[str, Placement] = field(default_factory=dict)
    links: dict[str, Link] = field(default_factory=dict)


@dataclass(slots=True)
class AuditEvent:
    id: int
    at: str
    author: str
    action: str
    summary: str
    changes: list[dict[str, Any]] = field(default_factory=list)


class CaseReading:
    conn: sqlite3.Connection

    # -- case ----------------------------------------------------------

    def case_info(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT key, value FROM case_info").fetchall())

    @property
    def title(self) -> str:
        row = self.conn.execute("SELECT value FROM case_info WHERE key = 'title'").fetchone()
        return row[0] if row else ""

    def counts(self) -> dict[str, Any]:
        c = self.conn
        by_kind = dict(c.execute("SELECT kind, count(*) FROM cards GROUP BY kind ORDER BY kind"))
        return {
            "boards": c.execute("SELECT count(*) FROM boards").fetchone()[0],
            "cards": sum(by_kind.values()),
            "cards_by_kind": by_kind,
            "links": c.execute("SELECT count(*) FROM links").fetchone()[0],
            "sources": c.execute("SELECT count(*) FROM sources").fetchone()[0],
            "audit_events": c.execute("SELECT count(*) FROM audit_events").fetchone()[0],
        }

    # -- boards --------------------------------------------------------

    def boards(self) -> list[Board]:
        rows = self.conn.execute(select(BOARD_COLUMNS, "boards") + " ORDER BY sort_order, created_at")
        return [board_from_row(r) for r in rows]

    def board(self, board_id: str) -> Board | None:
        row = self.conn.execute(select(BOARD_COLUMNS, "boards") + " WHERE id = ?", (board_id,)).fetchone()
        return board_from_row(row) if row else None

    def find_board(self, name_or_id: str) -> Board | None:
        """A board by id, else by exact name, else by case-insensitive name."""
        boards = self.boards()
        for test in (lambda b: b.id == name_or_id, lambda b: b.name == name_or_id,
                     lambda b: b.name.casefold() == name_or_id.casefold()):
            for b in boards:
                if test(b):
                    return b
        return None

    def load_board(self, board_id: str) -> BoardContents:
        """Read a whole board in three queries: placements+cards, then links."""
        # Tens of thousands of new records would set off the cyclic garbage
        # collector again and again, each pass walking everything alive (an
        # undo history of a large import included); none of them is garbage.
        with collector_paused():
            return self._load_board(board_id)

    def _load_board(self, board_id: str) -> BoardContents:
        board = self.board(board_id)
        if board is None:
            raise KeyError(board_id)
        contents = BoardContents(board)
        cards, placements, links = contents.cards, contents.placements, contents.links
        total = self.conn.execute("SELECT count(*) FROM cards").fetchone()[0]
        spots = {r[0]: r for r in self.conn.execute(
            "SELECT card_id, x, y, width, height, z, group_id FROM placements WHERE board_id = ?", (board_id,))}
        most = len(spots) * 4 >= total
        if most:
            # Most of the case is on this board: one sequential scan of the
            # cards (and below, of the links) beats an index lookup per row,
            # and the join happens in a dict (the SQL a third faster at 10,000 cards).
            rows = self.conn.execute(select(CARD_COLUMNS, "cards"))
        else:
            rows = self.conn.execute(
                f"SELECT {', '.join('c.' + col for col in CARD_COLUMNS)} "
                "FROM placements p JOIN cards c ON c.id = p.card_id WHERE p.board_id = ?",
                (board_id,),
            )
        for r in rows:
            spot = spots.get(r[0])
            if spot is not None:
                card = card_from_row(r)
                cards[card.id] = card
                placements[card.id] = Placement(board_id, *spot)  # spot: card_id, x, y, ...
        if most:
            rows = self.conn.execute(select(LINK_COLUMNS, "links"))
        else:
            link_cols = ", ".join("l." + col for col in LINK_COLUMNS)
            rows = self.conn.execute(
                f"SELECT {link_cols} FROM links l "
                "JOIN placements a ON a.card_id = l.from_card AND a.board_id = ?1 "
                "JOIN placements b ON b.card_id = l.to_card AND b.board_id = ?1",
                (board_id,),
            )
        for r in rows:
            if r[1] in cards and r[2] in cards:
                link = link_from_row(r)
                links[link.id] = link
        return contents

    def placement(self, board_id: str, card_id: str) -> Placement | None:
        row = self.conn.execute(
            select(PLACEMENT_COLUMNS, "placements") + " WHERE board_id = ? AND card_id = ?",
            (board_id, card_id),
        ).fetchone()
        return placement_from_row(row) if row else None

    def placements_on(self, board_id: str, card_ids: Iterable[str]) -> dict[str, Placement]:
        """The placements of these cards on one board (those placed there), by card id."""
        found: dict[str, Placement] = {}
        for marks, chunk in in_lists(list(card_ids)):
            rows = self.conn.execute(
                select(PLACEMENT_COLUMNS, "placements") + f" WHERE board_id = ? AND card_id IN {marks}",
                [board_id, *chunk],
            )
            for r in rows:
                found[r[1]] = placement_from_row(r)
        return found

    def placements_of(self, card_id: str) -> list[Placement]:
        rows = self.conn.execute(select(PLACEMENT_COLUMNS, "placements") + " WHERE card_id = ?", (card_id,))
        return [placement_from_row(r) for r in rows]

    def board_placements(self, board_id: str) -> dict[str, Placement]:
        """Every placement on one board, by card id, without reading the cards
        (where a new card may go asks only where the others are)."""
        rows = self.conn.execute(select(PLACEMENT_COLUMNS, "placements") + " WHERE board_id = ?", (board_id,))
        return {r[1]: placement_from_row(r) for r in rows}

    def boards_of(self, card_id: str) -> list[Board]:
        """The boards a card sits on, in tab order (none: it is in the case but on no board)."""
        rows = self.conn.execute(
            f"SELECT {', '.join('b.' + col for col in BOARD_COLUMNS)} FROM placements p "
            "JOIN boards b ON b.id = p.board_id WHERE p.card_id = ? ORDER BY b.sort_order, b.created_at",
            (card_id,),
        )
        return [board_from_row(r) for r in rows]

    def board_counts(self, card_ids: Iterable[str]) -> dict[str, int]:
        """On how many boards each of these cards sits (0 for a card on none)."""
        ids = list(card_ids)
        counts = dict.fromkeys(ids, 0)
        for marks, chunk in in_lists(ids):
            counts.update(self.conn.execute(
                f"SELECT card_id, count(*) FROM placements WHERE card_id IN {marks} GROUP BY card_id", chunk))
        return counts

    # -- cards and links -----------------------------------------------

    def card(self, card_id: str) -> Card | None:
        row = self.conn.execute(select(CARD_COLUMNS, "cards") + " WHERE id = ?", (card_id,)).fetchone()
        return card_from_row(row) if row else None

    def cards(self, ids: Iterable[str] | None = None, kind: str | None = None,
              tag: str | None = None) -> list[Card]:
        sql = select(CARD_COLUMNS, "cards")
        where, params = [], []
        if kind:
            where.append("kind = ?")
            params.append(kind)
        if tag:
            where.append("EXISTS (SELECT 1 FROM json_each(cards.tags) WHERE value = ?)")
            params.append(tag)
        if ids is not None:
            found = []
            for marks, chunk in in_lists(list(ids)):
                cond = where + [f"id IN {marks}"]
                found += self.conn.execute(sql + " WHERE " + " AND ".join(cond), params + chunk).fetchall()
            return [card_from_row(r) for r in found]
        if where:
            sql += " WHERE " + " AND ".join(where)
        return [card_from_row(r) for r in self.conn.execute(sql + " ORDER BY seq", params)]

    def link(self, link_id: str) -> Link | None:
        row = self.conn.execute(select(LINK_COLUMNS, "links") + " WHERE id = ?", (link_id,)).fetchone()
        return link_from_row(row) if row else None

    def links(self, ids: Iterable[str] | None = None) -> list[Link]:
        sql = select(LINK_COLUMNS, "links")
        if ids is None:
            return [link_from_row(r) for r in self.conn.execute(sql + " ORDER BY created_at, id")]
        found = []
        for marks, chunk in in_lists(list(ids)):
            found += self.conn.execute(sql + f" WHERE id IN {marks}", chunk).fetchall()
        return [link_from_row(r) for r in found]

    def links_of(self, card_ids: Iterable[str]) -> list[Link]:
        """Every link that starts or ends at one of these cards."""
        found: dict[str, Link] = {}
        # One statement for all the cards (keylists.py) finds each link once;
        # 500 cards at a time found a link between two chunks twice, and
        # undoing the delete of a 10,000-card board built 59,000 links for 20,000.
        for marks, chunk in in_lists(list(card_ids)):
            rows = self.conn.execute(
                select(LINK_COLUMNS, "links") + f" WHERE from_card IN {marks} OR to_card IN {marks}",
                chunk + chunk,
            )
            for r in rows:
                if r[0] not in found:
                    found[r[0]] = link_from_row(r)
        return list(found.values())

    def card_history(self, card_id: str) -> list[AuditEvent]:
        """Audit events that touched this card, its placements or its links, oldest first."""
        ids = [r[0] for r in self.conn.execute(
            "SELECT DISTINCT event_id FROM audit_changes WHERE card_id = ?1 OR other_card_id = ?1 "
            "ORDER BY event_id", (card_id,)
        )]
        return self.audit_events(event_ids=ids, with_changes=True, card_id=card_id)[::-1]

    # -- sources and attachments ---------------------------------------

    def sources(self) -> list[Source]:
        rows = self.conn.execute(select(SOURCE_COLUMNS, "sources") + " ORDER BY imported_at, id")
        return [source_from_row(r) for r in rows]

    def source(self, source_id: str) -> Source | None:
        row = self.conn.execute(select(SOURCE_COLUMNS, "sources") + " WHERE id = ?", (source_id,)).fetchone()
        return source_from_row(row) if row else None

    def source_by_sha256(self, sha256: str) -> Source | None:
        row = self.conn.execute(select(SOURCE_COLUMNS, "sources") + " WHERE sha256 = ?", (sha256,)).fetchone()
        return source_from_row(row) if row else None

    def cards_citing(self, source_id: str) -> list[Card]:
        """The cards made from a source (its document card, quotes, clips, pictures), oldest first."""
        rows = self.conn.execute(select(CARD_COLUMNS, "cards") + " WHERE source_id = ? ORDER BY seq", (source_id,))
        return [card_from_row(r) for r in rows]

    def sources_without_cards(self) -> list[Source]:
        """Sources no card refers to any more (their cards deleted): what a scrubbed copy leaves out."""
        rows = self.conn.execute(select(SOURCE_COLUMNS, "sources") + " WHERE NOT EXISTS ("
                                 "SELECT 1 FROM cards WHERE cards.source_id = sources.id) ORDER BY imported_at, id")
        return [source_from_row(r) for r in rows]

    def attachment(self, attachment_id: int) -> bytes:
        row = self.conn.execute("SELECT data FROM attachments WHERE id = ?", (attachment_id,)).fetchone()
        if row is None:
            raise MissingAttachment(f"the case holds no stored file {attachment_id!r}; "
                                    "run 'evidence-board check' on it")
        return bytes(row[0])

    def page_text(self, source_id: str, page: int) -> str | None:
        row = self.conn.execute(
            "SELECT text FROM source_pages WHERE source_id = ? AND page = ?", (source_id, page)
        ).fetchone()
        return row[0] if row else None

    # -- search --------------------------------------------------------

    def search(self, text: str, limit: int = 50) -> list[SearchHit]:
        """Ranked hits over card text and source page text, best first.
        A query too long to answer in good time raises QueryTooLong."""
        return searching.search(self.conn, text, limit)[0]

    def search_first_page(self, text: str, limit: int = 50) -> tuple[list[SearchHit], bool]:
        """A first page of hits to show at once (the best of the first
        matches), and whether it is already the final ranking; if not,
        ``search`` gives it."""
        return searching.search(self.conn, text, limit, first_page=True)

    def pages_matching(self, source_id: str, text: str) -> list[int]:
        """The pages of a source that ``search`` finds ``text`` on."""
        return searching.pages_matching(self.conn, source_id, text)

    # -- audit trail ---------------------------------------------------

    def audit_events(self, limit: int | None = None, event_ids: list[int] | None = None,
                     with_changes: bool = False, card_id: str | None = None) -> list[AuditEvent]:
        sql = "SELECT id, at, author, action, summary FROM audit_events"
        params: list[Any] = []
        if event_ids is not None:
            if not event_ids:
                return []
            sql += f" WHERE id IN ({','.join('?' * len(event_ids))})"
            params += event_ids
        sql += " ORDER BY id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        events = [AuditEvent(*r) for r in self.conn.execute(sql, params)]
        if with_changes:
            for event in events:
                q = "SELECT table_name, row_key, before, after FROM audit_changes WHERE event_id = ?1"
                args: list[Any] = [event.id]
                if card_id is not None:
                    q += " AND (card_id = ?2 OR other_card_id = ?2)"
                    args.append(card_id)
                event.changes = [
                    {"table": t, "key": k, "before": json.loads(b) if b else None,
                     "after": json.loads(a) if a else None}
                    for t, k, b, a in self.conn.execute(q + " ORDER BY rowid", args)
                ]
        return events

    def audit_page(self, card_id: str | None = None, before: int | None = None, limit: int = 100,
                   changes_per_event: int = 50) -> list[AuditEvent]:
        """One page of the audit trail, newest first: the whole case's, or one card's.

        ``before`` continues from an earlier page (events older than that id).
        Each event brings at most ``changes_per_event`` of its row changes (an
        import of 10,000 cards is one event of 20,000 changes; a screen shows
        the first few and audit_change_count says how many there are), and
        for a card only the changes about that card, its placements and links.
        """
        newest = before if before is not None else (1 << 62)
        if card_id is None:
            rows = self.conn.execute(
                "SELECT id, at, author, action, summary FROM audit_events WHERE id < ? ORDER BY id DESC LIMIT ?",
                (newest, limit)).fetchall()
        else:
            ids = [r[0] for r in self.conn.execute(
                "SELECT DISTINCT event_id FROM audit_changes WHERE (card_id = ?1 OR other_card_id = ?1) "
                "AND event_id < ?2 ORDER BY event_id DESC LIMIT ?3", (card_id, newest, limit))]
            rows = self.conn.execute(
                f"SELECT id, at, author, action, summary FROM audit_events WHERE id IN ({','.join('?' * len(ids))}) "
                "ORDER BY id DESC", ids).fetchall() if ids else []
        events = [AuditEvent(*r) for r in rows]
        q = "SELECT table_name, row_key, before, after FROM audit_changes WHERE event_id = ?1"
        if card_id is not None:
            q += " AND (card_id = ?2 OR other_card_id = ?2)"
        q += " ORDER BY rowid LIMIT ?3"
        for event in events:
            event.changes = [
                {"table": t, "key": k, "before": json.loads(b) if b else None, "after": json.loads(a) if a else None}
                for t, k, b, a in self.conn.execute(q, (event.id, card_id, changes_per_event))
            ]
        return events

    def audit_change_count(self, event_id: int, card_id: str | None = None) -> int:
        """How many row changes one audit event recorded (about one card, if given)."""
        sql, args = "SELECT count(*) FROM audit_changes WHERE event_id = ?1", [event_id]
        if card_id is not None:
            sql += " AND (card_id = ?2 OR other_card_id = ?2)"
            args.append(card_id)
        return self.conn.execute(sql, args).fetchone()[0]

    def card_as_of(self, card_id: str, event_id: int) -> dict[str, Any] | None:
        """The card's row as it was right after audit event ``event_id``; None
        if it did not exist then (not yet made, or deleted).

        Worked back from now rather than forward from the card's creation: a
        column's value then is the "before" of the first later change to it,
        else its value now. That holds for cards whose creation is not in this
        file's trail (an older or merged case), and reads only later changes.
        """
        if self.conn.execute("SELECT 1 FROM audit_events WHERE id = ?", (event_id,)).fetchone() is None:
            raise KeyError(event_id)
        now = self.conn.execute(select(CARD_COLUMNS, "cards") + " WHERE id = ?", (card_id,)).fetchone()
        row: dict[str, Any] | None = dict(zip(CARD_COLUMNS, now)) if now else None
        later = self.conn.execute(
            "SELECT before, after FROM audit_changes WHERE table_name = 'cards' AND card_id = ? AND event_id > ? "
            "ORDER BY event_id DESC, rowid DESC", (card_id, event_id)).fetchall()
        # Newest first, each change taken back: its "before" columns overwrite
        # the row; an insert taken back means there was no row yet.
        for before, after in later:
            if before is None:
                row = None
            elif after is None:
                row = json.loads(before)
            else:
                row = {**(row or {}), **json.loads(before)}
        return row
