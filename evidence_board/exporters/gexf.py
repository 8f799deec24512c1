"""GEXF 1.3 export for Gephi, with ``viz:`` position, colour, size and edge shape.

Cards are nodes with their kind and fields as attributes; links are edges
with label, direction (``directed``, ``undirected`` or ``mutual``), strength
(also as weight and as line shape) and colour. Gephi's y axis points up, so
positions are the card centres with y negated: the layout looks the same.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

from evidence_board.exporters.files import atomic_write
from evidence_board.exporters.graphml import WEIGHTS, rgb
from evidence_board.exporters.scope import ExportScope, card_colour, card_record, link_record
from evidence_board.exporters.xml_text import make_tree_xml_safe
from evidence_board.model import Direction, Strength

NS = "http://gexf.net/1.3"
VIZ = "http://gexf.net/1.3/viz"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NODE_ATTRIBUTES: list[tuple[str, str]] = [
    ("number", "integer"), ("kind", "string"), ("title", "string"), ("text", "string"),
    ("entity_type", "string"), ("tags", "string"), ("grade", "string"), ("reliability", "string"),
    ("credibility", "string"), ("source_file", "string"), ("source_sha256", "string"), ("page", "string"),
    ("date_start", "string"), ("date_end", "string"), ("attributes", "string"), ("group_id", "string"),
    ("width", "double"), ("height", "double"),
]
EDGE_ATTRIBUTES: list[tuple[str, str]] = [("direction", "string"), ("strength", "string")]
EDGE_TYPES = {Direction.NONE: "undirected", Direction.FORWARD: "directed", Direction.BOTH: "mutual"}
EDGE_SHAPES = {Strength.CONFIRMED: "solid", Strength.UNCONFIRMED: "dashed", Strength.TENTATIVE: "dotted"}


def _attributes(graph: ET.Element, cls: str, names: list[tuple[str, str]]) -> None:
    block = ET.SubElement(graph, f"{{{NS}}}attributes", {"class": cls, "mode": "static"})
    for name, kind in names:
        ET.SubElement(block, f"{{{NS}}}attribute", id=name, title=name, type=kind)


def _values(parent: ET.Element, record: dict, names: list[tuple[str, str]]) -> None:
    values = ET.SubElement(parent, f"{{{NS}}}attvalues")
    for name, _ in names:
        value = record.get(name)
        if value is not None and value != "":
            ET.SubElement(values, f"{{{NS}}}attvalue", {"for": name, "value": str(value)})


def _colour(parent: ET.Element, colour: str) -> None:
    r, g, b = rgb(colour)
    ET.SubElement(parent, f"{{{VIZ}}}color", r=str(r), g=str(g), b=str(b), a="1.0")


def gexf_tree(scope: ExportScope) -> ET.ElementTree:
    ET.register_namespace("", NS)
    ET.register_namespace("viz", VIZ)
    ET.register_namespace("xsi", XSI)
    root = ET.Element(f"{{{NS}}}gexf", {"version": "1.3",
                                         f"{{{XSI}}}schemaLocation": f"{NS} http://gexf.net/1.3/gexf.xsd"})
    meta = ET.SubElement(root, f"{{{NS}}}meta", lastmodifieddate=date.today().isoformat())
    ET.SubElement(meta, f"{{{NS}}}creator").text = "Evidence Board"
    ET.SubElement(meta, f"{{{NS}}}title").text = f"{scope.case.title}: {scope.board.name}"
    ET.SubElement(meta, f"{{{NS}}}description").text = f"Board {scope.board.name!r} of case {scope.case.title!r}"
    # "mixed" (GEXF 1.3, read by Gephi) only when an undirected link needs it.
    mixed = any(link.direction is Direction.NONE for link in scope.links())
    graph = ET.SubElement(root, f"{{{NS}}}graph", defaultedgetype="mixed" if mixed else "directed",
                          mode="static")
    _attributes(graph, "node", NODE_ATTRIBUTES)
    _attributes(graph, "edge", EDGE_ATTRIBUTES)
    nodes = ET.SubElement(graph, f"{{{NS}}}nodes")
    for card, place in scope.cards():
        node = ET.SubElement(nodes, f"{{{NS}}}node", id=card.id, label=card.title or card.text[:80])
        _values(node, card_record(scope, card, place), NODE_ATTRIBUTES)
        _colour(node, card_colour(card))
        ET.SubElement(node, f"{{{VIZ}}}position", x=f"{place.x + place.width / 2:g}",
                      y=f"{-(place.y + place.height / 2):g}", z="0")
        ET.SubElement(node, f"{{{VIZ}}}size", value=f"{min(place.width, place.height) / 2:g}")
        ET.SubElement(node, f"{{{VIZ}}}shape", value="square")
    edges = ET.SubElement(graph, f"{{{NS}}}edges")
    for link in scope.links():
        edge = ET.SubElement(edges, f"{{{NS}}}edge", id=link.id, source=link.from_card, target=link.to_card,
                             type=EDGE_TYPES[link.direction], weight=f"{WEIGHTS[link.strength]:g}")
        if link.label:
            edge.set("label", link.label)
        _values(edge, link_record(scope, link), EDGE_ATTRIBUTES)
        if link.colour:
            _colour(edge, link.colour)
        ET.SubElement(edge, f"{{{VIZ}}}shape", value=EDGE_SHAPES[link.strength])
    make_tree_xml_safe(root)  # control characters in titles: U+FFFD (exporters/xml_text.py)
    ET.indent(root, space=" ")
    return ET.ElementTree(root)


def export_gexf(scope: ExportScope, path: str | os.PathLike[str]) -> Path:
    path = Path(path)
    tree = gexf_tree(scope)
    atomic_write(path, lambda tmp: tree.write(tmp, encoding="utf-8", xml_declaration=True))
    return path
