"""Where cards go: the nearest free space, tidy grids, overlaps taken apart.

Geometry only: no Qt, no store. A rectangle is ``(x, y, width, height)``
in board units, top-left first, as placements and ``CardItem.geometry``
hold them. Callers hand in the cards already on a board as a function
``obstacles_in(rect)`` that returns the rectangles meeting ``rect``, so a
board of 10,000 cards is asked only about the neighbourhood being searched
(a :class:`RectGrid` here, the scene's own index in the window).

Why rows from obstacle edges: the free positions are what is left of the
plane once every obstacle, grown by the card's size and the gap, is cut out.
The nearest free position to a point is the point itself or lies on the
edge of one of those grown rectangles, so its y is the point's or just clear
of an obstacle's top or bottom; on each such row the nearest free x follows
from the blocked intervals. Rows are tried outwards from the point, which
finds the nearest free spot without rasterising the board.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence

Rect = tuple[float, float, float, float]
Obstacles = Callable[[Rect], Iterable[Rect]]

GAP = 20.0  # between a new card and its neighbours: one grid step
MAX_REACH = 4000.0  # farther than this from where it was asked for, a card goes to the board's edge
SEPARATION = 10.0  # between cards that Remove overlaps takes apart
_EPS = 1e-6  # overlaps thinner than this are rounding, not overlaps


def conflicts(a: Rect, b: Rect, gap: float = 0.0) -> bool:
    """Whether ``a`` and ``b`` overlap, or come closer than ``gap``."""
    return (a[0] < b[0] + b[2] + gap - _EPS and b[0] < a[0] + a[2] + gap - _EPS
            and a[1] < b[1] + b[3] + gap - _EPS and b[1] < a[1] + a[3] + gap - _EPS)


def union(rects: Iterable[Rect]) -> Rect:
    rects = list(rects)
    left = min(r[0] for r in rects)
    top = min(r[1] for r in rects)
    right = max(r[0] + r[2] for r in rects)
    bottom = max(r[1] + r[3] for r in rects)
    return (left, top, right - left, bottom - top)


class RectGrid:
    """Rectangles bucketed into square cells: "what is near here" without
    looking at every rectangle. ``near`` works as an ``obstacles_in``."""

    def __init__(self, rects: Mapping[Hashable, Rect] | None = None, cell: float = 400.0) -> None:
        self.cell = cell
        self.rects: dict[Hashable, Rect] = {}
        self._cells: dict[tuple[int, int], set[Hashable]] = {}
        self._bounds: list[float] | None = None  # left, top, right, bottom: grows, never shrinks
        for key, rect in (rects or {}).items():
            self.add(key, rect)

    def _span(self, rect: Rect) -> Iterable[tuple[int, int]]:
        c = self.cell
        x0, y0 = math.floor(rect[0] / c), math.floor(rect[1] / c)
        x1, y1 = math.floor((rect[0] + rect[2]) / c), math.floor((rect[1] + rect[3]) / c)
        return ((i, j) for i in range(x0, x1 + 1) for j in range(y0, y1 + 1))

    def add(self, key: Hashable, rect: Rect) -> None:
        if key in self.rects:
            self.remove(key)
        self.rects[key] = rect
        for cell in self._span(rect):
            self._cells.setdefault(cell, set()).add(key)
        b = self._bounds
        if b is None:
            self._bounds = [rect[0], rect[1], rect[0] + rect[2], rect[1] + rect[3]]
        else:
            b[0], b[1] = min(b[0], rect[0]), min(b[1], rect[1])
            b[2], b[3] = max(b[2], rect[0] + rect[2]), max(b[3], rect[1] + rect[3])

    def bounds(self) -> Rect | None:
        """A rectangle around every rectangle added (removals do not shrink it)."""
        b = self._bounds
        return None if b is None else (b[0], b[1], b[2] - b[0], b[3] - b[1])

    def remove(self, key: Hashable) -> None:
        rect = self.rects.pop(key)
        for cell in self._span(rect):
            bucket = self._cells.get(cell)
            if bucket is not None:
                bucket.discard(key)
                if not bucket:
                    del self._cells[cell]

    def keys_near(self, rect: Rect, gap: float = 0.0) -> set[Hashable]:
        """Keys of the rectangles that meet ``rect`` grown by ``gap``."""
        grown = (rect[0] - gap, rect[1] - gap, rect[2] + 2 * gap, rect[3] + 2 * gap)
        found: set[Hashable] = set()
        cells = self._cells
        for cell in self._span(grown):
            bucket = cells.get(cell)
            if bucket:
                found |= bucket
        rects = self.rects
        return {key for key in found if conflicts(rects[key], grown)}

    def near(self, rect: Rect) -> list[Rect]:
        return [self.rects[key] for key in self.keys_near(rect)]


# -- one card (or one block of cards) in free space -----------------------------


def nearest_free(width: float, height: float, x: float, y: float, obstacles: RectGrid | Obstacles,
                 gap: float = GAP, bounds: Rect | None = None) -> tuple[float, float]:
    """The top-left nearest to ``(x, y)`` where a ``width`` x ``height``
    rectangle keeps ``gap`` clear of every obstacle (see the module doc).

    ``obstacles`` is a RectGrid, or a function giving the rectangles that
    meet a rectangle (asked once per widening of the search). If nothing
    is free within ``MAX_REACH``, the spot is the free one nearest to where
    the point leaves ``bounds`` (default: the grid's), the rectangle around
    every obstacle: a card dropped deep inside a packed board comes out at
    its nearest edge instead of searching the whole board.
    """
    found = _search(width, height, x, y, obstacles, gap)
    if found is not None:
        return found
    if bounds is None:
        bounds = obstacles.bounds() if isinstance(obstacles, RectGrid) else None
    if bounds is None:
        return _search(width, height, x, y, obstacles, gap, math.inf)  # type: ignore[return-value]
    left, top, right, bottom = bounds[0], bounds[1], bounds[0] + bounds[2], bounds[1] + bounds[3]
    sides = [(x - (left - gap - width), (left - gap - width, y)), ((right + gap) - x, (right + gap, y)),
             (y - (top - gap - height), (x, top - gap - height)), ((bottom + gap) - y, (x, bottom + gap))]
    _distance, (ox, oy) = min(sides, key=lambda side: side[0])
    found = _search(width, height, ox, oy, obstacles, gap)
    if found is not None:
        return found
    # Crowded even there (a pile far larger than the board): just outside everything.
    if isinstance(obstacles, RectGrid):
        grown = obstacles.bounds()
        if grown is not None:
            return grown[0] + grown[2] + gap, oy
    return _search(width, height, ox, oy, obstacles, gap, math.inf)  # type: ignore[return-value]


def _search(width: float, height: float, x: float, y: float, obstacles: RectGrid | Obstacles, gap: float,
            limit: float = MAX_REACH) -> tuple[float, float] | None:
    """The nearest free spot within ``limit``, widening the search window by doubling."""
    reach = max(width, height, 4 * gap)
    while True:
        # Every position within ``reach`` of (x, y) on each axis, and what could block it.
        window = (x - reach - gap, y - reach - gap, width + 2 * (reach + gap), height + 2 * (reach + gap))
        if isinstance(obstacles, RectGrid):
            rows, inside = obstacles, [obstacles.rects[k] for k in obstacles.keys_near(window)]
        else:
            inside = list(obstacles(window))
            rows = RectGrid(dict(enumerate(inside)), cell=max(width, height, 200.0))
        if not inside:
            return x, y
        found = _nearest_by_rows(width, height, x, y, inside, rows, gap, reach)
        if found is not None:
            return found
        if reach >= limit:
            return None
        reach = min(reach * 2, limit)


def _nearest_by_rows(width: float, height: float, x: float, y: float, inside: Sequence[Rect], rows: RectGrid,
                     gap: float, reach: float) -> tuple[float, float] | None:
    """The nearest free spot within ``reach``, row by row outwards from y.

    Below y the best row is y itself or just clear of an obstacle's bottom
    (moving a free spot up towards y keeps it free until it meets one);
    above y, just clear of an obstacle's top. Each row's nearest free x is
    found from the blocked intervals on it; rows stop once they are farther
    off than the best spot found."""
    lines = {(0.0, False, y)}
    for o in inside:
        below, above = o[1] + o[3] + gap, o[1] - gap - height
        if y < below <= y + reach:
            lines.add((below - y, False, below))  # at equal distance, below before above
        if y - reach <= above < y:
            lines.add((y - above, True, above))
    best: tuple[float, float, float] | None = None
    for dy, _above, cy in sorted(lines):
        if best is not None and dy >= best[0]:
            break
        px = _nearest_free_x(width, height, x, cy, rows, gap, reach)
        if px is None:
            continue
        distance = math.hypot(px - x, dy)
        if distance <= reach and (best is None or distance < best[0] - _EPS):
            best = (distance, px, cy)
    return (best[1], best[2]) if best is not None else None


def _nearest_free_x(width: float, height: float, x: float, cy: float, rows: RectGrid, gap: float,
                    reach: float) -> float | None:
    """On the row at ``cy``: the free left edge nearest to x (right first on a tie), within ``reach``."""
    band = (x - reach, cy, 2 * reach + width, height)
    blocked = sorted((r[0] - gap - width, r[0] + r[2] + gap)
                     for r in (rows.rects[k] for k in rows.keys_near(band, gap - 2 * _EPS)))
    start = end = None
    for low, high in blocked:  # merge into runs; find the run holding x
        if end is not None and low < end - _EPS:
            end = max(end, high)
            continue
        if start is not None and start + _EPS < x < end - _EPS:
            break
        start, end = low, high
    if start is None or not start + _EPS < x < end - _EPS:
        return x
    choices = [v for v in (end, start) if abs(v - x) <= reach]
    return min(choices, key=lambda v: abs(v - x)) if choices else None


def grid_layout(sizes: Sequence[tuple[float, float]], gap: float = GAP,
                aspect: float = 1.5) -> tuple[list[tuple[float, float]], tuple[float, float]]:
    """Offsets (from the block's top-left) for items in a tidy grid about
    ``aspect`` times as wide as tall, and the block's width and height.
    Each column is as wide as its widest item, each row as tall as its tallest."""
    if not sizes:
        return [], (0.0, 0.0)
    mean_w = sum(w for w, _ in sizes) / len(sizes) + gap
    mean_h = sum(h for _, h in sizes) / len(sizes) + gap
    columns = max(1, min(len(sizes), round(math.sqrt(len(sizes) * aspect * mean_h / mean_w))))
    widths = [0.0] * columns
    heights = [0.0] * math.ceil(len(sizes) / columns)
    for n, (w, h) in enumerate(sizes):
        widths[n % columns] = max(widths[n % columns], w)
        heights[n // columns] = max(heights[n // columns], h)
    lefts = [sum(widths[:c]) + c * gap for c in range(columns)]
    tops = [sum(heights[:r]) + r * gap for r in range(len(heights))]
    offsets = [(lefts[n % columns], tops[n // columns]) for n in range(len(sizes))]
    return offsets, (lefts[-1] + widths[-1], tops[-1] + heights[-1])


# -- taking overlapping cards apart ----------------------------------------------


def separate(rects: Mapping[str, Rect], parents: Mapping[str, str | None], movable: Iterable[str] | None = None,
             gap: float = SEPARATION) -> dict[str, tuple[float, float]]:
    """New top-left positions that leave no two cards overlapping, moving
    as little as it can; returns only the cards that move.

    ``parents`` names each card's group frame (or None). A frame and the
    cards inside it are meant to overlap; a frame moves with everything
    inside it, and cards inside one frame are taken apart among themselves.
    Only ``movable`` cards (default: all) are moved. A card that overlaps
    nothing never moves; of the others, the larger stay and the smaller go
    to the nearest free space, so a pile spreads out around where it was.
    """
    movable = set(rects) if movable is None else set(movable) & set(rects)
    children: dict[str | None, list[str]] = {}
    for key in rects:
        parent = parents.get(key)
        children.setdefault(parent if parent in rects else None, []).append(key)
    board = _Board(dict(rects), children)
    start = dict(rects)
    pending: list[str | None] = [None]
    while pending:
        parent = pending.pop(0)
        siblings = sorted(children.get(parent, []), key=lambda k: (rects[k][1], rects[k][0], k))
        board.separate_siblings(parent, siblings, movable, gap)
        pending += [k for k in siblings if k in children]
    return {k: (r[0], r[1]) for k, r in board.rects.items() if (r[0], r[1]) != start[k][:2]}


class _Board:
    """The cards as :func:`separate` moves them, and who is inside whom."""

    def __init__(self, rects: dict[str, Rect], children: dict[str | None, list[str]]) -> None:
        self.rects = rects
        self.children = children
        self.parent_of = {child: parent for parent, kids in children.items() for child in kids}
        self.world = RectGrid(rects)

    def subtree(self, key: str) -> list[str]:
        found, stack = [], [key]
        while stack:
            k = stack.pop()
            found.append(k)
            stack += self.children.get(k, [])
        return found

    def footprint(self, key: str) -> Rect:
        """A card with everything inside it: what its neighbours must keep clear of."""
        return union(self.rects[k] for k in self.subtree(key))

    def move(self, key: str, dx: float, dy: float) -> None:
        for k in self.subtree(key):
            r = self.rects[k]
            self.rects[k] = moved = (r[0] + dx, r[1] + dy, r[2], r[3])
            self.world.add(k, moved)

    def separate_siblings(self, parent: str | None, siblings: list[str], movable: set[str], gap: float) -> None:
        if len(siblings) < 2:
            return
        feet = {k: self.footprint(k) for k in siblings}
        level = RectGrid(feet)
        crowding = {k: len(level.keys_near(feet[k])) - 1 for k in siblings}
        overlapping = {k for k in siblings if crowding[k]}
        # Outside a frame, the cards of the rest of the board: a card taken
        # out of a crowded frame must not land on a neighbour of the frame.
        inside = set(self.subtree(parent)) if parent is not None else set()
        ancestors = self._ancestors(parent)

        def outside(rect: Rect) -> list[Rect]:
            if parent is None:
                return []
            return [self.rects[k] for k in self.world.keys_near(rect) if k not in inside and k not in ancestors]

        placed = RectGrid()
        crowd = union(feet.values())  # where a card that finds no room nearby leaves from
        staying = [k for k in siblings if k not in overlapping or k not in movable]
        # The larger stay, then of equals the one in the thinner crowd (a card
        # something was dropped on, rather than the pile dropped on it).
        going = sorted((k for k in siblings if k in overlapping and k in movable),
                       key=lambda k: (-feet[k][2] * feet[k][3], crowding[k], feet[k][1], feet[k][0], k))
        for k in staying:
            placed.add(k, feet[k])
        for k in going:
            rect = feet[k]
            if not placed.keys_near(rect) and not any(conflicts(rect, o) for o in outside(rect)):
                placed.add(k, rect)
                continue
            around = placed if parent is None else (lambda window: placed.near(window) + outside(window))
            x, y = nearest_free(rect[2], rect[3], rect[0], rect[1], around, gap, crowd)
            self.move(k, x - rect[0], y - rect[1])
            placed.add(k, (x, y, rect[2], rect[3]))

    def _ancestors(self, key: str | None) -> set[str]:
        found: set[str] = set()
        while key is not None:
            found.add(key)
            key = self.parent_of.get(key)
        return found


# -- the first view of a board -----------------------------------------------------


def densest_window(rects: Sequence[Rect], width: float, height: float, margin: float = 40.0) -> Rect:
    """Where a ``width`` x ``height`` window holds the most rectangles whole
    (ties: the one nearest the middle of them all): the rectangle around
    the ones it holds, to centre a view on.

    Windows start ``margin`` before some rectangle's left and top edges:
    a best window can always be slid until such edges meet its own.
    """
    if not rects:
        return (0.0, 0.0, 0.0, 0.0)
    everything = union(rects)
    middle = (everything[0] + everything[2] / 2, everything[1] + everything[3] / 2)
    by_left = sorted(rects, key=lambda r: r[0])
    starts = [r[0] for r in by_left]
    lefts = _some(sorted({r[0] - margin for r in rects}))
    best: tuple[int, float, list[Rect]] | None = None
    for left in lefts:
        strip = sorted((r for r in by_left[bisect.bisect_left(starts, left):bisect.bisect_right(starts, left + width)]
                        if r[0] + r[2] <= left + width), key=lambda r: r[1])
        held = _densest_run(strip, height, margin)
        if not held:
            continue
        around = union(held)
        off_centre = abs(around[0] + around[2] / 2 - middle[0]) + abs(around[1] + around[3] / 2 - middle[1])
        if best is None or (len(held), -off_centre) > (len(best[2]), -best[1]):
            best = (len(held), off_centre, held)
    return union(best[2]) if best is not None else union(rects[:1])


def _densest_run(rects: Sequence[Rect], height: float, margin: float) -> list[Rect]:
    """Among rects sorted by top: the most that a window of ``height`` holds whole."""
    best: list[Rect] = []
    tops = [r[1] for r in rects]
    for top in _some(sorted({t - margin for t in tops})):
        first, last = bisect.bisect_left(tops, top), bisect.bisect_right(tops, top + height)
        held = [s for s in rects[first:last] if s[1] + s[3] <= top + height]
        if len(held) > len(best):
            best = held
    return best


def _some(edges: list[float], most: int = 60) -> list[float]:
    """At most ``most`` of these window edges, evenly spread: on a board of
    thousands of cards a first view need not try every card's edge."""
    return edges if len(edges) <= most else edges[:: math.ceil(len(edges) / most)]
