"""Editing on the board: every gesture is one service call, in the file at once, undoable."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPointF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage
from PySide6.QtTest import QTest

from evidence_board.model import CardKind
from tests.conftest import reopen


def _on_disk(board, card_id):
    with reopen(board.case.path) as other:
        return other.placement(board.board_id, card_id)


def test_the_scene_shows_what_the_file_holds(board):
    contents = board.case.load_board(board.board_id)
    assert set(board.scene.cards) == set(contents.cards)
    assert set(board.scene.links) == set(contents.links)


def test_each_kind_of_card_can_be_created_and_is_in_the_file(board, qtbot):
    commands = board.view.commands
    made = {
        CardKind.NOTE: commands.add_card(CardKind.NOTE, QPointF(0, 900)),
        CardKind.ENTITY: commands.add_card(CardKind.ENTITY, QPointF(300, 900), entity_type="place"),
        CardKind.GROUP: commands.add_card(CardKind.GROUP, QPointF(900, 1200)),
    }
    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor("#3f8a83"))
    made[CardKind.PHOTO] = commands.add_photo(image, QPointF(600, 900))
    quote = board.case.card(board.ids["quote"])
    made[CardKind.QUOTE] = board.service.create_card(
        CardKind.QUOTE, board_id=board.board_id, text="another excerpt", source_id=quote.source_id, page=3).created[0]
    made[CardKind.DOCUMENT] = board.service.create_card(
        CardKind.DOCUMENT, board_id=board.board_id, source_id=quote.source_id, x=-400).created[0]
    with reopen(board.case.path) as other:
        for kind, card_id in made.items():
            assert other.card(card_id).kind is kind
            assert other.placement(board.board_id, card_id) is not None
            assert card_id in board.scene.cards
    photo = board.case.card(made[CardKind.PHOTO])
    assert QImage.fromData(board.case.attachment(photo.attachment_id)).pixelColor(3, 3) == QColor("#3f8a83")


def test_paste_text_makes_a_note_and_an_image_a_photo(board):
    QGuiApplication.clipboard().setText("Call the harbour master\nAsk about the 12 March departure")
    board.view.commands.paste(QPointF(0, 1000))
    note = board.case.card(board.view.commands.selected_ids()[0])
    assert (note.kind, note.title, note.text) == (CardKind.NOTE, "Call the harbour master",
                                                   "Ask about the 12 March departure")
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("#b5573b"))
    mime = QMimeData()
    mime.setImageData(image)
    QGuiApplication.clipboard().setMimeData(mime)
    board.view.commands.paste(QPointF(300, 1000))
    photo = board.case.card(board.view.commands.selected_ids()[0])
    assert photo.kind is CardKind.PHOTO and photo.attachment_id is not None


def test_copy_paste_of_cards_copies_the_links_between_them(board):
    board.view.commands.select([board.ids["person"], board.ids["org"]])
    assert board.view.commands.copy()
    links_before = len(board.scene.links)
    board.view.commands.paste(QPointF(2000, 2000))
    new_ids = board.view.commands.selected_ids()
    assert len(new_ids) == 2 and not set(new_ids) & set(board.ids.values())
    assert len(board.scene.links) == links_before + 1  # "employed by" between the copies


def test_dragging_from_the_link_handle_links_two_cards_and_the_label_is_typed_in_place(board, qtbot):
    person = board.scene.cards[board.ids["person"]]
    board.click(board.centre("person"))
    assert person.isSelected()
    handle = person.mapToScene(person.link_handle().center())
    before = set(board.scene.links)
    board.drag(qtbot, handle, board.centre("place"))
    new = set(board.scene.links) - before
    assert len(new) == 1
    link_id = new.pop()
    editor = board.view._label_editor
    assert editor is not None and editor.isVisible()
    QTest.keyClicks(editor, "met at")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    with reopen(board.case.path) as other:
        link = other.link(link_id)
        assert (link.from_card, link.to_card, link.label) == (board.ids["person"], board.ids["place"], "met at")
    assert board.service.undo_label == "Edit link"


def test_moving_several_cards_is_one_undo_step_and_links_follow_live(board, qtbot):
    person, org = board.scene.cards[board.ids["person"]], board.scene.cards[board.ids["org"]]
    start = {cid: (board.scene.cards[cid].placement.x, board.scene.cards[cid].placement.y)
             for cid in (board.ids["person"], board.ids["org"])}
    board.click(board.centre("person"))
    board.click(board.centre("org"), Qt.KeyboardModifier.ControlModifier)
    link = next(l for l in person.links if l.target is org)
    line_before = link.mapToScene(link.geometry.start)
    board.drag(qtbot, board.centre("person"), board.centre("person") + QPointF(0, 200))
    assert link.mapToScene(link.geometry.start).y() == line_before.y() + 200
    for cid in start:
        assert _on_disk(board, cid).y == start[cid][1] + 200
    assert board.service.undo_label == "Move 2 cards"
    board.service.undo()
    for cid, (x, y) in start.items():
        assert (_on_disk(board, cid).x, _on_disk(board, cid).y) == (x, y)
        assert board.scene.cards[cid].pos() == QPointF(x, y)
    assert link.mapToScene(link.geometry.start) == line_before
    board.service.redo()
    assert board.scene.cards[board.ids["person"]].pos().y() == start[board.ids["person"]][1] + 200


def test_two_hundred_cards_dragged_together_are_one_step(board, qtbot):
    specs = [dict(kind="note", title=f"n{i}", x=2000 + (i % 20) * 60, y=(i // 20) * 60, width=50, height=50)
             for i in range(200)]
    ids = board.service.create_cards(specs, board.board_id).created
    board.view.commands.select(ids)
    first = board.scene.cards[ids[0]]
    board.view.centerOn(first.card_rect().center())
    board.drag(qtbot, first.card_rect().center(), first.card_rect().center() + QPointF(100, 40))
    assert board.service.undo_label == "Move 200 cards"
    with reopen(board.case.path) as other:
        assert all(other.placement(board.board_id, cid).x == specs[i]["x"] + 100 for i, cid in enumerate(ids))
    board.service.undo()
    assert all(board.scene.cards[cid].pos().x() == specs[i]["x"] for i, cid in enumerate(ids))


def test_resize_with_the_handle_then_undo_and_redo(board, qtbot):
    note = board.scene.cards[board.ids["note"]]
    board.click(board.centre("note"))
    handle = note.mapToScene(note.resize_handle().center())
    board.drag(qtbot, handle, handle + QPointF(60, 40))
    placement = _on_disk(board, board.ids["note"])
    assert (placement.width, placement.height) == (270, 180)
    board.service.undo()
    assert note.card_rect().size().toTuple() == (210, 140)
    board.service.redo()
    assert note.card_rect().size().toTuple() == (270, 180)


def test_delete_removes_the_card_and_its_links_and_undo_brings_both_back(board):
    org = board.ids["org"]
    links = {l.link_id for l in board.scene.cards[org].links}
    assert len(links) == 4
    board.view.commands.select([org])
    board.view.commands.delete_selection()
    assert org not in board.scene.cards and not links & set(board.scene.links)
    with reopen(board.case.path) as other:
        assert other.card(org) is None
    board.service.undo()
    assert org in board.scene.cards and links <= set(board.scene.links)
    assert {l.link_id for l in board.scene.cards[org].links} == links


def test_arrow_nudges_fold_into_one_undo_step(board):
    board.view.commands.select([board.ids["note"]])
    x = board.scene.cards[board.ids["note"]].pos().x()
    board.view.setFocus()
    for _ in range(3):
        QTest.keyClick(board.view, Qt.Key.Key_Right)
    assert board.scene.cards[board.ids["note"]].pos().x() == x + 30
    board.service.undo()
    assert board.scene.cards[board.ids["note"]].pos().x() == x


def test_moving_a_group_moves_its_cards_and_dropping_a_card_in_adds_it(board, qtbot):
    group = board.scene.cards[board.ids["group"]]
    title_point = group.card_rect().topLeft() + QPointF(300, 20)
    quote_before = board.scene.cards[board.ids["quote"]].pos()
    board.click(title_point)
    assert group.isSelected()
    board.drag(qtbot, title_point, title_point + QPointF(0, -100))
    assert board.scene.cards[board.ids["quote"]].pos() == quote_before + QPointF(0, -100)
    assert board.service.undo_label == "Move 4 cards"
    # Drop the note into the group's empty middle.
    note_centre = board.centre("note")
    target = group.card_rect().center() + QPointF(120, 40)
    board.click(note_centre)
    board.drag(qtbot, note_centre, target)
    assert _on_disk(board, board.ids["note"]).group_id == board.ids["group"]
    board.service.undo()
    assert _on_disk(board, board.ids["note"]).group_id is None


def test_grouping_the_selection_frames_it_in_one_step(board):
    board.view.commands.select([board.ids["person"], board.ids["org"]])
    group_id = board.view.commands.group_selection("Crew and owner")
    frame = board.scene.cards[group_id].card_rect()
    for role in ("person", "org"):
        assert frame.contains(board.scene.cards[board.ids[role]].card_rect())
        assert _on_disk(board, board.ids[role]).group_id == group_id
    assert board.service.undo_label == "Group 2 card(s)"
    board.service.undo()
    assert group_id not in board.scene.cards and _on_disk(board, board.ids["person"]).group_id is None


def test_a_big_board_shows_first_and_makes_its_link_items_while_idle(qtbot, case, service, board_id):
    from evidence_board.render.context import RenderContext
    from evidence_board.ui.board import scene as board_scene
    from evidence_board.ui.board.scene import BoardScene

    specs = [dict(kind="note", title=f"n{i}", x=(i % 40) * 250, y=(i // 40) * 150) for i in range(400)]
    ids = service.create_cards(specs, board_id).created
    service.create_links([dict(from_card=ids[i], to_card=ids[(i + 1) % 400]) for i in range(400)])
    old = board_scene.EAGER_LINKS
    board_scene.EAGER_LINKS = 100
    try:
        scene = BoardScene(service, board_id, RenderContext(case))
        scene2 = BoardScene(service, board_id, RenderContext(case))
    finally:
        board_scene.EAGER_LINKS = old
    assert scene.link_count() == 400 and len(scene.pending_links) == 400
    qtbot.waitUntil(lambda: not scene.pending_links, timeout=5000)
    assert len(scene.links) == 400
    # A change arriving while links wait finds them all made first.
    scene2.pending_links.update({l.link_id: l.link for l in list(scene2.links.values())})
    for link_id in list(scene2.links):
        scene2._remove_link(link_id)
    service.delete_cards([ids[0]])
    assert len(scene2.links) == 398 and not scene2.pending_links
    scene.close()
    scene2.close()


def test_a_big_drag_moves_cards_and_links_together_and_hit_tests_still_find_them(board, qtbot):
    from PySide6.QtWidgets import QGraphicsScene

    from evidence_board.render.link_painter import link_geometry_floats

    specs = [dict(kind="note", title=f"n{i}", x=3000 + (i % 20) * 70, y=(i // 20) * 70, width=50, height=50)
             for i in range(300)]
    ids = board.service.create_cards(specs, board.board_id).created
    board.service.create_links([{"from_card": ids[i % 300], "to_card": ids[(i * 7 + 1) % 300], "label": f"l{i}"}
                                for i in range(400)])
    board.view.commands.select(ids)
    first = board.scene.cards[ids[0]]
    board.view.centerOn(first.card_rect().center())
    board.drag(qtbot, first.card_rect().center(), first.card_rect().center() + QPointF(100, 40))
    assert board.service.undo_label == "Move 300 cards"

    def in_line() -> None:
        # Qt's index is back on, and finds the cards and lines where they now are.
        assert board.scene.itemIndexMethod() == QGraphicsScene.ItemIndexMethod.BspTreeIndex
        for cid in ids[::37]:
            assert board.scene.card_at(board.scene.cards[cid].card_rect().center()).card_id == cid
        for link in [l for l in board.scene.links.values() if l.source.card_id in ids][::41]:
            fresh = link_geometry_floats(link.source.geometry, link.target.geometry, link.lane_offset)
            assert link.mapToScene(link.geometry.start) == fresh.start
            assert link.mapToScene(link.geometry.end) == fresh.end
            assert link in board.scene.items(link.mapToScene(link.geometry.middle))

    assert first.pos() == QPointF(specs[0]["x"] + 100, specs[0]["y"] + 40)
    in_line()
    board.service.undo()
    assert first.pos() == QPointF(specs[0]["x"], specs[0]["y"])
    in_line()


def test_a_pasted_image_is_one_audited_undo_step_through_the_service(board):
    events_before = len(board.case.audit_page(limit=1000))
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("#4b6fa5"))
    mime = QMimeData()
    mime.setImageData(image)
    QGuiApplication.clipboard().setMimeData(mime)
    board.view.commands.paste(QPointF(300, 1200))
    photo_id = board.view.commands.selected_ids()[0]
    assert board.service.undo_label == "Paste Pasted image"
    events = board.case.audit_page(limit=1000)
    assert len(events) == events_before + 1 and events[0].summary == "Paste Pasted image"
    made = {c["key"] for c in events[0].changes if c["table"] == "cards" and c["before"] is None}
    assert made == {photo_id}
    assert events[0].changes[0]["after"]["attachment_id"] == board.case.card(photo_id).attachment_id
    assert photo_id in board.scene.cards and _on_disk(board, photo_id) is not None
    board.service.undo()
    assert photo_id not in board.scene.cards and _on_disk(board, photo_id) is None
    with reopen(board.case.path) as other:
        assert photo_id not in {c.id for c in other.cards()}
