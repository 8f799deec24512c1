"""The shared painters draw what a user must see, on screen and in a PDF."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest
from PySide6.QtCore import QMarginsF, QPointF, QRectF
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter

from evidence_board.model import Card, CardKind, Link
from evidence_board.render.board_painter import board_bounds, paint_board
from evidence_board.render.card_painter import _grade_plate, paint_card, quoted_excerpt
from evidence_board.render.context import RenderContext
from evidence_board.render.link_painter import link_geometry, link_lanes
from evidence_board.render.specimen import build_specimen_board


@pytest.fixture
def specimen(qapp, case, service, board_id):
    ids = build_specimen_board(service, board_id)
    return case.load_board(board_id), ids


def _render(contents, context, detail=1.0) -> tuple[QImage, QRectF]:
    source = board_bounds(contents)
    image = QImage(int(source.width()), int(source.height()), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("#000000"))
    painter = QPainter(image)
    paint_board(painter, contents, source, context, target_rect=QRectF(image.rect()), detail=detail)
    painter.end()
    return image, source


def _colours_in(image: QImage, rect: QRectF) -> set[int]:
    seen = set()
    for x in range(int(rect.left()), int(rect.right()), 2):
        for y in range(int(rect.top()), int(rect.bottom()), 2):
            seen.add(image.pixel(x, y))
    return seen


def test_every_card_is_drawn_with_text_and_pictures(specimen, case):
    contents, ids = specimen
    context = RenderContext(case)
    image, source = _render(contents, context)
    for role, card_id in ids.items():
        p = contents.placements[card_id]
        inside = QRectF(p.x - source.left(), p.y - source.top(), p.width, p.height).adjusted(12, 12, -12, -12)
        # A drawn card has text and pictures on it: many colours, not a flat fill.
        assert len(_colours_in(image, inside)) > 12, role
    # The photo's image was decoded and drawn: the ship's red superstructure is there.
    photo = contents.placements[ids["photo"]]
    area = QRectF(photo.x - source.left(), photo.y - source.top(), photo.width, photo.height)
    reds = [c for c in _colours_in(image, area) if QColor(c).red() > 150 and QColor(c).green() < 110]
    assert reds


def test_far_away_cards_are_blocks_of_their_colour(specimen, case):
    contents, ids = specimen
    context = RenderContext(case)
    image, source = _render(contents, context, detail=0.1)
    note = contents.placements[ids["note"]]
    centre = QPointF(note.x + note.width / 2 - source.left(), note.y + note.height / 2 - source.top())
    assert QColor(image.pixel(centre.toPoint())) == context.palette.accent(contents.cards[ids["note"]])


def test_pdf_keeps_titles_quotes_citations_and_labels_as_text(specimen, case, tmp_path: Path):
    contents, _ids = specimen
    path = tmp_path / "board.pdf"
    writer = QPdfWriter(str(path))
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Landscape,
                                     QMarginsF(10, 10, 10, 10)))
    painter = QPainter(writer)
    target = QRectF(0, 0, writer.width(), writer.height())
    paint_board(painter, contents, board_bounds(contents), RenderContext(case), target_rect=target)
    painter.end()
    text = " ".join(pymupdf.open(path)[0].get_text().split())
    for expected in ("ICCAS report", "ICCAS report, p. 2", "quoted from", "employed by", "Port of Nampo",
                     "Shipment, March 2003", "2003-04-20", "14 pages"):
        assert expected in text


def test_links_run_border_to_border_and_parallel_links_keep_apart():
    a, b = QRectF(0, 0, 100, 50), QRectF(300, 0, 100, 50)
    geometry = link_geometry(a, b)
    assert geometry.visible
    assert geometry.start.x() == pytest.approx(100) and geometry.end.x() == pytest.approx(300)
    links = [Link("l1", "A", "B", created_at="1"), Link("l2", "A", "B", created_at="2"),
             Link("l3", "B", "A", created_at="3")]
    lanes = link_lanes(links)
    ys = {link.id: link_geometry(a if link.from_card == "A" else b, b if link.to_card == "B" else a,
                                 lanes[link.id]).start.y() for link in links}
    assert len({round(y, 3) for y in ys.values()}) == 3
    # Overlapping cards leave no line to draw.
    assert not link_geometry(QRectF(0, 0, 100, 100), QRectF(10, 10, 100, 100)).visible


def test_damaged_image_draws_a_placeholder_instead_of_failing(qapp, case, service, board_id):
    attachment = case.add_attachment(b"\x89PNG not really", "image/png")
    card = Card("x", CardKind.PHOTO, title="Broken", attachment_id=attachment)
    image = QImage(260, 220, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("#000000"))
    painter = QPainter(image)
    paint_card(painter, card, QRectF(10, 10, 240, 200), detail=1.0, context=RenderContext(case))
    painter.end()
    assert QColor(image.pixel(130, 80)) == RenderContext().palette.image_placeholder


@pytest.mark.parametrize("text, drawn", [
    ("plain words", "plain words\u201d"),
    ("\u201cquoted already\u201d", "quoted already\u201d"),
    ("to \u201cstrengthen relations.\u201d", "to \u201cstrengthen relations.\u201d"),
    ('"straight quotes"', 'straight quotes"'),
    ("\u201copened only", "opened only\u201d"),
])
def test_a_quote_is_closed_once_whatever_marks_it_already_has(text, drawn):
    assert quoted_excerpt(text) == drawn


def test_a_graded_quote_keeps_its_first_line_clear_of_the_badge(qapp):
    context = RenderContext()
    card = Card("q", CardKind.QUOTE, text="m" * 400, reliability="C", credibility=2)
    rect = QRectF(10, 10, 240, 170)
    image = QImage(260, 200, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("#000000"))
    painter = QPainter(image)
    paint_card(painter, card, rect, detail=1.0, context=context)
    painter.end()
    badge = _grade_plate("C2", rect, context)
    # The column just left of the badge is bare card: the words stop before it.
    gap = QRectF(badge.left() - 3, badge.top(), 2, badge.height())
    assert _colours_in(image, gap) == {QColor(context.palette.card).rgba()}
    # ... while the lines below the badge use the card's full width.
    below = QRectF(badge.left() - 3, badge.bottom() + 6, badge.width(), 30)
    assert len(_colours_in(image, below)) > 3
