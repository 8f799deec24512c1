"""Where a board goes on paper: page sizes, fit-to-page and tiling. Qt-free geometry.

All lengths here are PDF points (1/72 inch) on the page and board units on
the board; ``scale`` is points per board unit. A fitted export is one board
page; a tiled export is an overview page and a grid of tiles that overlap a
little, labelled like a map (columns A, B, C..., rows 1, 2, 3...).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from evidence_board.errors import InvalidInput

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1

# Portrait width and height in points.
PAGE_SIZES: dict[str, tuple[float, float]] = {
    "A4": (595.276, 841.89), "A3": (841.89, 1190.551), "Letter": (612.0, 792.0), "Tabloid": (792.0, 1224.0),
}
MARGIN = 28.0  # around everything on a page
HEADER = 46.0  # the title block across the top of a board page
FOOTER = 16.0  # grid labels and page number under the board
OVERLAP = 24.0  # points each tile repeats of its neighbour, so nothing falls between pages
MAX_TILES = 400


def page_size_name(name: str) -> str:
    for known in PAGE_SIZES:
        if known.casefold() == name.strip().casefold():
            return known
    raise InvalidInput(f"page size must be one of {', '.join(PAGE_SIZES)}, not {name!r}")


def column_label(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: spreadsheet-style column names."""
    label = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        label = chr(65 + rem) + label
    return label


@dataclass(slots=True)
class BoardPage:
    """One page showing part of the board: ``source`` (board units) drawn into ``target`` (points)."""

    title: str  # "Board", "Overview" or the tile label "B2"
    source: Rect
    target: Rect
    scale: float
    overview: bool = False
    neighbours: dict[str, str] = field(default_factory=dict)  # "left"/"right"/"up"/"down" -> tile label


@dataclass(slots=True)
class PageLayout:
    page_name: str
    width: float  # of the page, in points, after orientation
    height: float
    landscape: bool
    pages: list[BoardPage]
    columns: int = 1
    rows: int = 1
    tile_lines: list[tuple[str, Rect]] = field(default_factory=list)  # tile label and its board rect

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


def tile_layout(bounds: Rect, page_name: str, scale: float, landscape: bool | None = None) -> PageLayout:
    """The board at ``scale`` points per board unit, across a grid of overlapping pages,
    after an overview page; the orientation needing fewer pages wins (unless given)."""
    if not (scale > 0 and math.isfinite(scale)):
        raise InvalidInput(f"the tiling scale must be a positive number, not {scale!r}")
    choices = [landscape] if landscape is not None else [False, True]
    best = None
    for orientation in choices:
        w, h = _oriented(page_name, orientation)
        area = board_area(w, h)
        step_w = (area[2] - area[0] - OVERLAP) / scale  # board units each tile advances
        step_h = (area[3] - area[1] - OVERLAP) / scale
        cols = max(1, math.ceil((bounds[2] - bounds[0] - OVERLAP / scale) / step_w))
        rows = max(1, math.ceil((bounds[3] - bounds[1] - OVERLAP / scale) / step_h))
        if best is None or cols * rows < best[0]:
            best = (cols * rows, orientation, w, h, area, step_w, step_h, cols, rows)
    count, orientation, w, h, area, step_w, step_h, cols, rows = best
    if count > MAX_TILES:
        raise InvalidInput(f"at scale {scale:g} the board needs {count} pages (more than {MAX_TILES}); "
                           "choose a smaller scale")
    tile_w, tile_h = (area[2] - area[0]) / scale, (area[3] - area[1]) / scale
    # Centre the grid on the board so the spare space is shared around it.
    spare_w = cols * step_w + OVERLAP / scale - (bounds[2] - bounds[0])
    spare_h = rows * step_h + OVERLAP / scale - (bounds[3] - bounds[1])
    x0, y0 = bounds[0] - spare_w / 2, bounds[1] - spare_h / 2
    # The overview shows the whole grid of pages, not only the cards.
    grid = (x0, y0, x0 + (cols - 1) * step_w + tile_w, y0 + (rows - 1) * step_h + tile_h)
    overview_scale, overview_target = _fit(grid, area)
    pages = [BoardPage("Overview", grid, overview_target, overview_scale, overview=True)]
    lines = []
    for row in range(rows):
        for col in range(cols):
            label = f"{column_label(col)}{row + 1}"
            source = (x0 + col * step_w, y0 + row * step_h, x0 + col * step_w + tile_w, y0 + row * step_h + tile_h)
            neighbours = {}
            if col > 0:
                neighbours["left"] = f"{column_label(col - 1)}{row + 1}"
            if col < cols - 1:
                neighbours["right"] = f"{column_label(col + 1)}{row + 1}"
            if row > 0:
                neighbours["up"] = f"{column_label(col)}{row}"
            if row < rows - 1:
                neighbours["down"] = f"{column_label(col)}{row + 2}"
            pages.append(BoardPage(label, source, area, scale, neighbours=neighbours))
            lines.append((label, source))
    return PageLayout(page_name, w, h, orientation, pages, cols, rows, lines)


def map_rect(page: BoardPage, rect: Rect) -> Rect:
    """A board rect in page points, on ``page`` (whose target is its source at its scale)."""
    s, (sx0, sy0), (tx0, ty0) = page.scale, page.source[:2], page.target[:2]
    return (tx0 + (rect[0] - sx0) * s, ty0 + (rect[1] - sy0) * s,
            tx0 + (rect[2] - sx0) * s, ty0 + (rect[3] - sy0) * s)
