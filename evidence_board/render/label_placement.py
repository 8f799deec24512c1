"""Where each link's label plate goes, so no card, title or other plate hides it.

A plate first tries the middle of its line, then slides along the line to
the nearest free spot; a link too short (or too crowded) for that gets its
plate beside the line, joined to it by a short leader. "Free" means clear
of every card, every group's title, every arrowhead and every plate placed
before it; a plate beside its line also keeps off its own line, and its
leader crosses no card or plate. Labels are drawn above cards (see
``paint_label``), so even a plate with no free spot (``free`` False) stays
readable.

The placer works lazily, on plain floats, through a grid of ``CELL`` square
cells: a cell learns its obstacles and the labels that may land in it from a
``LabelSource`` the first time something needs it, so a view of a big board
places only the labels it shows. Within one call to ``ensure``, labels are
placed most cramped first (the least room along their line), then by link
id, so the same board gives the same placement on screen and in an export.
A change (``invalidate``) forgets the cells around it; their labels are
placed again when next drawn, the others stay where they are.

Measured with bench/board_bench.py (10,000 cards, 20,000 links, 6,667
labels): placing what a 1600 x 1000 view at 100% shows costs a few
milliseconds once; frames afterwards only draw.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Protocol

from evidence_board.render.label_geometry import (  # noqa: F401 - the names others import from here
    ANCHOR_SPAN, CELL, DIAGONAL, GAP, LEADER_STEPS, PLATE_HEIGHT, PLATE_MAX_WIDTH, REACH, SLIDE_SPAN, Ends,
    LabelRequest, LabelSpot, Rect, anchors, arrow_boxes, cells, clearing_step, crosses, landing, leaves, meets,
    reach_of, segment_meets, slides,
)
from evidence_board.render.label_walk import walk

ROOMY = 150.0  # more room along its line than this, and a label is no more cramped than another
MAX_INVALIDATIONS = 400  # more changes than this before the next placement forget everything


class LabelSource(Protocol):
    """What the placer asks about a region of the board (a cell of its grid)."""

    def load(self, rect: Rect) -> tuple[list[Rect], list[Rect], list[str]]:
        """What meets ``rect``: the cards and group titles, the arrowheads, and the ids
        of the labelled, visible links whose line comes within ``REACH`` of it."""

    def request(self, link_id: str) -> LabelRequest | None:
        """The link's label as it is now (None: no label, not visible or gone).

        A source may also offer ``load_many(rects)``: ``load`` for several at once.
        """


class _Cell:
    __slots__ = ("solids", "arrows", "blocks", "arrow_edges", "plates", "labels", "settled")

    def __init__(self, solids: list[Rect], arrows: list[Rect], labels: list[str]) -> None:
        self.solids = solids  # cards and group titles
        self.arrows = arrows  # arrowheads: a plate keeps off them, a leader may pass
        # Both, and the arrowheads alone, as (left, top, right, bottom) for the plate tests
        # (the hottest loop of placing: 1.6 million tests on the bench board, each then
        # two additions fewer; the same sums, so the same answers).
        self.blocks = [(x, y, x + w, y + h) for x, y, w, h in solids + arrows]
        self.arrow_edges = self.blocks[len(solids):]
        self.plates: dict[str, Rect] = {}  # placed plates (and leaders) meeting this cell
        self.labels = set(labels)  # links whose plate may land here
        self.settled = False  # every label of ``labels`` is placed


class LabelPlacer:
    """Label spots for one board, placed lazily from a ``LabelSource`` (see the module docstring).

    ``on_forget`` is told the area of every spot that is dropped (a screen repaints it).
    ``limits``: plates stay inside this rectangle (an export's page shows the cards' area).
    """

    def __init__(self, source: LabelSource, on_forget: Callable[[Rect], None] | None = None,
                 limits: Rect | None = None) -> None:
        self.source = source
        self.on_forget = on_forget
        self.limits = limits
        self._cells: dict[tuple[int, int], _Cell] = {}
        self._spots: dict[str, LabelSpot] = {}
        self._listed: dict[str, set[tuple[int, int]]] = {}  # link id -> loaded cells listing it
        self._bumped: list[str] = []  # labels _bump moved during the current placement
        self._invalidations = 0

    # -- reading -----------------------------------------------------------

    def spot(self, link_id: str) -> LabelSpot | None:
        """The placed spot of a link's label (None until placed)."""
        return self._spots.get(link_id)

    def spots_in(self, rect: Rect) -> dict[str, LabelSpot]:
        """Placed spots whose plate or leader meets ``rect`` (call ``ensure`` first)."""
        found: dict[str, LabelSpot] = {}
        for cell in cells(rect):
            loaded = self._cells.get(cell)
            if loaded is None:
                continue
            for link_id, bounds in loaded.plates.items():
                if link_id not in found and meets(bounds, rect):
                    found[link_id] = self._spots[link_id]
        return found

    def link_at(self, x: float, y: float) -> str | None:
        """The link whose placed plate is under the point."""
        loaded = self._cells.get((int(x // CELL), int(y // CELL)))
        if loaded is not None:
            for link_id in loaded.plates:
                sx, sy, sw, sh = self._spots[link_id].rect
                if sx <= x <= sx + sw and sy <= y <= sy + sh:
                    return link_id
        return None

    # -- placing -----------------------------------------------------------

    def ensure(self, rect: Rect) -> list[Rect]:
        """Place every label that may show in ``rect``; returns the areas of the spots placed now."""
        self._invalidations = 0
        missing = [cell for cell in cells(rect) if cell not in self._cells]
        load_many = getattr(self.source, "load_many", None)
        if len(missing) > 1 and load_many is not None:
            # One question for a strip of cells a pan brought into view, not one each.
            for cell, found in zip(missing, load_many([_cell_rect(cell) for cell in missing])):
                self._load(cell, found)
        pending: set[str] = set()
        unsettled = []
        for cell in cells(rect):
            loaded = self._load(cell)
            if not loaded.settled:
                unsettled.append(loaded)
                pending.update(link_id for link_id in loaded.labels if link_id not in self._spots)
        requests = [r for r in (self.source.request(link_id) for link_id in pending) if r is not None]
        # Most cramped first; ties by where the line is, not by id, so the same
        # board places alike whatever ids its links were given.
        # (Room is counted up to ROOMY only: a line across the board has room
        # everywhere but as little as any where it crosses other links.)
        requests.sort(key=lambda r: (min(ROOMY, round(math.hypot(r.ends[2] - r.ends[0], r.ends[3] - r.ends[1])
                                                      - r.width, 3)), r.ends, r.width))
        placed = []
        for request in requests:
            spot = self._place(request)
            if not spot.free:
                spot = self._bump(request) or spot
                for link_id in self._bumped:
                    placed.append(self._spots[link_id].bounds())
                self._bumped = []
            self._put(request.link_id, spot)
            placed.append(spot.bounds())
        for loaded in unsettled:
            loaded.settled = True
        return placed

    def _put(self, link_id: str, spot: LabelSpot) -> None:
        self._spots[link_id] = spot
        bounds = spot.bounds()
        for cell in cells(bounds):
            self._load(cell).plates[link_id] = bounds

    def _take(self, link_id: str) -> LabelSpot:
        spot = self._spots.pop(link_id)
        for cell in cells(spot.bounds()):
            loaded = self._cells.get(cell)
            if loaded is not None:
                loaded.plates.pop(link_id, None)
        return spot

    def _bump(self, request: LabelRequest) -> LabelSpot | None:
        """No free spot: take a spot on the line held by one other plate, if that plate
        then finds a free spot of its own (one move of the other label, never a chain)."""
        w, h = request.width, PLATE_HEIGHT
        x0, y0, x1, y1 = request.ends
        length = math.hypot(x1 - x0, y1 - y0)
        if length < 1e-6:
            return None
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        tried: set[str] = set()
        for d in slides(min(length / 2, SLIDE_SPAN)):
            rect = (mx + ux * d - w / 2, my + uy * d - h / 2, w, h)
            if self._blocked(rect, request.link_id, plates=False):
                continue  # a card, title, arrowhead or the page's edge is in the way
            holders = self._plates_meeting(rect)
            if len(holders) != 1 or holders[0] in tried:
                continue
            holder = holders[0]
            tried.add(holder)
            other = self.source.request(holder)
            if other is None:
                continue
            old = self._take(holder)
            mine = LabelSpot(*rect)
            self._put(request.link_id, mine)
            moved = self._place(other)
            if moved.free:
                self._take(request.link_id)
                self._put(holder, moved)
                self._bumped.append(holder)
                return mine
            self._take(request.link_id)
            self._put(holder, old)
            if len(tried) >= 6:
                break
        return None

    def _plates_meeting(self, rect: Rect) -> list[str]:
        found: set[str] = set()
        for cell in cells((rect[0] - GAP, rect[1] - GAP, rect[2] + 2 * GAP, rect[3] + 2 * GAP)):
            for link_id in self._load(cell).plates:
                if meets(rect, self._spots[link_id].rect, GAP):
                    found.add(link_id)
        return sorted(found)

    def _load(self, cell: tuple[int, int], found: tuple | None = None) -> _Cell:
        loaded = self._cells.get(cell)
        if loaded is None:
            i, j = cell
            solids, arrows, labels = found or self.source.load(_cell_rect(cell))
            area = (i * CELL, j * CELL, CELL, CELL)
            # meets(o, area, GAP) written out (tens of thousands of obstacles an export).
            x0, y0, x1, y1 = area[0], area[1], area[0] + area[2], area[1] + area[3]
            loaded = self._cells[cell] = _Cell(
                [o for o in solids if o[0] - GAP < x1 and x0 < o[0] + o[2] + GAP and o[1] - GAP < y1
                 and y0 < o[1] + o[3] + GAP],
                [o for o in arrows if o[0] - GAP < x1 and x0 < o[0] + o[2] + GAP and o[1] - GAP < y1
                 and y0 < o[1] + o[3] + GAP], labels)
            for link_id in labels:
                self._listed.setdefault(link_id, set()).add(cell)
                spot = self._spots.get(link_id)
                if spot is not None and meets(spot.bounds(), area):
                    loaded.plates[link_id] = spot.bounds()
        return loaded

    def _blocked(self, rect: Rect, own: str, cards: bool = True, plates: bool = True) -> bool:
        """Whether a plate at ``rect`` would meet anything (``cards``/``plates`` False: but those).

        Written out on plain floats: a crowded label tries hundreds of spots.
        """
        x, y, w, h = rect
        left, top, right, bottom = x - GAP, y - GAP, x + w + GAP, y + h + GAP
        limits = self.limits
        if limits is not None and not (limits[0] <= x and x + w <= limits[0] + limits[2]
                                       and limits[1] <= y and y + h <= limits[1] + limits[3]):
            return True
        cell_of, spots = self._cells.get, self._spots
        i0, i1, j0, j1 = int(left // CELL), int(right // CELL), int(top // CELL), int(bottom // CELL)
        for cell in ((i0, j0),) if i0 == i1 and j0 == j1 else \
                [(i, j) for i in range(i0, i1 + 1) for j in range(j0, j1 + 1)]:
            loaded = cell_of(cell) or self._load(cell)
            for ox, oy, ox1, oy1 in loaded.blocks if cards else loaded.arrow_edges:
                if left < ox1 and ox < right and top < oy1 and oy < bottom:
                    return True
            if plates:
                for link_id in loaded.plates:
                    if link_id == own:
                        continue
                    spot = spots[link_id]
                    if left < spot.x + spot.width and spot.x < right and top < spot.y + spot.height \
                            and spot.y < bottom:
                        return True
                    if spot.leader is not None and segment_meets(spot.leader, rect, GAP):
                        return True
        return False

    def _leader_blocked(self, leader: Ends, own: str) -> bool:
        x0, y0, x1, y1 = leader
        box = (min(x0, x1), min(y0, y1), abs(x1 - x0), abs(y1 - y0))
        for cell in cells(box):
            loaded = self._load(cell)
            for obstacle in loaded.solids:
                if segment_meets(leader, obstacle, 1.0):
                    return True
            for link_id in loaded.plates:
                if link_id != own and segment_meets(leader, self._spots[link_id].rect, 1.0):
                    return True
        return False

    def _place(self, request: LabelRequest) -> LabelSpot:
        w, h = request.width, PLATE_HEIGHT
        x0, y0, x1, y1 = request.ends
        length = math.hypot(x1 - x0, y1 - y0)
        ux, uy = ((x1 - x0) / length, (y1 - y0) / length) if length > 1e-6 else (1.0, 0.0)
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        own = request.link_id
        # On the line, from its middle outwards (finer steps near the middle).
        for d in slides(min(length / 2, SLIDE_SPAN)):
            rect = (mx + ux * d - w / 2, my + uy * d - h / 2, w, h)
            if not self._blocked(rect, own):
                return LabelSpot(*rect)
        # Beside it, with a leader from the line: nearest the line and its middle first.
        nx, ny = -uy, ux
        directions = [(nx, ny), (-nx, -ny)]
        for direction in ((0.0, -1.0), (0.0, 1.0), (-1.0, 0.0), (1.0, 0.0),
                          (-DIAGONAL, -DIAGONAL), (DIAGONAL, -DIAGONAL), (-DIAGONAL, DIAGONAL), (DIAGONAL, DIAGONAL)):
            if all(abs(direction[0] - a) + abs(direction[1] - b) > 0.3 for a, b in directions):
                directions.append(direction)
        starts = [(d, mx + ux * d, my + uy * d) for d in anchors(length / 2)]
        # Under a card or a title no leader starts.
        starts = [(d, ax, ay) for d, ax, ay in starts if not self._inside_solid(ax, ay)]
        # Each ray (anchor, direction, shift) walks out step by step, jumping past
        # whatever blocked it; the spot taken is the first in (step, anchor,
        # direction, shift) order, as if every candidate were tried in turn. The
        # rays advance together, step by step in that order, so the first free
        # spot met is the one taken and no ray looks further out than it.
        # A ray's direction, shift and extent do not depend on its anchor: worked out
        # once per direction, not for each of up to 25 anchors.
        ways = []
        for dx, dy in directions:
            extent = abs(dx) * w / 2 + abs(dy) * h / 2
            # Straight up, down or across: centred on the leader, or run off to either side.
            side = (w / 2 - 8 if abs(dy) > 0.9 else h / 2 - 4 if abs(dx) > 0.9 else 0.0)
            for shift in ((0.0, side, -side) if side > 0 else (0.0,)):
                ways.append((dx, dy, -dy * shift, dx * shift, extent))
        rays = [(ax, ay, *way) for _d, ax, ay in starts for way in ways]
        best = walk(request, rays, self._cells, self._load, self._spots, self.limits, self._leader_blocked)
        if best is not None:
            return best
        # Nowhere free: on the line where it meets no other plate or arrowhead, drawn
        # above the cards (readable, if over a card); at worst its middle.
        for d in slides(min(length / 2, SLIDE_SPAN)):
            rect = (mx + ux * d - w / 2, my + uy * d - h / 2, w, h)
            if not self._blocked(rect, own, cards=False):
                return LabelSpot(*rect, free=False)
        return LabelSpot(mx - w / 2, my - h / 2, w, h, free=False)

    def _inside_solid(self, x: float, y: float) -> bool:
        for ox, oy, ow, oh in self._load((int(x // CELL), int(y // CELL))).solids:
            if ox <= x <= ox + ow and oy <= y <= oy + oh:
                return True
        return False

    # -- changes -----------------------------------------------------------

    def invalidate(self, rect: Rect) -> None:
        """Something in ``rect`` changed (a card, a link, a title): place the labels around it again."""
        if not self._cells:
            return
        self._invalidations += 1
        if self._invalidations > MAX_INVALIDATIONS:
            self.clear()
            return
        x, y, w, h = rect
        grown = (x - REACH, y - REACH, w + 2 * REACH, h + 2 * REACH)
        x0, y0 = int(grown[0] // CELL), int(grown[1] // CELL)
        x1, y1 = int((grown[0] + grown[2]) // CELL), int((grown[1] + grown[3]) // CELL)
        if (x1 - x0 + 1) * (y1 - y0 + 1) > len(self._cells):
            doomed = [c for c in self._cells if x0 <= c[0] <= x1 and y0 <= c[1] <= y1]
        else:
            doomed = [(i, j) for i in range(x0, x1 + 1) for j in range(y0, y1 + 1) if (i, j) in self._cells]
        for cell in doomed:
            loaded = self._cells.pop(cell, None)
            if loaded is None:
                continue
            for link_id in loaded.labels | set(loaded.plates):
                self._forget(link_id)
                listed = self._listed.get(link_id)
                if listed is not None:
                    listed.discard(cell)
                    if not listed:
                        del self._listed[link_id]

    def _forget(self, link_id: str) -> None:
        spot = self._spots.pop(link_id, None)
        if spot is None:
            return
        bounds = spot.bounds()
        for cell in cells(bounds):
            loaded = self._cells.get(cell)
            if loaded is not None:
                loaded.plates.pop(link_id, None)
        for cell in self._listed.get(link_id, ()):
            loaded = self._cells.get(cell)
            if loaded is not None:
                loaded.settled = False
        if self.on_forget is not None:
            self.on_forget(bounds)

    def clear(self) -> None:
        """Forget every cell and spot."""
        spots = list(self._spots.values())
        self._cells.clear()
        self._spots.clear()
        self._listed.clear()
        self._invalidations = 0
        if self.on_forget is not None:
            for spot in spots:
                self.on_forget(spot.bounds())


def _cell_rect(cell: tuple[int, int]) -> Rect:
    """What the source is asked about for a cell: the cell and the clearance around it."""
    return cell[0] * CELL - GAP, cell[1] * CELL - GAP, CELL + 2 * GAP, CELL + 2 * GAP

