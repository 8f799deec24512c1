"""What a board view shows: its first view, and new work brought into view.

The first view of a board is the whole board if its card titles can be
read that way; otherwise the readable zoom, over the part of the board that
holds the most whole cards (``model.placement.densest_window``). Nothing
is stored: the same board opens at the same view, whoever opens it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF

from evidence_board.model.placement import densest_window

if TYPE_CHECKING:
    from evidence_board.ui.board.view import BoardView

READABLE_TITLE_PX = 8.0  # a card title this tall on screen can be read (14 px titles: 57 % zoom)
MARGIN = 40.0  # board units kept clear around what a view is framed on


def readable_scale(view: BoardView) -> float:
    """The zoom at which card titles are ``READABLE_TITLE_PX`` tall on screen."""
    return READABLE_TITLE_PX / view.board_scene.context.fonts.title.pixelSize()


def fit_scale(view: BoardView, rect: QRectF) -> float:
    """The zoom that fits ``rect`` (with a margin) in the viewport."""
    viewport = view.viewport().rect()
    framed = rect.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
    return min(viewport.width() / max(framed.width(), 1.0), viewport.height() / max(framed.height(), 1.0))


def show_first_view(view: BoardView) -> None:
    """Open a board where its cards can be read (see the module doc)."""
    scene = view.board_scene
    bounds = scene.cards_bounds()
    if bounds.isEmpty():
        view.fit_all()
        return
    readable = readable_scale(view)
    if fit_scale(view, bounds) >= readable:
        view.fit_all()
        return
    viewport = view.viewport().rect()
    width, height = viewport.width() / readable, viewport.height() / readable
    cards = [item.geometry for item in scene.cards.values() if not item.is_group]
    x, y, w, h = densest_window(cards or [item.geometry for item in scene.cards.values()], width, height, MARGIN)
    view.set_scale(readable)
    view.centerOn(x + w / 2, y + h / 2)


def show_cards(view: BoardView, card_ids: Iterable[str]) -> None:
    """Scroll (and zoom out if need be) so these cards are in view; the zoom
    never grows, and cards already in view leave the view where it is."""
    items = [view.board_scene.cards[c] for c in card_ids if c in view.board_scene.cards]
    if not items:
        return
    rect = items[0].card_rect()
    for item in items[1:]:
        rect = rect.united(item.card_rect())
    if view.visible_scene_rect().contains(rect):
        return
    scale = fit_scale(view, rect)
    if scale < view.scale_factor:
        view.set_scale(scale)
    view.centerOn(rect.center())
