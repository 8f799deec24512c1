"""Every link of a board drawn by one item that keeps its own picture of the view.

Each link stays a LinkItem (selection, hit tests, label editing), but the
items draw nothing themselves: at 100% a viewport crosses dozens of long
dashed lines whose antialiased rasterising alone costs more than a frame.
This layer keeps what it drew as a pixmap of the viewport. A repaint is
one blit; a pan scrolls the pixmap and draws only the two strips that came
into view. (Qt's DeviceCoordinateCache does the same for an item bigger
than the view, but unites a diagonal pan's two strips into their bounding
rectangle: the whole view, every time.) A link that changes marks its old
and new rectangles dirty (``mark``); many marks at once redraw everything.

Measured on bench/board_bench.py's 10,000-card board at 100% (same run): a
full repaint took 6-9 ms with this layer and 15-16 ms with the link items
painting themselves (the layer hidden, each item drawing its exposed part).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, QSizeF, Qt
from PySide6.QtGui import QPainter, QPixmap, QTransform
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from evidence_board.render.context import LINK_Z

if TYPE_CHECKING:
    from evidence_board.ui.board.items import LinkItem

# Long links are found through a grid of cells their lines cross: by its
# bounding box, a long diagonal link meets nearly every strip a pan exposes.
CELL = 512.0
CELL_MARGIN = 40.0  # what a line's arrowheads and a strip's margins reach beyond it
# More dirty rectangles than this before a paint redraw the whole picture.
MAX_MARKS = 200


class _ViewPicture:
    """The links as one view saw them: a pixmap and the transform it was drawn at."""

    __slots__ = ("pixmap", "transform", "dirty", "full")

    def __init__(self) -> None:
        self.pixmap: QPixmap | None = None
        self.transform = QTransform()
        self.dirty: list[QRectF] = []  # scene rectangles to draw again
        self.full = True


class LinkLayer(QGraphicsItem):
    """Draws the LinkItems of its scene that meet what a view shows."""

    def __init__(self) -> None:
        super().__init__()
        self._bounds = QRectF()
        self._pictures: dict[int, _ViewPicture] = {}
        self._long_cells: dict[tuple[int, int], set[LinkItem]] = {}
        self._cells_of: dict[LinkItem, set[tuple[int, int]]] = {}
        self._stale: set[LinkItem] = set()
        self._marks = 0  # since the last paint
        self.redraw_pending = False
        self.setZValue(LINK_Z)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def set_bounds(self, bounds: QRectF) -> None:
        if bounds != self._bounds:
            self.prepareGeometryChange()
            self._bounds = QRectF(bounds)
            self.redraw()

    def redraw(self) -> None:
        """Draw every link again at the next paint (until then, marks have nothing to add)."""
        for picture in self._pictures.values():
            picture.full = True
            picture.dirty.clear()
        self.redraw_pending = True
        self.update()

    def mark(self, x: float, y: float, width: float, height: float) -> None:
        """A link drew (or will draw) in this scene rectangle: draw it again at the next paint."""
        if self.redraw_pending:
            return
        self._marks += 1
        if self._marks > MAX_MARKS or not self._pictures:
            self.redraw()
            return
        rect = QRectF(x, y, width, height)
        for picture in self._pictures.values():
            if not picture.full:
                picture.dirty.append(rect)
        self.update(rect)

    def follow(self, link: LinkItem) -> None:
        """A long link (or one that was) moved: find its cells again before the next paint."""
        self._stale.add(link)

    def forget(self, link: LinkItem) -> None:
        self._stale.discard(link)
        self._unindex(link)

    def _unindex(self, link: LinkItem) -> None:
        for cell in self._cells_of.pop(link, ()):
            members = self._long_cells.get(cell)
            if members is not None:
                members.discard(link)
                if not members:
                    del self._long_cells[cell]

    def _reindex(self) -> None:
        for link in self._stale:
            self._unindex(link)
            if link.is_long and link.scene() is self.scene():
                cells = link.long_cells(CELL, CELL_MARGIN)
                self._cells_of[link] = cells
                for cell in cells:
                    self._long_cells.setdefault(cell, set()).add(link)
        self._stale.clear()

    def _long_links_in(self, rect: QRectF) -> set[LinkItem]:
        found: set[LinkItem] = set()
        cells = self._long_cells
        for i in range(int(rect.left() // CELL), int(rect.right() // CELL) + 1):
            for j in range(int(rect.top() // CELL), int(rect.bottom() // CELL) + 1):
                members = cells.get((i, j))
                if members:
                    found |= members
        return found

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        self._marks = 0
        self.redraw_pending = False
        transform = painter.worldTransform()
        if (widget is None or not isinstance(painter.device(), QWidget)
                or transform.type().value > QTransform.TransformationType.TxScale.value):
            # Not a view on screen (scene.render, view.render into an image): draw straight onto the target.
            self._draw_links(painter, QRectF(option.exposedRect), transform)
            return
        key = id(widget)
        picture = self._pictures.get(key)
        if picture is None:
            picture = self._pictures[key] = _ViewPicture()
            # A later widget may get the same id: the picture goes with this one.
            widget.destroyed.connect(lambda *_args, key=key: self._pictures.pop(key, None))
        self._bring_up_to_date(picture, widget, transform)
        painter.save()
        painter.resetTransform()
        painter.drawPixmap(0, 0, picture.pixmap)
        painter.restore()

    # -- the view's picture -----------------------------------------------------

    def _bring_up_to_date(self, picture: _ViewPicture, widget: QWidget, transform: QTransform) -> None:
        size = widget.size()
        ratio = widget.devicePixelRatioF()
        pixmap = picture.pixmap
        if pixmap is None or pixmap.deviceIndependentSize().toSize() != size or pixmap.devicePixelRatio() != ratio:
            pixmap = picture.pixmap = QPixmap((QSizeF(size) * ratio).toSize())
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)  # gives it an alpha channel: the board shows through
            picture.full = True
        old = picture.transform
        dx, dy = transform.dx() - old.dx(), transform.dy() - old.dy()
        moved = dx or dy
        if (transform.m11() != old.m11() or transform.m22() != old.m22()
                or (moved and (ratio != 1.0 or dx != round(dx) or dy != round(dy)
                               or abs(dx) >= size.width() or abs(dy) >= size.height()))):
            picture.full = True
        picture.transform = QTransform(transform)
        view_rect = QRectF(0, 0, size.width(), size.height())
        if picture.full:
            strips = [view_rect]
        else:
            strips = []
            if moved:
                # The view scrolled by whole pixels: keep what is still in view.
                pixmap.scroll(int(dx), int(dy), pixmap.rect())
                if dx:
                    strips.append(QRectF(0 if dx > 0 else size.width() + dx, 0, abs(dx), size.height()))
                if dy:
                    strips.append(QRectF(0, 0 if dy > 0 else size.height() + dy, size.width(), abs(dy)))
            strips += [transform.mapRect(rect).adjusted(-2, -2, 2, 2).intersected(view_rect)
                       for rect in picture.dirty]
        picture.full = False
        picture.dirty.clear()
        strips = [strip for strip in strips if not strip.isEmpty()]
        if not strips:
            return
        inverse, _ok = transform.inverted()
        painter = QPainter(pixmap)
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        try:
            for strip in strips:
                painter.setClipRect(strip)  # before the fill: the last strip's clip is still set
                painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
                painter.fillRect(strip, Qt.GlobalColor.transparent)
                painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
                painter.setTransform(transform)
                self._draw_links(painter, inverse.mapRect(strip), transform)
                painter.resetTransform()
        finally:
            painter.end()

    def _draw_links(self, painter: QPainter, exposed: QRectF, transform: QTransform) -> None:
        from evidence_board.ui.board.items import LinkItem

        scene = self.scene()
        if scene is None:
            return
        detail = QStyleOptionGraphicsItem.levelOfDetailFromTransform(transform)
        # A link draws its line and arrowheads only (the label layer draws its
        # label), all inside its bounding rect: the exposed rect is the question.
        wanted = exposed
        self._reindex()
        links = [item for item in scene.items(wanted, Qt.ItemSelectionMode.IntersectsItemBoundingRect,
                                              Qt.SortOrder.AscendingOrder)
                 if isinstance(item, LinkItem) and not item.is_long]
        links += self._long_links_in(exposed)
        # Selected links last, so their colour is on top where lines cross.
        links.sort(key=lambda link: (link.isSelected(), link.is_long))
        for link in links:
            link.draw(painter, exposed, detail)
