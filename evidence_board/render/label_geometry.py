"""The plain-float geometry of label placement: sizes, spans, the steps a plate
tries beside its line, and the segment and rectangle tests (no Qt)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

Rect = tuple[float, float, float, float]  # x, y, width, height
Ends = tuple[float, float, float, float]  # x0, y0, x1, y1

CELL = 512.0
GAP = 4.0  # the clearance a plate keeps from cards, titles, arrowheads and other plates
PLATE_HEIGHT = 20.0
PLATE_MAX_WIDTH = 220.0
# How far beside its line a plate may go (the longest leader), and so how far
# from a line its plate can land at most.
LEADER_STEPS = (6.0, 14.0, 24.0, 34.0, 44.0, 54.0, 64.0, 76.0, 90.0, 106.0, 124.0, 144.0)
DIAGONAL = math.sqrt(0.5)
REACH = LEADER_STEPS[-1] + PLATE_MAX_WIDTH / 2 + GAP
# A plate slides at most SLIDE_SPAN from its line's middle, a leader starts at most
# ANCHOR_SPAN from it: a label of a line across the board stays near its middle, so
# a view places only the labels of lines whose middle part is near it.
SLIDE_SPAN = 900.0
ANCHOR_SPAN = 600.0


@dataclass(slots=True)
class LabelSpot:
    """Where a label's plate is drawn, and the leader joining it to its line (None: on the line)."""

    x: float
    y: float
    width: float
    height: float
    leader: Ends | None = None
    free: bool = True  # False: no free spot was found; drawn at the middle, above what is there

    @property
    def rect(self) -> Rect:
        return self.x, self.y, self.width, self.height

    def bounds(self) -> Rect:
        """The plate and its leader together."""
        if self.leader is None:
            return self.rect
        x0, y0, x1, y1 = self.leader
        left, top = min(self.x, x0, x1), min(self.y, y0, y1)
        right = max(self.x + self.width, x0, x1)
        bottom = max(self.y + self.height, y0, y1)
        return left - 3, top - 3, right - left + 6, bottom - top + 6


@dataclass(slots=True)
class LabelRequest:
    """A label to place: its link's visible line (border to border) and the plate's width."""

    link_id: str
    ends: Ends
    width: float


def arrow_boxes(ends: Ends, arrows: tuple[bool, bool], length: float, half_width: float) -> list[Rect]:
    """Rectangles around the arrowheads at the (start, end) of a line, for plates to keep off."""
    x0, y0, x1, y1 = ends
    dx, dy = x1 - x0, y1 - y0
    norm = math.hypot(dx, dy)
    if norm < 1e-6:
        return []
    ux, uy = dx / norm, dy / norm
    boxes = []
    for tip_x, tip_y, sign, wanted in ((x0, y0, 1.0, arrows[0]), (x1, y1, -1.0, arrows[1])):
        if not wanted:
            continue
        bx, by = tip_x + sign * ux * length, tip_y + sign * uy * length
        xs = (tip_x, bx - uy * half_width, bx + uy * half_width)
        ys = (tip_y, by + ux * half_width, by - ux * half_width)
        boxes.append((min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)))
    return boxes


def meets(a: Rect, b: Rect, gap: float = 0.0) -> bool:
    return (a[0] - gap < b[0] + b[2] and b[0] < a[0] + a[2] + gap
            and a[1] - gap < b[1] + b[3] and b[1] < a[1] + a[3] + gap)


def segment_meets(ends: Ends, rect: Rect, gap: float = 0.0) -> bool:
    """Whether the segment passes through ``rect`` grown by ``gap``."""
    return clip_segment_floats(ends, rect[0] - gap, rect[1] - gap,
                               rect[0] + rect[2] + gap, rect[1] + rect[3] + gap) is not None


def clip_segment_floats(ends: tuple[float, float, float, float], left: float, top: float, right: float,
                        bottom: float) -> tuple[float, float] | None:
    """The part of the segment (x0, y0, x1, y1) inside left, top, right, bottom, as
    fractions (t0, t1) of its length, or None (Liang-Barsky)."""
    x0, y0, x1, y1 = ends
    dx, dy = x1 - x0, y1 - y0
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, x0 - left), (dx, right - x0), (-dy, y0 - top), (dy, bottom - y0)):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return None
    return t0, t1


def landing(ends: Ends) -> Ends:
    """The part of a line its plate is placed along: within SLIDE_SPAN of its middle."""
    x0, y0, x1, y1 = ends
    length = math.hypot(x1 - x0, y1 - y0)
    if length <= 2 * SLIDE_SPAN:
        return ends
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    ux, uy = (x1 - x0) / length * SLIDE_SPAN, (y1 - y0) / length * SLIDE_SPAN
    return mx - ux, my - uy, mx + ux, my + uy


def reach_of(ends: Ends) -> Rect:
    """Where a plate of this line can land: its landing part's bounding box grown by REACH."""
    x0, y0, x1, y1 = landing(ends)
    return (min(x0, x1) - REACH, min(y0, y1) - REACH, abs(x1 - x0) + 2 * REACH, abs(y1 - y0) + 2 * REACH)


def cells(rect: Rect) -> Iterable[tuple[int, int]]:
    x, y, w, h = rect
    for i in range(int(x // CELL), int((x + w) // CELL) + 1):
        for j in range(int(y // CELL), int((y + h) // CELL) + 1):
            yield i, j


def clearing_step(box: Rect, ax: float, ay: float, dx: float, dy: float, half_w: float, half_h: float,
                   extent: float) -> float:
    """The step out along (dx, dy) at which a plate centred at (ax, ay) + (step + extent) * (dx, dy)
    no longer meets ``box`` (grown by GAP): clear of it on either axis
    (``label_walk`` has it written out: keep the two alike)."""
    ox, oy, ow, oh = box
    best = math.inf
    for origin, d, half, low, high in ((ax, dx, half_w, ox, ox + ow), (ay, dy, half_h, oy, oy + oh)):
        if d > 1e-9:
            best = min(best, (high + GAP + half - origin) / d - extent)
        elif d < -1e-9:
            best = min(best, (origin + half - low + GAP) / -d - extent)
    return best


def anchors(half: float) -> list[float]:
    """Where along a line (offsets from its middle) a leader may start: at most 25 points,
    within ANCHOR_SPAN of the middle (a long line has room on it; looking all along it
    would read the whole board)."""
    half = min(half, ANCHOR_SPAN)
    step = max(12.0, half / 12)
    offsets = [0.0]
    d = step
    while d < half - 4:
        offsets += [d, -d]
        d += step
    return offsets


def slides(half: float) -> Iterable[float]:
    """Offsets from a line's middle to try a plate at: 0, then outwards both ways, finer near the middle."""
    yield 0.0
    d = 0.0
    while True:
        d += 6.0 if d < 120 else 20.0
        if d > half:
            return
        yield d
        yield -d


def crosses(x0: float, y0: float, dx: float, dy: float, left: float, top: float, right: float,
            bottom: float) -> bool:
    """``segment_meets`` written out for the segment from (x0, y0) by (dx, dy): the same
    Liang-Barsky steps and arithmetic, so the same answer, without the tuples
    (``label_walk`` has it written out: keep the two alike)."""
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, x0 - left), (dx, right - x0), (-dy, y0 - top), (dy, bottom - y0)):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            if t > t0:
                t0 = t
        elif t < t1:
            t1 = t
        if t0 > t1:
            return False
    return True


def leaves(ends: Ends, bx: float, by: float, dx: float, dy: float, hw: float, hh: float, nx: float,
            ny: float) -> float:
    """How far out along (dx, dy) from (bx, by) a plate centred there (half sizes hw, hh, the
    clearance in) still meets the segment ``ends`` (unit normal (nx, ny)), for a plate that
    meets it now: the least distance at which one of the separating-axis tests turns
    (``label_walk`` has it written out: keep the two alike)."""
    x0, y0, x1, y1 = ends
    dist = nx * (bx - x0) + ny * (by - y0)
    along = nx * dx + ny * dy
    room = abs(nx) * hw + abs(ny) * hh
    leave = math.inf
    for start, rate in ((max(x0, x1) + hw - bx, -dx), (bx + hw - min(x0, x1), dx),
                        (max(y0, y1) + hh - by, -dy), (by + hh - min(y0, y1), dy),
                        (room - dist, -along), (room + dist, along)):
        if rate < -1e-12:
            leave = min(leave, start / -rate)
    return leave
