"""Row-level writes that remember what they changed.

Every write of the services goes through a RowWriter, which keeps the
before and after image of each row it touches. Those images are what the
audit trail stores and what undo and redo apply, so there is one mechanism
for history, undo and redo instead of three. The writer also keeps the
full-text indexes in step (see schema.py for why there are no triggers), giving
them the folded text of each row (see search.py).
"""

from __future__ import annotations

import functools
import json
import operator
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any

from evidence_board.model.search_text import index_text
from evidence_board.store.collector import with_collector_paused
from evidence_board.store.keylists import in_lists
from evidence_board.store.search import FTS_INDEXES, as_text
from evidence_board.store.tables import TABLE_KEYS, null_by_default, real_columns
from evidence_board.store.tables import columns as table_columns

__all__ = ["FTS_INDEXES", "TABLE_KEYS", "RowChange", "RowConflict", "RowWriter", "audit_image", "row_differs"]

class RowConflict(Exception):
    """A recorded change no longer fits the row (it was changed elsewhere since)."""


@dataclass(slots=True)
class RowChange:
    """One row's change. ``before``/``after`` are None for an insert/delete;
    for an update they hold only the columns that changed."""

    table: str
    key: tuple[Any, ...]
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    card_ids: tuple[str | None, str | None] = (None, None)
    # An insert's or a delete's whole-row audit image as write_audit filed
    # it. Undoing a delete inserts the very dicts the delete recorded (and
    # redoing an insert those the insert did), whose image is this text: the
    # replay files it again instead of encoding 40,000 rows anew for a big
    # board (0.1 s of an undo's 1.1 s), for about 15 MB kept with the undo
    # step of deleting 10,000 cards (the dicts take 70). Updates keep none:
    # a replayed update's images are made from the rows as they are then.
    image: str | None = None

    @property
    def op(self) -> str:
        if self.before is None:
            return "insert"
        return "delete" if self.after is None else "update"


def _recorded(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """The row without its local row number (the FTS rowid): a row restored
    by undo simply gets a new number."""
    fts = FTS_INDEXES.get(table)
    if fts is not None and fts[1] in row:
        row = dict(row)
        del row[fts[1]]
    return row  # the services hand over a fresh dict per row and never reuse it


@functools.cache
def _row_key(table: str) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """A function giving a row's primary key as a tuple (a bulk insert's fast path)."""
    keys = TABLE_KEYS[table]
    if len(keys) > 1:
        return operator.itemgetter(*keys)
    return lambda row, name=keys[0]: (row[name],)


# The cards a row is about (for a card's history), per table, as (card, other card).
_CARDS_OF_ROW: dict[str, Callable[[dict[str, Any]], tuple[Any, Any]]] = {
    "cards": lambda row: (row["id"], None),
    "placements": lambda row: (row["card_id"], None),
    "links": operator.itemgetter("from_card", "to_card"),
}


def row_differs(current: dict[str, Any], expected: dict[str, Any]) -> bool:
    """Whether a row no longer holds the values a recorded change left in it."""
    # The loop in C (map and any): an undo of an import compares 500,000 values.
    return any(map(operator.ne, map(current.get, expected), expected.values()))


def _card_ids(table: str, row: dict[str, Any]) -> tuple[str | None, str | None]:
    cards_of = _CARDS_OF_ROW.get(table)
    return cards_of(row) if cards_of else (None, None)


@functools.lru_cache(maxsize=64)
def _insert_sql(table: str, names: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"


# Row images in column order, by one encoder made once: JSONEncoder.encode
# builds its C encoder anew on every call, a quarter of the cost of a small
# row, and a bulk insert or an undo files tens of thousands. Python's float
# repr reads back as the same double, to the bit.
if c_make_encoder is not None:
    _encode_chunks = c_make_encoder(None, json.JSONEncoder().default, encode_basestring, None, ":", ",",
                                    False, False, True)

    def _encode(value: dict[str, Any]) -> str:
        return "".join(_encode_chunks(value, 0))
else:  # a Python without the json module's C part
    _encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

# The REAL columns of each table the writer records, where it has any, and
# a getter of their values from a whole row.
_REAL = {table: (real, operator.itemgetter(*sorted(real)), len(table_columns(table)))
         for table in TABLE_KEYS if (real := real_columns(table))}
_FLOAT = {float}


def audit_image(table: str, row: dict[str, Any]) -> str:
    """A row image (a whole row, or an update's changed columns) as the audit
    trail stores it: JSON of the values as the file holds them.

    The one encoder of every write path. Until issue 13 a bulk insert had
    its images made by SQLite's json_object from the stored row, and the
    two disagreed: an int in a REAL column (0 against 0.0), -0.0 (stored as
    0.0), and printf('%!.17g') rounding the largest doubles to a neighbour.
    Now a REAL column's value is written as what SQLite keeps of it: a
    number as a double (an int or a bool becomes one), and -0.0 as 0.0,
    since SQLite writes a whole double as an integer, which has no negative
    zero. (NaN, stored as NULL, never gets in: every REAL column is NOT NULL.)
    """
    real = _REAL.get(table)
    if real is not None:
        reals, values_of, width = real
        if len(row) < width:  # an update's image: only the columns that changed
            values = [row[c] for c in reals if c in row]  # (a KeyError to find that out costs a microsecond)
        else:
            values = values_of(row)
        # The check in C (a set of types, a search for zero): a placement's
        # image costs 2.4 microseconds instead of 1.9.
        if set(map(type, values)) - _FLOAT or 0.0 in values:
            row = {k: float(v) + 0.0 if k in reals and isinstance(v, (int, float)) else v  # -0.0 + 0.0 is 0.0
                   for k, v in row.items()}
    return _encode(row)


def _rows_by_key(cur: sqlite3.Cursor, names: tuple[str, ...]) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    """(key, row as a dict) of every row a SELECT * returns, the loops in C
    (map and zip): a delete of 10,000 cards reads 40,000 rows."""
    columns = [d[0] for d in cur.description]
    rows = cur.fetchall()
    positions = [columns.index(c) for c in names]
    keys = (map(operator.itemgetter(*positions), rows) if len(positions) > 1
            else zip(map(operator.itemgetter(positions[0]), rows)))
    return zip(keys, map(dict, map(functools.partial(zip, columns), rows)))


def _by_head(keys: Iterable[tuple[Any, ...]]) -> dict[tuple[Any, ...], list[Any]]:
    """Keys grouped by all but their last column: {head: [last values]}."""
    groups: dict[tuple, list] = {}
    for key in keys:
        groups.setdefault(key[:-1], []).append(key[-1])
    return groups


def _key_conditions(names: tuple[str, ...], head: tuple[Any, ...], lasts: list[Any]
                    ) -> Iterator[tuple[str, list[Any]]]:
    """WHERE clauses (with their parameters) that together pick the rows whose
    key is ``head`` followed by one of ``lasts``: one, with the values as one
    JSON list, or (values JSON cannot carry) 500 at a time."""
    prefix = "".join(f"{c} = ? AND " for c in names[:-1])
    for marks, values in in_lists(lasts):
        yield f"{prefix}{names[-1]} IN {marks}", [*head, *values]


_AUDIT_INSERT = ("INSERT INTO audit_changes(event_id, table_name, row_key, card_id, other_card_id, before, after) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?)")


class RowWriter:
    """Writes rows and remembers each change. With an ``event_id`` it also
    files each change in the audit trail under that event, in order: bulk
    inserts at once (see insert_many), everything else by write_audit."""

    def __init__(self, conn: sqlite3.Connection, event_id: int | None = None) -> None:
        self.conn = conn
        self.event_id = event_id
        self.changes: list[RowChange] = []
        self._filed = 0  # changes[:_filed] are in audit_changes

    @classmethod
    def for_event(cls, conn: sqlite3.Connection, at: str, author: str, action: str, summary: str) -> RowWriter:
        """A writer filing its changes under a new audit event, inside the
        caller's transaction. The event exists before the writes so bulk
        inserts can file their audit rows under it as they go; close_event
        removes it again if nothing changed."""
        cur = conn.execute("INSERT INTO audit_events(at, author, action, summary) VALUES (?, ?, ?, ?)",
                           (at, author, action, summary))
        return cls(conn, int(cur.lastrowid))

    def close_event(self) -> int | None:
        """File the audit rows not yet written and return the event's id;
        None (and no event left) if nothing changed."""
        if not self.changes:
            self.conn.execute("DELETE FROM audit_events WHERE id = ?", (self.event_id,))
            return None
        self.write_audit()
        return self.event_id

    @with_collector_paused  # thousands of row changes and audit rows at once (see store/collector)
    def write_audit(self) -> None:
        """File the changes made since the last call in audit_changes."""
        pending, self._filed = self.changes[self._filed:], len(self.changes)
        if self.event_id is None or not pending:
            return
        image, rows = audit_image, []
        for r in pending:
            if r.before is None:
                if r.image is None:
                    r.image = image(r.table, r.after)
                before, after = None, r.image
            elif r.after is None:
                if r.image is None:
                    r.image = image(r.table, r.before)
                before, after = r.image, None
            else:
                before, after = image(r.table, r.before), image(r.table, r.after)
            key = r.key[0] if len(r.key) == 1 and type(r.key[0]) is str else "/".join(map(str, r.key))
            rows.append((self.event_id, r.table, key, *r.card_ids, before, after))
        self.conn.executemany(_AUDIT_INSERT, rows)

    def fetch(self, table: str, key: tuple[Any, ...]) -> dict[str, Any] | None:
        cols = TABLE_KEYS[table]
        where = " AND ".join(f"{c} = ?" for c in cols)
        cur = self.conn.execute(f"SELECT * FROM {table} WHERE {where}", key)
        row = cur.fetchone()
        if row is None:
            return None
        return dict(zip((d[0] for d in cur.description), row))

    def insert(self, table: str, row: dict[str, Any]) -> RowChange:
        names = list(row)
        cur = self.conn.execute(_insert_sql(table, tuple(names)), [row[n] for n in names])
        if table in FTS_INDEXES:
            self._index(table, cur.lastrowid, row)
        key = tuple(row[c] for c in TABLE_KEYS[table])
        change = RowChange(table, key, None, _recorded(table, row), _card_ids(table, row))
        self.changes.append(change)
        return change

    @with_collector_paused  # thousands of row changes and audit rows at once (see store/collector)
    def insert_many(self, table: str, rows: list[dict[str, Any]], images: list[str | None] | None = None) -> None:
        """Insert rows that all have the same columns, in one statement.

        The bulk path of imports and large pastes: one executemany for the
        rows, one for their full-text entries and one (write_audit's, the
        encoder of every write) for their audit images. ``images`` (replay's):
        the rows' images as the audit trail already holds them (None where
        not known), which are what write_audit would make of these rows.
        """
        if not rows:
            return
        names = tuple(rows[0])
        fts = FTS_INDEXES.get(table)
        if fts is not None:
            # New rows of a rowid table get rowids above the current largest,
            # so "rowid > last" finds exactly the rows this call inserted.
            last = self.conn.execute(f"SELECT coalesce(max(rowid), 0) FROM {table}").fetchone()[0]
        # sqlite3 binds None only after looking for an adapter (two failed
        # attribute lookups, each raising an exception inside), and a new
        # card has eight empty columns: a column that is None in every row
        # is left out of the INSERT instead, to take its default, NULL.
        nullable = null_by_default(table)
        bound = tuple(n for n in names if n not in nullable or any(row[n] is not None for row in rows))
        self.conn.executemany(_insert_sql(table, bound), list(map(operator.itemgetter(*bound), rows)))
        if fts is not None:
            name, _, cols = fts
            written = self.conn.execute(f"SELECT rowid, {', '.join(cols)} FROM {table} WHERE rowid > ? ORDER BY rowid",
                                         (last,))
            self.conn.executemany(
                f"INSERT INTO {name}(rowid, {', '.join(cols)}) VALUES (?, {', '.join('?' * len(cols))})",
                [(r[0], *(index_text(as_text(v)) for v in r[1:])) for r in written],
            )
        key_of, cards_of = _row_key(table), _CARDS_OF_ROW.get(table)
        no_cards = (None, None)
        # All rows have the same columns: if the first has no local row number, none has.
        recorded = [_recorded(table, row) for row in rows] if fts is not None and fts[1] in names else rows
        start = len(self.changes)
        self.changes.extend(
            RowChange(table, key_of(row), None, row, cards_of(row) if cards_of else no_cards) for row in recorded
        )
        if images is not None:
            for change, text in zip(self.changes[start:], images, strict=True):
                change.image = text
        self.write_audit()  # at once, as the rows went in: the trail keeps the order of changes

    def update(self, table: str, key: tuple[Any, ...], values: dict[str, Any]) -> RowChange | None:
        """Set columns of one row; returns None when nothing actually changed."""
        old = self.fetch(table, key)
        if old is None:
            raise KeyError((table, key))
        changed = {k: v for k, v in values.items() if old.get(k) != v}
        if not changed:
            return None
        sets = ", ".join(f"{c} = ?" for c in changed)
        where = " AND ".join(f"{c} = ?" for c in TABLE_KEYS[table])
        self.conn.execute(f"UPDATE {table} SET {sets} WHERE {where}", [*changed.values(), *key])
        if table in FTS_INDEXES and any(c in changed for c in FTS_INDEXES[table][2]):
            rowid_col = FTS_INDEXES[table][1]
            self._unindex(table, old[rowid_col], old)
            self._index(table, old[rowid_col], {**old, **changed})
        change = RowChange(
            table, key, {k: old[k] for k in changed}, changed, _card_ids(table, {**old, **changed})
        )
        self.changes.append(change)
        return change

    def fetch_many(self, table: str, keys: Iterable[tuple[Any, ...]]) -> dict[tuple[Any, ...], dict[str, Any]]:
        """The current rows of ``keys`` (those that exist): one SELECT per
        value of the key's leading columns (placements: per board), its last
        column's values bound as one list (see keylists.py)."""
        names = TABLE_KEYS[table]
        found: dict[tuple, dict[str, Any]] = {}
        for head, lasts in _by_head(keys).items():
            for where, params in _key_conditions(names, head, lasts):
                found.update(_rows_by_key(self.conn.execute(f"SELECT * FROM {table} WHERE {where}", params), names))
        return found

    @with_collector_paused  # thousands of row changes and audit rows at once (see store/collector)
    def update_many(self, table: str, values_by_key: dict[tuple[Any, ...], dict[str, Any]],
                    expected: dict[tuple[Any, ...], dict[str, Any]] | None = None) -> list[tuple]:
        """Set columns of many rows of a table without a full-text index.

        The bulk path of moving thousands of cards: the current rows are read
        by fetch_many, and the changed ones are written by one executemany
        per set of columns. Returns the keys that were not found (and then
        writes nothing). With ``expected`` (undo and redo), a row whose
        current values differ raises RowConflict.
        """
        assert table not in FTS_INDEXES, "update_many is for tables without a full-text index"
        found = self.fetch_many(table, values_by_key)
        missing = [key for key in values_by_key if key not in found]
        if missing:
            return missing
        writes: dict[tuple, list[tuple]] = {}
        for key, values in values_by_key.items():
            old = found[key]
            if expected is not None and row_differs(old, expected[key]):
                raise RowConflict(f"{table} {key} was changed since")
            changed = {k: v for k, v in values.items() if old.get(k) != v}
            if changed:
                writes.setdefault(tuple(changed), []).append((key, old, changed))
        where = " AND ".join(f"{c} = ?" for c in TABLE_KEYS[table])
        for columns, rows in writes.items():
            self.conn.executemany(
                f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in columns)} WHERE {where}",
                [[*changed.values(), *key] for key, _, changed in rows],
            )
            self.changes.extend(
                RowChange(table, key, {k: old[k] for k in changed}, changed, _card_ids(table, old))
                for key, old, changed in rows
            )
        return []

    def delete(self, table: str, key: tuple[Any, ...]) -> RowChange | None:
        old = self.fetch(table, key)
        if old is None:
            return None
        where = " AND ".join(f"{c} = ?" for c in TABLE_KEYS[table])
        if table in FTS_INDEXES:
            self._unindex(table, old[FTS_INDEXES[table][1]], old)
        self.conn.execute(f"DELETE FROM {table} WHERE {where}", key)
        change = RowChange(table, key, _recorded(table, old), None, _card_ids(table, old))
        self.changes.append(change)
        return change

    @with_collector_paused  # thousands of row changes and audit rows at once (see store/collector)
    def delete_many(self, table: str, keys: Iterable[tuple[Any, ...]],
                    expected: dict[tuple[Any, ...], dict[str, Any]] | None = None) -> list[tuple]:
        """Delete many rows: the bulk path of undoing a large import.

        Like update_many: returns the keys not found (and then deletes
        nothing); with ``expected``, a row whose current values differ
        raises RowConflict. Full-text entries go with their rows.
        """
        keys = list(keys)
        found = self.fetch_many(table, keys)
        missing = [key for key in keys if key not in found]
        if missing:
            return missing
        if expected is not None:
            for key in keys:
                if row_differs(found[key], expected[key]):
                    raise RowConflict(f"{table} {key} was changed since")
        self._delete_found(table, keys, found)
        return []

    def fetch_where(self, table: str, columns: tuple[str, ...], values: list[Any]
                    ) -> dict[tuple[Any, ...], dict[str, Any]]:
        """The current rows, by key, whose value in any of ``columns`` is one
        of ``values`` (the links from or to some cards): what fetch_many of
        their keys would give, in one read instead of two."""
        names = TABLE_KEYS[table]
        found: dict[tuple, dict[str, Any]] = {}
        if not values:
            return found
        for marks, params in in_lists(values):
            where = " OR ".join(f"{c} IN {marks}" for c in columns)
            found.update(_rows_by_key(self.conn.execute(f"SELECT * FROM {table} WHERE {where}",
                                                        params * len(columns)), names))
        return found

    def delete_rows(self, table: str, found: dict[tuple[Any, ...], dict[str, Any]]) -> None:
        """Delete rows just read by this writer (fetch_many, fetch_where), in
        the same transaction, by their keys: delete_many without reading them
        again."""
        self._delete_found(table, list(found), found)

    def _delete_found(self, table: str, keys: list[tuple[Any, ...]],
                      found: dict[tuple[Any, ...], dict[str, Any]]) -> None:
        """Delete the rows of ``keys``, whose current rows ``found`` holds."""
        if not keys:
            return
        fts = FTS_INDEXES.get(table)
        if fts is not None:
            name, rowid_col, cols = fts
            # In rising row order: FTS5 writes its pending entries out to a
            # new segment whenever a row number is lower than the last one,
            # and an undo lists rows last first (170 µs a row instead of 5).
            self.conn.executemany(
                f"INSERT INTO {name}({name}, rowid, {', '.join(cols)}) "
                f"VALUES ('delete', ?, {', '.join('?' * len(cols))})",
                sorted([found[key][rowid_col], *(index_text(as_text(found[key].get(c))) for c in cols)]
                       for key in keys),
            )
        for head, lasts in _by_head(keys).items():
            for where, params in _key_conditions(TABLE_KEYS[table], head, lasts):
                self.conn.execute(f"DELETE FROM {table} WHERE {where}", params)
        rows = [found[key] for key in keys]
        cards_of, no_cards = _CARDS_OF_ROW.get(table), (None, None)
        self.changes.extend(
            RowChange(table, key, record, None, cards_of(row) if cards_of else no_cards)
            for key, row, record in zip(keys, rows, [_recorded(table, row) for row in rows] if fts else rows)
        )

    # FTS5 tables without content need the old values to delete an entry;
    # we always have them because every write passes through here.
    def _index(self, table: str, rowid: int, row: dict[str, Any]) -> None:
        fts, _, cols = FTS_INDEXES[table]
        self.conn.execute(
            f"INSERT INTO {fts}(rowid, {', '.join(cols)}) VALUES (?, {', '.join('?' * len(cols))})",
            [rowid, *(index_text(as_text(row.get(c))) for c in cols)],
        )

    def _unindex(self, table: str, rowid: int, row: dict[str, Any]) -> None:
        fts, _, cols = FTS_INDEXES[table]
        self.conn.execute(
            f"INSERT INTO {fts}({fts}, rowid, {', '.join(cols)}) VALUES ('delete', ?, {', '.join('?' * len(cols))})",
            [rowid, *(index_text(as_text(row.get(c))) for c in cols)],
        )
