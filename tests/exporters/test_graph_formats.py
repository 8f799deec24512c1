"""GraphML, GEXF and CSV: parse back with the tools people use on them."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx
import pytest

from evidence_board.errors import InvalidInput
from evidence_board.exporters import format_for_path
from evidence_board.exporters.gexf import export_gexf
from evidence_board.exporters.graphml import export_graphml
from evidence_board.exporters.scope import board_scope
from evidence_board.exporters.tables import CARD_COLUMNS, LINK_COLUMNS, export_csv

GEXF = "{http://gexf.net/1.3}"
VIZ = "{http://gexf.net/1.3/viz}"


def test_graphml_reads_in_networkx_with_attributes_and_yed_graphics(case, sample, tmp_path: Path) -> None:
    path = export_graphml(board_scope(case), tmp_path / "board.graphml")
    graph = networkx.read_graphml(path)
    assert set(graph.nodes) == set(sample.cards.values())
    assert graph.number_of_edges() == len(sample.links)
    ship = graph.nodes[sample.cards["ship"]]
    assert ship["kind"] == "entity" and ship["entity_type"] == "vehicle" and ship["title"] == "MV Aurora"
    assert (ship["r"], ship["g"], ship["b"]) == (255, 204, 0)
    assert (float(ship["x"]), float(ship["y"]), ship["width"]) == (0.0, 300.0, 200.0)  # top-left, as on the board
    quote = graph.nodes[sample.cards["quote"]]
    assert quote["grade"] == "B2" and quote["source_file"] == "harbour-log.pdf" and quote["page"] == "2"
    edge = graph.edges[sample.cards["company"], sample.cards["ship"]]
    assert (edge["label"], edge["direction"], edge["strength"]) == ("operates", "both", "unconfirmed")
    root = ET.parse(path).getroot()
    y = "{http://www.yworks.com/xml/graphml}"
    styles = {e.get("type") for e in root.iter(f"{y}LineStyle")}
    assert styles == {"line", "dashed", "dotted"}
    geometry = [g.attrib for g in root.iter(f"{y}Geometry")]
    assert {"x": "0", "y": "300", "width": "200", "height": "90"} in geometry


def test_gexf_has_nodes_edges_and_viz_attributes(case, sample, tmp_path: Path) -> None:
    path = export_gexf(board_scope(case), tmp_path / "board.gexf")
    root = ET.parse(path).getroot()
    assert root.tag == f"{GEXF}gexf" and root.get("version") == "1.3"
    nodes = {n.get("id"): n for n in root.iter(f"{GEXF}node")}
    edges = {e.get("id"): e for e in root.iter(f"{GEXF}edge")}
    assert set(nodes) == set(sample.cards.values()) and set(edges) == set(sample.links.values())
    ship = nodes[sample.cards["ship"]]
    assert ship.get("label") == "MV Aurora"
    values = {v.get("for"): v.get("value") for v in ship.iter(f"{GEXF}attvalue")}
    assert values["kind"] == "entity" and values["entity_type"] == "vehicle"
    assert ship.find(f"{VIZ}color").attrib["r"] == "255"
    assert ship.find(f"{VIZ}position").attrib == {"x": "100", "y": "-345", "z": "0"}
    assert float(ship.find(f"{VIZ}size").get("value")) == 45.0
    paid = edges[sample.links["paid"]]
    assert (paid.get("label"), paid.get("type"), paid.find(f"{VIZ}shape").get("value")) == (
        "operates", "mutual", "dashed")
    assert edges[sample.links["memo"]].get("type") == "undirected"
    assert root.find(f"{GEXF}graph").get("defaultedgetype") == "mixed"  # directed and undirected links


def test_gexf_of_directed_links_reads_in_networkx(case, sample, tmp_path: Path) -> None:
    chosen = [sample.cards[n] for n in ("company", "ship", "quote", "doc")]
    path = export_gexf(board_scope(case, selection=chosen), tmp_path / "board.gexf")
    graph = networkx.read_gexf(path)
    assert graph.is_directed() and set(graph.nodes) == set(chosen)
    assert graph.number_of_edges() == 4  # the two-way link reads as a pair of edges
    assert graph.nodes[sample.cards["ship"]]["viz"]["position"]["x"] == 100.0


def test_csv_tables_have_the_documented_columns(case, sample, tmp_path: Path) -> None:
    folder = export_csv(board_scope(case), tmp_path / "tables")
    with open(folder / "cards.csv", newline="", encoding="utf-8") as handle:
        cards = list(csv.DictReader(handle))
    with open(folder / "links.csv", newline="", encoding="utf-8") as handle:
        links = list(csv.DictReader(handle))
    assert list(cards[0]) == CARD_COLUMNS and list(links[0]) == LINK_COLUMNS
    assert len(cards) == len(sample.cards) and len(links) == len(sample.links)
    numbered = [int(c["number"]) for c in cards if c["number"]]
    assert numbered == list(range(1, len(sample.cards)))  # every card but the group frame, in order
    memo = next(c for c in cards if c["id"] == sample.cards["memo_quote"])
    assert memo["text"] == "Payments of €40,000 to Castell Shipping Ltd." and memo["source_file"] == "memo.pdf"
    paid = next(lk for lk in links if lk["id"] == sample.links["paid"])
    assert (paid["source_title"], paid["target_title"], paid["type"]) == ("Castell Shipping Ltd", "MV Aurora",
                                                                           "Directed")


def test_csv_defuses_spreadsheet_formulas(case, service, board_id, tmp_path: Path) -> None:
    service.create_card("note", board_id=board_id, title="=HYPERLINK(\"http://evil\")", text="-2 degrees")
    folder = export_csv(board_scope(case), tmp_path / "t")
    with open(folder / "cards.csv", newline="", encoding="utf-8") as handle:
        row = next(csv.DictReader(handle))
    assert row["title"].startswith("'=") and row["text"] == "'-2 degrees"


def test_a_selection_keeps_only_links_between_selected_cards(case, sample) -> None:
    scope = board_scope(case, selection=[sample.cards["company"], sample.cards["ship"], sample.cards["quote"]])
    assert set(scope.link_ids) == {sample.links["paid"], sample.links["says"]}
    with pytest.raises(InvalidInput, match="no board named"):
        board_scope(case, "No such board")


@pytest.mark.parametrize("name, fmt", [("a.pdf", "pdf"), ("a.PNG", "png"), ("a.canvas", "canvas"),
                                       ("a.graphml", "graphml"), ("a.gexf", "gexf"), ("tables/", "csv"),
                                       ("tables", "csv"), ("a.svg", "svg")])
def test_format_follows_the_extension(name: str, fmt: str) -> None:
    assert format_for_path(name) == fmt


def test_unknown_extensions_and_csv_files_are_refused() -> None:
    with pytest.raises(InvalidInput, match="unknown export format"):
        format_for_path("board.docx")
    with pytest.raises(InvalidInput, match="writes a folder"):
        format_for_path("board.csv")
