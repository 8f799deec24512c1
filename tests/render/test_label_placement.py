"""Link labels are never hidden: not by a card, a group's title or another label, nor struck by a line.

The sample case (opened read-only) and a crowded generated board are drawn
through paint_board; the placement is checked against the board, and each
plate in the picture against the plate drawn alone.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter, QTransform

from evidence_board.model import CardKind
from evidence_board.render.board_labels import board_label_placer
from evidence_board.render.board_painter import board_bounds, paint_board
from evidence_board.render.card_painter import group_backing, group_title_rect, paint_group_title
from evidence_board.render.context import RenderContext
from evidence_board.sample import sample_case_path
from evidence_board.store import CaseFile
from tests.render.label_checks import crowded_board, overdrawn_plates, plate_problems


@pytest.fixture
def sample_case(qapp):
    with CaseFile.open(sample_case_path(), read_only=True) as case:
        yield case


@pytest.fixture
def crowded(qapp, case, service, board_id):
    crowded_board(service, board_id)
    return case


def _draw(contents, context, placer, scale: float = 1.0) -> tuple[QImage, QTransform]:
    bounds = board_bounds(contents)
    image = QImage(int(bounds.width() * scale) + 1, int(bounds.height() * scale) + 1, QImage.Format.Format_RGB32)
    transform = QTransform.fromScale(scale, scale) * QTransform.fromTranslate(-bounds.left() * scale,
                                                                             -bounds.top() * scale)
    transform = QTransform().scale(scale, scale).translate(-bounds.left(), -bounds.top())
    painter = QPainter(image)
    painter.setTransform(transform)
    paint_board(painter, contents, bounds, context, labels=placer)
    painter.end()
    return image, transform


def _drawn_spots(contents, placer) -> dict:
    return {link_id: (link, placer.spot(link_id), False) for link_id, link in contents.links.items()
            if placer.spot(link_id) is not None}


@pytest.mark.parametrize("which", ["sample", "crowded"])
def test_no_label_is_covered_struck_or_cut(which, request):
    case = request.getfixturevalue("sample_case" if which == "sample" else "crowded")
    contents = case.load_board(case.boards()[0].id)
    context = RenderContext(case)
    placer = board_label_placer(contents, context)
    image, transform = _draw(contents, context, placer)
    labelled = [link for link in contents.links.values() if link.label]
    assert len(labelled) > 40  # a board with something to get wrong
    assert plate_problems(contents, placer, context) == []
    spots = _drawn_spots(contents, placer)
    assert len(spots) == len(labelled)
    assert overdrawn_plates(image, transform, spots, context) == []


def test_a_label_is_moved_off_a_card_along_its_line_or_beside_it(crowded):
    contents = crowded.load_board(crowded.boards()[0].id)
    context = RenderContext(crowded)
    placer = board_label_placer(contents, context)
    placer.ensure(board_bounds(contents).getRect())
    geometries = placer.source.geometries
    slid = beside = 0
    for link_id in contents.links:
        spot, g = placer.spot(link_id), geometries[link_id]
        if spot is None:
            continue
        middle = ((g.start.x() + g.end.x()) / 2, (g.start.y() + g.end.y()) / 2)
        centre = (spot.x + spot.width / 2, spot.y + spot.height / 2)
        if spot.leader is not None:
            beside += 1
            # The leader starts on the link's own line.
            x0, y0 = spot.leader[:2]
            cross = (g.end.x() - g.start.x()) * (y0 - g.start.y()) - (g.end.y() - g.start.y()) * (x0 - g.start.x())
            assert abs(cross) / max(1.0, (g.end - g.start).manhattanLength()) < 2.0
        elif abs(centre[0] - middle[0]) + abs(centre[1] - middle[1]) > 1:
            slid += 1
    # Links under a card and between cards almost touching exist on this board: both ways are used.
    assert slid > 0 and beside > 0


def test_the_placement_is_the_same_however_the_board_is_cut_into_pages(crowded):
    contents = crowded.load_board(crowded.boards()[0].id)
    context = RenderContext(crowded)
    whole = board_label_placer(contents, context)
    whole.ensure(board_bounds(contents).getRect())
    pieces = board_label_placer(contents, context)
    bounds = board_bounds(contents)
    for i in range(3):
        for j in range(2):
            w, h = bounds.width() / 3, bounds.height() / 2
            pieces.ensure((bounds.left() + i * w, bounds.top() + j * h, w, h))
    moved = [link.label for link_id, link in contents.links.items()
             if whole.spot(link_id) is not None and whole.spot(link_id).rect != pieces.spot(link_id).rect]
    # Placed page by page, a label may land elsewhere than placed all at once, but it is still clear.
    assert plate_problems(contents, pieces, context) == []
    assert len(moved) < len(contents.links) / 4


def test_a_group_title_is_drawn_over_a_card_pushed_under_it(qapp, case, service, board_id):
    group, card = service.create_cards([
        dict(kind="group", title="Shipping agents of record", x=0, y=0, width=700, height=400),
        dict(kind="note", title="Pushed under the title", text="x" * 200, x=10, y=4, width=400, height=160),
    ], board_id).created
    contents = case.load_board(board_id)
    context = RenderContext(case)
    image, transform = _draw(contents, context, board_label_placer(contents, context))
    frame = QRectF(0, 0, 700, 400)
    title = contents.cards[group]
    box = transform.mapRect(group_title_rect(title, frame, 1.0, context)).toAlignedRect()
    alone = QImage(image.size(), QImage.Format.Format_RGB32)
    alone.fill(QColor("#000000"))
    painter = QPainter(alone)
    painter.setTransform(transform)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    paint_group_title(painter, title, frame, 1.0, context, backing=group_backing(title, context))
    painter.end()
    differ = [(x, y) for x in range(box.left(), box.right()) for y in range(box.top(), box.bottom())
              if max(abs(a - b) for a, b in zip(QColor(image.pixel(x, y)).getRgb()[:3],
                                                QColor(alone.pixel(x, y)).getRgb()[:3])) > 24]
    assert len(differ) <= 0.02 * box.width() * box.height(), differ[:20]  # the title as drawn alone
    assert contents.cards[card].kind is CardKind.NOTE
