"""Values `check` used to accept that readers did not (issue 12, items 11-15).

Each crafted value is written with plain sqlite3, as an attacker would; the
file must be refused at opening with one line (and listed by `check`), the
services must refuse the same value when asked to write it, and a merge
from such a file must copy nothing. What the services can write at the
limits must open.
"""

from __future__ import annotations

import csv
import hashlib
import sqlite3
from dataclasses import replace
from pathlib import Path

import networkx
import pytest
from click.testing import CliRunner

from evidence_board.cli import main
from evidence_board.errors import CaseFileError, InvalidInput
from evidence_board.exporters.gexf import export_gexf
from evidence_board.exporters.graphml import export_graphml
from evidence_board.exporters.scope import board_scope
from evidence_board.exporters.tables import CARD_COLUMNS, LINK_COLUMNS, export_csv
from evidence_board.services import CaseService
from evidence_board.services.merging import merge_case
from evidence_board.store import CaseFile
from evidence_board.store.checking import check_case
from evidence_board.store.safety import HostileCaseFile
from tests.fuzz.mutations import _sql_edit, build_seed_case

CRAFTED = {
    # item 11: geometry
    "regions of 1e308": "UPDATE cards SET regions = '[[0, 0, 1e308, 1e308]]' WHERE kind = 'quote'",
    "a width of -1e11": "UPDATE placements SET width = -1e11",
    "x of 9.9e11": "UPDATE placements SET x = 9.9e11 WHERE rowid = 1",
    "a region upside down": "UPDATE cards SET regions = '[[100, 100, 10, 10]]' WHERE kind = 'quote'",
    "a card 3 units tall": "UPDATE placements SET height = 3",
    # item 12: colours
    "a colour of =1+1": "UPDATE cards SET colour = '=1+1'",
    "a link colour of +cmd": "UPDATE links SET colour = '+cmd'",
    # item 13: references that lead nowhere
    "a dangling attachment": "UPDATE sources SET attachment_id = 999",
    "a dangling photo": "UPDATE cards SET attachment_id = 999 WHERE kind = 'note'",
    "a dangling source": "UPDATE cards SET source_id = 'nowhere' WHERE kind = 'quote'",
    "a link to no card": "UPDATE links SET to_card = 'nowhere' WHERE rowid = 1",
    "a group that is a note": "UPDATE placements SET group_id = (SELECT id FROM cards WHERE kind = 'note')",
    "groups in a ring": ("UPDATE placements SET group_id = (SELECT id FROM cards WHERE kind = 'group') "
                         "WHERE card_id = (SELECT id FROM cards WHERE kind = 'group')"),
    # item 15: formulas in columns that are not text
    "a date of =HYPERLINK": "UPDATE cards SET date_start = '=HYPERLINK(\"http://x\",\"open\")'",
    "a created_at of =1+2": "UPDATE cards SET created_at = '=1+2'",
}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    return build_seed_case(tmp_path / "seed.evb")


def crafted(seed: Path, statement: str) -> Path:
    path = seed.with_name("crafted.evb")
    path.write_bytes(_sql_edit(seed.read_bytes(), [statement]))
    return path


@pytest.mark.parametrize("what", list(CRAFTED))
def test_a_crafted_value_is_refused_at_opening_and_listed_by_check(seed: Path, what: str) -> None:
    path = crafted(seed, CRAFTED[what])
    before = digest(path)
    for read_only in (True, False):
        with pytest.raises(HostileCaseFile, match="refused") as info:
            CaseFile.open(path, read_only=read_only)
        assert "\n" not in str(info.value)
    report = check_case(path)
    assert not report.ok
    assert digest(path) == before
    # Every command that reads the case says the same one line, exit 2.
    result = CliRunner().invoke(main, ["export", str(path), str(path.with_name("out.graphml"))])
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_a_merge_from_a_crafted_file_copies_nothing(seed: Path, case: CaseFile, service: CaseService) -> None:
    theirs = crafted(seed, CRAFTED["x of 9.9e11"])
    service.create_card("note", title="ours", board_id=case.boards()[0].id)
    counts = case.counts()
    with pytest.raises(CaseFileError, match="refused"):
        merge_case(service, theirs)
    assert case.counts() == counts
    assert case.conn.execute("SELECT max(abs(x)) FROM placements").fetchone()[0] < 1e6


def test_the_services_refuse_what_opening_refuses(case: CaseFile, service: CaseService, board_id: str) -> None:
    from evidence_board.model import limits

    card = service.create_card("note", title="n", board_id=board_id).created[0]
    source = service.add_source(b"%PDF-1.4 x", "a.pdf", "application/pdf").created[0]
    refusals = [
        lambda: service.move_cards(board_id, {card: (9.9e11, 0)}),
        lambda: service.move_cards(board_id, {card: (0, -1_000_001)}),
        lambda: service.set_geometry(board_id, card, 0, 0, -1e11, 50),
        lambda: service.set_geometry(board_id, card, 0, 0, 50, limits.MAX_CARD_SIDE * 1.5),
        lambda: service.create_card("note", title="far", board_id=board_id, x=1e300),
        lambda: service.create_card("quote", text="q", source_id=source, page=1, regions=[[0, 0, 1e308, 1e308]]),
        lambda: service.create_card("quote", text="q", source_id=source, page=1, regions=[[0, 0, 10, -20000]]),
        lambda: service.update_card(card, colour="=1+1"),
        lambda: service.update_card(card, date_start="=HYPERLINK(\"x\")"),
    ]
    for refuse in refusals:
        with pytest.raises(InvalidInput):
            refuse()
    # The CLI says so in one line, exit 1.
    case.close()
    result = CliRunner().invoke(main, ["add-card", str(case.path), "--title", "far", "--x", "9.9e11"])
    assert result.exit_code == 1 and "board's extent" in result.stderr


def test_what_the_services_write_at_the_limits_opens(case: CaseFile, service: CaseService, board_id: str) -> None:
    from evidence_board.model import limits

    extent, side = limits.BOARD_EXTENT, limits.MAX_CARD_SIDE
    source = service.add_source(b"%PDF-1.4 x", "a.pdf", "application/pdf").created[0]
    service.create_cards([
        {"kind": "note", "title": "far left", "x": -extent, "y": -extent, "width": side, "height": 20},
        {"kind": "note", "title": "far right", "x": extent, "y": extent, "colour": "#A0B0C0FF",
         "date_start": "2004-11-28T10:15:00+01:00", "date_end": "2005"},
        {"kind": "quote", "text": "edge", "source_id": source, "page": 1,
         "regions": [[limits.REGION_LOW, limits.REGION_LOW, limits.REGION_HIGH, limits.REGION_HIGH]]},
    ], board_id)
    path = case.path
    case.close()
    assert check_case(path).ok, check_case(path).lines()
    CaseFile.open(path, read_only=True).close()


# -- exporters that meet such values anyway --------------------------------


def _hostile_scope(case: CaseFile, service: CaseService, board_id: str, value: str):
    """A real board whose cards and links hold ``value`` (as read back, in memory) in every text field."""
    a, b = service.create_cards([{"kind": "note", "title": "a", "x": -300}, {"kind": "entity", "title": "b"}],
                                board_id).created
    service.create_link(a, b, "l")
    scope = board_scope(case)
    cards = scope.contents.cards
    for card_id, card in list(cards.items()):
        cards[card_id] = replace(card, title=value, text=value, colour=value, tags=(value,), date_start=value,
                                 date_end=value, attributes={value: value}, created_at=value, created_by=value,
                                 modified_at=value, modified_by=value, reliability=value)
    for link_id, link in list(scope.contents.links.items()):
        scope.contents.links[link_id] = replace(link, label=value, colour=value, created_at=value,
                                                created_by=value)
    return scope


@pytest.mark.parametrize("formula", ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx",
                                     '=HYPERLINK("http://x","open")'])
def test_every_csv_cell_is_neutralised_in_every_column(case: CaseFile, service: CaseService, board_id: str,
                                                       tmp_path: Path, formula: str) -> None:
    folder = export_csv(_hostile_scope(case, service, board_id, formula), tmp_path / "csv")
    for name, columns in (("cards.csv", CARD_COLUMNS), ("links.csv", LINK_COLUMNS)):
        with open(folder / name, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert rows
        for row in rows:
            for column in columns:
                cell = row[column]
                if cell.startswith(("=", "+", "-", "@", "\t", "\r")):
                    float(cell)  # only a number the export wrote itself (x = -300) may start so
    with open(folder / "cards.csv", newline="", encoding="utf-8") as handle:
        cards = list(csv.DictReader(handle))
    assert {r["date_start"] for r in cards} == {"'" + formula}
    assert "-300" in {r["x"] for r in cards}  # numbers stay numbers


def test_graphml_and_gexf_survive_a_bad_colour(case: CaseFile, service: CaseService, board_id: str,
                                               tmp_path: Path) -> None:
    scope = _hostile_scope(case, service, board_id, "=1+1")
    graph = networkx.read_graphml(export_graphml(scope, tmp_path / "b.graphml"))
    assert {(d["r"], d["g"], d["b"]) for _n, d in graph.nodes(data=True)} >= {(0xfd, 0xf6, 0xb2)}  # note's colour
    assert networkx.read_gexf(export_gexf(scope, tmp_path / "b.gexf")).number_of_nodes() == 2


def test_control_characters_in_titles_make_well_formed_graphml_and_gexf(
        case: CaseFile, service: CaseService, board_id: str, tmp_path: Path) -> None:
    hostile = "a\x00b\x1b]0;PWNED\x07\x0b\x0c\ufffe\uffffc"
    a, b = service.create_cards([{"kind": "note", "title": hostile, "tags": [hostile]},
                                 {"kind": "entity", "title": "b", "attributes": {hostile: hostile}}],
                                board_id).created  # the API takes them: they are text
    service.create_link(a, b, hostile)
    service.rename_board(board_id, hostile)
    scope = board_scope(case)
    label = scope.contents.links[next(iter(scope.contents.links))].label  # its whitespace made one space
    graph = networkx.read_graphml(export_graphml(scope, tmp_path / "b.graphml"))
    assert graph.nodes[a]["title"] == "a\ufffdb\ufffd]0;PWNED\ufffd\ufffd\ufffd\ufffd\ufffdc"
    assert graph.edges[a, b]["label"] == as_xml_shows(label) != label
    gexf = networkx.read_gexf(export_gexf(scope, tmp_path / "b.gexf"))
    assert gexf.nodes[a]["label"] == as_xml_shows(hostile)
    assert gexf.edges[a, b]["label"] == as_xml_shows(label)


def as_xml_shows(text: str) -> str:
    """What the README promises: each character XML 1.0 cannot hold reads as U+FFFD."""
    return "".join("\ufffd" if (ord(c) < 0x20 and c not in "\t\n\r") or c in "\ufffe\uffff" else c
                   for c in text)


def test_restoring_a_version_from_a_crafted_audit_trail_is_refused_in_words(case: CaseFile, service: CaseService,
                                                                            board_id: str) -> None:
    card = service.create_card("note", title="x", board_id=board_id).created[0]
    service.update_card(card, title="y")
    path = case.path
    case.close()
    other = sqlite3.connect(path)  # an image opening accepts (one flat object) whose tags are no JSON
    other.execute("""UPDATE audit_changes SET before = '{"tags": "{bad", "title": "z"}'
                     WHERE table_name = 'cards' AND before IS NOT NULL""")
    first = other.execute("SELECT min(event_id) FROM audit_changes WHERE table_name = 'cards'").fetchone()[0]
    other.commit()
    other.close()
    with CaseFile.open(path) as reopened:
        with pytest.raises(InvalidInput, match="does not hold a card this version can read"):
            CaseService(reopened, "Ana").restore_card_version(card, first)
        assert reopened.card(card).title == "y"
