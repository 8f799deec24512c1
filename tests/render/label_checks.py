"""Checks that a board's link labels are all shown: shared by the render, export and window tests.

Two independent kinds of evidence:

- geometry: where the placer put each plate, against the cards, group titles,
  arrowheads and other plates of the same board;
- pixels: each plate as it came out in a picture (an export, a grab of the
  window) is the plate drawn alone with the same transform: nothing was drawn
  over it afterwards, a card, another plate or a line, and its words are there.
"""

from __future__ import annotations

import random

import pymupdf

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter, QTransform

from evidence_board.model import CardKind, Link
from evidence_board.render.board_labels import ContentsLabelSource
from evidence_board.render.card_painter import group_title_rect
from evidence_board.render.context import RenderContext
from evidence_board.render.label_placement import LabelPlacer, LabelSpot, segment_meets
from evidence_board.render.link_painter import LABEL_DETAIL, link_arrow_boxes, paint_label
from evidence_board.store.reading import BoardContents


def _overlap(a: tuple, b: tuple) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def plate_problems(contents: BoardContents, placer: LabelPlacer, context: RenderContext) -> list[str]:
    """What hides a label, from the placement: empty when every plate is clear."""
    source = placer.source
    assert isinstance(source, ContentsLabelSource)
    problems = []
    spots: dict[str, LabelSpot] = {}
    for link_id, link in contents.links.items():
        geometry = source.geometries.get(link_id)
        if not link.label or geometry is None or not geometry.visible:
            continue
        spot = placer.spot(link_id)
        if spot is None:
            problems.append(f"{link.label!r}: never placed")
            continue
        spots[link_id] = spot
        if not spot.free:
            problems.append(f"{link.label!r}: no free spot found")
        if spot.leader is not None:
            ends = (geometry.start.x(), geometry.start.y(), geometry.end.x(), geometry.end.y())
            if segment_meets(ends, spot.rect):
                problems.append(f"{link.label!r}: its own line crosses its plate")
        if context.elided(link.label, context.fonts.label, spot.width - 14).text() != " ".join(link.label.split()):
            problems.append(f"{link.label!r}: words cut off")
    for card_id, card in contents.cards.items():
        p = contents.placements[card_id]
        rect = (p.x, p.y, p.width, p.height)
        if card.kind is CardKind.GROUP:
            frame = QRectF(*rect)
            boxes = [group_title_rect(card, frame, d, context).getRect() for d in (LABEL_DETAIL, 0.5, 1.0)]
            what = f"the title of {card.title!r}"
        else:
            boxes, what = [rect], f"card {card.title!r}"
        for link_id, spot in spots.items():
            if any(_overlap(spot.rect, box) for box in boxes):
                problems.append(f"{contents.links[link_id].label!r} overlaps {what}")
    for link_id, link in contents.links.items():
        geometry = source.geometries.get(link_id)
        if geometry is None or not geometry.visible:
            continue
        for box in link_arrow_boxes(link, geometry):
            for other_id, spot in spots.items():
                if _overlap(spot.rect, box):
                    problems.append(f"{contents.links[other_id].label!r} covers an arrowhead of {link.label!r}")
    ordered = sorted(spots.items())
    for index, (a_id, a) in enumerate(ordered):
        for b_id, b in ordered[index + 1:]:
            if _overlap(a.rect, b.rect):
                problems.append(f"{contents.links[a_id].label!r} overlaps {contents.links[b_id].label!r}")
    return problems


def overdrawn_plates(image: QImage, transform: QTransform, spots: dict[str, tuple[Link, LabelSpot, bool]],
                     context: RenderContext, tolerance: int = 24) -> list[str]:
    """Plates of ``spots`` (link id -> link, spot, selected) that ``image`` does not show as drawn alone.

    ``transform`` maps board coordinates to the image's pixels, as the picture
    was painted. Only plates wholly inside the image are compared.
    """
    problems = []
    bounds = QRectF(image.rect())
    for _link_id, (link, spot, selected) in sorted(spots.items()):
        device = transform.mapRect(QRectF(*spot.rect)).adjusted(-2, -2, 2, 2).toAlignedRect()
        if not bounds.contains(QRectF(device)):
            continue
        alone = QImage(device.size(), QImage.Format.Format_ARGB32_Premultiplied)
        alone.fill(0)
        painter = QPainter(alone)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        painter.setTransform(transform * QTransform.fromTranslate(-device.x(), -device.y()))
        paint_label(painter, link, LabelSpot(*spot.rect), context, selected)  # the plate and words, no leader
        painter.end()
        compared = differing = dark = 0
        for y in range(alone.height()):
            for x in range(alone.width()):
                mine = alone.pixelColor(x, y)
                if mine.alpha() < 255:
                    continue  # the plate's antialiased rim and what is outside it
                theirs = QColor(image.pixel(device.x() + x, device.y() + y))
                compared += 1
                if mine.lightness() < 200:  # ink of the words (light grey when drawn tiny)
                    dark += 1
                if max(abs(mine.red() - theirs.red()), abs(mine.green() - theirs.green()),
                       abs(mine.blue() - theirs.blue())) > tolerance:
                    differing += 1
        if compared == 0:
            continue
        if differing > compared * 0.02:
            problems.append(f"{link.label!r}: {differing} of {compared} plate pixels drawn over")
        if dark < 2:
            problems.append(f"{link.label!r}: no words drawn on its plate")
    return problems


def crowded_board(service, board_id: str, seed: int = 5) -> None:
    """A crowded board: a tight grid of cards, labels on every link, links through cards,
    lanes, long labels, a link between cards almost touching, and group frames with titles."""
    rng = random.Random(seed)
    document = pymupdf.open()
    document.new_page().insert_text((72, 100), "Harbour log, 12 March: the Aurora left at 02:40.")
    source = service.add_source(document.tobytes(), "harbour-log.pdf", "application/pdf", title="Harbour log",
                                page_count=1).created[0]
    columns, rows = 6, 5
    width, height, gap_x, gap_y = 200.0, 120.0, 90.0, 84.0
    specs = [dict(kind="group", title="Harbour authority and its contractors", x=-30, y=-80,
                  width=3 * (width + gap_x) + 20, height=2 * (height + gap_y) + 60),
             dict(kind="group", title="Vessels", x=3 * (width + gap_x) - 16, y=-80,
                  width=3 * (width + gap_x) + 20, height=2 * (height + gap_y) + 60)]
    for n in range(columns * rows):
        x, y = (n % columns) * (width + gap_x), (n // columns) * (height + gap_y)
        kind = ("note", "entity", "quote")[n % 3]
        spec = dict(kind=kind, title=f"Card {n}", x=x, y=y, width=width, height=height,
                    text=f"Seen near pier {n} on the morning of the departure.")
        if kind == "entity":
            spec["entity_type"] = "person"
        elif kind == "quote":
            spec.update(source_id=source, page=1)
        specs.append(spec)
    # Two cards almost touching: a link between them has no room for a plate on its line.
    specs.append(dict(kind="note", title="Beside card 29", x=(columns - 1) * (width + gap_x) + width + 8,
                      y=(rows - 1) * (height + gap_y), width=width, height=height))
    ids = service.create_cards(specs, board_id).created
    cards = ids[2:]
    words = ["paid", "met", "owns", "chartered", "sailed with", "reported to the port authority",
             "wired money to", "co-signed the manifest with", "rang", "shares an address with"]
    links = []

    def link(a: int, b: int, **extra) -> None:
        links.append(dict(from_card=cards[a], to_card=cards[b], label=extra.pop("label", rng.choice(words)),
                          strength=rng.choice(["confirmed", "unconfirmed", "tentative"]),
                          direction=rng.choice(["forward", "forward", "both", "none"]), **extra))

    for n in range(columns * rows):
        col, row = n % columns, n // columns
        if col + 1 < columns:
            link(n, n + 1)
        if row + 1 < rows:
            link(n, n + columns)
        if col + 1 < columns and row + 1 < rows and rng.random() < 0.5:
            link(n, n + columns + 1)
        if col + 2 < columns and rng.random() < 0.3:
            link(n, n + 2)  # runs under the card between
    for _ in range(3):
        link(7, 8, label="phoned")  # three lanes between one pair
    link(29, columns * rows, label="moored alongside")
    link(0, columns * rows - 1, label="the whole way across the board")
    service.create_links(links)
