"""GraphML export for yEd, Gephi and networkx.

Cards are nodes, links are edges. Every card field is a typed ``<data>``
attribute (networkx reads them as node attributes); Gephi's own names ``x``,
``y``, ``size``, ``r``, ``g``, ``b`` carry the layout and colour, and a yEd
``ShapeNode``/``PolyLineEdge`` graphics block draws the board in yEd with the
same positions (the card's top-left corner in board coordinates, y pointing
down; ``x`` and ``y`` agree with it, since networkx lets the yEd geometry win), sizes, colours, arrows and
line styles (solid confirmed, dashed unconfirmed, dotted tentative).

The graph is directed; an undirected link keeps its ``direction`` attribute
("none") and has no arrows in yEd, but no ``directed="false"``, which
networkx refuses inside a directed graph.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

from evidence_board.exporters.files import atomic_write
from evidence_board.exporters.scope import ExportScope, card_colour, card_record, link_record
from evidence_board.exporters.xml_text import make_tree_xml_safe
from evidence_board.model import Direction, Placement, Strength, limits

NS = "http://graphml.graphdrawing.org/xmlns"
Y = "http://www.yworks.com/xml/graphml"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
LINE_STYLES = {Strength.CONFIRMED: "line", Strength.UNCONFIRMED: "dashed", Strength.TENTATIVE: "dotted"}

NODE_KEYS: list[tuple[str, str]] = [
    ("label", "string"), ("number", "int"), ("kind", "string"), ("title", "string"), ("text", "string"),
    ("entity_type", "string"), ("tags", "string"), ("reliability", "string"), ("credibility", "string"),
    ("grade", "string"), ("source_file", "string"), ("source_sha256", "string"), ("page", "string"),
    ("date_start", "string"), ("date_end", "string"), ("attributes", "string"), ("group_id", "string"),
    ("x", "double"), ("y", "double"), ("width", "double"), ("height", "double"), ("size", "double"),
    ("r", "int"), ("g", "int"), ("b", "int"), ("colour", "string"),
]
EDGE_KEYS: list[tuple[str, str]] = [
    ("edge_label", "string"), ("direction", "string"), ("strength", "string"), ("weight", "double"),
    ("edge_colour", "string"),
]
WEIGHTS = {Strength.CONFIRMED: 3.0, Strength.UNCONFIRMED: 2.0, Strength.TENTATIVE: 1.0}
FALLBACK_COLOUR = "#888888"


def rgb(colour: str) -> tuple[int, int, int]:
    """A ``#rrggbb`` (or ``#rrggbbaa``) colour's red, green and blue; grey for anything else
    (opening a case refuses other colours, and an export never fails on one)."""
    if not limits.is_colour(colour):
        colour = FALLBACK_COLOUR
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _data(parent: ET.Element, key: str, value: object) -> None:
    if value is None or value == "":
        return
    ET.SubElement(parent, f"{{{NS}}}data", key=key).text = str(value)


def graphml_tree(scope: ExportScope) -> ET.ElementTree:
    ET.register_namespace("", NS)
    ET.register_namespace("y", Y)
    ET.register_namespace("xsi", XSI)
    root = ET.Element(f"{{{NS}}}graphml", {
        f"{{{XSI}}}schemaLocation": f"{NS} http://www.yworks.com/xml/schema/graphml/1.1/ygraphml.xsd"})
    for name, kind in NODE_KEYS:
        ET.SubElement(root, f"{{{NS}}}key", {"id": name, "for": "node", "attr.name": name, "attr.type": kind})
    for name, kind in EDGE_KEYS:
        attr = {"edge_label": "label", "edge_colour": "colour"}.get(name, name)
        ET.SubElement(root, f"{{{NS}}}key", {"id": name, "for": "edge", "attr.name": attr, "attr.type": kind})
    ET.SubElement(root, f"{{{NS}}}key", {"id": "node_graphics", "for": "node", "yfiles.type": "nodegraphics"})
    ET.SubElement(root, f"{{{NS}}}key", {"id": "edge_graphics", "for": "edge", "yfiles.type": "edgegraphics"})
    graph = ET.SubElement(root, f"{{{NS}}}graph", id=scope.board.name, edgedefault="directed")
    for card, place in scope.cards():
        node = ET.SubElement(graph, f"{{{NS}}}node", id=card.id)
        record = card_record(scope, card, place)
        colour = card_colour(card)
        r, g, b = rgb(colour)
        record.update(label=card.title or card.text[:80], size=min(place.width, place.height) / 2, r=r, g=g, b=b)
        for name, _ in NODE_KEYS:
            _data(node, name, record.get(name))
        _yed_node(ET.SubElement(node, f"{{{NS}}}data", key="node_graphics"), place, colour, str(record["label"]))
    for link in scope.links():
        edge = ET.SubElement(graph, f"{{{NS}}}edge", id=link.id, source=link.from_card, target=link.to_card)
        record = link_record(scope, link)
        _data(edge, "edge_label", record["label"])
        _data(edge, "direction", record["direction"])
        _data(edge, "strength", record["strength"])
        _data(edge, "weight", WEIGHTS[link.strength])
        _data(edge, "edge_colour", link.colour)
        _yed_edge(ET.SubElement(edge, f"{{{NS}}}data", key="edge_graphics"), link.label,
                  link.colour if limits.is_colour(link.colour) else "#555555", link.direction, link.strength)
    make_tree_xml_safe(root)  # control characters in titles: U+FFFD (exporters/xml_text.py)
    ET.indent(root, space=" ")
    return ET.ElementTree(root)


def _yed_node(data: ET.Element, place: Placement, colour: str, label: str) -> None:
    shape = ET.SubElement(data, f"{{{Y}}}ShapeNode")
    ET.SubElement(shape, f"{{{Y}}}Geometry", x=f"{place.x:g}", y=f"{place.y:g}",
                  width=f"{place.width:g}", height=f"{place.height:g}")
    ET.SubElement(shape, f"{{{Y}}}Fill", color=colour.upper(), transparent="false")
    ET.SubElement(shape, f"{{{Y}}}BorderStyle", color="#888888", type="line", width="1.0")
    ET.SubElement(shape, f"{{{Y}}}NodeLabel").text = label
    ET.SubElement(shape, f"{{{Y}}}Shape", type="roundrectangle")


def _yed_edge(data: ET.Element, label: str, colour: str, direction: Direction, strength: Strength) -> None:
    line = ET.SubElement(data, f"{{{Y}}}PolyLineEdge")
    ET.SubElement(line, f"{{{Y}}}LineStyle", color=colour.upper(), type=LINE_STYLES[strength], width="1.5")
    ET.SubElement(line, f"{{{Y}}}Arrows", source="standard" if direction is Direction.BOTH else "none",
                  target="none" if direction is Direction.NONE else "standard")
    if label:
        ET.SubElement(line, f"{{{Y}}}EdgeLabel").text = label


def export_graphml(scope: ExportScope, path: str | os.PathLike[str]) -> Path:
    path = Path(path)
    tree = graphml_tree(scope)
    atomic_write(path, lambda tmp: tree.write(tmp, encoding="utf-8", xml_declaration=True))
    return path
