"""The reader's find does not make the window wait (issue 12 item 17): the
pages come from its search thread, the words are placed a slice at a time,
the first hit from the page shown is shown at once and the count grows;
a new find or typing stops the old one; closing the reader mid-find is clean.
On a real 400-page PDF imported through PyMuPDF."""

from __future__ import annotations

import random
from pathlib import Path

import pymupdf
import pytest
from PySide6.QtTest import QTest

from evidence_board.importers import import_files
from evidence_board.ui.reader import show_in_source

PAGES = 400


@pytest.fixture
def long_source(tmp_path, service, board_id) -> str:
    """400 pages of 12 lines, from a vocabulary where "term1" begins one word in three."""
    rng = random.Random(5)
    vocabulary = [f"term{n}" for n in range(1500)] + ["havana", "ministry", "verdict", "sugar"]
    doc = pymupdf.open()
    for n in range(PAGES):
        lines = [" ".join(rng.choices(vocabulary, k=10)) for _ in range(12)]
        doc.new_page(width=595, height=842).insert_text((56, 72), f"Page {n + 1}\n" + "\n".join(lines), fontsize=10)
    path = tmp_path / "long.pdf"
    doc.save(path)
    return import_files(service, [Path(path)], board_id).files[0].source_id


@pytest.fixture
def reader(qtbot, case, service, long_source):
    window = show_in_source(None, case, service, long_source)
    qtbot.addWidget(window)
    return window


def test_the_first_hit_from_here_shows_while_the_rest_are_counted(qtbot, case, reader, long_source):
    reader.go_to_page(250)
    reader.find("term1")
    assert reader.finding and reader.hits_label.text() == " searching…"
    qtbot.waitUntil(lambda: bool(reader.find_hits))
    # Shown before the whole document was done: the first hit on this page, lit.
    assert reader.finding and reader.page == 250 and reader.page_widget.hits
    assert reader.hits_label.text().endswith("…")
    qtbot.waitUntil(lambda: not reader.finding, timeout=30_000)
    pages = [page for page, _ in reader.find_hits]
    assert pages == sorted(pages) and set(pages) == set(case.pages_matching(long_source, "term1"))
    assert len(set(pages)) > PAGES * 0.9
    # The hit shown is still the first on page 250, though the pages before it were added after.
    assert reader.find_hits[reader.find_index][0] == 250 and reader.find_hits[reader.find_index - 1][0] < 250
    assert reader.hits_label.text() == f" {reader.find_index + 1} of {len(reader.find_hits)}"
    assert all(match.text.casefold().startswith("term1") for _, match in reader.find_hits)
    reader.next_hit()
    assert reader.page in (250, 251)


def test_a_new_find_replaces_the_one_running(qtbot, reader):
    reader.find("term1")
    qtbot.waitUntil(lambda: bool(reader.find_hits))
    reader.find("havana verdict")
    qtbot.waitUntil(lambda: not reader.finding, timeout=30_000)
    assert reader.find_hits
    assert {word.casefold() for _, match in reader.find_hits for word in match.text.split()} <= {"havana", "verdict"}


def test_typing_in_the_find_box_stops_the_find(qtbot, reader):
    reader.find("term1")
    qtbot.waitUntil(lambda: bool(reader.find_hits))
    QTest.keyClicks(reader.find_box, "2")
    assert not reader.finding and reader.find_hits == [] and reader.hits_label.text() == ""
    qtbot.wait(50)
    assert reader.find_hits == [] and reader.page_widget.hits == []  # nothing of the old find comes after


def test_closing_the_reader_mid_find_is_clean(qtbot, case, service, long_source):
    reader = show_in_source(None, case, service, long_source)  # closed here: it deletes itself
    reader.find("term1")
    qtbot.waitUntil(lambda: bool(reader.find_hits))
    thread = reader.finder.worker._thread
    assert reader.finding and thread.is_alive()
    reader.close()
    assert not thread.is_alive()
    qtbot.wait(50)  # what the find had queued is dropped with it
