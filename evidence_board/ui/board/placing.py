"""The same card on several boards: Place on board ▸, Paste as the same card, Remove from this board.

A card is one record however many boards show it. These put an existing
card on another board (a new placement) or take it off one; they never copy
it, so an edit on any board shows on all of them. Each is one service call,
so one undo step; the scenes of both boards follow the service's Changes.
Each returns the sentence the status bar shows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMenu

from evidence_board.model import DEFAULT_SIZES, Board
from evidence_board.ui.board.commands import CARDS_MIME, BoardCommands
from evidence_board.ui.board.scene import BoardScene
from evidence_board.ui.plain_text import menu_text, plain_tooltip

if TYPE_CHECKING:
    from evidence_board.ui.board.view import BoardView


def _what(scene: BoardScene, card_ids: list[str]) -> str:
    if len(card_ids) == 1:
        card = scene.case.card(card_ids[0])
        return f"“{card.title}”" if card is not None and card.title else "the card"
    return f"{len(card_ids)} cards"


def other_boards(scene: BoardScene, card_ids: Iterable[str]) -> list[tuple[Board, bool]]:
    """The case's other boards, each with whether every one of these cards is already on it."""
    ids = list(card_ids)
    result = []
    for board in scene.case.boards():
        if board.id != scene.board_id:
            result.append((board, len(scene.case.placements_on(board.id, ids)) == len(ids)))
    return result


def place_on_board(scene: BoardScene, card_ids: list[str], board_id: str) -> str:
    """Put these cards on another board near where they sit on this one, in free space, their layout kept."""
    board = scene.case.board(board_id)
    already = scene.case.placements_on(board_id, card_ids)
    todo = [card_id for card_id in card_ids if card_id not in already and card_id in scene.cards]
    if not todo:
        return f"{_what(scene, card_ids).capitalize()} already on {board.name}: nothing to place."
    rects = {card_id: scene.cards[card_id].geometry for card_id in todo}
    scene.service.place_cards(board_id, scene.service.block_in_free_space(board_id, rects))
    message = f"Placed {_what(scene, todo)} on {board.name} (the same card, not a copy)."
    if already:
        message += f" {len(already)} already there."
    return message


def place_card_here(scene: BoardScene, card_id: str, centre: QPointF) -> str:
    """A card on no board (its board was deleted) put on this one, centred on ``centre`` in free space."""
    card = scene.case.card(card_id)
    if card is None:
        return "That card is no longer in the case."
    width, height = DEFAULT_SIZES[card.kind]
    rect = (centre.x() - width / 2, centre.y() - height / 2, width, height)
    scene.service.place_cards(scene.board_id, scene.service.block_in_free_space(scene.board_id, {card_id: rect}))
    return f"Placed {_what(scene, [card_id])} on this board."


def removal_blocked(scene: BoardScene, card_ids: list[str]) -> str | None:
    """Why "Remove from this board" is greyed out for these cards, or None.

    The model lets a card sit on no board, but then nothing on screen shows
    it; taking a card off its only board is what "Delete from the case" is
    for, and Undo brings it back either way.
    """
    counts = scene.case.board_counts(card_ids)
    only_here = [card_id for card_id in card_ids if counts.get(card_id, 0) <= 1]
    if not only_here:
        return None
    if len(card_ids) == 1:
        return ("This is the card's only board. Use “Delete from the case”, "
                "or place it on another board first.")
    return (f"{len(only_here)} of the {len(card_ids)} selected cards are on no other board. "
            "Place them on another board first, or use “Delete from the case”.")


def remove_from_this_board(scene: BoardScene, card_ids: list[str]) -> str:
    reason = removal_blocked(scene, card_ids)
    if reason is not None:
        return reason
    what = _what(scene, card_ids)
    scene.service.remove_from_board(scene.board_id, card_ids)
    return f"Removed {what} from this board; still in the case and on its other boards."


def copied_cards() -> dict | None:
    """What Copy put on the clipboard for this program: {"case_id", "cards": [...]}, or None."""
    mime = QGuiApplication.clipboard().mimeData()
    if mime is None or not mime.hasFormat(CARDS_MIME):
        return None
    try:
        payload = json.loads(bytes(mime.data(CARDS_MIME).data()).decode())
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return payload if isinstance(payload, dict) and isinstance(payload.get("cards"), list) else None


def paste_same_cards(scene: BoardScene, centre: QPointF) -> str:
    """Ctrl+Shift+V: place the copied cards themselves on this board, centred on ``centre``."""
    payload = copied_cards()
    if payload is None or not payload["cards"]:
        return "Nothing to paste as the same card: copy cards first (Ctrl+C)."
    if payload.get("case_id") != scene.case.case_info().get("case_id"):
        return "The copied cards are from another case: Paste (Ctrl+V) makes copies of them here."
    spots = {c["id"]: c for c in payload["cards"] if isinstance(c, dict) and "id" in c}
    present = {card.id for card in scene.case.cards(list(spots))}
    if not present:
        return "The copied cards are no longer in the case."
    already = [card_id for card_id in spots if card_id in present and card_id in scene.cards]
    todo = [card_id for card_id in spots if card_id in present and card_id not in scene.cards]
    commands = BoardCommands(scene)
    if not todo:
        commands.select(already)
        return f"{_what(scene, already).capitalize()} already on this board (selected)."
    rects = {c: (spots[c]["x"], spots[c]["y"], spots[c]["width"], spots[c]["height"]) for c in todo}
    left = min(x for x, _y, _w, _h in rects.values())
    top = min(y for _x, y, _w, _h in rects.values())
    right = max(x + w for x, _y, w, _h in rects.values())
    bottom = max(y + h for _x, y, _w, h in rects.values())
    dx, dy = centre.x() - (left + right) / 2, centre.y() - (top + bottom) / 2
    moved = {c: (x + dx, y + dy, w, h) for c, (x, y, w, h) in rects.items()}
    scene.service.place_cards(scene.board_id, scene.service.block_in_free_space(scene.board_id, moved))
    commands.select(todo + already)
    message = f"Placed {_what(scene, todo)} here: the same card, so an edit shows on every board."
    if already:
        message += f" {_what(scene, already).capitalize()} already on this board."
    return message


def add_card_menu_entries(view: BoardView, menu: QMenu) -> None:
    """The card menu's Place on board ▸, Remove from this board and Delete from the case."""
    scene = view.board_scene
    ids = [item.card_id for item in scene.selected_cards()]
    writable = not view.read_only
    menu.setToolTipsVisible(True)
    place = menu.addMenu("Place on board")
    place.setToolTipsVisible(True)
    boards = other_boards(scene, ids)
    for board, there in boards:
        # "&" in a board's name would be taken as a shortcut mark.
        action = place.addAction(menu_text(board.name) + (" (already there)" if there else ""),
                                 lambda board_id=board.id: view.notify(view.run(
                                     lambda: place_on_board(scene, ids, board_id))))
        action.setEnabled(writable and not there)
        action.setToolTip("The same card, not a copy: an edit shows on every board it is on.")
    if not boards:
        place.addAction("No other board: Board > New board first").setEnabled(False)
    place.setEnabled(writable)
    remove = menu.addAction("Remove from this board",
                            lambda: view.notify(view.run(lambda: remove_from_this_board(scene, ids))))
    blocked = removal_blocked(scene, ids) if ids else "Nothing selected."
    remove.setEnabled(writable and blocked is None)
    remove.setToolTip(plain_tooltip(blocked or "Takes it off this board only: it stays in the case and on its "
                                    "other boards."))
    delete = menu.addAction("Delete from the case", lambda: view.run(view.commands.delete_selection))
    delete.setEnabled(writable)
    delete.setToolTip("Deletes the card and its links from the case and from every board it is on "
                      "(Undo brings them back).")
