"""A case file as sqlite-utils (and Datasette, which looks for full-text
tables the same way) sees it: its tables, and search through our indexes."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils

from evidence_board.sample import sample_case_path
from evidence_board.store import SCHEMA_VERSION, CaseFile
from evidence_board.store.checking import check_case
from evidence_board.store.schema import MIGRATIONS
from evidence_board.store.search import index_problems
from tests.store.test_migrations import write_version_3_case

SQLITE_UTILS = Path(sys.executable).parent / "sqlite-utils"


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    path = tmp_path / "sample.evb"
    shutil.copyfile(sample_case_path(), path)
    return path


@pytest.fixture
def typeset(tmp_path: Path) -> Path:
    """A case whose page and quote hold ligatures, as typeset PDFs give them."""
    path = tmp_path / "typeset.evb"
    _write_version_4_case(path)
    CaseFile.open(path).close()  # upgraded to the current schema
    return path


def _a_quote_word(path: Path) -> tuple[str, str]:
    """A quote of the case and the longest word of its text."""
    with CaseFile.open(path, read_only=True) as case:
        card_id, text = case.conn.execute(
            "SELECT id, text FROM cards WHERE kind = 'quote' ORDER BY seq LIMIT 1").fetchone()
    return card_id, max((w.strip(".,;:()\u2019\u201c\u201d'\"") for w in text.split()), key=len)


def test_sqlite_utils_sees_the_packaged_sample_s_tables_and_full_text_indexes(sample: Path) -> None:
    db = sqlite_utils.Database(sample)
    assert {"cards", "links", "boards", "placements", "sources", "source_pages", "attachments",
            "audit_events", "audit_changes"} <= set(db.table_names())
    assert set(db.table_names(fts5=True)) == {"cards_fts", "pages_fts"}
    # detect_fts is the query Datasette runs too to offer a table's search box.
    assert db["cards"].detect_fts() == "cards_fts"
    assert db["source_pages"].detect_fts() == "pages_fts"
    assert db["cards"].columns_dict["title"] is str
    db.close()
    with CaseFile.open(sample, read_only=True) as case:
        assert case.schema_version == SCHEMA_VERSION, "rebuild it: python sample_case/build_sample_case.py --force"


def test_sqlite_utils_search_finds_a_quote_by_its_word_as_evidence_board_does(sample: Path) -> None:
    card_id, word = _a_quote_word(sample)
    db = sqlite_utils.Database(sample)
    found = {row["id"] for row in db["cards"].search(word, quote=True)}
    db.close()
    assert card_id in found
    with CaseFile.open(sample, read_only=True) as case:
        assert found == {h.id for h in case.search(word, limit=500) if h.kind == "card"}


def test_sqlite_utils_search_matches_the_folded_text_and_shows_the_source_s_own(typeset: Path) -> None:
    db = sqlite_utils.Database(typeset)
    pages = list(db["source_pages"].search("profile"))
    assert [(p["page"], p["text"]) for p in pages] == [(2, "Each device has an ICC pro\ufb01le.")]
    assert [p["page"] for p in db["source_pages"].search("manipulation")] == [3]
    assert [c["id"] for c in db["cards"].search("raul")] == ["q1"]
    db.close()


def test_the_sqlite_utils_command_searches_a_case_file_and_leaves_it_as_it_was(sample: Path) -> None:
    card_id, word = _a_quote_word(sample)
    before = sample.read_bytes()
    out = subprocess.run([str(SQLITE_UTILS), "search", str(sample), "cards", word, "--quote", "-c", "id"],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    assert {"id": card_id} in json.loads(out)
    tables = subprocess.run([str(SQLITE_UTILS), "tables", str(sample), "--fts5"],
                            capture_output=True, text=True, timeout=60, check=True).stdout
    assert {t["table"] for t in json.loads(tables)} == {"cards_fts", "pages_fts"}
    assert sample.read_bytes() == before
    with CaseFile.open(sample) as case:  # still ours, and editable
        assert case.search(word)


def test_a_case_with_ligatures_passes_the_check(typeset: Path) -> None:
    # FTS5's own check, compared with the table's raw text, would call every
    # ligature damage; the folded index is compared by index_problems instead.
    report = check_case(typeset)
    assert report.ok, report.problems


def test_sqlite_utils_rebuild_fts_unfolds_the_index_and_the_check_says_so(typeset: Path) -> None:
    db = sqlite_utils.Database(typeset)
    db["source_pages"].rebuild_fts()  # what the README says not to run: it indexes the raw text
    assert list(db["source_pages"].search("profile")) == []
    db.close()
    problems = check_case(typeset).problems
    assert any("full-text index of source pages does not match their text" in p for p in problems), problems


def _write_version_4_case(path: Path) -> None:
    write_version_3_case(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    # Its stored file's true hash, so that Check Case has only the indexes to look at.
    digest = hashlib.sha256(b"%PD").hexdigest()
    conn.execute("UPDATE attachments SET sha256 = ?", (digest,))
    conn.execute("UPDATE sources SET sha256 = ?", (digest,))
    version, name, migrate = MIGRATIONS[3]
    migrate(conn)
    conn.execute("INSERT INTO schema_migrations VALUES (?, ?, '2026-12-02T00:00:00Z')", (version, name))
    conn.execute("PRAGMA user_version = 4")
    conn.execute("COMMIT")
    conn.close()


def test_a_schema_4_case_is_upgraded_to_indexes_sqlite_utils_finds_with_the_same_hits(tmp_path: Path) -> None:
    path = tmp_path / "v4.evb"
    _write_version_4_case(path)
    db = sqlite_utils.Database(path)
    assert db["cards"].detect_fts() is None  # content='': no tool saw it
    db.close()
    queries = ["profile", "manipulation", "office", "raul", "colour"]
    with CaseFile.open(path, read_only=True) as old:  # read through a copy upgraded in memory
        assert old.upgraded_in_memory_from == 4
    conn = sqlite3.connect(path)
    from evidence_board.store import search as searching
    before = {q: [(h.kind, h.id, h.page, h.snippet) for h in searching.search(conn, q)[0]] for q in queries}
    conn.close()
    assert all(before.values())
    with CaseFile.open(path) as case:
        assert case.schema_version == SCHEMA_VERSION == 5
        assert {q: [(h.kind, h.id, h.page, h.snippet) for h in case.search(q)] for q in queries} == before
        assert index_problems(case.conn) == []
    db = sqlite_utils.Database(path)
    assert (db["cards"].detect_fts(), db["source_pages"].detect_fts()) == ("cards_fts", "pages_fts")
    assert [p["page"] for p in db["source_pages"].search("office")] == [3]
    db.close()
