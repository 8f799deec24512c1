"""Label placement for a board read from the case file (exports, screenshots, tests).

``ContentsLabelSource`` answers the placer's questions from a
``BoardContents``: the cards, group titles and arrowheads in a region, and
the labelled links near it. The board window has its own source that asks
its scene (``ui/board/label_layer``); both describe obstacles with the functions
here, so a plate keeps off the same things on screen and on paper.
"""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import QRectF

from evidence_board.model import Card, CardKind, Link
from evidence_board.render.card_painter import TITLE_DETAIL, group_title_rect
from evidence_board.render.context import RenderContext
from evidence_board.render.label_placement import (
    CELL, GAP, REACH, LabelPlacer, LabelRequest, Rect, crosses, landing, reach_of,
)
from evidence_board.render.link_painter import (
    LABEL_DETAIL, LinkGeometry, label_width, link_arrow_boxes, link_geometry_floats, link_lanes,
)
from evidence_board.store.reading import BoardContents

LIMIT_MARGIN = 26.0  # how far beyond the outermost cards an export's plate may go
# A labelled line is filed under the cells of its reach grown by LINE_MARGIN, and a
# load looks in the cells of its rectangle shrunk by LINE_SHRINK: any reach meeting the
# rectangle meets the shrunk one grown by LINE_SHRINK < LINE_MARGIN (a unit to spare for
# rounding), so it is found. Looking in one cell, not the nine a placer's cell (grown by
# GAP) spans, loading the bench board's 2,656 cells took 0.25 s, now 0.18-0.19 s.
LINE_SHRINK = GAP + 1.0
LINE_MARGIN = LINE_SHRINK + 1.0


def title_obstacle(card: Card, rect: Rect, context: RenderContext) -> Rect:
    """Where a group's title may be drawn at any zoom that shows labels (it grows as the view zooms out)."""
    frame = QRectF(*rect)
    far = group_title_rect(card, frame, LABEL_DETAIL, context)
    near = group_title_rect(card, frame, TITLE_DETAIL, context)
    united = far.united(near)
    return united.x() - 6, united.y() - 3, united.width() + 12, united.height() + 6


def link_request(link: Link, geometry: LinkGeometry, context: RenderContext) -> LabelRequest | None:
    """What the placer needs to place a link's label (None: nothing to place)."""
    if not link.label or not geometry.visible:
        return None
    ends = (geometry.start.x(), geometry.start.y(), geometry.end.x(), geometry.end.y())
    return LabelRequest(link.id, ends, label_width(link.label, context))


class ContentsLabelSource:
    """A LabelSource over one BoardContents, indexed once in a grid of CELL squares."""

    def __init__(self, contents: BoardContents, context: RenderContext,
                 geometries: dict[str, LinkGeometry] | None = None) -> None:
        self.contents = contents
        self.context = context
        # ``geometries``: link_geometries(contents), when the caller has them already.
        self.geometries = geometries if geometries is not None else link_geometries(contents)
        # Labelled links' landing parts, as (x0, y0, dx, dy) for ``crosses`` (segment_meets in
        # its arithmetic, without the tuples: a hundred thousand tests an export).
        self._landings: dict[str, tuple[float, float, float, float]] = {}
        self._solids: dict[tuple[int, int], list[Rect]] = {}
        self._arrows: dict[tuple[int, int], list[Rect]] = {}
        self._lines: dict[tuple[int, int], set[str]] = {}
        places = contents.placements
        for card_id, p in places.items():
            card = contents.cards[card_id]
            rect = (p.x, p.y, p.width, p.height)
            _add(self._solids, title_obstacle(card, rect, context) if card.kind is CardKind.GROUP else rect)
        for link_id, geometry in self.geometries.items():
            link = contents.links[link_id]
            if not geometry.visible:
                continue
            for box in link_arrow_boxes(link, geometry):
                _add(self._arrows, box)
            if link.label:
                ends = (geometry.start.x(), geometry.start.y(), geometry.end.x(), geometry.end.y())
                x0, y0, x1, y1 = landing(ends)
                self._landings[link_id] = (x0, y0, x1 - x0, y1 - y0)
                # Filed under every cell of its reach grown by LINE_MARGIN (see load).
                x, y, w, h = reach_of(ends)
                x, y, w, h = x - LINE_MARGIN, y - LINE_MARGIN, w + 2 * LINE_MARGIN, h + 2 * LINE_MARGIN
                lines = self._lines
                for i in range(int(x // CELL), int((x + w) // CELL) + 1):
                    for j in range(int(y // CELL), int((y + h) // CELL) + 1):
                        listed = lines.get((i, j))
                        if listed is None:
                            lines[(i, j)] = {link_id}
                        else:
                            listed.add(link_id)

    def load(self, rect: Rect) -> tuple[list[Rect], list[Rect], list[str]]:
        solids: dict[Rect, None] = {}
        arrows: dict[Rect, None] = {}
        labels: set[str] = set()
        seen: set[str] = set()  # a line in several of the cells is tested once
        near = (rect[0] - REACH, rect[1] - REACH, rect[2] + 2 * REACH, rect[3] + 2 * REACH)
        landings = self._landings
        left, top, right, bottom = near[0], near[1], near[0] + near[2], near[1] + near[3]
        for cell in _cells_of(rect):
            solids.update(dict.fromkeys(self._solids.get(cell, ())))
            arrows.update(dict.fromkeys(self._arrows.get(cell, ())))
        # A line whose reach meets ``rect`` is filed under a cell of ``rect`` shrunk by
        # LINE_SHRINK (its reach was filed grown by more): the placer's cell (the cell
        # grown by GAP) is then one cell, not nine, for the same lines found.
        x, y, w, h = rect
        if w > 2 * LINE_SHRINK and h > 2 * LINE_SHRINK:
            x, y, w, h = x + LINE_SHRINK, y + LINE_SHRINK, w - 2 * LINE_SHRINK, h - 2 * LINE_SHRINK
        for cell in _cells_of((x, y, w, h)):
            lines = self._lines.get(cell)
            if lines:
                for link_id in lines - seen:
                    if crosses(*landings[link_id], left, top, right, bottom):
                        labels.add(link_id)
                seen |= lines
        return list(solids), list(arrows), sorted(labels)

    def request(self, link_id: str) -> LabelRequest | None:
        link, geometry = self.contents.links.get(link_id), self.geometries.get(link_id)
        if link is None or geometry is None:
            return None
        return link_request(link, geometry, self.context)


def link_geometries(contents: BoardContents) -> dict[str, LinkGeometry]:
    """Every link's line between its cards (in its lane), by link id; a link missing a card has none."""
    places = contents.placements
    lanes = link_lanes(contents.links.values())
    geometries: dict[str, LinkGeometry] = {}
    for link_id, link in contents.links.items():
        a, b = places.get(link.from_card), places.get(link.to_card)
        if a is not None and b is not None:
            geometries[link_id] = link_geometry_floats((a.x, a.y, a.width, a.height),
                                                       (b.x, b.y, b.width, b.height), lanes.get(link_id, 0.0))
    return geometries


def board_label_placer(contents: BoardContents, context: RenderContext,
                       geometries: dict[str, LinkGeometry] | None = None) -> LabelPlacer:
    """A placer for every label of ``contents`` (pass it to paint_board for each tile of one export).

    ``geometries``: link_geometries(contents), when the caller has them already.

    Plates stay within LIMIT_MARGIN of the cards' bounding box, so a picture of
    every card (exports leave 30 units around them) shows every label whole.
    """
    places = contents.placements.values()
    limits = None
    if places:
        left, top = min(p.x for p in places) - LIMIT_MARGIN, min(p.y for p in places) - LIMIT_MARGIN
        right = max(p.x + p.width for p in places) + LIMIT_MARGIN
        bottom = max(p.y + p.height for p in places) + LIMIT_MARGIN
        limits = (left, top, right - left, bottom - top)
    return LabelPlacer(ContentsLabelSource(contents, context, geometries), limits=limits)


def _add(grid: dict[tuple[int, int], list[Rect]], rect: Rect) -> None:
    # _cells_of written out: 30,000 obstacles an export of the bench board.
    x, y, w, h = rect
    for i in range(int(x // CELL), int((x + w) // CELL) + 1):
        for j in range(int(y // CELL), int((y + h) // CELL) + 1):
            listed = grid.get((i, j))
            if listed is None:
                grid[(i, j)] = [rect]
            else:
                listed.append(rect)


def _cells_of(rect: Rect) -> Iterator[tuple[int, int]]:
    x, y, w, h = rect
    for i in range(int(x // CELL), int((x + w) // CELL) + 1):
        for j in range(int(y // CELL), int((y + h) // CELL) + 1):
            yield i, j
