"""Creating and opening case files: the settings that make a case trustworthy."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from evidence_board.errors import CaseFileExists, CaseFileMissing, NewerSchema, NotACaseFile
from evidence_board.store import APPLICATION_ID, SCHEMA_VERSION, CaseFile


def test_new_case_is_one_sqlite_file_with_our_identity(case_path: Path) -> None:
    with CaseFile.create(case_path, "Cuba", "Ana") as case:
        assert case.title == "Cuba"
        assert [b.name for b in case.boards()] == ["Board 1"]
        assert case.case_info()["created_by"] == "Ana"
    raw = sqlite3.connect(case_path)
    assert raw.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    raw.close()
    # At rest the case is exactly one file: no -wal, -shm or -journal beside it.
    assert sorted(p.name for p in case_path.parent.iterdir()) == ["case.evb"]


def test_open_connection_settings(case: CaseFile) -> None:
    conn = case.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA trusted_schema").fetchone()[0] == 0


def test_create_refuses_to_overwrite(case_path: Path) -> None:
    CaseFile.create(case_path).close()
    before = case_path.read_bytes()
    with pytest.raises(CaseFileExists):
        CaseFile.create(case_path)
    assert case_path.read_bytes() == before


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CaseFileMissing, match="no such file"):
        CaseFile.open(tmp_path / "nope.evb")


@pytest.mark.parametrize("content", [b"", b"hello, not a database", b"%PDF-1.7\n" + b"x" * 200])
def test_not_a_case_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.evb"
    path.write_bytes(content)
    with pytest.raises(NotACaseFile, match="not an Evidence Board case file"):
        CaseFile.open(path)
    assert path.read_bytes() == content


def test_plain_sqlite_database_is_not_a_case(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t(x)")
    conn.commit()
    conn.close()
    with pytest.raises(NotACaseFile, match="application id"):
        CaseFile.open(path)


def test_newer_schema_is_refused_and_left_untouched(case_path: Path) -> None:
    CaseFile.create(case_path).close()
    raw = sqlite3.connect(case_path)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    raw.commit()
    raw.close()
    before = case_path.read_bytes()
    with pytest.raises(NewerSchema, match=f"schema {SCHEMA_VERSION + 5}; this version reads up to {SCHEMA_VERSION}"):
        CaseFile.open(case_path)
    assert case_path.read_bytes() == before


def test_attachments_are_stored_once(case: CaseFile) -> None:
    first = case.add_attachment(b"image bytes", "image/png")
    again = case.add_attachment(b"image bytes", "image/png")
    other = case.add_attachment(b"other bytes", "image/png")
    assert first == again != other
    assert case.attachment(first) == b"image bytes"


def test_valid_text_is_read_with_the_fast_decoder_and_bad_text_tolerantly(case_path: Path) -> None:
    """A file whose text is all UTF-8 is read by sqlite3's C decoder (a third
    of the time of a board read goes to decoding otherwise); one holding bad
    bytes is read with replacement characters, on every opening."""
    with CaseFile.create(case_path, "c") as case:
        assert case.conn.text_factory is str
    with CaseFile.open(case_path, read_only=True) as case:
        assert case.conn.text_factory is str
    raw = sqlite3.connect(case_path)
    raw.execute("UPDATE case_info SET value = CAST(x'4361737472f86f' AS TEXT) WHERE key = 'title'")
    raw.commit()
    raw.close()
    for _ in range(2):
        with CaseFile.open(case_path) as case:
            assert case.title == "Castr\ufffdo" and case.conn.text_factory is not str
