"""Row-level writes that remember what they changed.

Every write of the services goes through a RowWriter, which keeps the
before and after image of each row it touches. Those images are what the
audit trail stores and what undo and redo apply, so there is one mechanism
for history, undo and redo instead of three. The writer also keeps the
full-text indexes in step (see schema.py for why there are no triggers).
"""

from __future__ import annotations

import functools
import operator
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Primary key columns of every table a service may change.
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "case_info": ("key",),
    "boards": ("id",),
    "sources": ("id",),
    "source_pages": ("source_id", "page"),
    "cards": ("id",),
    "links": ("id",),
    "placements": ("board_id", "card_id"),
}

# table -> (fts table, rowid column, indexed columns)
FTS_INDEXES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "cards": ("cards_fts", "seq", ("title", "text", "tags")),
    "source_pages": ("pages_fts", "id", ("text",)),
}

# Per table, the columns an INSERT may leave out to get NULL (read from the
# schema once: every open case has the same, checked at opening).
_NULL_BY_DEFAULT: dict[str, frozenset[str]] = {}


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
    audited: bool = False  # already in audit_changes (bulk inserts write their own)

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
        return {k: v for k, v in row.items() if k != fts[1]}
    return row  # the services hand over a fresh dict per row and never reuse it


@functools.lru_cache(maxsize=None)
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


def _card_ids(table: str, row: dict[str, Any]) -> tuple[str | None, str | None]:
    cards_of = _CARDS_OF_ROW.get(table)
    return cards_of(row) if cards_of else (None, None)


@functools.lru_cache(maxsize=64)
def _insert_sql(table: str, names: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"


# SQL for the audit columns of a bulk insert: row key and the cards it is about.
_AUDIT_KEY_SQL = {
    table: " || '/' || ".join(keys) for table, keys in TABLE_KEYS.items()
}
_AUDIT_CARDS_SQL = {
    "cards": "id, NULL", "placements": "card_id, NULL", "links": "from_card, to_card",
}


class RowWriter:
    """Writes rows and remembers each change. With an ``event_id``, bulk
    inserts also write their own audit rows (see insert_many)."""

    def __init__(self, conn: sqlite3.Connection, event_id: int | None = None) -> None:
        self.conn = conn
        self.event_id = event_id
        self.changes: list[RowChange] = []

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

    def insert_many(self, table: str, rows: list[dict[str, Any]]) -> None:
        """Insert rows that all have the same columns, in one statement.

        The bulk path of imports and large pastes: one executemany, and the
        full-text entries added from the new rows by one INSERT ... SELECT.
        """
        if not rows:
            return
        names = tuple(rows[0])
        # New rows of a rowid table get rowids above the current largest, so
        # "rowid > last" finds exactly the rows this call inserted.
        last = self.conn.execute(f"SELECT coalesce(max(rowid), 0) FROM {table}").fetchone()[0]
        # sqlite3 binds None only after looking for an adapter (two failed
        # attribute lookups, each raising an exception inside), and a new
        # card has eight empty columns: a column that is None in every row
        # is left out of the INSERT instead, to take its default, NULL.
        nullable = self._null_by_default(table)
        bound = tuple(n for n in names if n not in nullable or any(row[n] is not None for row in rows))
        self.conn.executemany(_insert_sql(table, bound), list(map(operator.itemgetter(*bound), rows)))
        fts = FTS_INDEXES.get(table)
        if fts is not None:
            name, _, cols = fts
            values = ", ".join(f"coalesce({c}, '')" for c in cols)
            self.conn.execute(
                f"INSERT INTO {name}(rowid, {', '.join(cols)}) SELECT rowid, {values} "
                f"FROM {table} WHERE rowid > ?",
                (last,),
            )
        if self.event_id is not None:
            # The audit images of thousands of new rows, made by SQLite's
            # json_object: a third of the time of encoding them in Python.
            image = ", ".join(f"'{n}', {n}" for n in names)
            self.conn.execute(
                "INSERT INTO audit_changes(event_id, table_name, row_key, card_id, other_card_id, before, after) "
                f"SELECT ?, '{table}', {_AUDIT_KEY_SQL[table]}, {_AUDIT_CARDS_SQL.get(table, 'NULL, NULL')}, "
                f"NULL, json_object({image}) FROM {table} WHERE rowid > ? ORDER BY rowid",
                (self.event_id, last),
            )
        key_of, cards_of = _row_key(table), _CARDS_OF_ROW.get(table)
        no_cards = (None, None)
        audited = self.event_id is not None
        self.changes.extend(
            RowChange(table, key_of(row), None, _recorded(table, row),
                      cards_of(row) if cards_of else no_cards, audited)
            for row in rows
        )

    def _null_by_default(self, table: str) -> frozenset[str]:
        """Columns of ``table`` that are NULL when an INSERT leaves them out."""
        found = _NULL_BY_DEFAULT.get(table)
        if found is None:
            found = _NULL_BY_DEFAULT[table] = frozenset(
                name for _cid, name, _type, notnull, default, pk in self.conn.execute(f"PRAGMA table_info('{table}')")
                if not notnull and default is None and not pk)
        return found

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

    def update_many(self, table: str, values_by_key: dict[tuple[Any, ...], dict[str, Any]],
                    expected: dict[tuple[Any, ...], dict[str, Any]] | None = None) -> list[tuple]:
        """Set columns of many rows of a table without a full-text index.

        The bulk path of moving thousands of cards: the current rows are read
        in chunks of 500 instead of one SELECT each, and the changed ones are
        written by one executemany per set of columns. Returns the keys that
        were not found (and then writes nothing). With ``expected`` (undo and
        redo), a row whose current values differ raises RowConflict.
        """
        assert table not in FTS_INDEXES, "update_many is for tables without a full-text index"
        keys = TABLE_KEYS[table]
        prefix, last = keys[:-1], keys[-1]
        groups: dict[tuple, list[tuple]] = {}
        for key in values_by_key:
            groups.setdefault(key[:-1], []).append(key)
        missing, writes = [], {}
        for head, group in groups.items():
            found: dict[tuple, dict[str, Any]] = {}
            for start in range(0, len(group), 500):
                chunk = group[start:start + 500]
                where = " AND ".join(f"{c} = ?" for c in prefix)
                cur = self.conn.execute(
                    f"SELECT * FROM {table} WHERE {where + ' AND ' if where else ''}"
                    f"{last} IN ({','.join('?' * len(chunk))})",
                    [*head, *(k[-1] for k in chunk)],
                )
                names = [d[0] for d in cur.description]
                for row in cur:
                    record = dict(zip(names, row))
                    found[tuple(record[c] for c in keys)] = record
            for key in group:
                old = found.get(key)
                if old is None:
                    missing.append(key)
                    continue
                if expected is not None and any(old.get(k) != v for k, v in expected[key].items()):
                    raise RowConflict(f"{table} {key} was changed since")
                changed = {k: v for k, v in values_by_key[key].items() if old.get(k) != v}
                if changed:
                    writes.setdefault(tuple(changed), []).append((key, old, changed))
        if missing:
            return missing
        where = " AND ".join(f"{c} = ?" for c in keys)
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

    def apply_all(self, changes: list[RowChange], forward: bool) -> None:
        """Replay a whole undo step (see apply), in order; runs of updates to
        distinct rows of a table without a full-text index (a move of
        thousands of cards) go through update_many."""
        ordered = changes if forward else changes[::-1]
        start = 0
        while start < len(ordered):
            first = ordered[start]
            end = start + 1
            if first.op == "update" and first.table not in FTS_INDEXES:
                keys = {first.key}
                while (end < len(ordered) and ordered[end].op == "update"
                       and ordered[end].table == first.table and ordered[end].key not in keys):
                    keys.add(ordered[end].key)
                    end += 1
            if end - start == 1:
                self.apply(first, forward)
            else:
                run = ordered[start:end]
                targets = {c.key: (c.after if forward else c.before) for c in run}
                sources = {c.key: (c.before if forward else c.after) for c in run}
                if self.update_many(first.table, targets, expected=sources):
                    raise RowConflict(f"{first.table}: rows are gone")
            start = end

    def apply(self, change: RowChange, forward: bool) -> None:
        """Replay a recorded change (forward: redo) or its inverse (undo).

        Raises RowConflict if the row is not as the change left it, so an
        undo never overwrites an edit made since in another window or process.
        """
        target = change.after if forward else change.before
        source = change.before if forward else change.after
        if source is None and target is not None:
            if self.fetch(change.table, change.key) is not None:
                raise RowConflict(f"{change.table} {change.key} exists again")
            self.insert(change.table, target)
            return
        current = self.fetch(change.table, change.key)
        if current is None:
            raise RowConflict(f"{change.table} {change.key} is gone")
        if any(current.get(k) != v for k, v in source.items()):
            raise RowConflict(f"{change.table} {change.key} was changed since")
        if target is None:
            self.delete(change.table, change.key)
        else:
            self.update(change.table, change.key, target)

    # External-content FTS5 tables need the old values to delete an entry;
    # we always have them because every write passes through here.
    def _index(self, table: str, rowid: int, row: dict[str, Any]) -> None:
        fts, _, cols = FTS_INDEXES[table]
        self.conn.execute(
            f"INSERT INTO {fts}(rowid, {', '.join(cols)}) VALUES (?, {', '.join('?' * len(cols))})",
            [rowid, *(row.get(c) or "" for c in cols)],
        )

    def _unindex(self, table: str, rowid: int, row: dict[str, Any]) -> None:
        fts, _, cols = FTS_INDEXES[table]
        self.conn.execute(
            f"INSERT INTO {fts}({fts}, rowid, {', '.join(cols)}) VALUES ('delete', ?, {', '.join('?' * len(cols))})",
            [rowid, *(row.get(c) or "" for c in cols)],
        )
