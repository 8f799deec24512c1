"""How a link looks: border to border, arrowheads, strength, a readable label.

A link runs between the borders of its two cards (not their centres), with an
arrowhead at the end it points to (both ends for ``both``), a solid, dashed
or dotted line for confirmed, unconfirmed and tentative, and its label on an
opaque rounded plate (``paint_label``) at the spot ``label_placement`` found
for it: on its line where that is free, else slid along it, else beside it
with a leader. Plates are drawn after every line and card, so nothing is
drawn over one. Several links between the same two cards run side by side
in lanes (``link_lanes``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPainterPathStroker, QPen, QPolygonF

from evidence_board.model import Direction, Link, Strength
from evidence_board.render.context import RenderContext
from evidence_board.render.label_geometry import clip_segment_floats
from evidence_board.render.label_placement import PLATE_HEIGHT, PLATE_MAX_WIDTH, LabelSpot, arrow_boxes

LANE_SPACING = 22.0
LINE_WIDTH = 1.6
ARROW_LENGTH = 11.0
ARROW_HALF_WIDTH = 5.0
LABEL_DETAIL = 0.3  # below this zoom a label could not be read; it is left out
LABEL_HEIGHT = PLATE_HEIGHT
LABEL_MAX_WIDTH = PLATE_MAX_WIDTH


@dataclass(slots=True)
class LinkGeometry:
    start: QPointF  # on the border of the card the link comes from
    end: QPointF  # on the border of the card it goes to
    visible: bool  # False when the cards overlap so no line is left between them

    @property
    def middle(self) -> QPointF:
        return (self.start + self.end) / 2


def link_lanes(links: Iterable[Link]) -> dict[str, float]:
    """Each link's sideways offset, in lanes, so links between the same pair stay apart.

    The offset is measured on the normal of the pair ordered by card id, so a
    link A->B and a link B->A land in different lanes too.
    """
    by_pair: dict[tuple[str, str], list[Link]] = {}
    for link in links:
        pair = tuple(sorted((link.from_card, link.to_card)))
        by_pair.setdefault(pair, []).append(link)  # type: ignore[arg-type]
    offsets: dict[str, float] = {}
    for pair, group in by_pair.items():
        group.sort(key=lambda l: (l.created_at, l.id))
        middle = (len(group) - 1) / 2
        for index, link in enumerate(group):
            sign = 1.0 if link.from_card == pair[0] else -1.0
            offsets[link.id] = (index - middle) * sign
    return offsets


def _exit_point(x: float, y: float, w: float, h: float, px: float, py: float,
                dx: float, dy: float) -> tuple[float, float] | None:
    """Where the ray from (px, py) along (dx, dy) leaves the rectangle (None if it starts outside).

    Plain floats, not QPointF/QRectF: this runs twice per link whenever a
    board loads or a card moves, and Qt object calls cost more than the math.
    """
    if not (x <= px <= x + w and y <= py <= y + h):
        return None
    t = math.inf
    if dx > 0:
        t = (x + w - px) / dx
    elif dx < 0:
        t = (x - px) / dx
    if dy > 0:
        t = min(t, (y + h - py) / dy)
    elif dy < 0:
        t = min(t, (y - py) / dy)
    if t == math.inf:
        return None
    return px + dx * t, py + dy * t


def link_geometry(from_rect: QRectF, to_rect: QRectF, lane_offset: float = 0.0) -> LinkGeometry:
    """The line between two card rectangles, shifted ``lane_offset`` lanes sideways."""
    return link_geometry_floats(from_rect.getRect(), to_rect.getRect(), lane_offset)


Rect = tuple[float, float, float, float]


def link_geometry_floats(from_rect: Rect, to_rect: Rect, lane_offset: float = 0.0) -> LinkGeometry:
    """link_geometry on (x, y, width, height) tuples."""
    fx, fy, fw, fh = from_rect
    tx, ty, tw, th = to_rect
    ax, ay = fx + fw / 2, fy + fh / 2
    bx, by = tx + tw / 2, ty + th / 2
    dx, dy = bx - ax, by - ay
    length = math.hypot(dx, dy)
    if length < 1e-6:
        return LinkGeometry(QPointF(ax, ay), QPointF(bx, by), False)
    if lane_offset:
        # The normal of the pair in a fixed orientation (see link_lanes).
        shift = lane_offset * LANE_SPACING
        # Keep lanes inside the smaller card so the line still starts on a border.
        limit = min(fw, fh, tw, th) / 2 - 4
        scale = min(1.0, max(0.0, limit) / abs(shift))
        nx, ny = -dy / length * shift * scale, dx / length * shift * scale
        ax, ay, bx, by = ax + nx, ay + ny, bx + nx, by + ny
    start = _exit_point(fx, fy, fw, fh, ax, ay, dx, dy) or (ax, ay)
    end = _exit_point(tx, ty, tw, th, bx, by, -dx, -dy) or (bx, by)
    # The cards overlap when the clipped line points backwards.
    visible = (end[0] - start[0]) * dx + (end[1] - start[1]) * dy > 0
    return LinkGeometry(QPointF(*start), QPointF(*end), visible)


def label_width(label: str, context: RenderContext) -> float:
    """The width of the plate a label sits on (its words and a margin, at most LABEL_MAX_WIDTH)."""
    return min(LABEL_MAX_WIDTH, context.text_width(" ".join(label.split()), context.fonts.label) + 16)


def label_rect(geometry: LinkGeometry, label: str, context: RenderContext) -> QRectF:
    """The plate a label would take centred on the middle of the line (where placing starts)."""
    if not label:
        return QRectF()
    width = label_width(label, context)
    middle = geometry.middle
    return QRectF(middle.x() - width / 2, middle.y() - LABEL_HEIGHT / 2, width, LABEL_HEIGHT)


def link_arrow_boxes(link: Link, geometry: LinkGeometry) -> list[tuple[float, float, float, float]]:
    """Rectangles around the link's arrowheads (plates keep off them)."""
    ends = (geometry.start.x(), geometry.start.y(), geometry.end.x(), geometry.end.y())
    arrows = (link.direction is Direction.BOTH, link.direction in (Direction.FORWARD, Direction.BOTH))
    return arrow_boxes(ends, arrows, ARROW_LENGTH, ARROW_HALF_WIDTH)


def link_shape(geometry: LinkGeometry, label: str, context: RenderContext, width: float = 10.0) -> QPainterPath:
    """The area that picks the link under the mouse: a band along the line (its plate is
    picked where it was placed, see LabelPlacer.link_at)."""
    path = QPainterPath(geometry.start)
    path.lineTo(geometry.end)
    stroker = QPainterPathStroker()
    stroker.setWidth(width)
    return stroker.createStroke(path)


def link_bounds(geometry: LinkGeometry, label: str, context: RenderContext) -> QRectF:
    """A rectangle that holds everything paint_link may draw."""
    x0, y0, x1, y1 = geometry.start.x(), geometry.start.y(), geometry.end.x(), geometry.end.y()
    left, right = min(x0, x1) - ARROW_LENGTH, max(x0, x1) + ARROW_LENGTH
    top, bottom = min(y0, y1) - ARROW_LENGTH, max(y0, y1) + ARROW_LENGTH
    if label:
        # An upper bound from the length (no glyph is wider than the font's
        # pixel size): measuring thousands of labels would slow every load.
        half = min(LABEL_MAX_WIDTH, len(label) * context.fonts.label.pixelSize() + 16) / 2 + 2
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        left, right = min(left, mx - half), max(right, mx + half)
        top, bottom = min(top, my - LABEL_HEIGHT / 2 - 2), max(bottom, my + LABEL_HEIGHT / 2 + 2)
    return QRectF(left, top, right - left, bottom - top)


_SOLID, _FLAT = Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap
_DASHES = {Strength.UNCONFIRMED: [5.0, 3.5], Strength.TENTATIVE: [1.2, 2.4]}


def _pen(link: Link, colour: QColor, width: float, cosmetic: bool) -> QPen:
    # Flat caps: Qt strokes a round-capped antialiased line (and every dash
    # of it) as curves, twenty to fifty times slower than flat ends.
    pen = QPen(colour, width, _SOLID, _FLAT)
    if cosmetic:
        pen.setCosmetic(True)
    dashes = _DASHES.get(link.strength)
    if dashes is not None:
        pen.setDashPattern(dashes)
    return pen


def _arrowhead(tip: QPointF, back: QPointF) -> QPolygonF:
    # The length as Qt measures it (QLineF), the rest on floats: the same numbers
    # as with a QPointF for the base, without it (two per link an export).
    length = QLineF(tip, back).length()
    if length < 1e-6:
        return QPolygonF()
    tx, ty = tip.x(), tip.y()
    ux, uy = (back.x() - tx) / length, (back.y() - ty) / length
    bx, by = tx + ux * ARROW_LENGTH, ty + uy * ARROW_LENGTH
    return QPolygonF([tip, QPointF(bx - uy * ARROW_HALF_WIDTH, by + ux * ARROW_HALF_WIDTH),
                      QPointF(bx + uy * ARROW_HALF_WIDTH, by - ux * ARROW_HALF_WIDTH)])


def clip_segment(start: QPointF, end: QPointF, rect: QRectF) -> tuple[float, float] | None:
    """The part of the segment inside ``rect``, as fractions (t0, t1) of its length (Liang-Barsky)."""
    return clip_segment_floats((start.x(), start.y(), end.x(), end.y()),
                               rect.left(), rect.top(), rect.right(), rect.bottom())


def link_colour(link: Link, context: RenderContext, selected: bool = False) -> QColor:
    palette = context.palette
    if selected:
        return QColor(palette.selection)
    colour = QColor(link.colour) if link.colour else QColor(palette.link)
    return colour if colour.isValid() else QColor(palette.link)


def link_pen(link: Link, detail: float, context: RenderContext, selected: bool = False) -> QPen:
    """The pen a link's line is stroked with at this level of detail."""
    far = detail < LABEL_DETAIL
    width = LINE_WIDTH + (1.0 if selected else 0.0)
    return _pen(link, link_colour(link, context, selected), 1.0 if far else width, cosmetic=far)


def link_line(link: Link, geometry: LinkGeometry) -> QLineF:
    """The stroked part of the line: it stops short of an arrow's tip so a dash does not blunt it."""
    start, end = geometry.start, geometry.end
    line_start = _shorten(start, end, ARROW_LENGTH * 0.8) if link.direction is Direction.BOTH else start
    line_end = _shorten(end, start, ARROW_LENGTH * 0.8) if link.direction is not Direction.NONE else end
    return QLineF(line_start, line_end)


def paint_link(painter: QPainter, link: Link, from_rect: QRectF | None, to_rect: QRectF | None, *, detail: float,
               context: RenderContext, lane_offset: float = 0.0, selected: bool = False,
               geometry: LinkGeometry | None = None, visible: QRectF | None = None) -> None:
    """Draw ``link`` between two card rectangles (board coordinates).

    ``geometry`` may be passed when the caller computed it already (the two
    rectangles are then not needed: an export passes None). With
    ``visible`` (the exposed area), only the part of a long line inside it
    is stroked: a dashed line across a huge board otherwise costs
    milliseconds of dashes nobody sees.
    """
    geometry = geometry or link_geometry(from_rect, to_rect, lane_offset)  # type: ignore[arg-type]
    if not geometry.visible:
        return
    if visible is not None and clip_segment(geometry.start, geometry.end,
                                            visible.adjusted(-LABEL_MAX_WIDTH, -30, LABEL_MAX_WIDTH, 30)) is None:
        return  # its bounding box is in view, the line itself is not
    pen = link_pen(link, detail, context, selected)
    line = link_line(link, geometry)
    if visible is not None:
        part = clip_segment(line.p1(), line.p2(), visible.adjusted(-20, -20, 20, 20))
        if part is None:
            line = QLineF()
        elif part != (0.0, 1.0):
            if pen.style() == Qt.PenStyle.CustomDashLine and pen.widthF() > 0:
                # Keep the dashes where they were on the whole line.
                pen.setDashOffset(line.length() * part[0] / pen.widthF())
            line = QLineF(line.pointAt(part[0]), line.pointAt(part[1]))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(pen)
    if not line.isNull():
        painter.drawLine(line)
    if detail >= LABEL_DETAIL:
        paint_link_ends(painter, link, geometry, context, selected)


def paint_link_ends(painter: QPainter, link: Link, geometry: LinkGeometry, context: RenderContext,
                    selected: bool = False) -> None:
    """The arrowheads: what a link shows at its ends when close enough (its label is drawn
    later, above the cards, by paint_label)."""
    if not geometry.visible:
        return
    colour = link_colour(link, context, selected)
    start, end = geometry.start, geometry.end
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    if link.direction in (Direction.FORWARD, Direction.BOTH):
        painter.drawPolygon(_arrowhead(end, start))
    if link.direction is Direction.BOTH:
        painter.drawPolygon(_arrowhead(start, end))


def link_ends_rects(link: Link, geometry: LinkGeometry, context: RenderContext) -> list[QRectF]:
    """Where paint_link_ends draws: around each arrow tip."""
    reach = ARROW_LENGTH + 2
    return [QRectF(point.x() - reach, point.y() - reach, 2 * reach, 2 * reach)
            for point in (geometry.start, geometry.end)]


def _shorten(point: QPointF, towards: QPointF, by: float) -> QPointF:
    line = QLineF(point, towards)
    if line.length() <= by:
        return point
    return line.pointAt(by / line.length())


def paint_leader(painter: QPainter, link: Link, spot: LabelSpot, context: RenderContext,
                 selected: bool = False) -> None:
    """The short line from a plate placed beside its link to the link (drawn before every plate)."""
    if spot.leader is None:
        return
    colour = link_colour(link, context, selected)
    x0, y0, x1, y1 = spot.leader
    painter.setPen(QPen(colour, 1.0))
    painter.setBrush(colour)
    painter.drawLine(QLineF(x0, y0, x1, y1))
    painter.drawEllipse(QPointF(x0, y0), 2.2, 2.2)


def paint_label(painter: QPainter, link: Link, spot: LabelSpot, context: RenderContext,
                selected: bool = False) -> None:
    """A link's label on its opaque plate at ``spot`` (its leader: paint_leader)."""
    palette, font = context.palette, context.fonts.label
    colour = link_colour(link, context, selected)
    plate = QRectF(spot.x, spot.y, spot.width, spot.height)
    painter.setPen(QPen(colour if selected else palette.label_border, 1.5 if selected else 1.0))
    painter.setBrush(palette.label_plate)
    painter.drawRoundedRect(plate, LABEL_HEIGHT / 2, LABEL_HEIGHT / 2)
    static = context.elided(link.label, font, plate.width() - 14)
    metrics = context.metrics(font)
    painter.setFont(font)
    painter.setPen(palette.text)
    painter.drawStaticText(QPointF(plate.center().x() - static.size().width() / 2,
                                   plate.center().y() - metrics.height() / 2), static)
