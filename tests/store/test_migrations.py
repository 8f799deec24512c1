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
