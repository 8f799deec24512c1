"""Which cards go on which tile of a tiled PDF, so that no card is cut in two
and no page is printed for an empty part of the board. Qt-free geometry.

The cards are split by straight cuts that run between cards (never through
one), again and again, until every part fits on a page at the print scale: a
guillotine partition. Each cut is chosen to need the fewest pages, by the
pages its two sides' bounding boxes would take, the sides as even as can be.
Where no straight cut can pass between the cards (they interlock), the cut
crossing the fewest cards is taken and a card it crosses goes, whole, to the
side holding its centre. Two kinds of card cannot be kept whole: a card
larger than a page at that scale, and a group frame larger than a page
(frames hold other cards; they are drawn cut, their cards whole).

Each part becomes one tile: a page-sized window centred on its cards. Cards
of other tiles that show in that window are drawn there only as an outline
naming their tile.
"""

from __future__ import annotations

import bisect
import heapq
import math
from collections.abc import Iterator
from dataclasses import dataclass, field

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1

# What a card draws outside its rectangle: the number badge up and left, the shadow below.
PAD_BEFORE = 8.0
PAD_AFTER = 4.0


@dataclass(slots=True)
class TileCard:
    id: str
    rect: Rect
    group: bool = False


@dataclass(slots=True)
class Tile:
    cards: list[str]  # the cards drawn whole on this tile
    extent: Rect  # their bounding box, badges and shadows included
    window: Rect = (0.0, 0.0, 0.0, 0.0)  # the page-sized part of the board the tile shows
    label: str = ""
    neighbours: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Tiling:
    tiles: list[Tile]
    home: dict[str, str]  # card id -> label of the tile that draws it whole
    cut: set[str]  # cards drawn on every tile they cross: larger than a page
    columns: int = 1  # most tiles in a row
    rows: int = 1


def column_label(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: spreadsheet-style column names."""
    label = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        label = chr(65 + rem) + label
    return label


def _padded(r: Rect) -> Rect:
    return (r[0] - PAD_BEFORE, r[1] - PAD_BEFORE, r[2] + PAD_AFTER, r[3] + PAD_AFTER)


def _bbox(items: list[tuple[Rect, str]]) -> Rect:
    return (min(r[0] for r, _ in items), min(r[1] for r, _ in items),
            max(r[2] for r, _ in items), max(r[3] for r, _ in items))


def _pages(width: float, height: float, tile_w: float, tile_h: float) -> int:
    return max(1, math.ceil(width / tile_w - 1e-9)) * max(1, math.ceil(height / tile_h - 1e-9))


def _best_gap(items: list[tuple[Rect, str]], axis: int, tile_w: float,
              tile_h: float) -> tuple[tuple[int, int, float], int, list[tuple[Rect, str]], int] | None:
    """The best cut between cards along ``axis`` (0: a vertical line, 1: a horizontal one).

    Returns (score, axis, order, k) or None: the first ``k`` cards of
    ``order`` (by their low edge) go on one side. The score is (pages,
    imbalance, -gap width): lower is better.
    """
    lo, hi = axis, axis + 2
    order = sorted(items, key=lambda item: item[0][lo])
    n = len(order)
    suffix: list[Rect] = [order[-1][0]] * n  # the bounding box of every suffix, to price the far side
    box = order[-1][0]
    for i in range(n - 1, -1, -1):
        r = order[i][0]
        box = (min(box[0], r[0]), min(box[1], r[1]), max(box[2], r[2]), max(box[3], r[3]))
        suffix[i] = box
    best = None
    first = order[0][0]
    reach = -math.inf
    for k in range(1, n):
        r = order[k - 1][0]
        reach = max(reach, r[hi])
        first = (min(first[0], r[0]), min(first[1], r[1]), max(first[2], r[2]), max(first[3], r[3]))
        start = order[k][0][lo]
        if start < reach:
            continue  # a card of the first side reaches past where the next one starts: no gap here
        a, b = _padded(first), _padded(suffix[k])
        pages_a = _pages(a[2] - a[0], a[3] - a[1], tile_w, tile_h)
        pages_b = _pages(b[2] - b[0], b[3] - b[1], tile_w, tile_h)
        score = (pages_a + pages_b, abs(pages_a - pages_b), -(start - reach))
        if best is None or score < best[0]:
            best = (score, k)
    return None if best is None else (best[0], axis, order, best[1])


def _forced_cut(items: list[tuple[Rect, str]]) -> tuple[list, list]:
    """Interlocking cards: cut where the fewest cards cross, each crossed card to its centre's side."""
    best = None
    for axis in (0, 1):
        los = sorted(r[axis] for r, _ in items)
        his = sorted(r[axis + 2] for r, _ in items)
        centres = sorted((r[axis] + r[axis + 2]) / 2 for r, _ in items)
        low, high = centres[0], centres[-1]
        for position in sorted(set(los) | set(his)):
            if not low < position <= high:
                continue
            crossing = bisect.bisect_left(los, position) - bisect.bisect_right(his, position)
            if best is None or crossing < best[0]:
                best = (crossing, axis, position)
    if best is None:  # every card has the same centre: split the pile in two
        half = len(items) // 2
        return items[:half], items[half:]
    _, axis, position = best
    first = [item for item in items if (item[0][axis] + item[0][axis + 2]) / 2 < position]
    return first, [item for item in items if (item[0][axis] + item[0][axis + 2]) / 2 >= position]


def _split(items: list[tuple[Rect, str]], tile_w: float, tile_h: float) -> list[list[tuple[Rect, str]]]:
    """Parts the greedy strips leave too big (cards that interlock): cut one at a time, as in the module docstring."""
    parts, stack = [], [items]
    while stack:
        part = stack.pop()
        if _fits(part, tile_w, tile_h) or len(part) == 1:
            parts.append(part)
            continue
        gaps = [g for g in (_best_gap(part, 0, tile_w, tile_h), _best_gap(part, 1, tile_w, tile_h)) if g]
        if gaps:
            _score, _axis, order, k = min(gaps, key=lambda g: (g[0], g[1]))
            first, rest = order[:k], order[k:]
        else:
            first, rest = _forced_cut(part)
        stack.append(rest)
        stack.append(first)
    return parts


def _fits(part: list[tuple[Rect, str]], tile_w: float, tile_h: float) -> bool:
    box = _padded(_bbox(part))
    return box[2] - box[0] <= tile_w and box[3] - box[1] <= tile_h


def _strips(items: list[tuple[Rect, str]], axis: int, length: float) -> list[list[tuple[Rect, str]]]:
    """``items`` cut into strips across ``axis`` at gaps between cards, each as long as a page allows.

    The cards first fall into runs that no straight line can pass between;
    runs are then put together greedily, as words into lines, which takes
    the fewest strips. A run longer than a page is a strip of its own.
    """
    order = sorted(items, key=lambda item: item[0][axis])
    runs: list[tuple[float, float, list]] = []  # (low edge, high edge, cards)
    for item in order:
        r = item[0]
        if runs and r[axis] < runs[-1][1]:
            lo, hi, cards = runs[-1]
            cards.append(item)
            runs[-1] = (lo, max(hi, r[axis + 2]), cards)
        else:
            runs.append((r[axis], r[axis + 2], [item]))
    strips: list[list[tuple[Rect, str]]] = []
    start = None
    for lo, hi, cards in runs:
        if start is not None and hi + PAD_AFTER - (start - PAD_BEFORE) <= length:
            strips[-1].extend(cards)
        else:
            strips.append(list(cards))
            start = lo
    return strips


def _partition(items: list[tuple[Rect, str]], tile_w: float, tile_h: float) -> list[list[tuple[Rect, str]]]:
    """Rows of pages, each cut into pages, or columns cut into pages: whichever takes fewer."""
    best = None
    for first in (1, 0):  # 1: rows first
        parts = []
        for strip in _strips(items, first, (tile_w, tile_h)[first]):
            for piece in _strips(strip, 1 - first, (tile_w, tile_h)[1 - first]):
                parts.extend([piece] if _fits(piece, tile_w, tile_h) else _split(piece, tile_w, tile_h))
        if best is None or len(parts) < len(best):
            best = parts
    return best


def _overlaps(a: Rect, b: Rect) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _merge(parts: list[list[tuple[Rect, str]]], tile_w: float, tile_h: float) -> list[list[tuple[Rect, str]]]:
    """Join parts that fit on one page together (the strips are made one axis at a time and
    sometimes leave two small neighbours apart), as long as no other part's cards fall between them."""
    boxes = [_bbox(part) for part in parts]
    alive = [True] * len(parts)
    cells: dict[tuple[int, int], set[int]] = {}

    def cells_of(box: Rect) -> Iterator[tuple[int, int]]:
        for cx in range(int(box[0] // tile_w), int(box[2] // tile_w) + 1):
            for cy in range(int(box[1] // tile_h), int(box[3] // tile_h) + 1):
                yield cx, cy

    def near(box: Rect) -> set[int]:
        grown = (box[0] - tile_w, box[1] - tile_h, box[2] + tile_w, box[3] + tile_h)
        return {k for cell in cells_of(grown) for k in cells.get(cell, ()) if alive[k]}

    for i, box in enumerate(boxes):
        for cell in cells_of(box):
            cells.setdefault(cell, set()).add(i)

    def joined(i: int, j: int) -> Rect | None:
        a, b = boxes[i], boxes[j]
        box = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
        padded = _padded(box)
        if padded[2] - padded[0] > tile_w or padded[3] - padded[1] > tile_h:
            return None
        for k in near(box):
            if k != i and k != j and _overlaps(boxes[k], box) and any(_overlaps(r, box) for r, _ in parts[k]):
                return None
        return box

    heap: list[tuple[float, int, int]] = []

    def offer(i: int) -> None:
        for j in near(boxes[i]):
            if j != i:
                box = joined(i, j)
                if box is not None:
                    heapq.heappush(heap, ((box[2] - box[0]) * (box[3] - box[1]), min(i, j), max(i, j)))

    for i in range(len(parts)):
        offer(i)
    while heap:
        _area, i, j = heapq.heappop(heap)
        if not (alive[i] and alive[j]):
            continue
        box = joined(i, j)  # the parts around may have changed since it was offered
        if box is None:
            continue
        parts[i] = parts[i] + parts[j]
        alive[j] = False
        boxes[i] = box
        for cell in cells_of(box):
            cells.setdefault(cell, set()).add(i)
        offer(i)
    return [part for part, keep in zip(parts, alive) if keep]


def _window(extent: Rect, tile_w: float, tile_h: float, bounds: Rect) -> Rect:
    """A page-sized window centred on ``extent``, kept inside ``bounds`` where the board is big enough:
    what the page has room for beyond its own cards shows the cards around them, as outlines naming
    their page, rather than empty board."""
    out = []
    for axis, size in ((0, tile_w), (1, tile_h)):
        centre = (extent[axis] + extent[axis + 2]) / 2
        start = centre - size / 2
        if bounds[axis + 2] - bounds[axis] >= size:
            start = min(max(start, bounds[axis]), bounds[axis + 2] - size)
        start = min(start, extent[axis])  # a card larger than the page: its top-left in view
        out.append(start)
    return (out[0], out[1], out[0] + tile_w, out[1] + tile_h)


def _label(tiles: list[Tile], tile_h: float) -> tuple[int, int]:
    """Map-style labels (A1, B1, ... A2) by rows of tiles; how many columns and rows that makes."""
    rows: list[list[Tile]] = []
    for tile in sorted(tiles, key=lambda t: (t.extent[1], t.extent[0])):
        if rows and tile.extent[1] < rows[-1][0].extent[1] + tile_h / 2:
            rows[-1].append(tile)
        else:
            rows.append([tile])
    for r, row in enumerate(rows):
        for c, tile in enumerate(sorted(row, key=lambda t: t.extent[0])):
            tile.label = f"{column_label(c)}{r + 1}"
    return max((len(row) for row in rows), default=1), max(1, len(rows))


def find_neighbours(tiles: list[Tile]) -> None:
    """Each tile's nearest tile to the left, right, above and below (sharing some of its rows or columns)."""
    for tile in tiles:
        x0, y0, x1, y1 = tile.extent
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        found: dict[str, tuple[float, str]] = {}
        for other in tiles:
            if other is tile:
                continue
            ox0, oy0, ox1, oy1 = other.extent
            across = min(y1, oy1) - max(y0, oy0) > 0
            along = min(x1, ox1) - max(x0, ox0) > 0
            for name, ok, distance in (("left", across and ox1 <= cx, cx - ox1),
                                       ("right", across and ox0 >= cx, ox0 - cx),
                                       ("up", along and oy1 <= cy, cy - oy1),
                                       ("down", along and oy0 >= cy, oy0 - cy)):
                if ok and (name not in found or distance < found[name][0]):
                    found[name] = (distance, other.label)
        tile.neighbours = {name: found[name][1] for name in ("left", "right", "up", "down") if name in found}


def tile_cards(cards: list[TileCard], tile_w: float, tile_h: float, bounds: Rect) -> Tiling:
    """Split ``cards`` into page-sized tiles (``tile_w`` × ``tile_h`` board units); see the module docstring."""
    items: list[tuple[Rect, str]] = []
    cut: set[str] = set()
    for card in cards:
        box = _padded(card.rect)
        fits = box[2] - box[0] <= tile_w and box[3] - box[1] <= tile_h
        if not fits:
            cut.add(card.id)
        if fits or not card.group:  # a big group frame is only drawn behind the cards it holds
            items.append((card.rect, card.id))
    tiles: list[Tile] = []
    for part in _merge(_partition(items, tile_w, tile_h), tile_w, tile_h) if items else []:
        extent = _padded(_bbox(part))
        ids = [card_id for _, card_id in part]
        if len(part) == 1 and ids[0] in cut:  # a card larger than a page: a grid of pages over it
            columns = max(1, math.ceil((extent[2] - extent[0]) / tile_w - 1e-9))
            rows = max(1, math.ceil((extent[3] - extent[1]) / tile_h - 1e-9))
            for row in range(rows):
                for col in range(columns):
                    x0, y0 = extent[0] + col * tile_w, extent[1] + row * tile_h
                    piece = (x0, y0, min(extent[2], x0 + tile_w), min(extent[3], y0 + tile_h))
                    tiles.append(Tile(ids, piece, (x0, y0, x0 + tile_w, y0 + tile_h)))
            continue
        tiles.append(Tile(ids, extent, _window(extent, tile_w, tile_h, bounds)))
    columns, rows = _label(tiles, tile_h) if tiles else (1, 1)
    home = {}
    for tile in tiles:
        for card_id in tile.cards:
            home.setdefault(card_id, tile.label)
    return Tiling(tiles, home, cut, columns, rows)
