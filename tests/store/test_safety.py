"""Opening case files from someone else: identified, checked, refused in one line, never changed."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from evidence_board.errors import CaseFileError, InvalidInput, NewerSchema, NotACaseFile, ReadOnlyCase
from evidence_board.store import SCHEMA_VERSION, CaseFile
from evidence_board.store import safety
from evidence_board.store.casefile import needs_upgrade
from evidence_board.store.safety import HostileCaseFile, NeedsUpgrade
from tests.fuzz.mutations import build_seed_case, _sql_edit
from tests.store.test_migrations import write_version_1_case


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    return build_seed_case(tmp_path / "seed.evb")


def spoil(seed: Path, statements: list[str], name: str = "spoiled.evb") -> Path:
    path = seed.with_name(name)
    path.write_bytes(_sql_edit(seed.read_bytes(), statements, writable_schema=True))
    return path


def refused(path: Path, error: type[CaseFileError], match: str) -> str:
    """Open for editing and read-only: both refused with one line; the file unchanged."""
    before = digest(path)
    for read_only in (False, True):
        with pytest.raises(error, match=match) as info:
            CaseFile.open(path, read_only=read_only)
        assert "\n" not in str(info.value)
    assert digest(path) == before
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name)) == [path.name]
    return str(info.value)


def test_the_seed_case_opens_cleanly(seed: Path) -> None:
    with CaseFile.open(seed) as case:
        assert case.counts()["cards"] == 4


@pytest.mark.parametrize("statement, what", [
    ("CREATE TRIGGER wipe AFTER INSERT ON cards BEGIN DELETE FROM links; END", "trigger 'wipe'"),
    ("CREATE VIEW loop AS WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT x FROM r",
     "view 'loop'"),
    ("CREATE TABLE notes_of_attacker(x)", "table 'notes_of_attacker'"),
    ("CREATE INDEX sneaky ON cards(length(text))", "index 'sneaky'"),
])
def test_schema_objects_we_never_create_are_refused(seed: Path, statement: str, what: str) -> None:
    message = refused(spoil(seed, [statement]), HostileCaseFile, "refused")
    assert what in message


def test_a_table_of_ours_defined_differently_is_refused(seed: Path) -> None:
    # A cards table without its CHECK on kind: same name, different rules.
    path = spoil(seed, ["UPDATE sqlite_master SET sql = replace(sql, 'CHECK (kind =', 'CHECK (1 OR kind =') "
                        "WHERE name = 'cards'"])
    assert "table 'cards' is not defined the way" in refused(path, HostileCaseFile, "refused")


@pytest.mark.parametrize("statement, column", [
    ("UPDATE cards SET kind = 'virus'", "kind in (document, quote, photo, note, entity, group)"),
    ("UPDATE links SET strength = 'maybe'", "strength in (confirmed, unconfirmed, tentative)"),
    ("UPDATE cards SET tags = '{not json'", "tags"),
    ("UPDATE cards SET tags = '[1, 2]'", "tags"),
    ("UPDATE cards SET regions = '[5, 6]'", "regions"),
    ("UPDATE cards SET attributes = '" + "[" * 1500 + "]" * 1500 + "'", "attributes"),
    ("UPDATE cards SET title = x'00ff'", "title"),
    ("UPDATE placements SET x = 1e308 * 10", " x "),
    ("UPDATE sources SET page_count = 10000000000", "page_count"),
    ("UPDATE cards SET text = printf('%.*c', 5000000, 'x') WHERE rowid = 1", "text"),
])
def test_values_our_readers_cannot_take_are_refused(seed: Path, statement: str, column: str) -> None:
    assert column in refused(spoil(seed, [statement]), HostileCaseFile, "refused")


def test_full_text_settings_we_never_make_are_refused(seed: Path) -> None:
    path = spoil(seed, ["INSERT INTO cards_fts_config VALUES ('rank', 'bm25(10.0)')"])
    refused(path, HostileCaseFile, "setting 'rank'")


def test_a_damaged_page_is_refused(seed: Path) -> None:
    data = bytearray(seed.read_bytes())
    data[4096 * 3:4096 * 4] = bytes(4096)
    path = seed.with_name("damaged.evb")
    path.write_bytes(bytes(data))
    refused(path, NotACaseFile, "damaged case file")


def test_a_wal_file_is_refused_before_sqlite_sees_it(seed: Path) -> None:
    path = spoil(seed, ["PRAGMA journal_mode = WAL"])
    refused(path, NotACaseFile, "write-ahead log")


def test_a_newer_file_is_named_and_left_alone(seed: Path) -> None:
    path = spoil(seed, [f"PRAGMA user_version = {SCHEMA_VERSION + 7}"])
    message = refused(path, NewerSchema, "made by a newer Evidence Board")
    assert f"schema {SCHEMA_VERSION + 7}; this version reads up to {SCHEMA_VERSION}" in message
    with pytest.raises(NewerSchema):
        needs_upgrade(path)


def test_an_older_file_is_upgraded_only_with_consent_and_after_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "old.evb"
    write_version_1_case(path)
    original = path.read_bytes()
    assert needs_upgrade(path) == 1
    with pytest.raises(NeedsUpgrade, match="older Evidence Board"):
        CaseFile.open(path, allow_upgrade=False)
    asked: list[tuple[int, int]] = []

    def decline(p: Path, old: int, new: int) -> bool:
        asked.append((old, new))
        return False

    with pytest.raises(NeedsUpgrade):
        CaseFile.open(path, allow_upgrade=decline)
    assert asked == [(1, SCHEMA_VERSION)]
    assert path.read_bytes() == original
    with CaseFile.open(path, read_only=True) as case:  # read through an upgraded copy in memory
        assert case.upgraded_in_memory_from == 1 and [c.title for c in case.cards()] == ["Scud shipment"]
    assert path.read_bytes() == original
    with CaseFile.open(path, allow_upgrade=lambda *a: True) as case:
        assert case.schema_version == SCHEMA_VERSION
        backup = case.upgrade_backup
    assert needs_upgrade(path) is None
    # The backup is the old file, still at version 1 and with its data.
    assert backup.name == "old.schema1-backup.evb"
    raw = sqlite3.connect(backup)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
    assert raw.execute("SELECT title FROM cards").fetchall() == [("Scud shipment",)]
    raw.close()


def test_a_file_that_is_not_writable_opens_read_only(seed: Path, monkeypatch) -> None:
    # (The tests may run as root, who can write a 0444 file; what matters is
    # that opening asks, and what it does with the answer.)
    monkeypatch.setattr(safety, "directory_writable", lambda path: False)
    with CaseFile.open(seed) as case:
        assert case.read_only and case.lock is None
        with pytest.raises(ReadOnlyCase), case.transaction():
            pass


def test_no_statement_runs_past_its_time_limit(seed: Path) -> None:
    conn = safety.connect(seed, read_only=True)
    try:
        endless = "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT count(*) FROM r"
        started = time.monotonic()
        with conn.time_limit(0.3), pytest.raises(sqlite3.OperationalError, match="interrupted"):
            conn.execute(endless).fetchone()
        assert time.monotonic() - started < 3
        # The limit is per statement: many short ones in a row are fine.
        with conn.time_limit(0.3):
            for _ in range(50):
                conn.execute("SELECT count(*) FROM cards").fetchone()
                time.sleep(0.01)
    finally:
        conn.close()


def test_values_larger_than_the_cap_are_never_loaded(seed: Path, monkeypatch) -> None:
    monkeypatch.setattr(safety, "MAX_VALUE_BYTES", 1000)
    conn = safety.connect(seed, read_only=True)
    try:
        with pytest.raises(sqlite3.DataError, match="too big"):
            conn.execute("SELECT data FROM attachments").fetchall()
    finally:
        conn.close()


def test_a_crashed_writers_journal_is_rolled_back_even_when_opening_read_only(seed: Path) -> None:
    with CaseFile.open(seed) as case:
        titles = sorted(c.title for c in case.cards())
    pid = os.fork()
    if pid == 0:  # a writer that dies in the middle of a transaction
        try:
            conn = sqlite3.connect(seed, isolation_level=None)
            conn.execute("PRAGMA cache_size = 1")
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("UPDATE cards SET title = 'half-written' || randomblob(3000)")
            conn.execute("DELETE FROM boards")
            os.kill(os.getpid(), signal.SIGKILL)
        finally:
            os._exit(1)
    os.waitpid(pid, 0)
    assert safety.hot_journal(seed) is not None
    with CaseFile.open(seed, read_only=True) as case:
        assert sorted(c.title for c in case.cards()) == titles
        assert len(case.boards()) == 2
    assert safety.hot_journal(seed) is None


def test_a_file_checked_before_is_reopened_fast_but_any_change_means_checking_again(
        seed: Path, monkeypatch) -> None:
    CaseFile.open(seed, read_only=True).close()
    assert safety.was_verified(seed)
    calls: list[bool] = []
    real_inspect = safety.inspect
    monkeypatch.setattr(safety, "inspect", lambda *a, **k: calls.append(k.get("full", True)) or real_inspect(*a, **k))
    CaseFile.open(seed, read_only=True).close()
    assert calls == [False]  # unchanged since: the schema check only
    raw = sqlite3.connect(seed, isolation_level=None)
    raw.execute("PRAGMA ignore_check_constraints = ON")
    raw.execute("UPDATE cards SET kind = 'virus'")  # someone else changed it
    raw.close()
    assert not safety.was_verified(seed)
    with pytest.raises(HostileCaseFile, match=r"kind in \(document"):
        CaseFile.open(seed, read_only=True)
    assert calls == [False, True]


def test_our_own_writes_are_remembered_as_checked(seed: Path) -> None:
    with CaseFile.open(seed) as case, case.transaction() as conn:
        conn.execute("UPDATE cards SET title = 'ours' WHERE kind = 'note'")
    assert safety.was_verified(seed)


def test_a_file_too_large_to_store_is_refused_in_words(case: CaseFile, monkeypatch) -> None:
    monkeypatch.setattr(safety, "MAX_VALUE_BYTES", 2**20)
    with pytest.raises(InvalidInput, match="a case holds files of up to 1 MB each"):
        case.add_attachment(b"x" * (2**20 + 1), "application/pdf")


def test_text_that_is_not_utf8_reads_with_replacement_characters(seed: Path) -> None:
    path = spoil(seed, ["UPDATE cards SET title = CAST(x'4361737472f86f' AS TEXT) WHERE kind = 'entity'"])
    with CaseFile.open(path, read_only=True) as case:
        assert "Castr\ufffdo" in [c.title for c in case.cards()]


def test_schema_text_that_is_not_utf8_is_refused(seed: Path) -> None:
    path = spoil(seed, ["UPDATE sqlite_master SET sql = CAST(replace(CAST(sql AS BLOB), x'4b', x'f8') AS TEXT) "
                        "WHERE name = 'boards'"])
    refused(path, NotACaseFile, "refused|damaged")
