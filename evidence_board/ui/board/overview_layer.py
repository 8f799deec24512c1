"""The far-away look of a board, drawn by one item instead of thousands.

Seen from far away a card is a coloured block (see card_painter). Asking
Qt to draw ten thousand items costs tens of milliseconds even when each is
one rectangle, so below ``OVERVIEW_SCALE`` the scene hides its card and link
layers and this item draws every block and line in a few batched calls.
The batches are rebuilt only after something changed.

A drag seen from far away moves the dragged blocks in this picture only
(``preview_drag``): the card items are not on screen then, and moving ten
thousand of them per mouse move cost half a second a step on
bench/board_bench.py's board. They move once, when the service's change
comes back on release.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPixmapCache
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from evidence_board.render.card_painter import BLOCK_DETAIL
from evidence_board.render.context import RenderContext
from evidence_board.ui.board.items import CardItem

OVERVIEW_SCALE = BLOCK_DETAIL


class OverviewItem(QGraphicsItem):
    """Every card as a block and every link as a hairline, in batches by colour."""

    def __init__(self, context: RenderContext, cards: Callable[[], Iterable[CardItem]],
                 links: Callable[[], Iterable[tuple[CardItem, CardItem]]]) -> None:
        super().__init__()
        self.context = context
        self._cards = cards
        self._links = links
        self._bounds = QRectF()
        self._groups: list[QRectF] = []
        self._blocks: dict[int, tuple[QColor, list[QRectF]]] = {}
        self._selected: list[QRectF] = []
        self._lines: list[QPointF] = []  # in pairs: a line from each card's centre
        # A drag in progress: the dragged cards, how far, and what of them moves whole.
        self._dragged: frozenset[str] = frozenset()
        self._drag_offset = (0.0, 0.0)
        self._moving: dict[int, tuple[QColor, list[QRectF]]] = {}  # by colour, groups' frames first
        self._moving_groups: list[QRectF] = []
        self._moving_lines: list[QPointF] = []
        self._stretched: list[tuple[CardItem, CardItem]] = []  # links from a dragged card to a still one
        self._dirty = True
        self.setZValue(10.0)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, False)
        # Qt keeps what this item drew as a pixmap of the visible area: a
        # frame that only scrolls, or repaints, is a blit. Zooming or a
        # change (invalidate -> update) draws the batches again.
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        if QPixmapCache.cacheLimit() < 65536:
            QPixmapCache.setCacheLimit(65536)  # KB: room for a few full-screen overviews

    def invalidate(self, bounds: QRectF) -> None:
        """Something changed: rebuild the batches at the next paint."""
        self._dirty = True
        if bounds != self._bounds:
            self.prepareGeometryChange()
            self._bounds = QRectF(bounds)
        self.update()

    def preview_drag(self, card_ids: frozenset[str], dx: float, dy: float) -> None:
        """Draw these cards (and their links) moved by (dx, dy); an empty set ends the preview."""
        if card_ids != self._dragged:
            self._dragged = card_ids
            self._dirty = True
        self._drag_offset = (dx, dy)
        self.update()

    def _rebuild(self) -> None:
        self._groups, self._blocks, self._selected, self._lines = [], {}, [], []
        self._moving, self._moving_groups, self._moving_lines, self._stretched = {}, [], [], []
        dragged = self._dragged
        palette = self.context.palette
        for item in sorted(self._cards(), key=lambda i: i.placement.z):
            rect = QRectF(*item.geometry)
            if item.card_id in dragged:
                if item.is_group:
                    self._moving_groups.append(rect)
                    continue
                colour = palette.selection if item.isSelected() else item.far_accent()[0]
                self._moving.setdefault(colour.rgba(), (colour, []))[1].append(rect)
                continue
            if item.is_group:
                self._groups.append(rect)
                continue
            if item.isSelected():
                self._selected.append(rect)
                continue
            colour, key = item.far_accent()
            entry = self._blocks.get(key)
            if entry is None:
                entry = self._blocks[key] = (colour, [])
            entry[1].append(rect)
        # Centre to centre, from the cards' own geometry: at this scale the
        # difference to border-to-border is below a pixel, and it follows a
        # drag without touching the link items.
        lines = self._lines
        for source, target in self._links():
            if dragged:
                moving = (source.card_id in dragged) + (target.card_id in dragged)
                if moving == 1:
                    self._stretched.append((source, target))
                    continue
                if moving:
                    self._moving_lines += (source.far_centre(), target.far_centre())
                    continue
            a, b = source.centre, target.centre
            lines += (source.far_centre() if a is None else a, target.far_centre() if b is None else b)
        self._dirty = False

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if self._dirty:
            self._rebuild()
        palette = self.context.palette
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        pen = QPen(palette.group_border, 0)
        painter.setPen(pen)
        painter.setBrush(palette.group_fill)
        if self._groups:
            painter.drawRects(self._groups)
        if self._lines:
            # Opaque and light: a translucent pen takes the raster engine's slow path.
            painter.setPen(QPen(palette.overview_link, 0))
            painter.drawLines(self._lines)
        painter.setPen(Qt.PenStyle.NoPen)
        for colour, rects in self._blocks.values():
            painter.setBrush(colour)
            painter.drawRects(rects)
        if self._selected:
            painter.setBrush(palette.selection)
            painter.drawRects(self._selected)
        if self._dragged:
            self._paint_drag(painter)

    def _paint_drag(self, painter: QPainter) -> None:
        palette = self.context.palette
        dx, dy = self._drag_offset
        dragged = self._dragged
        stretched = []
        for source, target in self._stretched:
            ax, ay, aw, ah = source.geometry
            bx, by, bw, bh = target.geometry
            sx, sy = (dx, dy) if source.card_id in dragged else (0.0, 0.0)
            tx, ty = (dx, dy) if target.card_id in dragged else (0.0, 0.0)
            stretched.append(QLineF(ax + aw / 2 + sx, ay + ah / 2 + sy, bx + bw / 2 + tx, by + bh / 2 + ty))
        painter.setPen(QPen(palette.overview_link, 0))
        if stretched:
            painter.drawLines(stretched)
        painter.translate(dx, dy)
        if self._moving_lines:
            painter.drawLines(self._moving_lines)
        if self._moving_groups:
            painter.setPen(QPen(palette.group_border, 0))
            painter.setBrush(palette.group_fill)
            painter.drawRects(self._moving_groups)
        painter.setPen(Qt.PenStyle.NoPen)
        for colour, rects in self._moving.values():
            painter.setBrush(colour)
            painter.drawRects(rects)
        painter.translate(-dx, -dy)
