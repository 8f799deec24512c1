"""The graphics items of a board: a CardItem per placed card, a LinkItem per link.

Both draw through ``evidence_board.render`` so the screen matches exports.
Items hold a copy of their records, changed by the BoardScene when the
services report a change; the gestures in ``interactions`` only move and
resize cards live (their links follow, see ``following``) until the drop.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPicture
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem, QStyleOptionGraphicsItem, QWidget

from evidence_board.model import Card, CardKind, Link, Placement
from evidence_board.render.card_painter import BLOCK_DETAIL, RADIUS, paint_card
from evidence_board.render.context import LINK_Z, RenderContext, stacking_z
from evidence_board.render.link_painter import (
    ARROW_LENGTH, LABEL_DETAIL, LinkGeometry, clip_segment_floats, label_rect, link_bounds, link_geometry_floats,
    link_shape, link_ends_rects, link_line, link_pen, paint_link, paint_link_ends,
)
from evidence_board.ui.board.following import LinkFollower
from evidence_board.ui.board.label_layer import LabelLayer
from evidence_board.ui.board.link_layer import LinkLayer

_Flag = QGraphicsItem.GraphicsItemFlag
_CARD_FLAGS = _Flag.ItemIsSelectable
# Looked up once: each enum attribute read costs microseconds, and itemChange
# is called for every change of every item (adding 20,000 links made 40,000).
_SELECTED_CHANGED = QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged
# ItemUsesExtendedStyleOption for option.exposedRect: a long line is only stroked where it shows.
_LINK_FLAGS = _Flag.ItemIsSelectable | _Flag.ItemUsesExtendedStyleOption
_LAYER_LINK_FLAGS = _LINK_FLAGS | _Flag.ItemHasNoContents  # the scene's LinkLayer draws it
_DEVICE_CACHE = QGraphicsItem.CacheMode.DeviceCoordinateCache
_ACCENTS: dict[int, tuple[QColor, int]] = {}  # see CardItem.far_accent

MARGIN = 16.0  # room around a card for its shadow, selection outline, badge and handles
HANDLE = 10.0
HANDLE_DETAIL = 0.3
# Longer lines (in board units, |dx| + |dy|) are stroked only where they show, not replayed.
LONG_LINK = 2400.0  # handles are only offered when they are big enough to hit


class CardItem(QGraphicsRectItem):
    """One card on one board, at its placement.

    A QGraphicsRectItem whose rect is the card's bounding rectangle (card,
    shadow, outline and handles), never drawn as a rectangle: Qt asks every
    item in view for its bounding rect several times a frame, and answering
    from C++ instead of a Python ``boundingRect`` took about a tenth off a
    pan step on bench/board_bench.py's 10,000-card board.
    """

    def __init__(self, card: Card, placement: Placement, context: RenderContext,
                 parent: QGraphicsItem | None = None) -> None:
        super().__init__(parent)
        self.card = card
        self.placement = placement
        self.context = context
        self.card_id = card.id
        self.is_group = card.kind is CardKind.GROUP  # a card's kind never changes
        self.made = 0  # when its scene added it (the scene's count, see BoardScene._drop_removed)
        self.links: set[LinkItem] = set()
        self._rect = QRectF(0, 0, placement.width, placement.height)
        self._bounds = self._rect.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
        # Qt's default pen is never drawn (paint is ours); it widens the rect Qt
        # indexes by half a unit each side, which is harmless.
        self.setRect(self._bounds)
        # Where the card is, as plain floats: links read it thousands of times per
        # load or drag, and asking Qt for pos() each time costs more than the math.
        # It is a copy of pos() kept by setPos, never set by anyone else.
        self.geometry = (placement.x, placement.y, placement.width, placement.height)
        self.centre: QPointF | None = None  # the overview's line end, made when it asks (far_centre)
        # The overview's block colour and its rgba, made when it asks (far_accent).
        self.accent: tuple[QColor, int] | None = None
        # Qt keeps each card's picture at the current zoom: panning and
        # dragging are blits; a zoom step or an update() draws it again.
        self.setCacheMode(_DEVICE_CACHE)
        QGraphicsItem.setPos(self, placement.x, placement.y)
        self.setFlags(_CARD_FLAGS)
        self.setZValue(stacking_z(card, placement))
        # The scene's LabelLayer, told where this card was and is, so labels keep off it.
        self.labels: LabelLayer | None = None
        # The scene's LinkFollower, told when this card moves, so its links follow.
        self.follower: LinkFollower | None = None

    def far_accent(self) -> tuple[QColor, int]:
        """The colour the far-away overview fills this card's block with, and its rgba,
        kept until the card changes (10 ms of each redraw of 10,000 blocks)."""
        accent = self.accent
        if accent is None:
            colour = self.context.palette.accent(self.card)
            rgba = colour.rgba()
            # One pair per colour, shared by the cards that have it (a pair each
            # was 6 MB on a 100,000-card board).
            accent = self.accent = _ACCENTS.setdefault(rgba, (colour, rgba))
        return accent

    def far_centre(self) -> QPointF:
        """Where the far-away overview's lines meet this card (see overview_layer),
        kept until the card moves: its 20,000 lines as QLineFs took 26 ms of
        each 58-ms redraw of bench/board_bench.py's board, as pairs of these 4 ms."""
        centre = self.centre
        if centre is None:
            x, y, w, h = self.geometry
            centre = self.centre = QPointF(x + w / 2, y + h / 2)
        return centre

    def _tell_labels(self) -> None:
        if self.labels is not None and (self.follower is None or not self.follower.quiet):
            self.labels.changed(*self.geometry)

    def card_rect(self) -> QRectF:
        """The card's rectangle in scene coordinates (follows a drag live)."""
        return QRectF(*self.geometry)

    def setPos(self, *where: Any) -> None:  # noqa: N802 (Qt's name)
        """Move the card: (x, y) or a point. Its geometry and links follow.

        Qt's elasticnodes example does this in ``itemChange``. Here it is
        the one setter instead, because a Python ``itemChange`` is handed
        every change of every card (flags, stacking, scene, selection), each
        converted to Python enums first: opening bench/board_bench.py's
        100,000-card board took 8.3 s that way and 6.0 s this way. Qt never
        moves a card itself (no card is ItemIsMovable); every mover is ours.
        """
        super().setPos(*where)
        if len(where) == 1:
            x, y = where[0].x(), where[0].y()
        else:
            x, y = where
        if (x, y) == self.geometry[:2]:
            return
        self._tell_labels()
        self.geometry = (float(x), float(y), self.geometry[2], self.geometry[3])
        self.centre = None
        self._tell_labels()
        if self.follower is not None:
            self.follower.moved(self)

    def moveBy(self, dx: float, dy: float) -> None:  # noqa: N802 (Qt's name)
        self.setPos(self.geometry[0] + dx, self.geometry[1] + dy)

    def set_card(self, card: Card) -> None:
        self.card = card
        self.accent = None
        if self.is_group:
            self._tell_labels()  # its title may have grown or shrunk
        self.update()

    def set_placement(self, placement: Placement) -> None:
        """Take a new placement (its links follow, see following)."""
        x, y, width, height = self.geometry  # (floats: no Qt call per card of a bulk change)
        if placement.width != width or placement.height != height:
            self.set_size(placement.width, placement.height)
        self.placement = placement
        if x != placement.x or y != placement.y:
            self.setPos(placement.x, placement.y)
        z = stacking_z(self.card, placement)
        if self.zValue() != z:
            self.setZValue(z)

    def set_size(self, width: float, height: float) -> None:
        self._tell_labels()
        self._rect = QRectF(0, 0, width, height)
        self._bounds = self._rect.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
        self.setRect(self._bounds)
        self.geometry = (self.geometry[0], self.geometry[1], width, height)
        self.centre = None
        self._tell_labels()
        if self.follower is not None:
            self.follower.moved(self)

    # -- handles ----------------------------------------------------------

    def resize_handle(self) -> QRectF:
        r = self._rect
        return QRectF(r.right() - HANDLE / 2, r.bottom() - HANDLE / 2, HANDLE, HANDLE)

    def link_handle(self) -> QRectF:
        r = self._rect
        return QRectF(r.right() - HANDLE / 2 + 7, r.center().y() - HANDLE / 2 - 1, HANDLE + 2, HANDLE + 2)

    def handle_at(self, local: QPointF, scale: float) -> str | None:
        """"resize", "link" or None: which handle of a selected card is under ``local``."""
        if not self.isSelected() or scale < HANDLE_DETAIL:
            return None
        slack = 3.0 / max(scale, 0.01)
        if self.link_handle().adjusted(-slack, -slack, slack, slack).contains(local):
            return "link"
        if self.resize_handle().adjusted(-slack, -slack, slack, slack).contains(local):
            return "resize"
        return None

    # -- Qt overrides -----------------------------------------------------

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(self._rect, RADIUS, RADIUS)
        if self.isSelected():
            path.addRect(self.resize_handle())
            path.addEllipse(self.link_handle())
        return path

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        detail = option.levelOfDetailFromTransform(painter.worldTransform())
        selected = self.isSelected()
        if detail >= BLOCK_DETAIL:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        paint_card(painter, self.card, self._rect, detail=detail, context=self.context, selected=selected)
        if selected and detail >= HANDLE_DETAIL:
            self._paint_handles(painter)

    def _paint_handles(self, painter: QPainter) -> None:
        colour = self.context.palette.selection
        painter.setPen(QPen(QColor("#ffffff"), 1.5))
        painter.setBrush(colour)
        painter.drawRect(self.resize_handle())
        painter.drawEllipse(self.link_handle())
        centre = self.link_handle().center()
        painter.setPen(QPen(QColor("#ffffff"), 1.6))
        painter.drawLine(QPointF(centre.x() - 3, centre.y()), QPointF(centre.x() + 3, centre.y()))
        painter.drawLine(QPointF(centre.x(), centre.y() - 3), QPointF(centre.x(), centre.y() + 3))


class LinkItem(QGraphicsRectItem):
    """A link between two CardItems; its geometry follows them (``follow``).

    Like CardItem, a QGraphicsRectItem holding its bounding rectangle so Qt
    reads it without calling Python; while the scene's LinkLayer draws it,
    the item has no contents of its own (Qt then skips it when painting).
    """

    def __init__(self, link: Link, source: CardItem, target: CardItem, context: RenderContext,
                 parent: QGraphicsItem | None = None, lane_offset: float = 0.0) -> None:
        super().__init__(parent)
        self.link = link
        self.link_id = link.id
        self.source = source
        self.target = target
        self.context = context
        self.lane_offset = lane_offset
        self.geometry = LinkGeometry(QPointF(), QPointF(), False)
        self._ends = (0.0, 0.0, 0.0, 0.0)
        # The cards' geometry the line was worked out from; pos() (as floats,
        # ``_offset``) is how far both have slid alike since.
        self._basis: tuple = ((0.0, 0.0, 0.0, 0.0), (0.0, 0.0, 0.0, 0.0))
        self.attached = True  # False once its scene removed it (detach)
        self.made = 0  # when its scene added it (the scene's count, see BoardScene._drop_removed)
        self.is_long = False
        self._picture: QPicture | None = None
        self._plan: tuple | None = None  # a long link's pen, line and ends (see _long_plan)
        self._picture_key: tuple = ()
        self._bounds = QRectF()
        self._area: tuple[float, float, float, float] | None = None  # _bounds as floats, None if empty
        self._shape: QPainterPath | None = None
        self._offset = (0.0, 0.0)  # pos() as floats
        # The scene's LinkLayer draws this link (see link_layer); None: the item paints itself.
        self.layer: LinkLayer | None = None
        # The scene's LabelLayer draws its label (see label_layer); None: the item draws it.
        self.labels: LabelLayer | None = None
        self.setFlags(_LINK_FLAGS)
        self.setZValue(LINK_Z)
        source.links.add(self)
        target.links.add(self)
        self.refresh()

    def detach(self) -> None:
        self.attached = False
        self.source.links.discard(self)
        self.target.links.discard(self)
        self._mark()
        if self.layer is not None:
            self.layer.forget(self)

    def refresh_layer(self) -> None:
        """Draw this link's area again (it was just put on its layers)."""
        if self.layer is not None:
            self.setFlags(_LAYER_LINK_FLAGS)
        self._mark()
        if self.is_long:
            self.layer.follow(self)

    def long_cells(self, cell: float, margin: float) -> set[tuple[int, int]]:
        """The grid cells (of side ``cell``, in scene units) within ``margin`` of the line."""
        x0, y0, x1, y1 = self._ends
        x0, y0, x1, y1 = x0 + self._offset[0], y0 + self._offset[1], x1 + self._offset[0], y1 + self._offset[1]
        cells: set[tuple[int, int]] = set()
        dx, dy = x1 - x0, y1 - y0
        for i in range(int((min(x0, x1) - margin) // cell), int((max(x0, x1) + margin) // cell) + 1):
            # The part of the line within this column (widened by the margin).
            if abs(dx) < 1e-9:
                ya, yb = y0, y1
            else:
                ta = min(max((i * cell - margin - x0) / dx, 0.0), 1.0)
                tb = min(max(((i + 1) * cell + margin - x0) / dx, 0.0), 1.0)
                ya, yb = y0 + dy * ta, y0 + dy * tb
            for j in range(int((min(ya, yb) - margin) // cell), int((max(ya, yb) + margin) // cell) + 1):
                cells.add((i, j))
        return cells

    def _mark(self, moved: bool = True) -> None:
        """Tell the layers where this link draws (before and after each change; ``moved``
        False: only its look changed, its label stays where it is)."""
        area = self._area
        if area is None:
            return
        x, y, w, h = area
        dx, dy = self._offset
        if moved and self.labels is not None:
            self.labels.changed(x + dx, y + dy, w, h)
        layer = self.layer
        if layer is not None and not layer.redraw_pending:
            layer.mark(x + dx, y + dy, w, h)

    def set_link(self, link: Link, source: CardItem, target: CardItem) -> None:
        if source is not self.source or target is not self.target:  # reversed, or re-pointed by a merge
            self.source.links.discard(self)
            self.target.links.discard(self)
            self.source, self.target = source, target
            source.links.add(self)
            target.links.add(self)
        self.link = link
        self._picture = None
        self._plan = None
        self.refresh()

    def follow(self, marked: bool = False) -> None:
        """Its cards moved (see following): if both slid alike since the line
        was worked out, move it whole, else work it out again. Moving whole
        keeps the line's recorded picture and its rect in Qt's index: a new
        bounding rect is the slow part of moving a link. ``marked``: the layers
        were told everything changed (a big batch), a whole move need not mark."""
        (sx, sy, sw, sh), (tx, ty, tw, th) = self.source.geometry, self.target.geometry
        (bx, by, bw, bh), (cx, cy, cw, ch) = self._basis
        dx, dy = sx - bx, sy - by
        if (sw, sh, tw, th) == (bw, bh, cw, ch) and abs(tx - cx - dx) < 1e-6 and abs(ty - cy - dy) < 1e-6:
            if (dx, dy) != self._offset:
                if not marked:
                    self._mark()
                self._offset = (dx, dy)
                self.setPos(dx, dy)
                if not marked:
                    self._mark()
                if self.is_long and self.layer is not None:
                    self.layer.follow(self)
            return
        self.refresh()

    def refresh(self) -> None:
        """Work the line out again from the cards' current rectangles and its lane.

        ``geometry`` is in item coordinates: at pos (0, 0) until the cards
        slide on together (see ``follow``).
        """
        new = link_geometry_floats(self.source.geometry, self.target.geometry, self.lane_offset)
        was_long = self.is_long
        self._mark()
        self._basis = (self.source.geometry, self.target.geometry)
        if self._offset != (0.0, 0.0):
            self.setPos(0.0, 0.0)
            self._offset = (0.0, 0.0)
        self.geometry = new
        self._picture = None
        self._plan = None
        self.is_long = abs(new.end.x() - new.start.x()) + abs(new.end.y() - new.start.y()) > LONG_LINK
        self._ends = (self.geometry.start.x(), self.geometry.start.y(), self.geometry.end.x(), self.geometry.end.y())
        self._bounds = link_bounds(self.geometry, self.link.label, self.context)
        self._area = None if self._bounds.isEmpty() else self._bounds.getRect()
        self.setRect(self._bounds)
        self._shape = None
        self._mark()
        if self.layer is not None and (self.is_long or was_long):
            self.layer.follow(self)

    def scene_ends(self) -> tuple[float, float, float, float]:
        """The line's ends in scene coordinates, as floats (x0, y0, x1, y1)."""
        x0, y0, x1, y1 = self._ends
        dx, dy = self._offset
        return x0 + dx, y0 + dy, x1 + dx, y1 + dy

    def scene_geometry(self) -> LinkGeometry:
        """``geometry`` in scene coordinates (a drag may have shifted the item)."""
        dx, dy = self._offset
        if not dx and not dy:
            return self.geometry
        shift = QPointF(dx, dy)
        return LinkGeometry(self.geometry.start + shift, self.geometry.end + shift, self.geometry.visible)

    def label_rect(self) -> QRectF:
        """Where the label's plate is drawn (scene coordinates): its placed spot, else the middle."""
        spot = self.labels.placer.spot(self.link_id) if self.labels is not None else None
        if spot is not None:
            return QRectF(*spot.rect)
        return label_rect(self.scene_geometry(), self.link.label, self.context)

    def shape(self) -> QPainterPath:
        if self._shape is None:
            self._shape = link_shape(self.geometry, "", self.context)
        return self._shape

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:
        if change == _SELECTED_CHANGED:
            self._mark(moved=False)
            if self.labels is not None:
                self.labels.restyle(self.link_id)
        return value

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if self.layer is not None:
            return  # the layer drew it
        self.draw(painter, option.exposedRect, option.levelOfDetailFromTransform(painter.worldTransform()),
                  in_item=True)

    def draw(self, painter: QPainter, exposed: QRectF, detail: float, in_item: bool = False) -> None:
        """Paint the link where it meets ``exposed`` (scene coordinates; item ones if ``in_item``)."""
        dx, dy = (0.0, 0.0) if in_item else self._offset
        # A long link's bounding box covers much of the board; most frames
        # that ask for it do not show its line. Leave before any Qt call.
        x, y, w, h = exposed.getRect()
        x, y = x - dx, y - dy
        # Its arrowheads reach ARROW_LENGTH past the line's ends (its label is the label layer's).
        reach = ARROW_LENGTH + 2
        if clip_segment_floats(self._ends, x - reach, y - reach, x + w + reach, y + h + reach) is None:
            return
        if dx or dy:
            painter.translate(dx, dy)
        if self.is_long:
            self._draw_long(painter, QRectF(x, y, w, h), detail)
        else:
            # A short link is recorded once per look (level of detail, selected)
            # and replayed by Qt: one Python call per link, not twenty.
            key = (detail >= LABEL_DETAIL, detail >= BLOCK_DETAIL, self.isSelected())
            if self._picture is None or self._picture_key != key:
                self._picture = QPicture()
                recorder = QPainter(self._picture)
                recorder.setRenderHint(QPainter.RenderHint.Antialiasing, key[1])
                recorder.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
                paint_link(recorder, self.link, QRectF(), QRectF(), detail=detail, context=self.context,
                           selected=key[2], geometry=self.geometry)
                recorder.end()
                self._picture_key = key
            painter.drawPicture(0, 0, self._picture)
        if dx or dy:
            painter.translate(-dx, -dy)

    def _long_plan(self, detail: float) -> tuple:
        """What a long link draws, worked out once per look: pen, line ends, arrowheads and label."""
        key = (detail >= LABEL_DETAIL, detail >= BLOCK_DETAIL, self.isSelected())
        if self._plan is None or self._plan[0] != key:
            pen = link_pen(self.link, detail, self.context, key[2])
            line = link_line(self.link, self.geometry)
            ends, rects = None, []
            if key[0] and self.geometry.visible:
                ends = QPicture()
                recorder = QPainter(ends)
                recorder.setRenderHint(QPainter.RenderHint.Antialiasing, True)
                recorder.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
                paint_link_ends(recorder, self.link, self.geometry, self.context, key[2])
                recorder.end()
                rects = link_ends_rects(self.link, self.geometry, self.context)
            self._plan = (key, pen, line.x1(), line.y1(), line.x2(), line.y2(), line.length(), ends, rects)
        return self._plan

    def _draw_long(self, painter: QPainter, visible: QRectF, detail: float) -> None:
        """Stroke only the part of the line inside ``visible`` (item coordinates); ends if they show."""
        if not self.geometry.visible:
            return
        key, pen, x0, y0, x1, y1, length, ends, rects = self._long_plan(detail)
        x, y, w, h = visible.getRect()
        part = clip_segment_floats((x0, y0, x1, y1), x - 20, y - 20, x + w + 20, y + h + 20)
        if part is not None and length > 0:
            t0, t1 = part
            if t0 > 0 and pen.style() == Qt.PenStyle.CustomDashLine and pen.widthF() > 0:
                pen = QPen(pen)
                pen.setDashOffset(length * t0 / pen.widthF())  # the dashes stay where they were
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, key[1])
            painter.setPen(pen)
            dx, dy = x1 - x0, y1 - y0
            painter.drawLine(QLineF(x0 + dx * t0, y0 + dy * t0, x0 + dx * t1, y0 + dy * t1))
        if ends is not None and any(rect.intersects(visible) for rect in rects):
            painter.drawPicture(0, 0, ends)
