"""Every export format writes each card kind the way the kind's descriptor (model/card_kinds.py) says.

One check per registered format: a format added to the export table
without a check here fails ``test_every_export_format_has_a_kind_check``.
"""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pymupdf
import pytest
from PySide6.QtGui import QColor, QImage

from evidence_board.exporters.formats import EXPORT_FORMATS, FORMATS, ExportOptions, export_format
from evidence_board.exporters.graphml import rgb
from evidence_board.exporters.jsoncanvas import EXTRA
from evidence_board.exporters.pictures import BOARD_MARGIN
from evidence_board.exporters.scope import ExportScope, board_scope
from evidence_board.model import CARD_KINDS, ENTITY_LOOKS, Card, CardKind
from evidence_board.render.card_painter import BAND


def _accent(card: Card) -> str:
    """The accent a card without its own colour is drawn with."""
    if card.kind is CardKind.ENTITY and card.entity_type is not None:
        return ENTITY_LOOKS[card.entity_type].accent
    return CARD_KINDS[card.kind].look.accent


def _uncoloured(scope: ExportScope) -> list[Card]:
    return [card for card, _ in scope.cards() if not card.colour]


def check_pdf(scope: ExportScope, out: Path) -> None:
    text = "\n".join(page.get_text() for page in pymupdf.open(out))
    for section, heading in (("quotes", "Quotes, in full"), ("entities", "Entities")):
        listed = [card for card, _ in scope.cards() if CARD_KINDS[card.kind].export.appendix == section]
        assert listed, section
        assert f"{heading} ({len(listed)})" in text


def check_png(scope: ExportScope, out: Path) -> None:
    image = QImage(str(out))
    x0, y0, _x1, _y1 = scope.bounds(BOARD_MARGIN)
    for card in _uncoloured(scope):
        place = scope.contents.placements[card.id]
        if CARD_KINDS[card.kind].look.style == "frame":
            continue  # a group's frame is translucent: see the SVG check
        x, y = place.x + place.width / 2 - x0, place.y + BAND / 2 - y0  # the accent band, at scale 1
        assert QColor(image.pixel(round(x), round(y))) == QColor(_accent(card)), card.kind


def check_svg(scope: ExportScope, out: Path) -> None:
    colours = {c.lower() for c in re.findall(r'(?:fill|stroke)="(#[0-9a-fA-F]{6})"', out.read_text("utf-8"))}
    for card in _uncoloured(scope):
        assert _accent(card) in colours, card.kind


def check_canvas(scope: ExportScope, out: Path) -> None:
    nodes = {node["id"]: node for node in json.loads(out.read_text("utf-8"))["nodes"]}
    for card, _ in scope.cards():
        node, export = nodes[card.id], CARD_KINDS[card.kind].export
        assert node[EXTRA]["kind"] == card.kind.value
        has_file = card.source_id is not None or card.attachment_id is not None
        fallback = {"file": not has_file, "link": not card.attributes.get("url")}.get(export.canvas_node, False)
        assert node["type"] == ("text" if fallback else export.canvas_node), card.kind
        if node["type"] == "text":
            lines = node["text"].splitlines()
            quoted = any(line.startswith(">") for line in lines)  # a Markdown block quote
            typed = f"*{card.entity_type.value if card.entity_type else 'entity'}*" in lines  # the entity's type
            assert (quoted, typed) == (export.canvas_text == "quote", export.canvas_text == "entity"), card.kind


def _check_graph(node_colours: Callable[[Path], dict[str, tuple[int, int, int]]],
                 node_kinds: Callable[[Path], dict[str, str]]) -> Callable[[ExportScope, Path], None]:
    def check(scope: ExportScope, out: Path) -> None:
        colours, kinds = node_colours(out), node_kinds(out)
        for card, _ in scope.cards():
            assert kinds[card.id] == CARD_KINDS[card.kind].name
            if not card.colour:
                assert colours[card.id] == rgb(CARD_KINDS[card.kind].export.fill), card.kind

    return check


def _graphml_nodes(out: Path, key: str) -> dict[str, ET.Element]:
    ns = "{http://graphml.graphdrawing.org/xmlns}"
    return {n.get("id"): {d.get("key"): d.text for d in n.iter(f"{ns}data")}.get(key)
            for n in ET.parse(out).getroot().iter(f"{ns}node")}


def _graphml_colours(out: Path) -> dict[str, tuple[int, int, int]]:
    r, g, b = (_graphml_nodes(out, k) for k in "rgb")
    return {i: (int(r[i]), int(g[i]), int(b[i])) for i in r}


def _gexf_nodes(out: Path) -> list[ET.Element]:
    return list(ET.parse(out).getroot().iter("{http://gexf.net/1.3}node"))


def _gexf_colours(out: Path) -> dict[str, tuple[int, int, int]]:
    colours = {}
    for node in _gexf_nodes(out):
        c = node.find("{http://gexf.net/1.3/viz}color")
        colours[node.get("id")] = (int(c.get("r")), int(c.get("g")), int(c.get("b")))
    return colours


def _gexf_kinds(out: Path) -> dict[str, str]:
    return {node.get("id"): {v.get("for"): v.get("value") for v in node.iter("{http://gexf.net/1.3}attvalue")}["kind"]
            for node in _gexf_nodes(out)}


def check_csv(scope: ExportScope, out: Path) -> None:
    with open(out / "cards.csv", newline="", encoding="utf-8") as f:
        kinds = {row["id"]: row["kind"] for row in csv.DictReader(f)}
    assert kinds == {card.id: CARD_KINDS[card.kind].name for card, _ in scope.cards()}


FORMAT_CHECKS: dict[str, Callable[[ExportScope, Path], None]] = {
    "pdf": check_pdf,
    "png": check_png,
    "svg": check_svg,
    "canvas": check_canvas,
    "graphml": _check_graph(_graphml_colours, lambda out: _graphml_nodes(out, "kind")),
    "gexf": _check_graph(_gexf_colours, _gexf_kinds),
    "csv": check_csv,
}


def test_every_export_format_has_a_kind_check():
    assert set(FORMAT_CHECKS) == set(FORMATS)


@pytest.mark.parametrize("name", [f.name for f in EXPORT_FORMATS])
def test_each_format_writes_each_kind_as_its_descriptor_says(qapp, case, sample, tmp_path, name):
    scope = board_scope(case)
    assert {card.kind for card, _ in scope.cards()} == set(CardKind)  # the sample holds every kind
    fmt = export_format(name)
    out = tmp_path / f"board{fmt.extension}" if fmt.extension else tmp_path / "tables"
    fmt.write(scope, out, ExportOptions(scale=1.0) if name == "png" else ExportOptions(), None)
    FORMAT_CHECKS[name](scope, out)
