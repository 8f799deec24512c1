"""The search thread's own connection (store/search_connection.py): the guards
of every connection, stopped by a newer search, by its time limit (said as
such) and by a write to the case, which then does not wait for it."""

from __future__ import annotations

import random
import sqlite3
import sys
import threading
import time
from pathlib import Path

import pytest

from evidence_board.services import CaseService
from evidence_board.store import CaseFile
from evidence_board.store.safety import HostileCaseFile
from evidence_board.store.search_connection import (
    SearchConnection, SearchStopped, SearchTookTooLong, SearchYielded,
)

sys.path.insert(0, str(Path(__file__).parent))
from test_migrations import write_version_2_case  # noqa: E402

SLOW = "ter"  # a prefix of each of 3,000 words: about a second of FTS5 work at 10,000 pages


@pytest.fixture(scope="module")
def pages_case(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pages") / "pages.evb"
    rng = random.Random(3)
    vocabulary = [f"term{n}" for n in range(3000)] + ["havana"]
    case = CaseFile.create(path, "Pages", "Analyst")
    CaseService(case, "Analyst").add_source(
        b"%PDF-1.7 pages", "pages.pdf", "application/pdf", page_count=10_000,
        page_texts=[" ".join(rng.choices(vocabulary, k=100)) for _ in range(10_000)])
    case.close()
    return path


def test_it_has_the_guards_of_every_connection_and_cannot_write(pages_case: Path) -> None:
    with CaseFile.open(pages_case) as case:
        searching = SearchConnection(case)
        try:
            conn = searching.conn
            assert conn is not case.conn
            assert conn.execute("PRAGMA trusted_schema").fetchone()[0] == 0
            assert conn.execute("PRAGMA query_only").fetchone()[0] == 1
            assert conn.execute("PRAGMA cell_size_check").fetchone()[0] == 1
            with pytest.raises(sqlite3.OperationalError, match="readonly"):
                conn.execute("UPDATE case_info SET value = 'changed' WHERE key = 'title'")
            hits, _final = searching.search("havana", 10, first_page=False)
            assert len(hits) == 10 and all(h.kind == "page" for h in hits)
        finally:
            searching.close()


def test_a_file_changed_since_it_was_opened_is_checked_again(tmp_path: Path, pages_case: Path) -> None:
    path = tmp_path / "changed.evb"
    path.write_bytes(pages_case.read_bytes())
    with CaseFile.open(path) as case:
        raw = sqlite3.connect(path)  # someone else adds a trigger while the case is open
        raw.execute("CREATE TRIGGER evil AFTER INSERT ON cards BEGIN SELECT 1; END")
        raw.close()
        with pytest.raises(HostileCaseFile, match="trigger"):
            SearchConnection(case)


def test_an_older_file_read_in_memory_is_searched_through_a_copy(tmp_path: Path) -> None:
    path = tmp_path / "v2.evb"
    write_version_2_case(path)
    with CaseFile.open(path, read_only=True) as case:
        assert case.upgraded_in_memory_from == 2
        searching = SearchConnection(case)
        try:
            assert [h.id for h in searching.search("Scud", 10, first_page=True)[0]] == ["q1"]
        finally:
            searching.close()


def test_a_search_no_longer_wanted_or_past_its_limit_stops_and_says_which(pages_case: Path) -> None:
    with CaseFile.open(pages_case, read_only=True) as case:
        searching = SearchConnection(case)
        try:
            started = time.perf_counter()
            with pytest.raises(SearchStopped):
                searching.search(SLOW, 40, first_page=False, wanted=lambda: time.perf_counter() - started < 0.05)
            stopped_after = time.perf_counter() - started
            started = time.perf_counter()
            searching.search(SLOW, 40, first_page=False)
            whole = time.perf_counter() - started
            assert stopped_after < whole / 2
            searching.conn.statement_seconds = 0.05
            with pytest.raises(SearchTookTooLong, match="the search took too long and was stopped"):
                searching.search(SLOW, 40, first_page=False)
        finally:
            searching.close()


def test_a_write_does_not_wait_for_a_search_running(pages_case: Path, tmp_path: Path) -> None:
    path = tmp_path / "busy.evb"
    path.write_bytes(pages_case.read_bytes())
    with CaseFile.open(path) as case:
        searching = SearchConnection(case)
        outcome: list[object] = []

        def search() -> None:
            try:
                searching.search(SLOW, 40, first_page=False)
                outcome.append("finished")
            except SearchYielded:
                outcome.append("yielded")
            outcome.append(time.perf_counter())

        thread = threading.Thread(target=search)
        thread.start()
        time.sleep(0.1)  # the search is in its FTS5 statement
        CaseService(case, "Analyst").create_card("note", title="Written while searching")
        written = time.perf_counter()
        thread.join(30)
        searching.close()
        # The search gave way before the write committed (it would otherwise have held the file to the end).
        assert outcome[0] == "yielded" and outcome[1] < written
        assert [c.title for c in case.cards()] == ["Written while searching"]
