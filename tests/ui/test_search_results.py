"""Ctrl+F in the window: hits listed under the search box, words marked, case text never rich text."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from evidence_board.importers import import_files
from evidence_board.ui.reader import SourceReader
from evidence_board.ui.search_results import HIGHLIGHT, HIT_ROLE

sys.path.insert(0, str(Path(__file__).parent.parent / "importers"))
from samples import typeset_pdf, write  # noqa: E402

HOSTILE = "<b>Profile</b> <img src='/dev/zero'> &amp;"


def _search(qtbot, window, text: str):
    """Search as a user does (type, Enter) and wait for the search thread's final ranking."""
    window.search_box.setText(text)
    window.search()
    qtbot.waitUntil(lambda: not window.search_worker.busy)
    return window.search_results


def _yellow_pixels(image) -> int:
    return sum(1 for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)
               if abs(image.pixelColor(x, y).red() - HIGHLIGHT.red()) < 8
               and abs(image.pixelColor(x, y).blue() - HIGHLIGHT.blue()) < 8)


def test_hits_are_listed_with_their_words_highlighted_and_open_where_they_are(qtbot, tmp_path, window):
    path = write(tmp_path, "gs9.pdf", typeset_pdf())
    source_id = import_files(window.service, [path], window.current_view().board_scene.board_id).files[0].source_id
    window.service.create_card("note", title=HOSTILE, text="A note on the colour pro\ufb01le of a printer.",
                               board_id=window.current_view().board_scene.board_id)
    popup = _search(qtbot, window, "profile")
    assert popup.isVisible()
    hits = [popup.list.item(i).data(HIT_ROLE) for i in range(popup.list.count())]
    assert {h.page for h in hits if h.kind == "page"} == {1, 2, 3, 4, 6, 7}
    note = next(h for h in hits if h.kind == "card" and h.title == HOSTILE)
    assert note.snippet == "A note on the colour profile of a printer."
    image = popup.grab().toImage()
    image.save(str(tmp_path / "search-results.png"))
    assert _yellow_pixels(image) > 100  # the hits drawn on a highlight, not in [brackets]
    assert all("[" not in h.snippet for h in hits)
    # The title is shown as the characters it is: no item is rich text, nothing loads.
    assert all(not popup.list.item(i).text() for i in range(popup.list.count()))
    # Enter on a page hit opens the reader there, with the search's words lit.
    row = next(i for i, h in enumerate(hits) if h.kind == "page" and h.page == 4)
    popup.list.setCurrentRow(row)
    qtbot.keyClick(popup.list, Qt.Key.Key_Return)
    readers = [w for w in QApplication.topLevelWidgets() if isinstance(w, SourceReader) and w.isVisible()]
    assert len(readers) == 1 and readers[0].source.id == source_id
    qtbot.waitUntil(lambda: not readers[0].finding)
    assert readers[0].page == 4 and readers[0].page_widget.hits
    readers[0].close()
    assert not popup.isVisible()


def test_an_overlong_search_is_refused_in_the_status_bar(window):
    window.search_box.setText(" ".join(["a*"] * 300))
    window.search()
    assert "Not searched: the search has 300 words or phrases" in window.statusBar().currentMessage()


def test_no_hits_says_so(qtbot, window):
    popup = _search(qtbot, window, "nothingmatchesthis")
    assert popup.isVisible() and popup.list.count() == 1
    assert popup.list.item(0).data(HIT_ROLE).title == "No hits"


def test_a_common_word_shows_a_first_page_then_the_final_ranking(qtbot, window):
    from evidence_board.store.search import FIRST_PAGE_RANKS

    pages = [f"page {n} on trade with Havana" for n in range(FIRST_PAGE_RANKS + 100)]
    pages += ["Havana " * 20 + f"harbour {n}" for n in range(5)]
    window.service.add_source(b"%PDF-1.7 many", "many.pdf", "application/pdf", page_count=len(pages),
                              page_texts=pages)
    window.search_box.setText("havana")
    window.search()
    popup, shown = window.search_results, []  # the top hit's page each time the list is filled
    window.search_worker.result.connect(
        lambda result: result.value and shown.append(popup.list.item(0).data(HIT_ROLE).page))
    qtbot.waitUntil(lambda: not window.search_worker.busy)
    # First the best of the first matches, then the pages that say it most.
    assert len(shown) == 2 and shown[0] <= FIRST_PAGE_RANKS and shown[1] > FIRST_PAGE_RANKS + 100
    assert popup.isVisible() and popup.list.currentRow() == 0
