"""The case-file schema as numbered migrations.

Each migration runs inside the transaction that opens (or upgrades) the file
and bumps ``PRAGMA user_version``, so a file is always at one known version.
The tables are meant to be read by people too: plain names, JSON text for
lists and key/value attributes, ISO 8601 UTC timestamps.

No triggers: full-text indexes are kept in step by the store's row writer,
because SQLite refuses FTS5 inside triggers once ``trusted_schema`` is off,
and a case file from someone else is never opened with it on.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator

# 'EVBD' as a big-endian 32-bit integer, written into the SQLite header.
APPLICATION_ID = 0x45564244

Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[tuple[int, str, Migration]] = []


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    """Run statements one by one: ``executescript`` would COMMIT the open
    transaction first, and a migration must be all-or-nothing."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            conn.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement in migration: {statement!r}")


def migration(version: int, name: str) -> Callable[[Migration], Migration]:
    def register(fn: Migration) -> Migration:
        assert version == len(MIGRATIONS) + 1, "migrations are numbered 1, 2, 3..."
        MIGRATIONS.append((version, name, fn))
        return fn

    return register


@migration(1, "core tables")
def _v1(conn: sqlite3.Connection) -> None:
    _run_script(
        conn,
        """
        CREATE TABLE schema_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at TEXT NOT NULL
        );
        CREATE TABLE case_info (
            key TEXT PRIMARY KEY,
            value TEXT
        );
        CREATE TABLE attachments (
            id INTEGER PRIMARY KEY,
            sha256 TEXT NOT NULL,
            size INTEGER NOT NULL,
            media_type TEXT NOT NULL,
            data BLOB NOT NULL
        );
        CREATE INDEX attachments_sha256 ON attachments(sha256);
        CREATE TABLE boards (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            sort_order INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL
        );
        CREATE TABLE sources (
            id TEXT PRIMARY KEY,
            sha256 TEXT NOT NULL UNIQUE,
            size INTEGER NOT NULL,
            media_type TEXT NOT NULL,
            file_name TEXT NOT NULL,
            attachment_id INTEGER NOT NULL REFERENCES attachments(id),
            title TEXT NOT NULL DEFAULT '',
            author TEXT NOT NULL DEFAULT '',
            created TEXT,
            modified TEXT,
            page_count INTEGER,
            metadata TEXT NOT NULL DEFAULT '{}',
            reliability TEXT CHECK (reliability IN ('A','B','C','D','E','F')),
            thumbnail_id INTEGER REFERENCES attachments(id),
            imported_at TEXT NOT NULL,
            imported_by TEXT NOT NULL
        );
        CREATE TABLE cards (
            seq INTEGER PRIMARY KEY,  -- stable rowid, keys the full-text index
            id TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN
                ('document','quote','photo','note','entity','group')),
            title TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL DEFAULT '',
            colour TEXT NOT NULL DEFAULT '',
            tags TEXT NOT NULL DEFAULT '[]',
            reliability TEXT CHECK (reliability IN ('A','B','C','D','E','F')),
            credibility INTEGER CHECK (credibility BETWEEN 1 AND 6),
            source_id TEXT REFERENCES sources(id),
            page INTEGER,
            regions TEXT NOT NULL DEFAULT '[]',
            entity_type TEXT CHECK (entity_type IN
                ('person','organisation','place','event','vehicle','account','other')),
            attributes TEXT NOT NULL DEFAULT '{}',
            date_start TEXT,
            date_end TEXT,
            attachment_id INTEGER REFERENCES attachments(id),
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL,
            modified_at TEXT NOT NULL,
            modified_by TEXT NOT NULL
        );
        CREATE INDEX cards_kind ON cards(kind);
        CREATE INDEX cards_source ON cards(source_id);
        CREATE TABLE links (
            id TEXT PRIMARY KEY,
            from_card TEXT NOT NULL REFERENCES cards(id),
            to_card TEXT NOT NULL REFERENCES cards(id),
            label TEXT NOT NULL DEFAULT '',
            direction TEXT NOT NULL DEFAULT 'forward'
                CHECK (direction IN ('none','forward','both')),
            strength TEXT NOT NULL DEFAULT 'confirmed'
                CHECK (strength IN ('confirmed','unconfirmed','tentative')),
            colour TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL,
            modified_at TEXT NOT NULL,
            modified_by TEXT NOT NULL,
            CHECK (from_card <> to_card)
        );
        CREATE INDEX links_from ON links(from_card);
        CREATE INDEX links_to ON links(to_card);
        CREATE TABLE placements (
            board_id TEXT NOT NULL REFERENCES boards(id),
            card_id TEXT NOT NULL REFERENCES cards(id),
            x REAL NOT NULL,
            y REAL NOT NULL,
            width REAL NOT NULL,
            height REAL NOT NULL,
            z REAL NOT NULL DEFAULT 0,
            group_id TEXT REFERENCES cards(id),
            PRIMARY KEY (board_id, card_id)
        );
        CREATE INDEX placements_card ON placements(card_id);
        CREATE TABLE audit_events (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            author TEXT NOT NULL,
            action TEXT NOT NULL,
            summary TEXT NOT NULL
        );
        CREATE TABLE audit_changes (
            event_id INTEGER NOT NULL REFERENCES audit_events(id),
            table_name TEXT NOT NULL,
            row_key TEXT NOT NULL,
            card_id TEXT,  -- the card a change is about, for a card's history
            other_card_id TEXT,  -- a link's second card
            before TEXT,
            after TEXT
        );
        CREATE INDEX audit_changes_event ON audit_changes(event_id);
        CREATE INDEX audit_changes_card ON audit_changes(card_id);
        CREATE INDEX audit_changes_other_card ON audit_changes(other_card_id);
        """
    )


@migration(2, "full-text search over cards and source pages")
def _v2(conn: sqlite3.Connection) -> None:
    _run_script(
        conn,
        """
        CREATE TABLE source_pages (
            id INTEGER PRIMARY KEY,
            source_id TEXT NOT NULL REFERENCES sources(id),
            page INTEGER NOT NULL,
            text TEXT NOT NULL DEFAULT '',
            UNIQUE (source_id, page)
        );
        CREATE VIRTUAL TABLE cards_fts USING fts5(
            title, text, tags,
            content='cards', content_rowid='seq',
            tokenize='unicode61 remove_diacritics 2'
        );
        CREATE VIRTUAL TABLE pages_fts USING fts5(
            text,
            content='source_pages', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2'
        );
        INSERT INTO cards_fts(cards_fts) VALUES ('rebuild');
        """
    )


def _rebuild(conn: sqlite3.Connection, table: str, create: str, indexes: str) -> None:
    """Change a table's constraints the way SQLite documents it: make the
    new table, copy every row (rowids too, which the full-text indexes key
    on), drop the old one, rename the new one, make its indexes again.

    Needs foreign keys off (see foreign_keys_off): dropping a table that
    others refer to would otherwise delete through the references. The
    rows are copied as they are, so every reference stays as it was.
    """
    new = f"{table}_rebuilt"
    conn.execute(create.format(name=new))
    old_columns = [r[1] for r in conn.execute(f"PRAGMA table_info('{table}')")]
    new_columns = [r[1] for r in conn.execute(f"PRAGMA table_info('{new}')")]
    assert old_columns == new_columns, f"rebuilding {table} must keep its columns"
    conn.execute(f"INSERT INTO {new} SELECT * FROM {table}")
    conn.execute(f"DROP TABLE {table}")
    conn.execute(f"ALTER TABLE {new} RENAME TO {table}")
    _run_script(conn, indexes)


@migration(3, "constraints as comparisons, not IN lists; placements indexed by group")
def _v3(conn: sqlite3.Connection) -> None:
    # SQLite checks "x IN ('a','b','c')" by building a temporary b-tree of the
    # list each time a statement runs, and a bulk insert runs its statement
    # once per row: the IN checks of cards and links were a third of the
    # instructions of importing 2,000 cards with 4,000 links (callgrind).
    # Plain comparisons say the same thing and cost next to nothing.
    reliability = "reliability = 'A' OR reliability = 'B' OR reliability = 'C'\n" \
                  "                OR reliability = 'D' OR reliability = 'E' OR reliability = 'F'"
    _rebuild(conn, "sources", f"""
        CREATE TABLE {{name}} (
            id TEXT PRIMARY KEY,
            sha256 TEXT NOT NULL UNIQUE,
            size INTEGER NOT NULL,
            media_type TEXT NOT NULL,
            file_name TEXT NOT NULL,
            attachment_id INTEGER NOT NULL REFERENCES attachments(id),
            title TEXT NOT NULL DEFAULT '',
            author TEXT NOT NULL DEFAULT '',
            created TEXT,
            modified TEXT,
            page_count INTEGER,
            metadata TEXT NOT NULL DEFAULT '{{{{}}}}',
            reliability TEXT CHECK ({reliability}),
            thumbnail_id INTEGER REFERENCES attachments(id),
            imported_at TEXT NOT NULL,
            imported_by TEXT NOT NULL
        )""", "")
    _rebuild(conn, "cards", f"""
        CREATE TABLE {{name}} (
            seq INTEGER PRIMARY KEY,  -- stable rowid, keys the full-text index
            id TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind = 'document' OR kind = 'quote' OR kind = 'photo'
                OR kind = 'note' OR kind = 'entity' OR kind = 'group'),
            title TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL DEFAULT '',
            colour TEXT NOT NULL DEFAULT '',
            tags TEXT NOT NULL DEFAULT '[]',
            reliability TEXT CHECK ({reliability}),
            credibility INTEGER CHECK (credibility BETWEEN 1 AND 6),
            source_id TEXT REFERENCES sources(id),
            page INTEGER,
            regions TEXT NOT NULL DEFAULT '[]',
            entity_type TEXT CHECK (entity_type = 'person' OR entity_type = 'organisation'
                OR entity_type = 'place' OR entity_type = 'event' OR entity_type = 'vehicle'
                OR entity_type = 'account' OR entity_type = 'other'),
            attributes TEXT NOT NULL DEFAULT '{{{{}}}}',
            date_start TEXT,
            date_end TEXT,
            attachment_id INTEGER REFERENCES attachments(id),
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL,
            modified_at TEXT NOT NULL,
            modified_by TEXT NOT NULL
        )""", """
        CREATE INDEX cards_kind ON cards(kind);
        CREATE INDEX cards_source ON cards(source_id);
        """)
    _rebuild(conn, "links", """
        CREATE TABLE {name} (
            id TEXT PRIMARY KEY,
            from_card TEXT NOT NULL REFERENCES cards(id),
            to_card TEXT NOT NULL REFERENCES cards(id),
            label TEXT NOT NULL DEFAULT '',
            direction TEXT NOT NULL DEFAULT 'forward'
                CHECK (direction = 'none' OR direction = 'forward' OR direction = 'both'),
            strength TEXT NOT NULL DEFAULT 'confirmed'
                CHECK (strength = 'confirmed' OR strength = 'unconfirmed' OR strength = 'tentative'),
            colour TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL,
            modified_at TEXT NOT NULL,
            modified_by TEXT NOT NULL,
            CHECK (from_card <> to_card)
        )""", """
        CREATE INDEX links_from ON links(from_card);
        CREATE INDEX links_to ON links(to_card);
        """)
    # Deleting a card looks for the placements framed by it (to free them)
    # and SQLite's foreign key check does the same: without an index each
    # looked through every placement, and deleting 10,000 cards took 13 s.
    conn.execute("CREATE INDEX placements_group ON placements(group_id)")


@migration(4, "search in one normal form: full-text indexes of folded text")
def _v4(conn: sqlite3.Connection) -> None:
    # Typeset PDFs put ligatures ("pro\ufb01le") and soft hyphens in their text
    # layer, and the indexes held the text as extracted: "profile" found 3 of
    # the 31 pages pdftotext finds it on. The indexes now hold folded text
    # (evidence_board/model/search_text.py), which differs from the text the
    # tables keep, so they keep no content of their own and are filled here
    # from every card and page. The folding runs in Python: a migration runs
    # on connections that know no functions of ours.
    from evidence_board.store.search import FTS_INDEXES, create_index_sql, reindex

    for table, (fts, _rowid, _columns) in FTS_INDEXES.items():
        conn.execute(f"DROP TABLE {fts}")
        conn.execute(create_index_sql(table, over_table=False))
        reindex(conn, table)


@migration(5, "full-text indexes declared over their tables, as sqlite-utils and Datasette find them")
def _v5(conn: sqlite3.Connection) -> None:
    # Schema 4's content='' indexes were invisible to `sqlite-utils search`
    # and Datasette's search box, which look for an FTS table declared
    # content="TABLE" or content=[TABLE]. The same folded entries, the same
    # size (neither form keeps text of its own); only the declaration
    # differs, and FTS5 cannot change one in place, so they are made again
    # (0.03 s for the sample case; see README "Dependencies").
    from evidence_board.store.search import FTS_INDEXES, create_index_sql, reindex

    for table, (fts, _rowid, _columns) in FTS_INDEXES.items():
        conn.execute(f"DROP TABLE {fts}")
        conn.execute(create_index_sql(table))
        reindex(conn, table)


SCHEMA_VERSION = len(MIGRATIONS)


@contextlib.contextmanager
def foreign_keys_off(conn: sqlite3.Connection) -> Iterator[None]:
    """Run migrations with foreign keys off, as rebuilding a table needs (see
    _rebuild). SQLite ignores this pragma inside a transaction, so it wraps
    the transaction that migrates."""
    was_on = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        if was_on:
            conn.execute("PRAGMA foreign_keys = ON")


def migrate(conn: sqlite3.Connection, from_version: int, applied_at: str) -> list[int]:
    """Run every migration after ``from_version``; the caller holds the transaction."""
    ran = []
    for version, name, fn in MIGRATIONS:
        if version <= from_version:
            continue
        fn(conn)
        conn.execute(
            "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)",
            (version, name, applied_at),
        )
        conn.execute(f"PRAGMA user_version = {int(version)}")
        ran.append(version)
    return ran
