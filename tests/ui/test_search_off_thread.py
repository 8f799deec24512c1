"""The window's search runs on a thread of its own (issue 12 item 17): the
window answers while a slow search runs, a new query stops the old one and
only its hits show, a search past its time limit says so, and closing the
window or the case mid-search is clean. On a real case of 20,000 pages."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtTest import QTest

from evidence_board.services import CaseService
from evidence_board.store import CaseFile
from evidence_board.ui import search_worker
from evidence_board.ui.main_window import MainWindow
from evidence_board.ui.search_results import HIT_ROLE

SLOW = "ter"  # a prefix of 3,000 words on every page: over a second of FTS5 work at 20,000 pages


@pytest.fixture(scope="module")
def big_case(tmp_path_factory) -> Path:
    """20,000 pages of 100 words each, from a vocabulary of 3,000 "termN" and a few others."""
    path = tmp_path_factory.mktemp("big") / "big.evb"
    rng = random.Random(17)
    vocabulary = [f"term{n}" for n in range(3000)] + ["havana", "ministry", "verdict"]
    case = CaseFile.create(path, "Big", "Analyst")
    service = CaseService(case, "Analyst")
    for start in range(0, 20_000, 5_000):
        service.add_source(f"%PDF-1.7 big {start}".encode(), f"big-{start}.pdf", "application/pdf",
                           page_count=5_000, page_texts=[" ".join(rng.choices(vocabulary, k=100))
                                                         for _ in range(5_000)])
    case.close()
    return path


@pytest.fixture
def big_window(qtbot, tmp_path, big_case):
    window = MainWindow(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    assert window.open_case(big_case)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close_case()


def _search(window, text: str) -> None:
    window.search_box.setText(text)
    window.search()


def _shown(window) -> list:
    popup = window.search_results
    return [popup.list.item(i).data(HIT_ROLE) for i in range(popup.list.count())]


def test_the_window_answers_while_a_slow_search_runs(qtbot, big_window):
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(5)
    _search(big_window, SLOW)
    assert big_window.search_worker.busy
    assert "Searching for 'ter'" in big_window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: not big_window.search_worker.busy, timeout=30_000)
    timer.stop()
    assert len(ticks) > 20  # the event loop ran all along, every 5 ms
    hits = _shown(big_window)
    assert len(hits) == 20 and all(h.snippet[a:b].startswith("term") for h in hits for a, b in h.hits)
    assert big_window.statusBar().currentMessage().startswith("40 hits for 'ter'")


def test_a_new_query_stops_the_one_running_and_only_its_hits_show(qtbot, big_window):
    started = time.perf_counter()
    _search(big_window, SLOW)
    qtbot.waitUntil(lambda: not big_window.search_worker.busy, timeout=30_000)
    slow_s = time.perf_counter() - started

    delivered = []
    big_window.search_worker.result.connect(lambda result: result.value and delivered.append(result.value[0]))
    _search(big_window, SLOW)
    qtbot.wait(20)  # the slow one is running
    started = time.perf_counter()
    _search(big_window, "havana verdict")
    qtbot.waitUntil(lambda: not big_window.search_worker.busy, timeout=30_000)
    # Stopped within milliseconds, not left to finish: the new one was not kept waiting behind it.
    assert time.perf_counter() - started < slow_s / 2
    assert set(delivered) == {"havana verdict"}
    hits = _shown(big_window)
    marked = {h.snippet[a:b].casefold() for h in hits for a, b in h.hits}  # the words lit in the list
    assert hits and marked <= {"havana", "verdict"}


def test_typing_another_query_stops_the_one_running(qtbot, big_window):
    _search(big_window, SLOW)
    QTest.keyClicks(big_window.search_box, "m2")
    assert not big_window.search_worker.busy
    assert "Searching" not in big_window.statusBar().currentMessage()
    qtbot.wait(100)
    assert not big_window.search_results.isVisible()  # nothing of the stopped search arrives


def test_a_search_past_its_time_limit_says_it_took_too_long(qtbot, big_window, monkeypatch):
    monkeypatch.setattr(search_worker, "SEARCH_SECONDS", 0.05)
    _search(big_window, SLOW)
    qtbot.waitUntil(lambda: not big_window.search_worker.busy, timeout=30_000)
    message = big_window.statusBar().currentMessage()
    assert "the search took too long" in message and "damaged" not in message
    [item] = _shown(big_window)
    assert item.title == "Not searched" and "took too long" in item.snippet
    big_window.search_results.grab().save(str(Path(big_window.case.path).parent / "too-long.png"))
    # A search within the limit still works on the same thread.
    _search(big_window, "havana")
    qtbot.waitUntil(lambda: not big_window.search_worker.busy, timeout=30_000)
    assert len(_shown(big_window)) == 20


def test_closing_the_window_or_the_case_mid_search_is_clean(qtbot, big_window, big_case):
    _search(big_window, SLOW)
    worker = big_window.search_worker
    thread = worker._thread
    big_window.close_case()  # stops the thread and waits for it
    assert not thread.is_alive() and big_window.case is None
    assert not big_window.search_results.isVisible()
    # The same window, the case again: searching works, and closing the window mid-search is clean too.
    assert big_window.open_case(big_case)
    _search(big_window, SLOW)
    thread = big_window.search_worker._thread
    big_window.close()
    assert not thread.is_alive()
    with CaseFile.open(big_case) as again:  # the lock was given back
        assert len(again.sources()) == 4
