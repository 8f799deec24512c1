"""A file written by schema version 1 is upgraded when opened, data intact."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from evidence_board.store import APPLICATION_ID, SCHEMA_VERSION, CaseFile
from evidence_board.store import schema
from evidence_board.store.schema import MIGRATIONS


def write_version_1_case(path: Path) -> None:
    """A case as the first release wrote it: only migration 1, with data."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("BEGIN")
    MIGRATIONS[0][2](conn)
    conn.execute("INSERT INTO schema_migrations VALUES (1, 'core tables', '2025-01-01T00:00:00Z')")
    conn.execute("PRAGMA user_version = 1")
    stamp = ("2025-01-01T00:00:00Z", "old")
    conn.execute("INSERT INTO case_info VALUES ('title', 'Old case')")
    conn.execute("INSERT INTO boards VALUES ('b1', 'Main', 0, ?, ?)", stamp)
    conn.execute(
        "INSERT INTO cards(id, kind, title, text, created_at, created_by, modified_at, modified_by) "
        "VALUES ('c1', 'note', 'Scud shipment', 'North Korean missiles going to Cuba', ?, ?, ?, ?)",
        stamp * 2,
    )
    conn.execute("INSERT INTO placements VALUES ('b1', 'c1', 10, 20, 200, 100, 1, NULL)")
    conn.execute("COMMIT")
    conn.close()


def test_version_1_file_is_upgraded_and_searchable(tmp_path: Path) -> None:
    path = tmp_path / "old.evb"
    write_version_1_case(path)
    with CaseFile.open(path) as case:
        assert case.schema_version == SCHEMA_VERSION
        assert case.title == "Old case"
        board = case.load_board("b1")
        assert board.cards["c1"].title == "Scud shipment"
        assert (board.placements["c1"].x, board.placements["c1"].y) == (10, 20)
        # Migration 2 built the full-text index over the cards already there.
        assert [h.id for h in case.search("missiles")] == ["c1"]
        versions = [r[0] for r in case.conn.execute("SELECT version FROM schema_migrations ORDER BY version")]
        assert versions == list(range(1, SCHEMA_VERSION + 1))


def test_failed_migration_leaves_the_file_at_its_old_version(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "old.evb"
    write_version_1_case(path)

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done(x)")
        raise sqlite3.OperationalError("disk full (simulated)")

    monkeypatch.setattr(schema, "MIGRATIONS", [MIGRATIONS[0], (2, "broken", broken)])
    with pytest.raises(Exception, match="disk full"):  # any refusal; the file is what matters
        CaseFile.open(path)
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "half_done" not in tables and "source_pages" not in tables
    raw.close()


def write_version_2_case(path: Path) -> None:
    """A case as schema 2 wrote it (cards, links and sources checked with IN
    lists), holding a source, a quote from it, an entity and a link."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("BEGIN")
    for version, name, migrate in MIGRATIONS[:2]:
        migrate(conn)
        conn.execute("INSERT INTO schema_migrations VALUES (?, ?, '2025-06-01T00:00:00Z')", (version, name))
    conn.execute("PRAGMA user_version = 2")
    stamp = ("2025-06-01T00:00:00Z", "old")
    conn.execute("INSERT INTO case_info VALUES ('title', 'Schema 2 case')")
    conn.execute("INSERT INTO boards VALUES ('b1', 'Main', 0, ?, ?)", stamp)
    conn.execute("INSERT INTO attachments VALUES (7, 'abc', 3, 'application/pdf', x'255044')")
    conn.execute("INSERT INTO sources(id, sha256, size, media_type, file_name, attachment_id, reliability, "
                 "imported_at, imported_by) VALUES ('s1', 'abc', 3, 'application/pdf', 'report.pdf', 7, 'B', ?, ?)",
                 stamp)
    card = ("INSERT INTO cards(seq, id, kind, title, text, source_id, page, reliability, credibility, entity_type, "
            "created_at, created_by, modified_at, modified_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
    conn.execute(card, (5, "q1", "quote", "", "Scud missiles shipped to Cuba", "s1", 3, "B", 2, None) + stamp * 2)
    conn.execute(card, (9, "e1", "entity", "Raúl Castro", "", None, None, None, None, "person") + stamp * 2)
    conn.execute("INSERT INTO cards_fts(cards_fts) VALUES ('rebuild')")
    conn.execute("INSERT INTO links VALUES ('l1', 'e1', 'q1', 'mentioned in', 'both', 'tentative', '', ?, ?, ?, ?)",
                 stamp * 2)
    conn.execute("INSERT INTO placements VALUES ('b1', 'q1', 10, 20, 200, 100, 1, NULL)")
    conn.execute("INSERT INTO placements VALUES ('b1', 'e1', 300, 20, 200, 100, 2, NULL)")
    conn.execute("COMMIT")
    conn.close()


def _rows(path: Path, table: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT rowid, * FROM {table} ORDER BY rowid").fetchall()
    finally:
        conn.close()


def test_version_2_file_keeps_every_row_and_reference_through_the_rebuild(tmp_path: Path) -> None:
    path = tmp_path / "v2.evb"
    write_version_2_case(path)
    before = {t: _rows(path, t) for t in ("sources", "cards", "links", "placements")}
    with CaseFile.open(path) as case:
        assert case.schema_version == SCHEMA_VERSION
        assert case.upgrade_backup is not None and case.upgrade_backup.exists()
        # Foreign keys are back on after the rebuild, and still refuse.
        assert case.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert case.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            case.conn.execute("INSERT INTO links VALUES ('l2', 'e1', 'gone', '', 'none', 'confirmed', '', "
                              "'t', 'u', 't', 'u')")
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            case.conn.execute("UPDATE cards SET kind = 'virus' WHERE id = 'e1'")
        # The full-text index still finds cards by their kept row numbers.
        assert [h.id for h in case.search("Scud")] == ["q1"]
        board = case.load_board("b1")
        assert board.cards["e1"].title == "Raúl Castro" and board.cards["q1"].source_id == "s1"
        assert [(k.from_card, k.to_card, k.label) for k in board.links.values()] == [("e1", "q1", "mentioned in")]
    assert {t: _rows(path, t) for t in before} == before
    statements = sqlite3.connect(path).execute("SELECT sql FROM sqlite_master WHERE sql NOT NULL")
    schema_sql = " ".join(r[0] for r in statements)
    assert " IN (" not in schema_sql.upper()


def test_an_older_file_opened_read_only_is_read_through_an_upgraded_copy_in_memory(tmp_path: Path) -> None:
    import hashlib

    from evidence_board.errors import ReadOnlyCase
    from evidence_board.services import CaseService

    path = tmp_path / "v2.evb"
    write_version_2_case(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with CaseFile.open(path, read_only=True) as case:
        assert case.read_only and case.upgraded_in_memory_from == 2
        assert case.schema_version == SCHEMA_VERSION and case.path == path
        board = case.load_board("b1")
        assert board.cards["e1"].title == "Raúl Castro"
        assert [h.id for h in case.search("Scud")] == ["q1"]
        with pytest.raises(ReadOnlyCase):
            CaseService(case, "Someone").update_card("e1", title="changed")
    # The file is as it was: no upgrade, no backup beside it.
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v2.evb"]
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 2
    raw.close()


def write_version_3_case(path: Path) -> None:
    """A case as schema 3 wrote it: full-text indexes of the text as
    extracted, ligatures and all, over a source page and a quote."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("BEGIN")
    for version, name, migrate in MIGRATIONS[:3]:
        migrate(conn)
        conn.execute("INSERT INTO schema_migrations VALUES (?, ?, '2025-09-01T00:00:00Z')", (version, name))
    conn.execute("PRAGMA user_version = 3")
    stamp = ("2025-09-01T00:00:00Z", "old")
    conn.execute("INSERT INTO case_info VALUES ('title', 'Schema 3 case')")
    conn.execute("INSERT INTO boards VALUES ('b1', 'Main', 0, ?, ?)", stamp)
    conn.execute("INSERT INTO attachments VALUES (7, 'abc', 3, 'application/pdf', x'255044')")
    conn.execute("INSERT INTO sources(id, sha256, size, media_type, file_name, attachment_id, page_count, "
                 "imported_at, imported_by) VALUES ('s1', 'abc', 3, 'application/pdf', 'gs9.pdf', 7, 3, ?, ?)", stamp)
    pages = ["Colour management", "Each device has an ICC pro\ufb01le.", "The manip-\nulation of o\ufb03ce data"]
    for n, text in enumerate(pages, 1):
        conn.execute("INSERT INTO source_pages(source_id, page, text) VALUES ('s1', ?, ?)", (n, text))
    conn.execute("INSERT INTO cards(seq, id, kind, title, text, source_id, page, created_at, created_by, "
                 "modified_at, modified_by) VALUES (3, 'q1', 'quote', 'Raúl on pro\ufb01les', "
                 "'the pro\ufb01le of each device', 's1', 2, ?, ?, ?, ?)", stamp * 2)
    conn.execute("INSERT INTO cards_fts(cards_fts) VALUES ('rebuild')")
    conn.execute("INSERT INTO pages_fts(pages_fts) VALUES ('rebuild')")
    conn.execute("INSERT INTO placements VALUES ('b1', 'q1', 10, 20, 200, 100, 1, NULL)")
    conn.execute("COMMIT")
    conn.close()


def test_version_3_indexes_are_rebuilt_folded_and_the_backup_keeps_the_old_file(tmp_path: Path) -> None:
    from evidence_board.store.search import index_problems

    path = tmp_path / "v3.evb"
    write_version_3_case(path)
    old = sqlite3.connect(path)
    assert old.execute("SELECT count(*) FROM pages_fts WHERE pages_fts MATCH 'profile'").fetchone()[0] == 0
    old.close()
    before = {t: _rows(path, t) for t in ("sources", "source_pages", "cards")}
    with CaseFile.open(path) as case:
        assert case.schema_version == SCHEMA_VERSION
        backup = case.upgrade_backup
        assert {(h.kind, h.page) for h in case.search("profile")} == {("page", 2), ("card", None)}
        assert [h.page for h in case.search("manipulation")] == [3]
        assert [h.page for h in case.search("office")] == [3]
        assert [h.id for h in case.search("raul")] == ["q1"]
        assert index_problems(case.conn) == []
    # The text itself is as it was, ligatures and all: only the index is folded.
    assert {t: _rows(path, t) for t in before} == before
    raw = sqlite3.connect(backup)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 3
    assert raw.execute("SELECT count(*) FROM pages_fts WHERE pages_fts MATCH 'ICC'").fetchone()[0] == 1
    raw.close()
