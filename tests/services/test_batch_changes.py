"""A batch tells its caller what it made (issue 13, "No side doors").

The batch yields a Changes that is filled in when the block ends, so an
importer learns what it made without subscribing to its own notification.
"""

from __future__ import annotations

import json
from pathlib import Path

from evidence_board.importers.jsoncanvas import import_canvas
from evidence_board.services import CaseService, Changes
from evidence_board.store import CaseFile


def test_a_batch_names_exactly_what_it_made(case: CaseFile, service: CaseService, board_id: str) -> None:
    before = service.create_card("note", title="made before", board_id=board_id).created[0]
    heard: list[Changes] = []
    service.subscribe(heard.append)
    with service.batch("Two notes and a link") as made:
        a = service.create_card("note", title="a", board_id=board_id).created[0]
        b = service.create_card("note", title="b", board_id=board_id).created[0]
        link = service.create_link(a, b, "knows").created[0]
        assert not made  # filled in only when the batch ends
    assert made.created == [a, b, link]
    assert made.cards == {a, b} and made.links == {link} and before not in made.cards
    assert made.placements == {(board_id, a), (board_id, b)}
    assert made.label == "Two notes and a link" and made.event_id is not None
    assert heard == [made]  # listeners hear the same Changes, once
    service.undo()
    assert {c.id for c in case.cards()} == {before}


def test_a_nested_batch_names_only_what_was_made_inside_it(service: CaseService, board_id: str) -> None:
    with service.batch("Outer") as outer:
        first = service.create_card("note", title="outer", board_id=board_id).created[0]
        with service.batch("Inner") as inner:
            second = service.create_card("note", title="inner", board_id=board_id).created[0]
    assert inner.created == [second] and inner.cards == {second}
    assert outer.created == [first, second]


def test_the_canvas_import_does_not_listen_to_itself(tmp_path: Path, case: CaseFile,
                                                     service: CaseService) -> None:
    canvas = tmp_path / "Plan.canvas"
    nodes = [{"id": f"n{i}", "type": "text", "text": f"note {i}", "x": i * 300, "y": 0,
              "width": 250, "height": 100} for i in range(3)]
    edges = [{"id": "e0", "fromNode": "n0", "toNode": "n1", "label": "then"}]
    canvas.write_text(json.dumps({"nodes": nodes, "edges": edges}), encoding="utf-8")
    heard: list[tuple[Changes, int]] = []

    def listener(changes: Changes) -> None:  # the window's scene, say: who else is listening then?
        heard.append((changes, len(service._listeners)))

    service.subscribe(listener)
    changes = import_canvas(service, canvas)
    assert heard == [(changes, 1)]  # one notification, and only this listener was subscribed
    assert len(service._listeners) == 1
    board = changes.created[0]
    loaded = case.load_board(board)
    assert set(changes.created[1:]) == set(loaded.cards) | {link.id for link in case.links()}
    assert len(loaded.cards) == 3 and changes.boards == {board}
    assert sorted(c.text for c in loaded.cards.values()) == ["note 0", "note 1", "note 2"]
