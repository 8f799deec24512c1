"""New work lands in free space and the view follows; the sample opens where it can be read.

Everything here runs on a copy of the packaged sample case, in the main
window at its default size: the crowded board a new user first sees.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage

sys.path.insert(0, str(Path(__file__).parents[1] / "importers"))
from samples import png_bytes, report_pdf, write  # noqa: E402

from evidence_board.model import CardKind  # noqa: E402
from evidence_board.model.placement import conflicts  # noqa: E402
from evidence_board.sample import sample_case_path  # noqa: E402
from evidence_board.ui.reader import show_in_source  # noqa: E402

READABLE_PX = 8.0


@pytest.fixture
def sample_window(qtbot, tmp_path, settings):
    from evidence_board.ui.main_window import MainWindow

    path = tmp_path / "sample.evb"
    shutil.copyfile(sample_case_path(), path)
    win = MainWindow(settings)  # the default window size: nothing saved in these settings
    qtbot.addWidget(win)
    assert win.open_case(path)
    win.show()
    qtbot.waitExposed(win)
    qtbot.wait(50)  # the first view is set once the window is laid out
    yield win
    win.close_case()


def _rects(view) -> dict[str, tuple[float, float, float, float]]:
    return {card_id: item.geometry for card_id, item in view.board_scene.cards.items()}


def _covered(view, card_ids) -> list[tuple[str, str]]:
    """The cards (group frames too) that these new cards cover."""
    rects = _rects(view)
    return [(new, other) for new in card_ids for other in rects
            if other != new and conflicts(rects[new], rects[other])]


def _in_view(view, card_ids) -> bool:
    visible = view.visible_scene_rect()
    return all(visible.contains(view.board_scene.cards[c].card_rect()) for c in card_ids)


def _whole_cards_in(rects, window: QRectF) -> int:
    return sum(1 for r in rects if window.contains(QRectF(*r)))


# -- the first view ------------------------------------------------------------------


def test_the_sample_opens_with_readable_titles_and_its_main_cluster_in_view(sample_window):
    view = sample_window.current_view()
    title_px = view.board_scene.context.fonts.title.pixelSize() * view.scale_factor
    assert title_px >= READABLE_PX
    assert not view.board_scene.overview_mode  # cards drawn as cards, titles and all
    cards = [item.geometry for item in view.board_scene.cards.values() if not item.is_group]
    visible = view.visible_scene_rect()
    shown = _whole_cards_in(cards, visible)
    # The main cluster: the most whole cards any view of this size could hold, by brute force.
    best = max(_whole_cards_in(cards, QRectF(a[0] - 1, b[1] - 1, visible.width(), visible.height()))
               for a in cards for b in cards)
    assert shown >= 0.9 * best and shown >= 12


def test_a_small_board_still_opens_whole(qtbot, window):
    """The specimen board fits at a readable zoom, so it opens fitted, as before."""
    view = window.current_view()
    assert view.visible_scene_rect().contains(view.board_scene.cards_bounds())


# -- new cards ---------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["add_note", "add_entity"])
def test_a_new_note_or_entity_lands_in_free_space_in_view(sample_window, action):
    view = sample_window.current_view()
    before = set(view.board_scene.cards)
    centre = view.visible_scene_rect().center()
    getattr(sample_window.actions_, action).trigger()
    [new] = set(view.board_scene.cards) - before
    assert _covered(view, [new]) == []
    assert _in_view(view, [new])
    rect = view.board_scene.cards[new].card_rect()
    # Near where the user is looking: within a card or two of the view's centre.
    assert abs(rect.center().x() - centre.x()) < 600 and abs(rect.center().y() - centre.y()) < 600


def test_a_note_added_by_double_click_on_a_card_edge_slides_off_the_card(qtbot, sample_window):
    view = sample_window.current_view()
    scene = view.board_scene
    entity = next(i for i in scene.cards.values() if i.card.kind is CardKind.ENTITY and _in_view(view, [i.card_id]))
    before = set(scene.cards)
    # Just below the card: a note centred here would cover half of it.
    spot = entity.card_rect().center()
    spot.setY(entity.card_rect().bottom() + 15)
    view.commands.add_card(CardKind.NOTE, spot)
    [new] = set(scene.cards) - before
    assert _covered(view, [new]) == []


def test_pasted_cards_and_images_land_in_free_space_in_view(qtbot, sample_window):
    view = sample_window.current_view()
    scene = view.board_scene
    quote = next(i for i in scene.cards.values() if i.card.kind is CardKind.QUOTE and _in_view(view, [i.card_id]))
    view.commands.select([quote.card_id])
    qtbot.wait(10)  # the menus follow the selection
    sample_window.actions_.copy.trigger()
    before = set(scene.cards)
    sample_window.actions_.paste.trigger()
    pasted = set(scene.cards) - before
    assert len(pasted) == 1 and _covered(view, pasted) == [] and _in_view(view, pasted)

    QGuiApplication.clipboard().setImage(QImage.fromData(png_bytes((300, 200), "teal")))
    before = set(scene.cards)
    sample_window.actions_.paste.trigger()
    photo = set(scene.cards) - before
    assert [scene.cards[c].card.kind for c in photo] == [CardKind.PHOTO]
    assert _covered(view, photo) == [] and _in_view(view, photo)


def test_a_duplicate_goes_beside_the_original_not_on_it(qtbot, sample_window):
    view = sample_window.current_view()
    scene = view.board_scene
    entity = next(i for i in scene.cards.values() if i.card.kind is CardKind.ENTITY)
    view.commands.select([entity.card_id])
    qtbot.wait(10)
    before = set(scene.cards)
    sample_window.actions_.duplicate.trigger()
    [copy] = set(scene.cards) - before
    assert _covered(view, [copy]) == []


# -- imports -------------------------------------------------------------------------------


def test_files_dropped_on_the_crowded_board_land_in_a_grid_in_free_space_and_the_view_shows_them(
        qtbot, tmp_path, sample_window):
    view = sample_window.current_view()
    scene = view.board_scene
    files = [write(tmp_path, f"exhibit {n}.png", png_bytes((120 + n, 80), colour))
             for n, colour in enumerate(["darkred", "navy", "olive", "teal", "purple", "maroon", "gold"])]
    files.append(write(tmp_path, "another report.pdf", report_pdf()))
    before = set(scene.cards)
    view.import_files(files, view.visible_scene_rect().center())
    new = set(scene.cards) - before
    assert len(new) == 8
    assert _covered(view, new) == []
    lefts = {scene.cards[c].geometry[0] for c in new}
    tops = {scene.cards[c].geometry[1] for c in new}
    assert len(lefts) >= 3 and len(tops) >= 2  # a grid, not a row running off the screen
    assert _in_view(view, new)


# -- quotes and clips from the reader ---------------------------------------------------------


def _word_point(reader, word: str, at: str = "start") -> QPoint:
    box = next(w for w in reader.pages.words(reader.page) if w[4] == word)
    rect = reader.page_widget.view_rect(box[:4])
    return QPoint(round(rect.left() + 2 if at == "start" else rect.right() - 2), round(rect.center().y()))


def test_a_quote_made_in_the_reader_lands_beside_the_document_card_in_free_space(qtbot, sample_window):
    view = sample_window.current_view()
    scene = view.board_scene
    document = next(i for i in scene.cards.values() if i.card.kind is CardKind.DOCUMENT)
    reader = show_in_source(sample_window, sample_window.case, sample_window.service, document.card.source_id,
                            board_id=scene.board_id)
    qtbot.waitExposed(reader)
    words = [w[4] for w in reader.pages.words(1)]
    first, last = words[10], words[14]
    qtbot.mousePress(reader.page_widget, Qt.MouseButton.LeftButton, pos=_word_point(reader, first))
    qtbot.mouseMove(reader.page_widget, _word_point(reader, last, "end"))
    qtbot.mouseRelease(reader.page_widget, Qt.MouseButton.LeftButton, pos=_word_point(reader, last, "end"))
    quote = reader.make_quote_card()
    reader.close()
    assert quote in scene.cards
    assert _covered(view, [quote]) == []
    doc, new = document.card_rect(), scene.cards[quote].card_rect()
    gap_x = max(new.left() - doc.right(), doc.left() - new.right(), 0)
    gap_y = max(new.top() - doc.bottom(), doc.top() - new.bottom(), 0)
    assert gap_x < 600 and gap_y < 600  # beside the document, not somewhere across the board


# -- Arrange > Remove overlaps ---------------------------------------------------------------


def test_remove_overlaps_takes_a_pile_apart_in_one_undo_step(qtbot, sample_window):
    view = sample_window.current_view()
    scene = view.board_scene
    service = sample_window.service
    loose = [i for i in scene.cards.values() if i.placement.group_id is None and not i.is_group][:5]
    # Someone dragged five cards onto one spot of free board.
    service.move_cards(scene.board_id, {item.card_id: (5000 + 15 * n, 5000 + 10 * n) for n, item in enumerate(loose)})
    before = _rects(view)
    sample_window.actions_.remove_overlaps.trigger()
    after = _rects(view)
    frames = {i.card_id: i.placement.group_id for i in scene.cards.values()}
    pairs = [(a, b) for a in after for b in after if a < b and frames.get(a) != b and frames.get(b) != a
             and conflicts(after[a], after[b])]
    assert pairs == []
    moved = {k for k in after if after[k] != before[k]}
    assert moved and moved <= {i.card_id for i in loose}  # only the pile moved
    assert "Moved" in sample_window.statusBar().currentMessage()
    sample_window.actions_.undo.trigger()
    assert _rects(view) == before
