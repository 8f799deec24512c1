"""Each card kind is drawn the way its descriptor (model/card_kinds.py) says: its accent, paper and style."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from evidence_board.model import CARD_KINDS, ENTITY_LOOKS, Card, CardKind, EntityType
from evidence_board.model.card_kinds import PAPERS, STYLES
from evidence_board.render.card_painter import BAND, BLOCK_DETAIL, STYLE_PAINTERS, paint_card
from evidence_board.render.context import Palette, RenderContext

RECT = QRectF(10, 10, 200, 120)
BOARD = QColor("#000000")


def _painted(card: Card, detail: float) -> QImage:
    image = QImage(220, 140, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(BOARD)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    paint_card(painter, card, RECT, detail=detail, context=RenderContext())
    painter.end()
    return image


def _card(kind: CardKind, **fields) -> Card:
    return Card(id=f"{kind.value}-card", kind=kind, title="A card", text="Its text", **fields)


def test_every_style_and_paper_a_descriptor_names_is_drawn_by_someone():
    # "frame" (a group) is drawn apart by paint_card; every other style has its painter.
    assert set(STYLE_PAINTERS) | {"frame"} == set(STYLES)
    palette = Palette()
    for paper in PAPERS:
        if paper != "frame":
            fill, border = palette.paper(paper)
            assert fill.isValid() and border.isValid()
    with pytest.raises(KeyError):
        palette.paper("parchment")


@pytest.mark.parametrize("kind", [k for k in CardKind if k is not CardKind.GROUP])
def test_a_card_wears_its_kinds_accent(qapp, kind):
    accent = QColor(CARD_KINDS[kind].look.accent)  # an entity without a type: its kind's own accent
    card = _card(kind)
    far = _painted(card, BLOCK_DETAIL / 2)  # far away: one block of the accent
    assert QColor(far.pixel(110, 70)) == accent
    near = _painted(card, 1.0)  # close up: the accent band across the top edge
    assert QColor(near.pixel(110, int(RECT.top() + BAND / 2))) == accent
    fill, _border = Palette().paper(CARD_KINDS[kind].look.paper)
    assert QColor(near.pixel(int(RECT.right()) - 4, int(RECT.bottom()) - 8)) == fill


@pytest.mark.parametrize("entity_type", list(EntityType))
def test_an_entity_wears_its_types_accent(qapp, entity_type):
    card = _card(CardKind.ENTITY, entity_type=entity_type)
    far = _painted(card, BLOCK_DETAIL / 2)
    assert QColor(far.pixel(110, 70)) == QColor(ENTITY_LOOKS[entity_type].accent)


def test_a_group_frame_is_tinted_with_its_accent(qapp):
    image = _painted(_card(CardKind.GROUP), 1.0)
    inside = QColor(image.pixel(110, 100))  # the frame's translucent fill over the black board
    accent = QColor(CARD_KINDS[CardKind.GROUP].look.accent)
    assert inside != BOARD
    # Over black, a tint of the accent keeps the accent's proportions between channels.
    assert inside.blue() >= inside.green() >= inside.red() > 0
    assert accent.blue() >= accent.green() >= accent.red()


def test_a_changed_accent_changes_the_drawing(qapp):
    # The painter reads the palette the descriptors fill, not a table of its own.
    palette = Palette()
    palette.kinds[CardKind.NOTE] = QColor("#ff0000")
    image = QImage(220, 140, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(BOARD)
    painter = QPainter(image)
    paint_card(painter, _card(CardKind.NOTE), RECT, detail=BLOCK_DETAIL / 2, context=RenderContext(palette=palette))
    painter.end()
    assert QColor(image.pixel(110, 70)) == QColor("#ff0000")


def test_every_entity_type_with_a_look_has_its_own_icon(qapp):
    from evidence_board.render.icons import _BUILDERS

    assert set(_BUILDERS) == set(ENTITY_LOOKS)  # a new type needs its accent and its icon
    outlines = {entity_type: _BUILDERS[entity_type]().toFillPolygon().toList() for entity_type in ENTITY_LOOKS}
    assert all(outlines.values())
    assert len({tuple((p.x(), p.y()) for p in points) for points in outlines.values()}) == len(outlines)
