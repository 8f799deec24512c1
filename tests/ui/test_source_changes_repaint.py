"""A source edited through the service repaints the cards citing it (issue 13, "No side doors").

The render context keeps each source it has drawn; the scene drops what a
Changes names, so a renamed source's quote citation and document card show
the new name at once, exactly as a view opened afresh on the file does.
"""

from __future__ import annotations

from PySide6.QtGui import QImage

from evidence_board.ui.board.scene import BoardScene
from evidence_board.ui.board.view import BoardView
from tests.ui.conftest import fresh_view


def _crop(view: BoardView, scene: BoardScene, card_id: str) -> QImage:
    """The card as it is on screen, in viewport pixels."""
    view.viewport().repaint()
    rect = view.mapFromScene(scene.cards[card_id].card_rect()).boundingRect()
    return view.viewport().grab(rect.adjusted(-2, -2, 2, 2)).toImage()


def test_a_renamed_source_repaints_its_cards(board, qtbot) -> None:
    board.scene.clearSelection()
    source_id = board.case.card(board.ids["quote"]).source_id
    assert board.case.card(board.ids["document"]).source_id == source_id
    cards = ("quote", "document")
    before = {role: _crop(board.view, board.scene, board.ids[role]) for role in cards}
    old = board.case.source(source_id)
    assert board.scene.context.citation(board.case.card(board.ids["quote"])).startswith(old.title)

    board.service.update_source(source_id, title="Harbour authority report", file_name="harbour-2024.pdf")

    quote = board.case.card(board.ids["quote"])
    assert board.scene.context.citation(quote).startswith("Harbour authority report")
    after = {role: _crop(board.view, board.scene, board.ids[role]) for role in cards}
    opened, fresh_scene = fresh_view(qtbot, board)
    fresh = {role: _crop(opened, fresh_scene, board.ids[role]) for role in cards}
    for role in cards:
        assert after[role] != before[role], f"the {role} card still shows the old source"
        assert after[role] == fresh[role], f"the {role} card differs from a view opened afresh"
    before["quote"].save("/tmp/h13_quote_before.png")
    after["quote"].save("/tmp/h13_quote_after.png")
    after["document"].save("/tmp/h13_document_after.png")

    board.service.undo()  # and back again: undo is a Changes naming the source too
    undone = {role: _crop(board.view, board.scene, board.ids[role]) for role in cards}
    assert undone == before
