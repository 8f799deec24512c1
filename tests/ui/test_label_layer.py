"""On screen, no link label is hidden: at every zoom that draws labels, and after a card is dragged onto one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit

from evidence_board.render.context import RenderContext
from evidence_board.sample import sample_case_path
from evidence_board.services import CaseService
from evidence_board.store import CaseFile
from evidence_board.ui.board.scene import BoardScene
from evidence_board.ui.board.view import BoardView
from tests.render.label_checks import overdrawn_plates
from tests.ui.conftest import Board


@pytest.fixture
def sample_board(qtbot, tmp_path: Path):
    path = tmp_path / "sample.evb"
    shutil.copy(sample_case_path(), path)
    case = CaseFile.open(path)
    service = CaseService(case, "Test Analyst")
    board_id = case.boards()[0].id
    scene = BoardScene(service, board_id, RenderContext(case))
    view = BoardView(scene)
    qtbot.addWidget(view)
    view.resize(1400, 900)
    view.show()
    qtbot.waitExposed(view)
    yield Board(case, service, board_id, scene, view, {})
    scene.close()
    case.close()


def _grab(board) -> QImage:
    board.view.viewport().repaint()
    return board.view.viewport().grab().toImage()


def _shown(board) -> dict:
    """Every placed label in view: link id -> (link, spot, selected)."""
    view_rect = board.view.mapToScene(board.view.viewport().rect()).boundingRect()
    placer = board.scene.label_layer.placer
    return {link_id: (board.scene.links[link_id].link, spot, board.scene.links[link_id].isSelected())
            for link_id, spot in placer.spots_in(view_rect.getRect()).items()}


def _clear_of_cards_and_each_other(board, shown: dict) -> list[str]:
    problems = []
    cards = [item for item in board.scene.cards.values() if not item.is_group]
    plates = sorted(((link.label, QRectF(*spot.rect)) for link, spot, _sel in shown.values()), key=lambda p: p[0])
    for label, plate in plates:
        problems += [f"{label!r} on {card.card.title!r}" for card in cards if card.card_rect().intersects(plate)]
    for index, (label, plate) in enumerate(plates):
        problems += [f"{label!r} on {other!r}" for other, rect in plates[index + 1:] if rect.intersects(plate)]
    return problems


@pytest.mark.parametrize("scale", [1.0, 0.45, 0.32])
def test_every_label_in_view_is_drawn_whole_and_uncovered(sample_board, scale):
    board = sample_board
    board.view.set_scale(scale)
    for centre in (board.scene.cards_bounds().center(), QPointF(1500, 500), QPointF(800, 1100)):
        board.view.centerOn(centre)
        image = _grab(board)
        shown = _shown(board)
        assert len(shown) >= 10
        assert _clear_of_cards_and_each_other(board, shown) == []
        problems = overdrawn_plates(image, board.view.viewportTransform(), shown, board.scene.context)
        assert problems == []


def test_a_card_dragged_onto_a_label_moves_the_label_not_over_it(sample_board, qtbot):
    board = sample_board
    board.view.set_scale(1.0)
    board.view.centerOn(QPointF(1500, 600))
    _grab(board)
    link = next(item for item in board.scene.links.values() if item.link.label == "met Fidel Castro")
    plate = link.label_rect()
    card = next(item for item in board.scene.cards.values() if item.card.title.startswith("Dr. David Kay"))
    board.view.centerOn(plate.center())
    _grab(board)
    start = card.card_rect().center()
    board.drag(qtbot, start, start + (plate.center() - card.card_rect().center()))
    assert card.card_rect().intersects(plate)  # the card now sits where the label was
    board.view.centerOn(plate.center())
    image = _grab(board)
    moved = link.label_rect()
    assert not moved.intersects(card.card_rect())
    shown = _shown(board)
    assert link.link_id in shown
    assert _clear_of_cards_and_each_other(board, shown) == []
    assert overdrawn_plates(image, board.view.viewportTransform(), shown, board.scene.context) == []


def test_a_click_on_a_label_picks_its_link_and_a_double_click_edits_it_there(sample_board, qtbot):
    board = sample_board
    board.view.set_scale(1.0)
    link = next(item for item in board.scene.links.values() if item.link.label == "Defense Minister")
    board.view.centerOn(link.scene_geometry().middle)
    _grab(board)
    plate = link.label_rect()
    assert link.labels.placer.spot(link.link_id).leader is not None  # a short link: its plate sits beside it
    board.click(plate.center())
    assert board.scene.selected_links() == [link]
    QTest.mouseDClick(board.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                      board.point(plate.center()))
    editor = board.view.viewport().findChild(QLineEdit)
    assert editor is not None and editor.text() == "Defense Minister"
    assert editor.geometry().contains(board.point(plate.center()))


def test_a_group_title_shows_over_a_card_dragged_under_it(sample_board, qtbot):
    from PySide6.QtGui import QColor, QPainter

    from evidence_board.render.card_painter import group_backing, group_title_rect, paint_group_title

    board = sample_board
    board.view.set_scale(1.0)
    group = next(item for item in board.scene.cards.values() if item.is_group and item.card.title == "Cuba")
    card = next(item for item in board.scene.cards.values() if item.card.title.startswith("Dr. David Kay"))
    frame = group.card_rect()
    title = group_title_rect(group.card, frame, 1.0, board.scene.context)
    board.view.centerOn(title.center())
    _grab(board)
    start = card.card_rect().topLeft() + QPointF(20, 30)
    board.drag(qtbot, start, start + (title.topLeft() - card.card_rect().topLeft()))
    assert card.card_rect().intersects(title)  # the card now lies under the title
    board.view.centerOn(title.center())
    image = _grab(board)
    transform = board.view.viewportTransform()
    box = transform.mapRect(title).toAlignedRect()
    alone = QImage(image.size(), QImage.Format.Format_RGB32)
    alone.fill(QColor("#000000"))
    painter = QPainter(alone)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setTransform(transform)
    paint_group_title(painter, group.card, frame, 1.0, board.scene.context,
                      backing=group_backing(group.card, board.scene.context))
    painter.end()
    differ = sum(1 for x in range(box.left(), box.right()) for y in range(box.top(), box.bottom())
                 if max(abs(a - b) for a, b in zip(QColor(image.pixel(x, y)).getRgb()[:3],
                                                   QColor(alone.pixel(x, y)).getRgb()[:3])) > 24)
    assert differ <= 0.02 * box.width() * box.height()  # the title as drawn alone: the card is under it
