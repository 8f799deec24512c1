"""Link labels and group titles, drawn by one item above every card.

The link layer draws lines and arrowheads under the cards; this item, at
``LABEL_Z``, draws what must never be hidden: each group's title and each
link's label plate, where the board's ``LabelPlacer`` put it (clear of
cards, titles, arrowheads and other plates, see render/label_placement).
Placing is lazy: a paint places only the labels that may show in the view,
asking the scene's own index what is there (``SceneLabelSource``). Items
tell the layer what changed (``changed``); the labels around it are placed
again at the next paint, the others stay put.

On screen each plate is drawn once per zoom into a small pixmap and then
blitted: antialiasing the rounded plate and its words for the few dozen
labels of a 100% view cost 0.8 ms a frame on bench/board_bench.py's
10,000-card board; the blits cost a tenth of that.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import math

from PySide6.QtCore import QRectF, QSizeF, Qt
from PySide6.QtGui import QPainter, QPixmap, QTransform
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QStyleOptionGraphicsItem, QWidget

from evidence_board.render.board_labels import link_request, title_obstacle
from evidence_board.render.card_painter import BLOCK_DETAIL, group_backing, paint_group_title
from evidence_board.render.label_geometry import LabelSpot
from evidence_board.render.label_placement import REACH, LabelPlacer, LabelRequest, Rect, landing, segment_meets
from evidence_board.model import Direction
from evidence_board.render.link_painter import ARROW_LENGTH, LABEL_DETAIL, link_arrow_boxes, paint_label, paint_leader

if TYPE_CHECKING:
    from evidence_board.ui.board.items import CardItem, LinkItem

LABEL_Z = 1e15  # above every card, whatever "bring to front" gave it
MAX_KEPT_PLATES = 4000


def _meets(a: Rect, b: Rect) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


class SceneLabelSource:
    """The placer's questions answered from a scene's items (its BSP index finds them)."""

    def __init__(self, scene: QGraphicsScene) -> None:
        self.scene = scene

    def load(self, rect: Rect) -> tuple[list[Rect], list[Rect], list[str]]:
        return self.load_many([rect])[0]

    def load_many(self, rects: list[Rect]) -> list[tuple[list[Rect], list[Rect], list[str]]]:
        """``load`` for several rectangles with one question to the scene's index: the long
        links whose bounding boxes meet any region are most of what it returns."""
        from evidence_board.ui.board.items import CardItem, LinkItem

        found: list[tuple[list[Rect], list[Rect], list[str]]] = [([], [], []) for _ in rects]
        nears = [(r[0] - REACH, r[1] - REACH, r[2] + 2 * REACH, r[3] + 2 * REACH) for r in rects]
        reaches = [(r[0] - ARROW_LENGTH, r[1] - ARROW_LENGTH, r[0] + r[2] + ARROW_LENGTH, r[1] + r[3] + ARROW_LENGTH)
                   for r in rects]
        left, top = min(n[0] for n in nears), min(n[1] for n in nears)
        right, bottom = max(n[0] + n[2] for n in nears), max(n[1] + n[3] for n in nears)
        query = QRectF(left, top, right - left, bottom - top)
        for item in self.scene.items(query, Qt.ItemSelectionMode.IntersectsItemBoundingRect):
            if isinstance(item, CardItem):
                box = title_obstacle(item.card, item.geometry, item.context) if item.is_group else item.geometry
                for index, rect in enumerate(rects):
                    if _meets(box, rect):
                        found[index][0].append(box)
            elif isinstance(item, LinkItem):
                # Plain floats first: a region meets the bounding boxes of a hundred
                # long links whose lines pass nowhere near it.
                if not item.geometry.visible:
                    continue
                ends = item.scene_ends()
                part = landing(ends) if item.link.label else None
                arrows = item.link.direction is not Direction.NONE
                for index, rect in enumerate(rects):
                    if part is not None and segment_meets(part, nears[index]):
                        found[index][2].append(item.link_id)
                    box = reaches[index]
                    if arrows and (box[0] <= ends[2] <= box[2] and box[1] <= ends[3] <= box[3]
                                   or box[0] <= ends[0] <= box[2] and box[1] <= ends[1] <= box[3]):
                        found[index][1].extend(b for b in link_arrow_boxes(item.link, item.scene_geometry())
                                               if _meets(b, rect))
        for _solids, _arrows, labels in found:
            labels.sort()
        return found

    def request(self, link_id: str) -> LabelRequest | None:
        item = getattr(self.scene, "links", {}).get(link_id)
        if item is None:
            return None
        return link_request(item.link, item.scene_geometry(), item.context)


class LabelLayer(QGraphicsItem):
    """Draws the group titles and link labels of its scene above the cards."""

    def __init__(self, scene: QGraphicsScene) -> None:
        super().__init__()
        self._scene = scene
        self._bounds = QRectF()
        self.groups: dict[str, CardItem] = {}
        self.placer = LabelPlacer(SceneLabelSource(scene), on_forget=self._forgotten)
        self._plates: dict[tuple, QPixmap] = {}  # each plate as drawn at a zoom (see _plate_pixmap)
        self.setZValue(LABEL_Z)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        # For option.exposedRect: a pan's strip draws only the plates in it.
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)

    def set_bounds(self, bounds: QRectF) -> None:
        if bounds != self._bounds:
            self.prepareGeometryChange()
            self._bounds = QRectF(bounds)

    def changed(self, x: float, y: float, width: float, height: float) -> None:
        """A card, link or title in this scene rectangle changed: place the labels around it again."""
        self.placer.invalidate((x, y, width, height))

    def place_all_again(self) -> None:
        """Everything may have moved: place every label again at the next paint."""
        self.placer.clear()
        self.update()

    def restyle(self, link_id: str) -> None:
        """A link's look changed (selected or not): draw its plate again."""
        spot = self.placer.spot(link_id)
        if spot is not None:
            self.update(QRectF(*spot.bounds()))

    def link_at(self, x: float, y: float) -> str | None:
        """The link whose plate is drawn at this scene point."""
        return self.placer.link_at(x, y)

    def _forgotten(self, rect: Rect) -> None:
        self.update(QRectF(*rect))

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        transform = painter.worldTransform()
        detail = QStyleOptionGraphicsItem.levelOfDetailFromTransform(transform)
        if detail < BLOCK_DETAIL:
            return
        exposed = QRectF(option.exposedRect)
        area = exposed.getRect()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        for group in sorted(self.groups.values(), key=lambda g: g.zValue()):
            if _meets(group.geometry, area):
                rect = group.card_rect()
                paint_group_title(painter, group.card, rect, detail, group.context,
                                  backing=group_backing(group.card, group.context))
        if detail < LABEL_DETAIL:
            return
        view = exposed
        if widget is not None:
            inverse, invertible = transform.inverted()
            if invertible:
                view = inverse.mapRect(QRectF(widget.rect()))
        for rect in self.placer.ensure(view.getRect()):
            if not exposed.contains(QRectF(*rect)):
                self.update(QRectF(*rect))  # placed now, partly outside what this paint covers
        links = getattr(self._scene, "links", {})
        shown = [(links[link_id], spot) for link_id, spot in sorted(self.placer.spots_in(area).items())
                 if link_id in links]
        for item, spot in shown:  # every leader before every plate: none crosses a plate
            paint_leader(painter, item.link, spot, item.context, item.isSelected())
        if widget is None or transform.type().value > QTransform.TransformationType.TxScale.value:
            for item, spot in shown:  # an export of the scene, or a turned view: straight onto the target
                paint_label(painter, item.link, spot, item.context, item.isSelected())
            return
        painter.save()
        painter.resetTransform()
        scale, dx, dy, ratio = transform.m11(), transform.dx(), transform.dy(), widget.devicePixelRatioF()
        kept, floor = self._plates, math.floor
        for item, spot in shown:
            left, top = spot.x * scale + dx, spot.y * scale + dy
            x, y = floor(left) - 2, floor(top) - 2
            selected = item.isSelected()
            key = (item.link_id, item.link.label, spot.x, spot.y, spot.width, scale, round(left - x, 3),
                   round(top - y, 3), selected, ratio)
            pixmap = kept.get(key)
            if pixmap is None:
                pixmap = self._plate_pixmap(key, item, spot, transform, x, y, ratio)
            painter.drawPixmap(x, y, pixmap)
        painter.restore()

    def _plate_pixmap(self, key: tuple, item: LinkItem, spot: LabelSpot, transform: QTransform, x: int, y: int,
                      ratio: float) -> QPixmap:
        """A plate drawn once at this zoom, to blit at (x, y) (whole device pixels) from now on.

        The plate sits at the same fraction of a pixel however the view is
        panned (pans move by whole pixels), so the kept picture is drawn at
        that fraction and blitted exactly where drawing it would have put it.
        """
        if len(self._plates) > MAX_KEPT_PLATES:
            self._plates.clear()
        scale = transform.m11()
        size = QSizeF(spot.width * scale + 5, spot.height * scale + 5) * ratio
        pixmap = QPixmap(size.toSize())
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        recorder = QPainter(pixmap)
        recorder.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        recorder.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        recorder.setTransform(transform * QTransform.fromTranslate(-x, -y))
        paint_label(recorder, item.link, spot, item.context, item.isSelected())
        recorder.end()
        self._plates[key] = pixmap
        return pixmap
