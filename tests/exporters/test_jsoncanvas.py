"""JSON Canvas: what Obsidian sees, our own round trip, and lenient import of other tools' files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evidence_board.errors import InvalidInput
from evidence_board.exporters.jsoncanvas import export_canvas
from evidence_board.importers.jsoncanvas import import_canvas
from evidence_board.exporters.scope import board_scope
from evidence_board.services import CaseService
from evidence_board.store import CaseFile


def _board_snapshot(case: CaseFile, board_id: str) -> tuple[list, list]:
    """Cards and links of a board, with ids replaced by what a user sees (titles, source hashes)."""
    contents = case.load_board(board_id)
    key = {cid: (c.kind.value, c.title, c.text) for cid, c in contents.cards.items()}
    cards = []
    for cid, card in contents.cards.items():
        place = contents.placements[cid]
        source = case.source(card.source_id) if card.source_id else None
        image = case.attachment(card.attachment_id) if card.attachment_id else None
        cards.append((card.kind.value, card.title, card.text, card.colour, card.tags, card.reliability,
                      card.credibility, card.entity_type, card.attributes, card.date_start, card.page,
                      card.regions, source.sha256 if source else None, image is not None or None,
                      place.x, place.y, place.width, place.height,
                      key[place.group_id] if place.group_id else None))
    links = [(key[lk.from_card], key[lk.to_card], lk.label, lk.direction, lk.strength, lk.colour)
             for lk in contents.links.values()]
    return sorted(cards, key=repr), sorted(links, key=repr)


def test_export_writes_valid_json_canvas_with_files_beside_it(case, sample, tmp_path: Path) -> None:
    out = tmp_path / "out" / "night.canvas"
    out.parent.mkdir()
    export_canvas(board_scope(case), out)
    doc = json.loads(out.read_text(encoding="utf-8"))
    nodes = {n["id"]: n for n in doc["nodes"]}
    assert len(nodes) == len(sample.cards)
    assert {n["type"] for n in nodes.values()} == {"text", "file", "link", "group"}
    for node in nodes.values():
        assert all(isinstance(node[k], int) for k in ("x", "y", "width", "height"))
        if node["type"] == "file":  # relative path, and the file is really there
            assert not Path(node["file"]).is_absolute()
            assert (out.parent / node["file"]).is_file()
    assert nodes[sample.cards["group"]]["label"] == "The night of 12 March"
    assert "> The Aurora left at 02:40 without lights." in nodes[sample.cards["quote"]]["text"]
    assert nodes[sample.cards["ship"]]["color"] == "#ffcc00"
    assert nodes[sample.cards["url"]]["url"] == "https://example.org/registry/9123456"
    edges = {e["id"]: e for e in doc["edges"]}
    both = edges[sample.links["paid"]]
    assert (both["fromEnd"], both["toEnd"], both["label"], both["color"]) == ("arrow", "arrow", "operates", "#cc0000")
    assert (edges[sample.links["memo"]]["fromEnd"], edges[sample.links["memo"]]["toEnd"]) == ("none", "none")
    assert (edges[sample.links["says"]]["fromEnd"], edges[sample.links["says"]]["toEnd"]) == ("none", "arrow")
    assert all(e["fromSide"] in ("top", "right", "bottom", "left") and e["toSide"] for e in edges.values())
    # The quote sits left of the ship's top edge... it is above the ship: it leaves from its bottom.
    assert edges[sample.links["says"]]["fromSide"] == "bottom"
    assert edges[sample.links["says"]]["toSide"] == "top"


def test_round_trip_into_the_same_case_is_one_undo_step(case, service: CaseService, sample, tmp_path) -> None:
    out = tmp_path / "board.canvas"
    export_canvas(board_scope(case), out)
    changes = import_canvas(service, out)
    new_board = changes.created[0]
    assert case.board(new_board).name == "board"
    assert _board_snapshot(case, new_board) == _board_snapshot(case, sample.board_id)
    assert service.undo_label == "Import board.canvas"
    service.undo()
    assert case.board(new_board) is None


def test_round_trip_into_another_case_reads_sources_from_the_files_folder(case, sample, tmp_path) -> None:
    out = tmp_path / "board.canvas"
    export_canvas(board_scope(case), out)
    with CaseFile.create(tmp_path / "other.evb", "Other") as other:
        service = CaseService(other, "Someone")
        warnings: list[str] = []
        board = import_canvas(service, out, warnings=warnings).created[0]
        assert warnings == []
        assert _board_snapshot(other, board) == _board_snapshot(case, sample.board_id)
        report = other.source_by_sha256(case.source(sample.sources["report"]).sha256)
        assert report.page_count == 2 and "02:40" in other.page_text(report.id, 2)


def test_lenient_import_of_an_obsidian_canvas(service: CaseService, case, tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    (vault / ".obsidian").mkdir(parents=True)
    (vault / "images").mkdir()
    (vault / "images" / "dock.png").write_bytes(_png())
    (vault / "boards").mkdir()
    (vault / "boards" / "Notes on the dock.md").write_text("Lights were off.\n", encoding="utf-8")
    canvas = vault / "boards" / "Case.canvas"
    canvas.write_text(json.dumps({
        "nodes": [
            {"id": "g", "type": "group", "x": -50, "y": -50, "width": 800, "height": 500, "label": "Dock",
             "color": "4"},
            {"id": "a", "type": "text", "x": 0, "y": 0, "width": 250, "height": 60,
             "text": "# Suspect\nSeen at the dock", "color": 1, "futureField": {"x": 1}},
            {"id": "b", "type": "file", "file": "images/dock.png", "x": 300, "y": 0, "width": 200, "height": 150},
            {"id": "c", "type": "link", "url": "https://example.org", "x": 0, "y": 600},
            {"id": "d", "type": "file", "file": "../../etc/passwd", "x": 0, "y": 900},
            {"id": "e", "type": "whiteboard-shape", "x": 0, "y": 0},
            {"id": "m", "type": "file", "file": "boards/Notes on the dock.md", "x": 0, "y": 1200},
            {"id": "f", "type": "text", "text": "plain", "x": 900, "y": 0, "width": 100, "height": 50,
             "color": "#abc"},
        ],
        "edges": [
            {"id": "1", "fromNode": "a", "toNode": "b", "label": "photographed in"},
            {"id": "2", "fromNode": "a", "toNode": "f", "fromEnd": "arrow", "toEnd": "none"},
            {"id": "3", "fromNode": "a", "toNode": "missing"},
        ],
    }), encoding="utf-8")
    warnings: list[str] = []
    board = import_canvas(service, canvas, warnings=warnings).created[0]
    contents = case.load_board(board)
    by_title = {c.title or c.text: c for c in contents.cards.values()}
    assert by_title["Suspect"].text == "Seen at the dock" and by_title["Suspect"].colour == "#fb464c"
    assert by_title["dock"].kind.value == "photo" and case.source(by_title["dock"].source_id).file_name == "dock.png"
    assert by_title["Dock"].kind.value == "group" and by_title["Dock"].colour == "#44cf6e"
    assert by_title["https://example.org"].attributes == {"url": "https://example.org"}
    assert by_title["plain"].colour == "#aabbcc"
    notes = by_title["Notes on the dock"]
    assert notes.kind.value == "note" and notes.text == "Lights were off."
    assert by_title["dock"].attachment_id is not None  # the photo shows its picture
    assert by_title["passwd"].kind.value == "note"  # refused, not read
    assert any("outside the canvas folder" in w for w in warnings)
    assert any("unknown type" in w for w in warnings)
    group_id = by_title["Dock"].id
    assert contents.placements[by_title["Suspect"].id].group_id == group_id
    assert contents.placements[by_title["https://example.org"].id].group_id is None
    links = {lk.label: lk for lk in contents.links.values()}
    assert links["photographed in"].direction.value == "forward"
    reversed_link = links[""]  # fromEnd arrow only: the arrow points at "Suspect"
    assert reversed_link.from_card == by_title["plain"].id and reversed_link.to_card == by_title["Suspect"].id
    assert len(contents.links) == 2


def _png() -> bytes:
    from tests.exporters.conftest import make_png

    return make_png(40, 30)


@pytest.mark.parametrize("content", ["not json", "[1, 2]", '{"nodes": 5}', "\u00ff".encode("latin-1")])
def test_broken_canvas_files_are_refused_in_one_line(service, tmp_path: Path, content) -> None:
    canvas = tmp_path / "bad.canvas"
    canvas.write_bytes(content if isinstance(content, bytes) else content.encode())
    boards_before = len(service.case.boards())
    with pytest.raises(InvalidInput, match="not a JSON Canvas file"):
        import_canvas(service, canvas)
    assert len(service.case.boards()) == boards_before
