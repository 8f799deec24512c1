"""Remove overlaps through the service: one step, undoable, read back from the file."""

from __future__ import annotations

import math

from evidence_board.model.placement import conflicts
from evidence_board.store import CaseFile


def _rects(case, board_id) -> dict[str, tuple[float, float, float, float]]:
    return {k: (p.x, p.y, p.width, p.height) for k, p in case.board_placements(board_id).items()}


def _pairs(rects, inside=frozenset()) -> list[tuple[str, str]]:
    keys = sorted(rects)
    return [(a, b) for n, a in enumerate(keys) for b in keys[n + 1:]
            if (a, b) not in inside and (b, a) not in inside and conflicts(rects[a], rects[b])]


def _pile(service, board_id) -> dict[str, str]:
    """A note dropped on three others, two cards side by side overlapping a little, one card alone."""
    specs = {
        "pile1": (0, 0), "pile2": (40, 20), "pile3": (80, 40), "pile4": (20, 10),
        "left": (1000, 0), "right": (1180, 0),  # 20 of overlap
        "alone": (3000, 3000),
    }
    ids = service.create_cards([{"kind": "note", "title": key, "x": x, "y": y, "width": 200, "height": 120}
                                for key, (x, y) in specs.items()], board_id).created
    return dict(zip(specs, ids))


def test_remove_overlaps_leaves_none_in_one_undo_step(case_path, case, service, board_id):
    ids = _pile(service, board_id)
    before = _rects(case, board_id)
    assert _pairs(before)
    steps = len(case.audit_events())
    changes = service.remove_overlaps(board_id)
    assert changes.action == "remove_overlaps" and service.undo_label.startswith("Remove overlaps")
    assert len(case.audit_events()) == steps + 1  # one audit event
    with CaseFile.open(case_path, read_only=True) as on_disk:
        after = _rects(on_disk, board_id)
    assert _pairs(after) == []
    assert after[ids["alone"]] == before[ids["alone"]]  # overlapped nothing, did not move
    # The pair side by side moves apart by about their overlap, not by a card's width.
    moved = [k for k in ("left", "right") if after[ids[k]] != before[ids[k]]]
    assert len(moved) == 1
    assert math.dist(after[ids[moved[0]]][:2], before[ids[moved[0]]][:2]) <= 20 + 10 + 1e-6
    # The pile spreads out around where it was.
    for key in ("pile1", "pile2", "pile3", "pile4"):
        assert math.dist(after[ids[key]][:2], before[ids[key]][:2]) < 300

    service.undo()
    assert _rects(case, board_id) == before
    service.redo()
    assert _rects(case, board_id) == after


def test_only_the_selected_cards_move_and_a_frame_keeps_what_it_holds(case, service, board_id):
    ids = _pile(service, board_id)
    frame = service.create_card("group", board_id=board_id, title="Frame", x=-50, y=-80, width=400, height=300)
    frame_id = frame.created[0]
    service.set_group(board_id, [ids["pile1"], ids["pile2"]], frame_id)
    before = _rects(case, board_id)
    service.remove_overlaps(board_id, [ids["pile2"], ids["pile3"]])
    after = _rects(case, board_id)
    unselected = set(before) - {ids["pile2"], ids["pile3"]}
    assert all(after[k] == before[k] for k in unselected)
    assert not conflicts(after[ids["pile3"]], after[ids["pile1"]])
    assert not conflicts(after[ids["pile2"]], after[ids["pile1"]])  # taken apart inside the frame


def test_nothing_overlapping_is_no_step_at_all(case, service, board_id):
    service.create_cards([{"kind": "note", "title": f"n{i}", "x": i * 300, "y": 0} for i in range(3)], board_id)
    label = service.undo_label
    changes = service.remove_overlaps(board_id)
    assert not changes and service.undo_label == label
