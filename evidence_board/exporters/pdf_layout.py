"""Where a board goes on paper: page sizes, fit-to-page and tiling. Qt-free geometry.

All lengths here are PDF points (1/72 inch) on the page and board units on
the board; ``scale`` is points per board unit. A fitted export is one board
page; a tiled export is an overview page and the tiles ``tiling`` chooses, labelled
like a map (columns A, B, C..., rows 1, 2, 3...).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from evidence_board.errors import InvalidInput
from evidence_board.exporters.tiling import TileCard, column_label, find_neighbours, tile_cards

__all__ = ["column_label"]  # the tile labels' columns, also for the overview

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1

# Portrait width and height in points.
PAGE_SIZES: dict[str, tuple[float, float]] = {
    "A4": (595.276, 841.89), "A3": (841.89, 1190.551), "Letter": (612.0, 792.0), "Tabloid": (792.0, 1224.0),
}
MARGIN = 28.0  # around everything on a page
HEADER = 46.0  # the title block across the top of a board page
FOOTER = 16.0  # grid labels and page number under the board
MAX_TILES = 400


def page_size_name(name: str) -> str:
    for known in PAGE_SIZES:
        if known.casefold() == name.strip().casefold():
            return known
    raise InvalidInput(f"page size must be one of {', '.join(PAGE_SIZES)}, not {name!r}")


@dataclass(slots=True)
class BoardPage:
    """One page showing part of the board: ``source`` (board units) drawn into ``target`` (points)."""

    title: str  # "Board", "Overview" or the tile label "B2"
    source: Rect
    target: Rect
    scale: float
    overview: bool = False
    neighbours: dict[str, str] = field(default_factory=dict)  # "left"/"right"/"up"/"down" -> tile label
    cards: frozenset[str] | None = None  # a tile: the cards it draws whole (None: every card)


@dataclass(slots=True)
class PageLayout:
    page_name: str
    width: float  # of the page, in points, after orientation
    height: float
    landscape: bool
    pages: list[BoardPage]
    columns: int = 1
    rows: int = 1
    tile_lines: list[tuple[str, Rect]] = field(default_factory=list)  # tile label and the board rect of its cards
    home: dict[str, str] = field(default_factory=dict)  # card id -> the tile that draws it whole
    cut: frozenset[str] = frozenset()  # cards larger than a page: drawn, cut, on every tile they cross

    @property
    def tiles(self) -> int:
        return sum(1 for page in self.pages if page.cards is not None)

    @property
    def board_area(self) -> Rect:
        return board_area(self.width, self.height)


def board_area(width: float, height: float) -> Rect:
    """The part of a page the board is drawn in: under the title block, above the footer."""
    return (MARGIN, MARGIN + HEADER, width - MARGIN, height - MARGIN - FOOTER)


def _oriented(page_name: str, landscape: bool) -> tuple[float, float]:
    w, h = PAGE_SIZES[page_name]
    return (h, w) if landscape else (w, h)


def _fit(source: Rect, target: Rect) -> tuple[float, Rect]:
    """Scale and centred target rect that shows all of ``source`` inside ``target``."""
    sw, sh = max(source[2] - source[0], 1.0), max(source[3] - source[1], 1.0)
    tw, th = target[2] - target[0], target[3] - target[1]
    scale = min(tw / sw, th / sh)
    w, h = sw * scale, sh * scale
    cx, cy = (target[0] + target[2]) / 2, (target[1] + target[3]) / 2
    return scale, (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def fit_layout(bounds: Rect, page_name: str, landscape: bool | None = None) -> PageLayout:
    """The whole board on one page, in the orientation that prints it largest (unless given)."""
    choices = [landscape] if landscape is not None else [False, True]
    best = None
    for orientation in choices:
        w, h = _oriented(page_name, orientation)
        scale, target = _fit(bounds, board_area(w, h))
        if best is None or scale > best[0] + 1e-9:
            best = (scale, target, orientation, w, h)
    scale, target, orientation, w, h = best
    return PageLayout(page_name, w, h, orientation, [BoardPage("Board", bounds, target, scale)])


def tile_layout(bounds: Rect, page_name: str, scale: float, landscape: bool | None = None,
                cards: list[TileCard] | None = None) -> PageLayout:
    """The board at ``scale`` points per board unit on as few pages as keep every card whole,
    after an overview page; the orientation needing fewer pages wins (unless given).

    ``cards`` are what to keep whole (their rects in board units); without
    them the whole ``bounds`` is one card, cut into a grid of pages.
    """
    if not (scale > 0 and math.isfinite(scale)):
        raise InvalidInput(f"the tiling scale must be a positive number, not {scale!r}")
    if not cards:
        cards = [TileCard("", bounds)]
    choices = [landscape] if landscape is not None else [False, True]
    best = None
    for orientation in choices:
        w, h = _oriented(page_name, orientation)
        area = board_area(w, h)
        tiling = tile_cards(cards, (area[2] - area[0]) / scale, (area[3] - area[1]) / scale, bounds)
        # Fewer pages; as many, the page shaped like the board.
        key = (len(tiling.tiles), abs(math.log((w / h) / max(1e-9, (bounds[2] - bounds[0]) /
                                                            max(1e-9, bounds[3] - bounds[1])))))
        if best is None or key < best[0]:
            best = (key, orientation, w, h, area, tiling)
    _key, orientation, w, h, area, tiling = best
    find_neighbours(tiling.tiles)
    if len(tiling.tiles) > MAX_TILES:
        raise InvalidInput(f"at scale {scale:g} the board needs {len(tiling.tiles)} pages (more than {MAX_TILES}); "
                           "choose a smaller scale")
    windows = [t.window for t in tiling.tiles] or [bounds]
    # The overview shows every tile's window, not only the cards.
    grid = (min(min(r[0] for r in windows), bounds[0]), min(min(r[1] for r in windows), bounds[1]),
            max(max(r[2] for r in windows), bounds[2]), max(max(r[3] for r in windows), bounds[3]))
    overview_scale, overview_target = _fit(grid, area)
    pages = [BoardPage("Overview", grid, overview_target, overview_scale, overview=True)]
    order = sorted(tiling.tiles, key=lambda t: _label_order(t.label))
    for tile in order:
        pages.append(BoardPage(tile.label, tile.window, area, scale, neighbours=tile.neighbours,
                               cards=frozenset(c for c in tile.cards if c)))
    lines = [(tile.label, tile.extent) for tile in order]
    return PageLayout(page_name, w, h, orientation, pages, tiling.columns, tiling.rows, lines,
                      {k: v for k, v in tiling.home.items() if k}, frozenset(c for c in tiling.cut if c))


def _label_order(label: str) -> tuple[int, int]:
    """B2 -> (2, 1): tiles in reading order, row by row."""
    letters = label.rstrip("0123456789")
    column = 0
    for char in letters:
        column = column * 26 + ord(char) - 64
    return int(label[len(letters):]), column


def map_rect(page: BoardPage, rect: Rect) -> Rect:
    """A board rect in page points, on ``page`` (whose target is its source at its scale)."""
    s, (sx0, sy0), (tx0, ty0) = page.scale, page.source[:2], page.target[:2]
    return (tx0 + (rect[0] - sx0) * s, ty0 + (rect[1] - sy0) * s,
            tx0 + (rect[2] - sx0) * s, ty0 + (rect[3] - sy0) * s)
