"""Small vector icons, one per entity type, drawn with QPainterPath.

Each icon is built once in a 24 x 24 box and scaled when drawn, so it stays
sharp at any zoom and stays vector in PDF and SVG exports.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPolygonF, QTransform

from evidence_board.model import EntityType


def _person() -> QPainterPath:
    path = QPainterPath()
    path.addEllipse(QRectF(8, 3, 8, 8))
    path.moveTo(4, 21)
    path.cubicTo(4, 14, 8, 12.5, 12, 12.5)
    path.cubicTo(16, 12.5, 20, 14, 20, 21)
    path.closeSubpath()
    return path


def _organisation() -> QPainterPath:
    path = QPainterPath()
    path.addRect(QRectF(5, 4, 10, 17))
    path.addRect(QRectF(15, 10, 5, 11))
    windows = QPainterPath()
    for row in range(4):
        for col in range(2):
            windows.addRect(QRectF(7 + col * 4, 6.5 + row * 3.5, 2, 2))
    return path.subtracted(windows)


def _place() -> QPainterPath:
    path = QPainterPath()
    path.moveTo(12, 22)
    path.cubicTo(7, 15, 5, 12, 5, 9)
    path.cubicTo(5, 5, 8, 2, 12, 2)
    path.cubicTo(16, 2, 19, 5, 19, 9)
    path.cubicTo(19, 12, 17, 15, 12, 22)
    path.closeSubpath()
    hole = QPainterPath()
    hole.addEllipse(QPointF(12, 9), 3, 3)
    return path.subtracted(hole)


def _event() -> QPainterPath:
    path = QPainterPath()
    path.addRoundedRect(QRectF(3, 5, 18, 16), 2, 2)
    inner = QPainterPath()
    inner.addRect(QRectF(5, 10, 14, 9))
    path = path.subtracted(inner)
    for x in (7, 15):
        path.addRect(QRectF(x, 2.5, 2, 5))
    path.addRect(QRectF(7, 12, 4, 3.5))
    return path


def _vehicle() -> QPainterPath:
    path = QPainterPath()
    path.moveTo(2, 16)
    path.lineTo(3.5, 10.5)
    path.lineTo(7, 10)
    path.lineTo(9.5, 6)
    path.lineTo(16.5, 6)
    path.lineTo(19, 10)
    path.lineTo(22, 11)
    path.lineTo(22, 16)
    path.closeSubpath()
    wheels = QPainterPath()
    wheels.addEllipse(QPointF(7, 16.5), 2.8, 2.8)
    wheels.addEllipse(QPointF(17, 16.5), 2.8, 2.8)
    return path.united(wheels)


def _account() -> QPainterPath:
    path = QPainterPath()
    path.addRoundedRect(QRectF(2, 5, 20, 14), 2.5, 2.5)
    stripe = QPainterPath()
    stripe.addRect(QRectF(2, 8, 20, 3))
    chip = QPainterPath()
    chip.addRect(QRectF(5, 13.5, 6, 2.5))
    return path.subtracted(stripe).subtracted(chip)


def _other() -> QPainterPath:
    path = QPainterPath()
    path.addPolygon(QPolygonF([QPointF(12, 2), QPointF(22, 12), QPointF(12, 22), QPointF(2, 12)]))
    path.closeSubpath()
    hole = QPainterPath()
    hole.addEllipse(QPointF(12, 12), 3, 3)
    return path.subtracted(hole)


_BUILDERS = {
    EntityType.PERSON: _person,
    EntityType.ORGANISATION: _organisation,
    EntityType.PLACE: _place,
    EntityType.EVENT: _event,
    EntityType.VEHICLE: _vehicle,
    EntityType.ACCOUNT: _account,
    EntityType.OTHER: _other,
}


@cache
def entity_icon(entity_type: EntityType | None) -> QPainterPath:
    """The icon of an entity type in a 24 x 24 box (OTHER for None)."""
    return _BUILDERS.get(entity_type or EntityType.OTHER, _other)()


def draw_entity_icon(painter: QPainter, entity_type: EntityType | None, box: QRectF, colour: QColor) -> None:
    """Fill the icon, scaled to fit ``box`` and centred in it."""
    side = min(box.width(), box.height())
    scale = side / 24.0
    transform = QTransform()
    transform.translate(box.center().x() - side / 2, box.center().y() - side / 2)
    transform.scale(scale, scale)
    painter.fillPath(transform.map(entity_icon(entity_type)), colour)
