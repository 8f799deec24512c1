"""A JSON Canvas card whose kind (in our ``evidenceBoard`` extra) needs a source gets it, or comes in as a note.

What a kind cannot do without is its descriptor's ``needs`` (model/card_kinds.py).
"""

from __future__ import annotations

import json
from pathlib import Path

from evidence_board.importers.jsoncanvas import EXTRA, import_canvas
from evidence_board.model import CardKind


def _canvas(tmp_path: Path, nodes: list[dict]) -> Path:
    path = tmp_path / "kinds.canvas"
    path.write_text(json.dumps({"nodes": nodes, "edges": []}), encoding="utf-8")
    return path


def _node(node_id: str, y: int, **extra) -> dict:
    return {"id": node_id, "type": "text", "text": extra.get("text", node_id), "x": 0, "y": y,
            "width": 200, "height": 100, EXTRA: extra}


def test_kinds_that_need_a_source_find_it_by_its_hash_or_become_notes(service, case, tmp_path):
    source_id = service.add_source(b"%PDF-1.4 log\n", "log.pdf", "application/pdf", title="Log").created[0]
    sha = case.source(source_id).sha256
    canvas = _canvas(tmp_path, [
        _node("q1", 0, kind="quote", title="Found", text="Left at 02:40.", source={"sha256": sha}),
        _node("d1", 200, kind="document", title="Found too", source={"sha256": sha}),
        _node("q2", 400, kind="quote", title="Lost", text="No such report.", source={"sha256": "0" * 64}),
        _node("p1", 600, kind="photo", title="No picture"),
        _node("e1", 800, kind="entity", title="MV Aurora", entityType="vehicle"),
    ])
    warnings: list[str] = []
    board = import_canvas(service, canvas, warnings=warnings).created[0]
    cards = {c.title: c for c in case.load_board(board).cards.values()}
    assert (cards["Found"].kind, cards["Found"].source_id) == (CardKind.QUOTE, source_id)
    assert (cards["Found too"].kind, cards["Found too"].source_id) == (CardKind.DOCUMENT, source_id)
    assert cards["Lost"].kind is CardKind.NOTE and cards["No picture"].kind is CardKind.NOTE
    assert cards["MV Aurora"].kind is CardKind.ENTITY  # an entity needs only its title
    assert sorted(w for w in warnings if "imported as a note" in w) == [
        "Lost: its source is missing, imported as a note", "No picture: its source is missing, imported as a note"]
