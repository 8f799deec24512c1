"""Painting a whole board without a QGraphicsScene, for exports.

Uses the same card and link painters and the same stacking order as the
board window (group frames, then links, then cards, each by z, then group
titles and link labels above everything), so a PDF, PNG or SVG shows what
the user saw. Labels sit where ``label_placement`` puts them: clear of
cards, titles, arrowheads and each other.
"""

from __future__ import annotations

from collections.abc import Collection

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QTransform

from evidence_board.model import Placement
from evidence_board.model import CardKind
from evidence_board.render.board_labels import board_label_placer
from evidence_board.render.card_painter import group_backing, paint_card, paint_group_title
from evidence_board.render.context import LINK_Z, RenderContext, stacking_z
from evidence_board.render.label_placement import LabelPlacer, LabelSpot
from evidence_board.render.link_painter import (
    LABEL_DETAIL, LinkGeometry, link_bounds, link_geometry_floats, link_lanes, paint_label, paint_leader, paint_link,
)
from evidence_board.store.reading import BoardContents


def placement_rect(placement: Placement) -> QRectF:
    return QRectF(placement.x, placement.y, placement.width, placement.height)


def board_bounds(contents: BoardContents, margin: float = 40.0) -> QRectF:
    """The rectangle around every card of the board, with a margin (empty board: empty rect)."""
    bounds = QRectF()
    for placement in contents.placements.values():
        bounds = bounds.united(placement_rect(placement))
    if bounds.isEmpty():
        return bounds
    return bounds.adjusted(-margin, -margin, margin, margin)


def paint_board(painter: QPainter, contents: BoardContents, source_rect: QRectF, context: RenderContext, *,
                target_rect: QRectF | None = None, detail: float = 1.0,
                numbers: dict[str, int] | None = None, background: bool = True,
                labels: LabelPlacer | None = None, hidden: Collection[str] = (),
                geometries: dict[str, LinkGeometry] | None = None) -> None:
    """Draw the part of the board inside ``source_rect``.

    With ``target_rect`` the board area is scaled (aspect kept, centred) onto
    that rectangle of the paint device; without it the painter's current
    transform maps board coordinates. ``detail`` is the level of detail
    cards are drawn at (1.0: everything, as exports want). ``numbers`` maps
    card ids to the badge numbers to draw on them. ``labels`` (from
    ``board_label_placer``) places the labels; pass the same one for every
    tile of an export so a label straddling two tiles is drawn alike on both.
    ``hidden`` cards are not drawn, though their links are (a PDF tile leaves
    out a card it would cut: the card is whole on another tile). ``geometries``
    (``board_labels.link_geometries`` of ``contents``) are the links' lines, when
    the caller has them (a ``labels`` of ``board_label_placer`` has them too).
    """
    painter.save()
    try:
        if target_rect is not None and not source_rect.isEmpty():
            painter.setTransform(board_transform(source_rect, target_rect), True)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        painter.setClipRect(source_rect, Qt.ClipOperation.IntersectClip)
        if background:
            painter.fillRect(source_rect, context.palette.board)
        if detail >= LABEL_DETAIL and labels is None:
            labels = board_label_placer(contents, context, geometries)
        if geometries is None:
            # The label source has every link's line already (the same lanes, the same cards).
            source = getattr(labels, "source", None)
            geometries = source.geometries if getattr(source, "contents", None) is contents else {}
        lanes: dict[str, float] | None = None  # only for a link without its line
        for _z, kind, item_id in _stacking(contents):
            if kind == "card":
                if item_id in hidden:
                    continue
                rect = placement_rect(contents.placements[item_id])
                if rect.intersects(source_rect):
                    paint_card(painter, contents.cards[item_id], rect, detail=detail, context=context,
                               number=(numbers or {}).get(item_id))
            else:
                geometry = geometries.get(item_id)
                if geometry is None and lanes is None:
                    lanes = link_lanes(contents.links.values())
                _paint_link(painter, contents, item_id, lanes.get(item_id, 0.0) if lanes else 0.0, source_rect,
                            detail, context, geometry)
        _paint_titles(painter, contents, source_rect, detail, context, hidden)
        if detail >= LABEL_DETAIL and labels is not None:
            _paint_labels(painter, contents, labels, source_rect, context)
    finally:
        painter.restore()


def board_transform(source_rect: QRectF, target_rect: QRectF) -> QTransform:
    """How paint_board maps ``source_rect`` onto ``target_rect``: scaled, aspect kept, centred."""
    scale = min(target_rect.width() / source_rect.width(), target_rect.height() / source_rect.height())
    transform = QTransform()
    transform.translate(target_rect.center().x(), target_rect.center().y())
    transform.scale(scale, scale)
    transform.translate(-source_rect.center().x(), -source_rect.center().y())
    return transform


def _paint_titles(painter: QPainter, contents: BoardContents, source_rect: QRectF, detail: float,
                  context: RenderContext, hidden: Collection[str] = ()) -> None:
    groups = [(stacking_z(card, contents.placements[card_id]), card_id) for card_id, card in contents.cards.items()
              if card.kind is CardKind.GROUP and card_id not in hidden]
    for _z, card_id in sorted(groups):
        rect = placement_rect(contents.placements[card_id])
        if rect.intersects(source_rect):
            card = contents.cards[card_id]
            paint_group_title(painter, card, rect, detail, context, backing=group_backing(card, context))


def _paint_labels(painter: QPainter, contents: BoardContents, labels: LabelPlacer, source_rect: QRectF,
                  context: RenderContext) -> None:
    """The labels of ``contents``' links that show in ``source_rect``, where ``labels`` placed them.

    A ``labels`` with ``paint_labels`` draws them itself (the SVG export's, which
    may have placed and drawn them in another process: exporters/label_fork).
    """
    area = source_rect.getRect()
    own = getattr(labels, "paint_labels", None)
    if own is not None:
        own(painter, contents, area, context)
        return
    labels.ensure(area)
    paint_placed_labels(painter, contents, labels.spots_in(area), context)


def paint_placed_labels(painter: QPainter, contents: BoardContents, spots: dict[str, LabelSpot],
                        context: RenderContext) -> None:
    """Link labels at their placed ``spots``: every leader first, then every plate, so no leader crosses a plate."""
    shown = [(contents.links[link_id], spot) for link_id, spot in sorted(spots.items()) if link_id in contents.links]
    for link, spot in shown:
        paint_leader(painter, link, spot, context)
    for link, spot in shown:
        paint_label(painter, link, spot, context)


def _stacking(contents: BoardContents) -> list[tuple[float, str, str]]:
    order: list[tuple[float, str, str]] = []
    for card_id, placement in contents.placements.items():
        order.append((stacking_z(contents.cards[card_id], placement), "card", card_id))
    for link_id in contents.links:
        order.append((LINK_Z, "link", link_id))
    order.sort(key=lambda entry: (entry[0], entry[1] != "link", entry[2]))
    return order


def _paint_link(painter: QPainter, contents: BoardContents, link_id: str, lane_offset: float,
                source_rect: QRectF, detail: float, context: RenderContext,
                geometry: LinkGeometry | None = None) -> None:
    link = contents.links[link_id]
    a, b = contents.placements.get(link.from_card), contents.placements.get(link.to_card)
    if a is None or b is None:
        return
    if geometry is None:
        # link_geometry of the two placements' rectangles, without making them: a
        # QRectF costs more than the arithmetic (20,000 links an export).
        geometry = link_geometry_floats((a.x, a.y, a.width, a.height), (b.x, b.y, b.width, b.height), lane_offset)
    if not link_bounds(geometry, link.label, context).intersects(source_rect):
        return
    paint_link(painter, link, None, None, detail=detail, context=context, geometry=geometry)
