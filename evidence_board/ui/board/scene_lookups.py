"""What is where on a board: the lookups of BoardScene, kept apart so the
scene's module stays about following the services.

They read the scene's own records (each card item's float geometry, the
dicts of items) or Qt's index; far away, where Qt's index may be switched
off for a bulk change, only the records.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QPointF, QRectF

from evidence_board.ui.board.items import CardItem, LinkItem
from evidence_board.ui.board.label_layer import LabelLayer


class SceneLookups:
    """Mixed into BoardScene (a QGraphicsScene), whose attributes these are."""

    cards: dict[str, CardItem]
    links: dict[str, LinkItem]
    label_layer: LabelLayer
    overview_mode: bool

    def cards_bounds(self) -> QRectF:
        """The rectangle around every card (computed from our own records, not Qt's index)."""
        if not self.cards:
            return QRectF()
        geometries = [item.geometry for item in self.cards.values()]
        left = min(g[0] for g in geometries)
        top = min(g[1] for g in geometries)
        right = max(g[0] + g[2] for g in geometries)
        bottom = max(g[1] + g[3] for g in geometries)
        return QRectF(left, top, right - left, bottom - top)

    def label_at(self, pos: QPointF) -> LinkItem | None:
        """The link whose label plate is drawn at ``pos`` (plates are drawn above cards)."""
        link_id = self.label_layer.link_at(pos.x(), pos.y())
        return self.links.get(link_id) if link_id is not None else None

    def selected_cards(self) -> list[CardItem]:
        return [item for item in self.selectedItems() if isinstance(item, CardItem)]

    def selected_links(self) -> list[LinkItem]:
        return [item for item in self.selectedItems() if isinstance(item, LinkItem)]

    def members_of(self, group_id: str) -> list[CardItem]:
        return [item for item in self.cards.values() if item.placement.group_id == group_id]

    def with_members(self, items: Iterable[CardItem]) -> list[CardItem]:
        """The items plus everything inside the groups among them (nested too)."""
        stack = list(items)
        if not any(item.is_group for item in stack):  # nothing inside them (most drags)
            return list({item.card_id: item for item in stack}.values())
        result: dict[str, CardItem] = {}
        children: dict[str, list[CardItem]] | None = None
        while stack:
            item = stack.pop()
            if item.card_id in result:
                continue
            result[item.card_id] = item
            if item.is_group:
                if children is None:
                    children = {}
                    for other in self.cards.values():
                        if other.placement.group_id:
                            children.setdefault(other.placement.group_id, []).append(other)
                stack += children.get(item.card_id, [])
        return list(result.values())

    def card_at(self, pos: QPointF) -> CardItem | None:
        """The topmost card under a scene point (cards before group frames)."""
        if not self.overview_mode:
            for item in self.items(pos):
                if isinstance(item, CardItem):
                    return item
            return None
        # Far away Qt's index may be switched off or out of date (a bulk change):
        # the cards' own float geometry is searched (QRectF.contains, edges in).
        px, py = pos.x(), pos.y()
        best: CardItem | None = None
        for item in self.cards.values():
            x, y, w, h = item.geometry
            if x <= px <= x + w and y <= py <= y + h and (
                    best is None or (best.is_group, -best.zValue()) > (item.is_group, -item.zValue())):
                best = item
        return best

    def cards_in(self, rect: QRectF) -> list[CardItem]:
        """Cards whose rectangle meets ``rect`` (works in the overview too)."""
        if not self.overview_mode:
            return [item for item in self.items(rect) if isinstance(item, CardItem)
                    and item.card_rect().intersects(rect)]
        left, top, width, height = rect.normalized().getRect()
        right, bottom = left + width, top + height
        if width <= 0 or height <= 0:
            return []
        # QRectF.intersects on the float geometry (a card is never empty).
        return [item for item in self.cards.values()
                if (g := item.geometry)[0] < right and left < g[0] + g[2] and g[1] < bottom and top < g[1] + g[3]]

    def groups(self) -> list[CardItem]:
        return [item for item in self.cards.values() if item.is_group]

    def group_at(self, pos: QPointF, exclude: set[str], groups: list[CardItem] | None = None) -> CardItem | None:
        """The innermost group frame under ``pos`` that is not one of ``exclude``."""
        best: CardItem | None = None
        for item in self.groups() if groups is None else groups:
            if item.card_id not in exclude and item.card_rect().contains(pos) and (
                    best is None or item.card_rect().width() * item.card_rect().height()
                    < best.card_rect().width() * best.card_rect().height()):
                best = item
        return best
