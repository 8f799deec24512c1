"""Where cards go (model.placement): checked against brute force, without Qt."""

from __future__ import annotations

import math
import random

import pytest

from evidence_board.model.placement import (
    GAP, RectGrid, conflicts, densest_window, grid_layout, nearest_free, separate,
)


def _crowd(seed: int, count: int, side: float) -> dict[str, tuple[float, float, float, float]]:
    rng = random.Random(seed)
    return {f"c{i}": (round(rng.uniform(0, side)), round(rng.uniform(0, side)),
                      rng.choice((200.0, 260.0, 220.0)), rng.choice((90.0, 120.0, 150.0, 260.0)))
            for i in range(count)}


def _overlapping_pairs(rects, parents=None) -> list[tuple[str, str]]:
    """Pairs of cards that overlap, leaving out a frame and what it holds."""
    parents = parents or {}

    def ancestors(key):
        found = set()
        while parents.get(key):
            key = parents[key]
            found.add(key)
        return found

    grid = RectGrid(rects)
    pairs = set()
    for key, rect in rects.items():
        for other in grid.keys_near(rect):
            if other != key and other not in ancestors(key) and key not in ancestors(other):
                pairs.add(tuple(sorted((key, other))))
    return sorted(pairs)


# -- one card in free space --------------------------------------------------------


def test_a_free_spot_is_taken_as_asked() -> None:
    grid = RectGrid({"a": (0, 0, 200, 120)})
    assert nearest_free(200, 120, 500, 0, grid.near) == (500, 0)


def test_next_to_a_card_goes_just_past_it_below_or_right_first() -> None:
    grid = RectGrid({"a": (0, 0, 200, 120)})
    # Centred on the card: below it (as one reads) rather than above it at the same distance.
    assert nearest_free(200, 120, 0, 0, grid.near) == (0, 120 + GAP)
    # Mostly to its right: pushed right, not below.
    assert nearest_free(200, 120, 150, 0, grid.near) == (200 + GAP, 0)


@pytest.mark.parametrize("seed", range(6))
def test_the_spot_found_is_free_and_no_free_spot_is_nearer(seed: int) -> None:
    """Brute force: every position on a 5-unit lattice around the wanted one."""
    rects = _crowd(seed, 60, 1200)
    grid = RectGrid(rects)
    rng = random.Random(seed)
    want = (rng.uniform(200, 1000), rng.uniform(200, 1000))
    x, y = nearest_free(200, 120, *want, grid.near)
    assert not any(conflicts((x, y, 200, 120), r, GAP) for r in rects.values())
    found = math.dist((x, y), want)
    step = 5
    for i in range(-int(found) // step - 1, int(found) // step + 2):
        for j in range(-int(found) // step - 1, int(found) // step + 2):
            px, py = want[0] + i * step, want[1] + j * step
            if math.dist((px, py), want) < found - step * 1.5:
                assert any(conflicts((px, py, 200, 120), r, GAP) for r in rects.values()), (px, py, found)


def test_a_card_deep_inside_a_packed_board_comes_out_beside_it() -> None:
    """A 40 x 40 lattice with gaps too narrow for a card: the spot is just outside it."""
    rects = {(i, j): (i * 260.0, j * 190.0, 240.0, 170.0) for i in range(40) for j in range(40)}
    grid = RectGrid(rects)
    x, y = nearest_free(200, 120, 2000, 3700, grid.near)
    assert not any(conflicts((x, y, 200, 120), r, GAP) for r in rects.values())
    # The lattice's left edge (2,000 away) is nearer than its bottom (3,900): straight out to the left.
    assert (x, y) == (0 - GAP - 200, 3700)


# -- a tidy grid ------------------------------------------------------------------


def test_a_grid_of_many_items_is_tidy_wider_than_tall_and_never_overlaps() -> None:
    sizes = [(200.0, 260.0)] * 5 + [(220.0, 200.0)] * 7 + [(940.0, 500.0)]
    offsets, (width, height) = grid_layout(sizes)
    rects = [(dx, dy, w, h) for (dx, dy), (w, h) in zip(offsets, sizes)]
    assert not any(conflicts(a, b, GAP - 1) for n, a in enumerate(rects) for b in rects[n + 1:])
    assert len({dx for dx, _ in offsets}) > 1 and len({dy for _, dy in offsets}) > 1  # rows and columns
    assert all(dx + w <= width and dy + h <= height for dx, dy, w, h in rects)
    assert 0.8 <= width / height <= 3.0


# -- removing overlaps -----------------------------------------------------------


def test_two_cards_overlapping_move_apart_by_no_more_than_the_overlap() -> None:
    rects = {"a": (0.0, 0.0, 200.0, 120.0), "b": (170.0, 10.0, 200.0, 120.0), "far": (2000.0, 0.0, 200.0, 120.0)}
    moved = separate(rects, {})
    assert list(moved) in (["a"], ["b"])  # one of them moves, the one far away does not
    key = next(iter(moved))
    distance = math.dist(moved[key], rects[key][:2])
    assert distance == pytest.approx(30 + 10)  # the 30 of overlap and the small gap


def _naive_push_right(rects):
    """What a quick fix does: shove each card that overlaps an earlier one to the right until it does not."""
    placed, moved = {}, {}
    for key in sorted(rects, key=lambda k: (rects[k][1], rects[k][0])):
        x, y, w, h = rects[key]
        while any(conflicts((x, y, w, h), r) for r in placed.values()):
            x += 10
        placed[key] = (x, y, w, h)
        if x != rects[key][0]:
            moved[key] = (x, y)
    return moved


@pytest.mark.parametrize("seed", range(5))
def test_a_crowded_board_ends_with_no_overlaps_moving_little(seed: int) -> None:
    rects = _crowd(seed, 150, 3000)
    assert _overlapping_pairs(rects)  # the board really is crowded
    overlapping = {k for pair in _overlapping_pairs(rects) for k in pair}
    moved = separate(rects, {})
    after = {k: (*moved.get(k, r[:2]), r[2], r[3]) for k, r in rects.items()}
    assert _overlapping_pairs(after) == []
    assert set(moved) <= overlapping  # a card that overlapped nothing stays where it was
    ours = sum(math.dist(p, rects[k][:2]) for k, p in moved.items())
    naive = sum(math.dist(p, rects[k][:2]) for k, p in _naive_push_right(rects).items())
    assert ours < naive


def test_a_frame_keeps_its_cards_and_moves_with_them() -> None:
    rects = {
        "frame": (0.0, 0.0, 700.0, 400.0),
        "inside1": (40.0, 80.0, 200.0, 120.0),
        "inside2": (100.0, 100.0, 200.0, 120.0),  # overlaps inside1, both in the frame
        "note": (650.0, 300.0, 200.0, 120.0),  # overlaps the frame's corner, outside it
    }
    parents = {"inside1": "frame", "inside2": "frame"}
    moved = separate(rects, parents)
    after = {k: (*moved.get(k, r[:2]), r[2], r[3]) for k, r in rects.items()}
    assert _overlapping_pairs(after, parents) == []
    # The small note moves off the frame; the frame (and so its cards) stays.
    assert "note" in moved and "frame" not in moved
    assert sum(k in moved for k in ("inside1", "inside2")) == 1


def test_a_frame_that_moves_takes_its_cards_along() -> None:
    rects = {"big": (0.0, 0.0, 2000.0, 1000.0), "frame": (1900.0, 0.0, 500.0, 300.0),
             "member": (2000.0, 80.0, 200.0, 120.0)}
    parents = {"member": "frame"}
    moved = separate(rects, parents)
    assert "frame" in moved and "big" not in moved
    dx, dy = moved["frame"][0] - 1900.0, moved["frame"][1]
    assert moved["member"] == pytest.approx((2000.0 + dx, 80.0 + dy))


def test_only_the_chosen_cards_move() -> None:
    rects = {"a": (0.0, 0.0, 200.0, 120.0), "b": (50.0, 0.0, 200.0, 120.0), "c": (100.0, 0.0, 200.0, 120.0)}
    moved = separate(rects, {}, movable={"c"})
    assert set(moved) == {"c"}
    after = {k: (*moved.get(k, r[:2]), r[2], r[3]) for k, r in rects.items()}
    assert not any(conflicts(after["c"], after[k]) for k in ("a", "b"))


# -- the first view ---------------------------------------------------------------


def _most_held(rects, width, height, x, y) -> int:
    return sum(1 for r in rects if r[0] >= x and r[1] >= y and r[0] + r[2] <= x + width and r[1] + r[3] <= y + height)


@pytest.mark.parametrize("seed", range(4))
def test_the_densest_window_holds_as_many_cards_as_any_window(seed: int) -> None:
    rng = random.Random(seed)
    cluster = [(rng.uniform(3000, 3800), rng.uniform(1000, 1600), 200.0, 120.0) for _ in range(25)]
    scattered = [(rng.uniform(-5000, 9000), rng.uniform(-5000, 9000), 200.0, 120.0) for _ in range(40)]
    rects = cluster + scattered
    width, height = 1300.0, 1000.0
    x, y, w, h = densest_window(rects, width, height)
    assert w <= width and h <= height
    held = sum(1 for r in rects if r[0] >= x and r[1] >= y and r[0] + r[2] <= x + w and r[1] + r[3] <= y + h)
    best = max(_most_held(rects, width, height, a[0], b[1]) for a in rects for b in rects)
    assert held == best
    assert held >= 20  # it is the cluster


def test_deep_inside_a_board_packed_wider_than_the_search_a_card_leaves_by_the_nearest_edge() -> None:
    """60 x 60 cards edge to edge (15,600 x 11,400): no room within reach, so out by the nearest side."""
    rects = {(i, j): (i * 260.0, j * 190.0, 240.0, 170.0) for i in range(60) for j in range(60)}
    grid = RectGrid(rects)
    x, y = nearest_free(200, 120, 7800, 3000, grid)  # 3,000 from the top, 7,800 from the sides
    assert not any(conflicts((x, y, 200, 120), r, GAP) for r in rects.values())
    assert y == -GAP - 120 and abs(x - 7800) < 300


def test_a_pile_in_the_middle_of_a_packed_board_comes_apart_along_its_nearest_edge() -> None:
    rects = {f"{i},{j}": (i * 260.0, j * 190.0, 240.0, 170.0) for i in range(40) for j in range(40)}
    pile = {f"pile{n}": (5200.0 + 7 * n, 300.0 + 5 * n, 200.0, 120.0) for n in range(30)}
    board = {**rects, **pile}
    moved = separate(board, {})
    after = {k: (*moved.get(k, r[:2]), r[2], r[3]) for k, r in board.items()}
    assert _overlapping_pairs(after) == []
    assert set(moved) <= set(pile)  # the bigger board cards under the pile stay; the pile moves
    # Out of the top edge (300 away), not the far sides; spread along it, not stacked in a tower.
    outside = [after[k] for k in pile if k in moved]
    assert all(r[1] + r[3] <= 0 for r in outside)
    assert max(r[1] for r in outside) - min(r[1] for r in outside) < 1000
