"""A gesture whose change the file refuses: the board shows what the file holds.

Another program holding the case file's write lock is real (a colleague's
sqlite3 shell, a sync tool): the services' write fails with SQLite's own
error after its busy timeout. The drag must report it once and put the cards,
and the links that follow them, back where the file has them.
"""

from __future__ import annotations


from PySide6.QtCore import QPointF

from evidence_board.render.link_painter import link_geometry_floats
from tests.conftest import write_lock_held




def _links_follow(item) -> bool:
    for link in item.links:
        x0, y0, x1, y1 = link.scene_ends()
        fresh = link_geometry_floats(link.source.geometry, link.target.geometry, link.lane_offset)
        if (abs(fresh.start.x() - x0) > 1e-6 or abs(fresh.start.y() - y0) > 1e-6
                or abs(fresh.end.x() - x1) > 1e-6 or abs(fresh.end.y() - y1) > 1e-6):
            return False
    return True


def test_a_drag_the_file_refuses_is_reported_once_and_the_cards_go_back(board, qtbot):
    errors: list[str] = []
    board.view.error.connect(errors.append)
    note = board.scene.cards[board.ids["note"]]
    assert note.links  # its links must come back with it
    start = note.card_rect().center()
    on_file = board.case.placement(board.board_id, note.card_id)
    board.click(start)
    with write_lock_held(board.case.path):
        board.drag(qtbot, start, start + QPointF(150, 90))
    assert len(errors) == 1 and "locked" in errors[0]
    assert (note.pos().x(), note.pos().y()) == (on_file.x, on_file.y)
    assert note.geometry[:2] == (on_file.x, on_file.y)
    assert _links_follow(note)
    assert board.service.undo_label != "Move card"
    # The lock gone, the same drag lands in the file.
    board.drag(qtbot, start, start + QPointF(150, 90))
    assert board.case.placement(board.board_id, note.card_id).x == on_file.x + 150
    assert note.geometry[:2] == (on_file.x + 150, on_file.y + 90) and _links_follow(note)


def test_a_resize_the_file_refuses_goes_back_to_the_files_size(board, qtbot):
    errors: list[str] = []
    board.view.error.connect(errors.append)
    note = board.scene.cards[board.ids["note"]]
    on_file = board.case.placement(board.board_id, note.card_id)
    board.click(note.card_rect().center())
    handle = note.mapToScene(note.resize_handle().center())
    with write_lock_held(board.case.path):
        board.drag(qtbot, handle, handle + QPointF(60, 40))
    assert len(errors) == 1
    assert note.card_rect().size().toTuple() == (on_file.width, on_file.height)
    assert _links_follow(note)
