"""The far-away look of a board, drawn by one item instead of thousands.

Seen from far away a card is a coloured block (see card_painter). Asking
Qt to draw ten thousand items costs tens of milliseconds even when each is
one rectangle, so below ``OVERVIEW_SCALE`` the scene hides its card and link
layers and this item draws every block and line in a few batched calls.
The batches are rebuilt only after something changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QLineF, QRectF, Qt
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
        self._lines: list[QLineF] = []
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

    def _rebuild(self) -> None:
        self._groups, self._blocks, self._selected, self._lines = [], {}, [], []
        palette = self.context.palette
        for item in sorted(self._cards(), key=lambda i: i.placement.z):
            rect = QRectF(*item.geometry)
            if item.is_group:
                self._groups.append(rect)
                continue
            if item.isSelected():
                self._selected.append(rect)
                continue
            colour = palette.accent(item.card)
            key = colour.rgba()
            entry = self._blocks.get(key)
            if entry is None:
                entry = self._blocks[key] = (colour, [])
            entry[1].append(rect)
        # Centre to centre, from the cards' own geometry: at this scale the
        # difference to border-to-border is below a pixel, and it follows a
        # drag without touching the link items.
        self._lines = []
        for source, target in self._links():
            ax, ay, aw, ah = source.geometry
            bx, by, bw, bh = target.geometry
            self._lines.append(QLineF(ax + aw / 2, ay + ah / 2, bx + bw / 2, by + bh / 2))
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
