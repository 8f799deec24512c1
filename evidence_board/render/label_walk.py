"""The walk beside a line: the first free spot for a plate that found none on its line.

``LabelPlacer._place`` gives :func:`walk` its rays, each (ax, ay, dx, dy, sx,
sy, extent): out from the anchor (ax, ay) on the line along (dx, dy), shifted
by (sx, sy), through ``LEADER_STEPS``. The spot taken is the first free one in
(step, ray) order, as if every candidate were tried in turn; the rays advance
together, step by step, and a ray blocked at one step is due again at the first
step clear of what blocked it (of its own line: ``leaves``; of a card, title,
arrowhead or plate: ``clearing_step``'s arithmetic). Any one blocker gives an
exact jump (the plate meets it until that step), so which one is found first
does not change the spot.

This is the hottest loop of an export's label placement: on the board bench's
board (10,000 cards, 20,000 links, 6,667 labels) 3,335 labels walk, 92 rays
and about 130 candidates each. The blocker test, the own-line test
(``crosses``) and both jumps (``leaves``, ``clearing_step``) are written out
here, on plain floats, in the same arithmetic (a change to one of those
functions is a change here too); a ray's jump past its own line (the same for every
step) is worked out once: the walks took 1.11-1.15 s as methods calling those
functions, 0.69-0.83 s so (same sitting, alternating), for the same spots.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable

from evidence_board.render.label_geometry import (
    CELL, GAP, LEADER_STEPS, PLATE_HEIGHT, Ends, LabelRequest, LabelSpot, Rect, segment_meets,
)

Ray = tuple[float, float, float, float, float, float, float]


def walk(request: LabelRequest, rays: list[Ray], loaded_cells: dict, load: Callable[[tuple[int, int]], object],
         spots: dict[str, LabelSpot], limits: Rect | None,
         leader_blocked: Callable[[Ends, str], bool]) -> LabelSpot | None:
    """The first free spot for ``request``'s plate beside its line along ``rays`` (None: none).

    ``loaded_cells`` and ``load`` are the placer's grid (a cell's ``blocks`` and
    ``plates``), ``spots`` its placed spots, ``limits`` where plates must stay,
    ``leader_blocked`` its test of a leader.
    """
    w, h = request.width, PLATE_HEIGHT
    half_w, half_h = w / 2, h / 2
    own = request.link_id
    ends = request.ends
    # The plate's own line, for the segment test written out (``crosses``), and
    # its unit normal: a plate clearly off the infinite line needs no test.
    lx0, ly0, lx1, ly1 = ends
    ldx, ldy = lx1 - lx0, ly1 - ly0
    length = math.hypot(ldx, ldy)
    nx, ny = (-ldy / length, ldx / length) if length > 1e-6 else (0.0, 0.0)
    reach = abs(nx) * (w / 2 + GAP) + abs(ny) * (h / 2 + GAP) + 1e-6
    half_w_gap, half_h_gap = w / 2 + GAP, h / 2 + GAP
    # For ``crosses`` and ``leaves`` written out below (the same arithmetic, in the same order).
    nldx, nldy = -ldx, -ldy
    xmax, xmin, ymax, ymin = max(lx0, lx1), min(lx0, lx1), max(ly0, ly1), min(ly0, ly1)
    room = abs(nx) * half_w_gap + abs(ny) * half_h_gap
    all_steps = LEADER_STEPS
    steps = len(all_steps)
    # No limits (the screen): infinite edges, not (-inf) + inf, which is NaN and
    # would put every spot beside a line "outside".
    lim_left, lim_top, lim_right, lim_bottom = (
        (limits[0], limits[1], limits[0] + limits[2], limits[1] + limits[3]) if limits is not None
        else (-math.inf, -math.inf, math.inf, math.inf))
    cell_of = loaded_cells.get
    past_line: dict[int, int] = {}  # ray -> the first step that may be past its own line
    out_steps: dict[float, tuple[float, ...]] = {}  # extent -> step + extent for every step
    # The rays due at each step, in ray order.
    due: list[list[int]] = [[] for _ in range(steps)]
    due[0] = list(range(len(rays)))
    for index in range(steps):
        waiting = due[index]
        if not waiting:
            continue
        waiting.sort()
        step = all_steps[index]
        for r in waiting:
            ax, ay, dx, dy, sx, sy, extent = rays[r]
            cx, cy = ax + dx * (step + extent) + sx, ay + dy * (step + extent) + sy
            x, y = cx - w / 2, cy - h / 2
            left, top, right, bottom = x - GAP, y - GAP, x + w + GAP, y + h + GAP
            on_line = False
            if abs(nx * (cx - lx0) + ny * (cy - ly0)) <= reach:
                # crosses(lx0, ly0, ldx, ldy, left, top, right, bottom): Liang-Barsky, t0 only
                # growing and t1 only shrinking, so testing t0 <= t1 once at the end is the same.
                on_line = True
                t0, t1 = 0.0, 1.0
                if ldx > 0:
                    t = (lx0 - left) / nldx
                    if t > t0:
                        t0 = t
                    t = (right - lx0) / ldx
                    if t < t1:
                        t1 = t
                elif ldx < 0:
                    t = (lx0 - left) / nldx
                    if t < t1:
                        t1 = t
                    t = (right - lx0) / ldx
                    if t > t0:
                        t0 = t
                elif lx0 - left < 0 or right - lx0 < 0:
                    on_line = False
                if ldy > 0:
                    t = (ly0 - top) / nldy
                    if t > t0:
                        t0 = t
                    t = (bottom - ly0) / ldy
                    if t < t1:
                        t1 = t
                elif ldy < 0:
                    t = (ly0 - top) / nldy
                    if t < t1:
                        t1 = t
                    t = (bottom - ly0) / ldy
                    if t > t0:
                        t0 = t
                elif ly0 - top < 0 or bottom - ly0 < 0:
                    on_line = False
                on_line = on_line and t0 <= t1
            if on_line:
                # Where the plate meets its line is one stretch of the ray: due
                # again at the first step that may be past it.
                after = past_line.get(r)
                if after is None:
                    # leaves(ends, ax + sx, ay + sy, dx, dy, half_w_gap, half_h_gap, nx, ny):
                    # the least distance at which a separating-axis test turns.
                    bx, by = ax + sx, ay + sy
                    dist = nx * (bx - lx0) + ny * (by - ly0)
                    along = nx * dx + ny * dy
                    leave = math.inf
                    if dx > 1e-12:
                        v = (xmax + half_w_gap - bx) / dx
                        if v < leave:
                            leave = v
                    if dx < -1e-12:
                        v = (bx + half_w_gap - xmin) / -dx
                        if v < leave:
                            leave = v
                    if dy > 1e-12:
                        v = (ymax + half_h_gap - by) / dy
                        if v < leave:
                            leave = v
                    if dy < -1e-12:
                        v = (by + half_h_gap - ymin) / -dy
                        if v < leave:
                            leave = v
                    if along > 1e-12:
                        v = (room - dist) / along
                        if v < leave:
                            leave = v
                    if along < -1e-12:
                        v = (room + dist) / -along
                        if v < leave:
                            leave = v
                    out = out_steps.get(extent)
                    if out is None:
                        out = out_steps[extent] = tuple(s + extent for s in all_steps)
                    after = past_line[r] = bisect_left(out, leave - 1e-6)
                if after <= index:
                    after = index + 1
                if after < steps:
                    due[after].append(r)
                continue
            if not (lim_left <= x and x + w <= lim_right and lim_top <= y and y + h <= lim_bottom):
                continue  # past the limits: further out is further outside
            # The blocker: a card, title or arrowhead, else a plate, meeting the plate
            # grown by GAP; or a placed leader crossing it (``crossed``).
            blocker = None
            crossed = False
            i0, i1, j0, j1 = int(left // CELL), int(right // CELL), int(top // CELL), int(bottom // CELL)
            for cell in ((i0, j0),) if i0 == i1 and j0 == j1 else \
                    [(i, j) for i in range(i0, i1 + 1) for j in range(j0, j1 + 1)]:
                loaded = cell_of(cell) or load(cell)
                for box in loaded.blocks:  # type: ignore[attr-defined]  (left, top, right, bottom)
                    ox, oy, ox1, oy1 = box
                    if left < ox1 and ox < right and top < oy1 and oy < bottom:
                        blocker = box
                        break
                else:
                    for link_id in loaded.plates:  # type: ignore[attr-defined]
                        if link_id == own:
                            continue
                        spot = spots[link_id]
                        if left < spot.x + spot.width and spot.x < right and top < spot.y + spot.height \
                                and spot.y < bottom:
                            blocker = (spot.x, spot.y, spot.x + spot.width, spot.y + spot.height)
                            break
                        if not crossed and spot.leader is not None \
                                and segment_meets(spot.leader, (x, y, w, h), GAP):
                            crossed = True
                    else:
                        continue
                break
            if blocker is None:
                if not crossed:
                    leader = (ax, ay, min(max(ax, x), x + w), min(max(ay, y), y + h))
                    if not leader_blocked(leader, own):
                        return LabelSpot(x, y, w, h, leader=leader)
                after = index + 1
            else:
                # clearing_step written out: the step at which the plate is clear of
                # the blocker (grown by GAP) on either axis.
                ox, oy, ox1, oy1 = blocker  # ox1 = ox + ow: clearing_step's sum
                bx, by = ax + sx, ay + sy
                # (``if v < clear`` is min(clear, v), as clearing_step takes it.)
                clear = math.inf
                if dx > 1e-9:
                    v = (ox1 + GAP + half_w - bx) / dx - extent
                    if v < clear:
                        clear = v
                elif dx < -1e-9:
                    v = (bx + half_w - ox + GAP) / -dx - extent
                    if v < clear:
                        clear = v
                if dy > 1e-9:
                    v = (oy1 + GAP + half_h - by) / dy - extent
                    if v < clear:
                        clear = v
                elif dy < -1e-9:
                    v = (by + half_h - oy + GAP) / -dy - extent
                    if v < clear:
                        clear = v
                after = bisect_left(all_steps, clear - 1e-9)
                if after <= index:
                    after = index + 1
            if after < steps:
                due[after].append(r)
    return None
