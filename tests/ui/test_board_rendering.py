"""The board is really drawn: cards, pictures and link labels show up in a grab of the view."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QImage


def _grab(board) -> QImage:
    board.view.viewport().repaint()
    return board.view.viewport().grab().toImage()


def _colours(image: QImage, rect) -> set[int]:
    return {image.pixel(x, y) for x in range(max(0, rect.left()), min(image.width(), rect.right()), 2)
            for y in range(max(0, rect.top()), min(image.height(), rect.bottom()), 2)}


def _view_rect(board, scene_rect: QRectF):
    return board.view.mapFromScene(scene_rect).boundingRect()


def test_cards_and_link_labels_are_drawn(board):
    image = _grab(board)
    everything = _colours(image, image.rect())
    assert len(everything) > 200  # not blank, not a uniform fill
    background = QColor(board.scene.context.palette.board).rgb()
    for role in ("document", "quote", "photo", "person", "note"):
        rect = _view_rect(board, board.scene.cards[board.ids[role]].card_rect().adjusted(10, 10, -10, -10))
        colours = _colours(image, rect)
        assert background not in colours, role  # the card covers the board
        dark = [c for c in colours if QColor(c).lightness() < 90]
        assert dark, f"no text drawn on the {role} card"
    label = next(l for l in board.scene.links.values() if l.link.label == "operates from")
    plate = _view_rect(board, label.label_rect())
    colours = _colours(image, plate.adjusted(3, 3, -3, -3))
    assert QColor("#ffffff").rgb() in colours  # the opaque plate, not the line or the board
    assert any(QColor(c).lightness() < 100 for c in colours)  # and the words on it


def test_the_board_shows_through_where_no_card_or_link_is(board):
    corner = board.scene.cards_bounds().topLeft()
    board.view.centerOn(corner)
    image = _grab(board)
    empty = board.view.mapFromScene(corner - QPointF(30, 30))
    assert QColor(image.pixel(empty)) == QColor(board.scene.context.palette.board)


def test_far_away_the_overview_draws_blocks_and_still_selects(board, qtbot):
    board.view.set_scale(0.05)
    assert board.scene.overview_mode
    board.view.centerOn(board.scene.cards_bounds().center())
    image = _grab(board)
    note = board.scene.cards[board.ids["note"]]
    centre = board.view.mapFromScene(note.card_rect().center())
    assert QColor(image.pixel(centre)) == board.scene.context.palette.accent(note.card)
    bounds = board.scene.cards_bounds()
    board.drag(qtbot, bounds.topLeft() - QPointF(200, 200), bounds.bottomRight() + QPointF(200, 200))
    assert len(board.scene.selected_cards()) == len(board.scene.cards)
    image = _grab(board)
    assert QColor(image.pixel(centre)) == board.scene.context.palette.selection
    board.view.set_scale(1.0)
    assert not board.scene.overview_mode


def _same_picture(a: QImage, b: QImage, tolerance: int = 6) -> bool:
    """Equal but for antialiasing rounding where a line was drawn in two pieces."""
    if a.size() != b.size():
        return False
    a, b = a.convertToFormat(QImage.Format.Format_RGB32), b.convertToFormat(QImage.Format.Format_RGB32)
    width = a.bytesPerLine()
    bytes_a, bytes_b = bytes(a.constBits())[:a.sizeInBytes()], bytes(b.constBits())[:b.sizeInBytes()]
    for row in range(a.height()):
        ra, rb = bytes_a[row * width:(row + 1) * width], bytes_b[row * width:(row + 1) * width]
        if ra != rb and max(abs(x - y) for x, y in zip(ra, rb)) > tolerance:
            return False
    return True


def _fresh(board) -> QImage:
    """The same view with the links' kept picture thrown away and drawn from scratch."""
    board.scene.link_layer.redraw()
    return _grab(board)


def test_the_kept_link_picture_matches_a_fresh_drawing_after_pans_drags_and_undo(board, qtbot):
    hbar, vbar = board.view.horizontalScrollBar(), board.view.verticalScrollBar()
    # Diagonal pans scroll the kept picture and draw the two strips that came into view.
    for step in (1,) * 3 + (-1,) * 7 + (9,):
        hbar.setValue(hbar.value() + 53 * step)
        vbar.setValue(vbar.value() + 31 * step)
        assert _same_picture(_grab(board), _fresh(board))
    # A card dragged and dropped: its links left their old place and drew at the new one.
    board.view.centerOn(board.scene.cards_bounds().center())
    note = board.centre("note")
    board.drag(qtbot, note, note + QPointF(90, 140))
    assert board.centre("note") == note + QPointF(90, 140)
    after_drag = _grab(board)
    assert _same_picture(after_drag, _fresh(board))
    board.service.undo()
    after_undo = _grab(board)
    assert not _same_picture(after_undo, after_drag)
    assert _same_picture(after_undo, _fresh(board))
