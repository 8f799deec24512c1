"""Bulk deletes read and delete rows by lists of keys bound as one JSON text
(store/keylists.py): they must hit exactly the rows named, also for ids that
SQLite's JSON would not hand back as they are (a NUL ends its string, so
"ab\\x00c" would find "ab"), and undo must bring back exactly what went."""

from __future__ import annotations

import json

import pytest

from evidence_board.services import CaseService
from evidence_board.store import CaseFile
from evidence_board.store.keylists import json_list
from evidence_board.store.writer import TABLE_KEYS, audit_image
from tests.services.test_undo import fts_is_consistent, snapshot

AWKWARD_IDS = ["ab", "ab\x00c", "\x00", "back\\u0000slash", "quote\"d", "ü-\U0001f600", "line\nbreak", "plain"]


def _cards(service: CaseService, board_id: str, ids: list[str]) -> None:
    service.create_cards([{"kind": "note", "id": card_id, "title": f"t {n}", "x": n * 300.0, "y": 0.0}
                          for n, card_id in enumerate(ids)], board_id)


@pytest.mark.parametrize("doomed", [["ab\x00c"], ["ab"], ["\x00", "back\\u0000slash"], AWKWARD_IDS[3:]])
def test_deleting_cards_deletes_exactly_those_named(case: CaseFile, service: CaseService, board_id: str,
                                                    doomed: list[str]) -> None:
    _cards(service, board_id, AWKWARD_IDS)
    service.create_links([{"from_card": a, "to_card": b} for a, b in zip(AWKWARD_IDS, AWKWARD_IDS[1:])])
    before = snapshot(case)

    service.delete_cards(doomed)

    left = {row[0] for row in case.conn.execute("SELECT id FROM cards")}
    assert left == set(AWKWARD_IDS) - set(doomed)
    assert {row[0] for row in case.conn.execute("SELECT card_id FROM placements")} == left
    links = case.conn.execute("SELECT from_card, to_card FROM links").fetchall()
    assert links == [(a, b) for a, b in zip(AWKWARD_IDS, AWKWARD_IDS[1:]) if a in left and b in left]
    assert fts_is_consistent(case)

    service.undo()
    assert snapshot(case) == before
    service.redo()
    assert {row[0] for row in case.conn.execute("SELECT id FROM cards")} == left


def test_deleting_many_cards_and_undoing_it_restores_the_case(case: CaseFile, service: CaseService,
                                                              board_id: str) -> None:
    ids = [f"card-{n}" for n in range(1_200)]  # more than the 500 a statement once bound
    _cards(service, board_id, ids)
    service.create_links([{"from_card": ids[n % len(ids)], "to_card": ids[(n * 7 + 1) % len(ids)]}
                          for n in range(2_000) if n % len(ids) != (n * 7 + 1) % len(ids)])
    before = snapshot(case)
    service.delete_cards(ids[::2])
    assert len(snapshot(case)["cards"]) == 600
    assert all(a in ids[1::2] and b in ids[1::2] for a, b in case.conn.execute("SELECT from_card, to_card FROM links"))
    service.undo()
    assert snapshot(case) == before
    assert fts_is_consistent(case)


def test_only_values_json_each_returns_as_they_are_take_the_fast_path() -> None:
    assert json_list(["a", "ü", "\U0001f600", "quote\"", "back\\slash"]) is not None
    assert json_list([1, -(2**63), 2**63 - 1]) is not None
    for refused in (["ab\x00c"], ["back\\u0000slash"], [True], [1, "a"], [2**63], [1.5], [None], []):
        assert json_list(refused) is None, refused


def test_undo_files_the_images_the_delete_filed_and_they_are_the_rows_as_stored(
        case: CaseFile, service: CaseService, board_id: str) -> None:
    """Undoing a delete files each row's image as the delete filed it
    (RowChange.image, not encoded again): the same texts, which are still
    what the one encoder makes of the rows now back in the file."""
    ids = [f"card-{n}" for n in range(300)]
    _cards(service, board_id, ids)
    service.create_links([{"from_card": ids[n], "to_card": ids[n + 1], "label": f"l{n}"} for n in range(299)])
    service.move_cards(board_id, {card_id: (n * 0.5, -0.0) for n, card_id in enumerate(ids)})  # REAL edge values
    deleted = service.delete_cards(ids).event_id
    undone = service.undo().event_id

    def images(event_id: int | None, side: str) -> list[tuple[str, str, str]]:
        return case.conn.execute(f"SELECT table_name, row_key, {side} FROM audit_changes WHERE event_id = ? "
                                 "ORDER BY rowid", (event_id,)).fetchall()

    gone, back = images(deleted, "before"), images(undone, "after")
    assert len(gone) == 300 + 299 + 300
    assert back == gone[::-1]
    for table, key, text in back:
        where = " AND ".join(f"{c} = ?" for c in TABLE_KEYS[table])
        cur = case.conn.execute(f"SELECT * FROM {table} WHERE {where}", key.split("/"))
        row = dict(zip([d[0] for d in cur.description], cur.fetchone()))
        row.pop("seq", None)
        assert json.loads(text) == row
        assert text == audit_image(table, {name: row[name] for name in json.loads(text)})


def test_undoing_a_delete_refuses_a_card_made_again_elsewhere_since(case: CaseFile, service: CaseService,
                                                                   board_id: str) -> None:
    """The table's key refuses the row (no look for it first): the undo is
    refused as a whole, and the file holds what the other window made."""
    ids = [f"card-{n}" for n in range(50)]
    _cards(service, board_id, ids)
    service.delete_cards(ids)
    other = CaseService(CaseFile.open(case.path, lock=False), "Colleague")
    other.create_cards([{"kind": "note", "id": ids[30], "title": "made again"}])
    before = snapshot(case)
    with pytest.raises(Exception, match="cannot undo .*changed since"):
        service.undo()
    assert snapshot(case) == before
    assert service.can_undo()
    other.case.close()


@pytest.mark.parametrize("many", [False, True])
def test_reading_cards_and_links_by_id_finds_exactly_those(case: CaseFile, service: CaseService, board_id: str,
                                                           many: bool) -> None:
    """The readers the board asks after an undo (cards, placements, links of
    cards, board counts) take their ids the same way: one JSON list, or bound
    values where JSON would not carry them; each row once."""
    ids = AWKWARD_IDS + ([f"card-{n}" for n in range(1_100)] if many else [])
    _cards(service, board_id, ids)
    pairs = [(a, b) for a, b in zip(ids, ids[1:])] + [(ids[0], ids[-1])]
    service.create_links([{"from_card": a, "to_card": b} for a, b in pairs])
    # Many: plain ids, one JSON list; otherwise ids with a NUL, bound as they are.
    asked = ids[len(AWKWARD_IDS)::2] + ["ab", "quote\"d", "ü-\U0001f600"] if many else ["ab\x00c", "\x00", "ab"]
    assert (json_list(asked) is not None) == many
    assert sorted(card.id for card in case.cards(asked)) == sorted(asked)
    assert set(case.placements_on(board_id, asked)) == set(asked)
    assert case.board_counts(asked) == dict.fromkeys(asked, 1)
    touching = case.links_of(asked)
    assert len(touching) == len({link.id for link in touching})
    assert sorted((link.from_card, link.to_card) for link in touching) == sorted(
        (a, b) for a, b in pairs if a in asked or b in asked)
    assert {link.id for link in case.links([link.id for link in touching])} == {link.id for link in touching}
