"""The one description of the case file's tables: what our migrations create.

The opening checks compare a file with it (store/safety.py), the writer takes
from it which columns are REAL and which default to NULL (store/writer.py),
and the row reader its column order (store/rows.py). It is built by running
the migrations in an in-memory database, once per schema version (6 ms), so
it cannot drift from the schema: before issue 13 the writer asked each open
file's PRAGMA table_info, the reader kept its own column lists and the
checks built this description, three copies of one fact.
"""

from __future__ import annotations

import functools
import sqlite3
from dataclasses import dataclass

from evidence_board.store import schema
from evidence_board.store.search import FTS_INDEXES

# (type, name) -> (table name, sql), as sqlite_master lists them.
SchemaObjects = dict[tuple[str, str], tuple[str, str | None]]

# Primary key columns of every table a service may change: how a change
# names its row (cards and source_pages are keyed by their id and page, not
# by the local row number the full-text index uses).
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "case_info": ("key",),
    "boards": ("id",),
    "sources": ("id",),
    "source_pages": ("source_id", "page"),
    "cards": ("id",),
    "links": ("id",),
    "placements": ("board_id", "card_id"),
}


@dataclass(frozen=True, slots=True)
class Column:
    """One column, as PRAGMA table_info describes it."""

    name: str
    declared: str  # TEXT, INTEGER, REAL, BLOB
    notnull: bool
    default: str | None  # SQL text of the DEFAULT clause
    pk: int  # position in the primary key, 0 if not in it


@functools.lru_cache(maxsize=8)
def expected(version: int, migrations: tuple) -> tuple[SchemaObjects, dict[str, list[tuple]]]:
    """What ``migrations`` create up to ``version``: the sqlite_master rows,
    and each ordinary table's PRAGMA table_info rows (not the full-text
    indexes' own tables)."""
    mem = sqlite3.connect(":memory:", isolation_level=None)
    try:
        mem.execute("BEGIN")
        for number, _name, migrate in migrations:
            if number <= version:
                migrate(mem)
        mem.execute("COMMIT")
        objects = {(t, n): (tbl, sql) for t, n, tbl, sql in
                   mem.execute("SELECT type, name, tbl_name, sql FROM sqlite_master")}
        columns = {
            name: mem.execute(f"PRAGMA table_info('{name}')").fetchall()
            for (kind, name), (_tbl, sql) in objects.items()
            if kind == "table" and sql and not sql.upper().startswith("CREATE VIRTUAL")
            and not _is_fts_shadow(name, objects)
        }
        return objects, columns
    finally:
        mem.close()


def _is_fts_shadow(name: str, objects: SchemaObjects) -> bool:
    return any(name.startswith(fts + "_") for (kind, fts), (_t, sql) in objects.items()
               if kind == "table" and sql and "USING FTS5" in sql.upper())


@functools.cache
def columns(table: str) -> tuple[Column, ...]:
    """The columns of one of our tables at the current schema version, in order."""
    info = expected(schema.SCHEMA_VERSION, tuple(schema.MIGRATIONS))[1][table]
    return tuple(Column(name, declared.upper(), bool(notnull), default, pk)
                 for _cid, name, declared, notnull, default, pk in info)


@functools.cache
def recorded_columns(table: str) -> tuple[str, ...]:
    """The columns a row record holds: all but the local row number that keys
    a full-text index (cards.seq, source_pages.id), which a row restored by
    undo simply gets anew."""
    fts = FTS_INDEXES.get(table)
    return tuple(c.name for c in columns(table) if not (fts is not None and c.name == fts[1]))


@functools.cache
def real_columns(table: str) -> frozenset[str]:
    """The columns declared REAL: SQLite stores any number given them as a double."""
    return frozenset(c.name for c in columns(table) if c.declared == "REAL")


@functools.cache
def null_by_default(table: str) -> frozenset[str]:
    """The columns that are NULL when an INSERT leaves them out."""
    return frozenset(c.name for c in columns(table) if not c.notnull and c.default is None and not c.pk)
