"""Every link of a board drawn by one cached item, so a frame is a blit.

Each link stays a LinkItem (selection, hit tests, label editing), but the
items draw nothing themselves: at 100% a viewport crosses dozens of long
dashed lines whose antialiased rasterising alone costs more than a frame.
This layer asks Qt to keep what it drew as a pixmap of the visible area
(DeviceCoordinateCache): a repaint is one blit and a pan paints only the
strip that scrolled into view. A link that changes marks its old and new
rectangles dirty (``mark``); many marks at once become one full redraw.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from evidence_board.render.context import LINK_Z
from evidence_board.render.link_painter import LABEL_MAX_WIDTH

if TYPE_CHECKING:
    from evidence_board.ui.board_items import LinkItem

# More dirty rectangles than this before a paint redraw the whole layer:
# Qt unites them into one region, which costs more than drawing again.
MAX_MARKS = 200


class LinkLayer(QGraphicsItem):
    """Draws the LinkItems of its scene that meet the exposed area."""

    def __init__(self) -> None:
        super().__init__()
        self._bounds = QRectF()
        self._marks = 0
        self.setZValue(LINK_Z)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def set_bounds(self, bounds: QRectF) -> None:
        if bounds != self._bounds:
            self.prepareGeometryChange()
            self._bounds = QRectF(bounds)
            self._marks = MAX_MARKS + 1
            self.update()

    def mark(self, x: float, y: float, width: float, height: float) -> None:
        """A link drew (or will draw) in this scene rectangle: redraw it at the next paint."""
        if self._marks > MAX_MARKS:
            return
        self._marks += 1
        if self._marks > MAX_MARKS:
            self.update()
        else:
            self.update(QRectF(x, y, width, height))

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        from evidence_board.ui.board_items import LinkItem

        self._marks = 0
        scene = self.scene()
        if scene is None:
            return
        exposed = QRectF(option.exposedRect)
        detail = option.levelOfDetailFromTransform(painter.worldTransform())
        # A label may stick out of the line's rectangle only by what link_bounds allows.
        wanted = exposed.adjusted(-LABEL_MAX_WIDTH / 2, -20, LABEL_MAX_WIDTH / 2, 20)
        links = [item for item in scene.items(wanted, Qt.ItemSelectionMode.IntersectsItemBoundingRect,
                                              Qt.SortOrder.AscendingOrder)
                 if isinstance(item, LinkItem)]
        # Selected links last, so their colour is on top where lines cross.
        links.sort(key=LinkItem.isSelected)
        for link in links:
            link.draw(painter, exposed, detail)
