"""A card has one position on screen, its item's, and its links follow it.

Whoever moves a card item (a drag, an undo, a refused change put back)
only sets its position; the links' ends and the card's recorded geometry
follow from the card's own setPos, with no call to remember. Far away the
overview shows a drag as a picture, and the items move once, as the file
then says.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtTest import QTest

from evidence_board.render.link_painter import link_geometry_floats
from evidence_board.ui.board.overview_layer import OVERVIEW_SCALE
from tests.ui.conftest import fresh_view


def _ends_follow(link) -> bool:
    x0, y0, x1, y1 = link.scene_ends()
    fresh = link_geometry_floats(link.source.geometry, link.target.geometry, link.lane_offset)
    return all(abs(a - b) < 1e-6 for a, b in zip((x0, y0, x1, y1), (fresh.start.x(), fresh.start.y(),
                                                                      fresh.end.x(), fresh.end.y())))


def test_setting_a_cards_position_moves_its_geometry_and_links(board):
    note = board.scene.cards[board.ids["note"]]
    assert note.links
    before = {link: link.scene_ends() for link in note.links}
    note.setPos(note.pos() + QPointF(310, -120))
    assert note.geometry[:2] == (note.pos().x(), note.pos().y())
    for link in note.links:
        assert link.scene_ends() != before[link]
        assert _ends_follow(link)


def test_links_between_two_moved_cards_move_whole_and_still_meet_them(board):
    scene = board.scene
    note = scene.cards[board.ids["note"]]
    link = next(iter(note.links))
    other = link.target if link.source is note else link.source
    with scene.follower.batch():
        for item in (note, other):
            item.setPos(item.pos() + QPointF(75, 40))
    assert link.pos().toTuple() == (75.0, 40.0)  # moved whole, not worked out again
    assert _ends_follow(link)
    other.setPos(other.pos() + QPointF(0, 200))  # now they no longer slid alike
    assert link.pos().toTuple() == (0.0, 0.0) and _ends_follow(link)


def test_undo_of_a_drag_puts_cards_and_links_back(board, qtbot):
    note = board.scene.cards[board.ids["note"]]
    start = note.card_rect().center()
    origin = note.geometry
    board.click(start)
    board.drag(qtbot, start, start + QPointF(200, 120))
    assert note.geometry[:2] == (origin[0] + 200, origin[1] + 120)
    assert board.case.placement(board.board_id, note.card_id).x == origin[0] + 200
    assert all(_ends_follow(link) for link in note.links)
    board.service.undo()
    assert note.geometry == origin and (note.pos().x(), note.pos().y()) == origin[:2]
    assert all(_ends_follow(link) for link in note.links)


def _overview_picture(board) -> QImage:
    view = board.view
    image = QImage(view.viewport().size(), QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    view.render(painter)
    painter.end()
    return image


def test_a_drag_seen_from_far_away_moves_the_picture_then_the_file_and_items(board, qtbot):
    scene, view = board.scene, board.view
    view.set_scale(OVERVIEW_SCALE * 0.5)
    view.centerOn(scene.cards_bounds().center())
    assert scene.overview_mode and view.scene() is scene.overview_scene
    note = scene.cards[board.ids["note"]]
    origin = note.geometry
    start = note.card_rect().center()
    board.click(start)
    end = start + QPointF(600, 400)
    before = _overview_picture(board)
    # Half way through the drag: the picture shows the card moved, the item waits.
    viewport = view.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, board.point(start))
    QTest.mouseMove(viewport, board.point(start + QPointF(10, 10)))
    QTest.mouseMove(viewport, board.point(end))
    assert note.geometry == origin
    during = _overview_picture(board)
    assert during != before  # the dragged block moved in the picture
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, board.point(end))
    on_file = board.case.placement(board.board_id, note.card_id)
    moved = (on_file.x - origin[0], on_file.y - origin[1])
    assert moved[0] > 300 and moved[1] > 200  # the drag, give or take the view's pixels
    assert note.geometry[:2] == (on_file.x, on_file.y) == (note.pos().x(), note.pos().y())
    # Close again, every link meets its cards where they now are.
    view.set_scale(1.0)
    assert not scene.overview_mode
    assert all(_ends_follow(link) for link in scene.links.values())


def test_a_reversed_link_still_follows_its_cards(board, qtbot):
    note = board.scene.cards[board.ids["note"]]
    link = next(iter(note.links))
    board.service.reverse_link(link.link_id)
    start = note.card_rect().center()
    board.click(start)
    board.drag(qtbot, start, start + QPointF(250, 150))
    assert board.case.placement(board.board_id, note.card_id).x == note.geometry[0]
    assert _ends_follow(link)


def test_the_middle_button_in_the_middle_of_a_drag_puts_the_drag_back(board, qtbot):
    scene, view = board.scene, board.view
    for far in (False, True):
        if far:
            view.set_scale(OVERVIEW_SCALE * 0.5)
            view.centerOn(scene.cards_bounds().center())
        note = scene.cards[board.ids["note"]]
        start, origin = note.card_rect().center(), note.geometry
        board.click(start)
        viewport, left, middle = view.viewport(), Qt.MouseButton.LeftButton, Qt.MouseButton.MiddleButton
        none = Qt.KeyboardModifier.NoModifier
        end = board.point(start + QPointF(300, 200) * (3 if far else 1))
        QTest.mousePress(viewport, left, none, board.point(start))
        QTest.mouseMove(viewport, board.point(start + QPointF(10, 10)))
        QTest.mouseMove(viewport, end)
        QTest.mousePress(viewport, middle, none, end)  # starts a pan
        QTest.mouseRelease(viewport, middle, none, end)
        QTest.mouseRelease(viewport, left, none, end)
        on_file = board.case.placement(board.board_id, note.card_id)
        assert note.geometry == origin and note.geometry[:2] == (on_file.x, on_file.y)
        assert not scene.overview._dragged and scene._bulk_depth == 0


def test_a_big_boards_lanes_stay_right_when_a_waiting_link_is_deleted(qtbot, case, service, board_id):
    from evidence_board.render.context import RenderContext
    from evidence_board.render.link_painter import link_lanes
    from evidence_board.ui.board.scene import BoardScene

    specs = [dict(kind="note", title=f"c{i}", x=(i % 80) * 260, y=(i // 80) * 200) for i in range(3200)]
    ids = service.create_cards(specs, board_id=board_id).created
    service.create_links([dict(from_card=ids[2 * p], to_card=ids[2 * p + 1]) for p in range(1600) for _ in "ab"])
    scene = BoardScene(service, board_id, RenderContext(case))
    assert scene.pending_links
    scene._create_pending_slice()  # one idle slice: the lanes are worked out, some items made
    victim = next(iter(scene.pending_links.values()))
    service.delete_links([victim.id])
    scene.flush_pending_links()
    truth = link_lanes(item.link for item in scene.links.values())
    assert all(abs(item.lane_offset - truth[item.link_id]) < 1e-9 for item in scene.links.values())
    assert all(_ends_follow(item) for item in scene.links.values())
    scene.close()


@pytest.mark.parametrize("threshold", ["MANY_LINKS", "MANY_CARDS"])
def test_a_move_too_big_to_mark_link_by_link_shows_what_a_fresh_board_shows(board, qtbot, monkeypatch, threshold):
    """Past following.MANY_LINKS links (or MANY_CARDS cards) the layers are told once that
    everything moved: the lines and label plates on screen are those of the board opened anew."""
    from evidence_board.ui.board import following

    scene, view = board.scene, board.view
    assert len(scene.links) > 3
    monkeypatch.setattr(following, threshold, 3)
    view.viewport().grab()  # labels placed and lines drawn where the cards were
    placed_before = dict(scene.label_layer.placer.spots_in((-1e6, -1e6, 2e6, 2e6)))
    assert placed_before
    board.service.move_cards(board.board_id, {card_id: (item.geometry[0] + 260, item.geometry[1] + 90)
                                              for card_id, item in scene.cards.items()})
    assert all(link.pos().toTuple() == (260.0, 90.0) for link in scene.links.values())  # moved whole, unmarked
    centre = scene.cards_bounds().center()
    view.centerOn(centre)
    moved = view.viewport().grab().toImage()

    fresh, fresh_scene = fresh_view(qtbot, board, centre)
    assert fresh.viewport().size() == view.viewport().size()
    assert fresh.mapToScene(0, 0) == view.mapToScene(0, 0)
    expected = fresh.viewport().grab().toImage()
    spots = {link_id: spot.rect for link_id, spot in
             scene.label_layer.placer.spots_in((-1e6, -1e6, 2e6, 2e6)).items()}
    fresh_spots = {link_id: spot.rect for link_id, spot in
                   fresh_scene.label_layer.placer.spots_in((-1e6, -1e6, 2e6, 2e6)).items()}
    assert spots == fresh_spots and spots != {k: s.rect for k, s in placed_before.items()}
    assert moved == expected
    fresh_scene.close()


def test_far_away_a_card_shows_its_new_colour_and_place(board, qtbot):
    """The overview keeps each card's block colour and line end until the card
    changes: a new colour, or an undo that moves it back, shows at once."""
    scene, view = board.scene, board.view
    view.set_scale(OVERVIEW_SCALE * 0.5)
    view.centerOn(scene.cards_bounds().center())
    assert scene.overview_mode
    note = scene.cards[board.ids["note"]]

    def block_colour() -> QColor:
        image = _overview_picture(board)
        centre = view.mapFromScene(note.card_rect().center())
        return image.pixelColor(centre.x(), centre.y())

    before = block_colour()
    board.service.update_card(note.card_id, colour="#12ab34")
    assert block_colour() == QColor("#12ab34") != before
    board.service.undo()
    assert block_colour() == before
    picture = _overview_picture(board)
    origin = note.geometry
    board.service.move_cards(board.board_id, {note.card_id: (origin[0] + 900, origin[1] + 500)})
    moved = _overview_picture(board)
    assert moved != picture and moved == _fresh_overview_picture(board, qtbot)  # its lines end where it is
    board.service.undo()
    assert note.geometry == origin and _overview_picture(board) == picture


def _fresh_overview_picture(board, qtbot) -> QImage:
    """The same view of the board opened anew."""
    view, scene = fresh_view(qtbot, board)
    # The same scrolling room as the open board (its rect grew with the moved card).
    scene.setSceneRect(board.scene.sceneRect())
    scene.overview_scene.setSceneRect(board.scene.overview_scene.sceneRect())
    view.centerOn(board.view.visible_scene_rect().center())
    assert view.mapToScene(0, 0) == board.view.mapToScene(0, 0)
    try:
        return _overview_picture(type(board)(board.case, board.service, board.board_id, scene, view, board.ids))
    finally:
        scene.close()
