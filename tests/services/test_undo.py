"""Every service call is one undo step: undo restores the file exactly, redo re-applies it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from evidence_board.errors import NothingToUndo
from evidence_board.services import CaseService
from evidence_board.store import CaseFile
from evidence_board.store.writer import TABLE_KEYS
from tests.conftest import reopen

LOCAL_ROW_NUMBERS = {"seq", "id"}


def snapshot(case: CaseFile) -> dict[str, list[tuple[Any, ...]]]:
    """Everything a user could see in the case, as sorted rows (row numbers left out)."""
    state = {}
    for table, keys in TABLE_KEYS.items():
        cur = case.conn.execute(f"SELECT * FROM {table} ORDER BY {', '.join(keys)}")
        names = [d[0] for d in cur.description]
        keep = [i for i, n in enumerate(names)
                if not (n in LOCAL_ROW_NUMBERS and n not in keys)]
        state[table] = [tuple(row[i] for i in keep) for row in cur]
    return state


def fts_is_consistent(case: CaseFile) -> bool:
    for fts in ("cards_fts", "pages_fts"):
        case.conn.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")
    return True


@pytest.fixture
def populated(service: CaseService, board_id: str) -> dict[str, str]:
    """A small case with one of everything to act on."""
    source = service.add_source(b"%PDF-1.4 report", "report.pdf", "application/pdf",
                                page_texts=["page one", "page two"]).created[0]
    ids = {
        "board": board_id,
        "source": source,
        "fidel": service.create_card("entity", title="Fidel Castro", entity_type="person",
                                     board_id=board_id, x=0, y=0).created[0],
        "raul": service.create_card("entity", title="Raúl Castro", entity_type="person",
                                    board_id=board_id, x=300, y=0).created[0],
        "group": service.create_card("group", title="Cuba", board_id=board_id,
                                     x=-50, y=-50, width=700, height=300).created[0],
        "quote": service.create_card("quote", text="fight shoulder to shoulder", source_id=source,
                                     page=2, regions=[[10, 20, 200, 34]], board_id=board_id, x=0, y=200).created[0],
    }
    ids["link"] = service.create_link(ids["fidel"], ids["raul"], "brother of").created[0]
    service.set_group(board_id, [ids["fidel"], ids["raul"]], ids["group"])
    return ids


OPERATIONS: dict[str, Callable[[CaseService, dict[str, str]], object]] = {
    "create_card": lambda s, i: s.create_card("note", title="Open question", text="Who paid?",
                                              board_id=i["board"], x=10, y=10),
    "create_cards": lambda s, i: s.create_cards([{"kind": "note", "title": f"n{n}", "x": n} for n in range(5)],
                                                i["board"]),
    "update_card": lambda s, i: s.update_card(i["fidel"], title="Fidel Castro Ruz", text="President",
                                              date_start="1926-08-13", attributes={"role": "President"}),
    "tag_cards": lambda s, i: s.tag_cards([i["fidel"], i["raul"]], add=["leadership", "Cuba"]),
    "grade_cards": lambda s, i: s.grade_cards([i["quote"]], reliability="B", credibility=3),
    "delete_cards": lambda s, i: s.delete_cards([i["fidel"], i["group"]]),
    "create_link": lambda s, i: s.create_link(i["quote"], i["raul"], "quotes", strength="tentative"),
    "update_link": lambda s, i: s.update_link(i["link"], label="sibling of", direction="both", colour="#aa0000"),
    "reverse_link": lambda s, i: s.reverse_link(i["link"]),
    "delete_links": lambda s, i: s.delete_links([i["link"]]),
    "create_board": lambda s, i: s.create_board("Timeline"),
    "rename_board": lambda s, i: s.rename_board(i["board"], "Main board"),
    "delete_board": lambda s, i: (s.create_board("Spare"), s.delete_board(i["board"]))[1],
    "set_case_title": lambda s, i: s.set_case_title("Cuba - North Korea"),
    "place_cards": lambda s, i: s.place_cards(s.create_board("Second").created[0], {i["fidel"]: (1, 2)}),
    "remove_from_board": lambda s, i: s.remove_from_board(i["board"], [i["group"], i["quote"]]),
    "move_cards": lambda s, i: s.move_cards(i["board"], {i["fidel"]: (40, 50), i["raul"]: (340, 50)}),
    "set_geometry": lambda s, i: s.set_geometry(i["board"], i["quote"], 0, 200, 400, 220),
    "restack": lambda s, i: s.restack(i["board"], [i["fidel"]], to_front=False),
    "set_group": lambda s, i: s.set_group(i["board"], [i["fidel"]], None),
    "add_source": lambda s, i: s.add_source(b"\x89PNG photo", "harbour.png", "image/png", page_texts=["x"]),
    "update_source": lambda s, i: s.update_source(i["source"], title="ICCAS Focus on Cuba 61", reliability="B"),
}


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_undo_and_redo_of_every_service(name: str, case: CaseFile, service: CaseService,
                                        populated: dict[str, str]) -> None:
    before = snapshot(case)
    OPERATIONS[name](service, populated)
    after = snapshot(case)
    assert after != before, f"{name} changed nothing"
    # Some helpers above make a preparatory call (a second board); undo back to `before`.
    while snapshot(case) != before:
        service.undo()
    assert fts_is_consistent(case)
    while service.can_redo():
        service.redo()
    assert snapshot(case) == after
    assert fts_is_consistent(case)
    # What undo/redo did is on disk, not just in this connection.
    other = reopen(case.path)
    assert snapshot(other) == after
    other.close()


def test_deleting_a_card_and_undoing_brings_back_its_links_and_placements(
        case: CaseFile, service: CaseService, populated: dict[str, str]) -> None:
    board = populated["board"]
    service.place_cards(service.create_board("Second").created[0], {populated["fidel"]: (0, 0)})
    service.delete_cards(populated["fidel"])
    assert case.card(populated["fidel"]) is None and case.link(populated["link"]) is None
    assert service.undo_label == "Delete Fidel Castro"
    service.undo()
    assert case.link(populated["link"]).label == "brother of"
    assert len(case.placements_of(populated["fidel"])) == 2
    assert case.placement(board, populated["fidel"]).group_id == populated["group"]
    assert [h.id for h in case.search("Fidel")] == [populated["fidel"]]


def test_a_batch_is_one_undo_step(case: CaseFile, service: CaseService, board_id: str) -> None:
    ids = service.create_cards([{"kind": "note", "title": f"card {n}", "x": n * 10} for n in range(200)],
                               board_id).created
    before = snapshot(case)
    with service.batch("Drag 200 cards"):
        for n, card_id in enumerate(ids):
            service.move_cards(board_id, {card_id: (n * 10 + 500, 300)})
    assert service.undo_label == "Drag 200 cards"
    events = case.audit_events(limit=1)
    assert events[0].summary == "Drag 200 cards"
    service.undo()
    assert snapshot(case) == before


def test_failed_call_in_a_batch_rolls_back_the_whole_batch(case: CaseFile, service: CaseService,
                                                           board_id: str) -> None:
    before = snapshot(case)
    with pytest.raises(Exception, match="no card"), service.batch("Import"):
        service.create_card("note", title="first", board_id=board_id)
        service.create_link("missing", "also-missing")
    assert snapshot(case) == before
    assert not service.can_undo()


def test_nudges_merge_into_one_step(case: CaseFile, service: CaseService, board_id: str) -> None:
    card = service.create_card("note", title="n", board_id=board_id).created[0]
    for step in range(1, 6):
        service.move_cards(board_id, {card: (step, 0)}, merge_key="nudge")
    service.undo()
    assert case.placement(board_id, card).x == 0
    service.undo()
    assert case.card(card) is None
    with pytest.raises(NothingToUndo):
        service.undo()


def test_new_change_clears_redo(service: CaseService, board_id: str) -> None:
    service.create_card("note", title="a", board_id=board_id)
    service.undo()
    assert service.redo_label == "Add note a"
    service.create_card("note", title="b", board_id=board_id)
    assert not service.can_redo()
    with pytest.raises(NothingToUndo):
        service.redo()


def test_undo_and_redo_are_audited(case: CaseFile, service: CaseService, board_id: str) -> None:
    service.create_card("note", title="a", board_id=board_id)
    service.undo()
    service.redo()
    assert [e.summary for e in case.audit_events(limit=3)] == ["Redo Add note a", "Undo Add note a", "Add note a"]


def test_undo_after_the_file_changed_elsewhere_is_refused_cleanly(case: CaseFile, service: CaseService,
                                                                  board_id: str) -> None:
    card = service.create_card("note", title="a", board_id=board_id).created[0]
    service.create_link(card, service.create_card("note", title="b", board_id=board_id).created[0])
    # lock=False: the case lock would (rightly) refuse a second editor; this
    # simulates one that got in anyway (a lock broken on another computer).
    other = CaseService(CaseFile.open(case.path, lock=False), "Colleague")
    other.delete_cards(card)  # another window deleted the card and its link
    before = snapshot(case)
    with pytest.raises(Exception, match="cannot undo"):
        service.undo()  # undoing the link creation: the link is already gone
    assert snapshot(case) == before
    other.case.close()


def test_undoing_a_big_move_refuses_a_card_moved_elsewhere_since(case: CaseFile, service: CaseService,
                                                                 board_id: str) -> None:
    ids = service.create_cards([{"kind": "note", "title": f"n{n}", "x": n} for n in range(600)], board_id).created
    service.move_cards(board_id, {card: (n, 500) for n, card in enumerate(ids)})
    other = CaseService(CaseFile.open(case.path, lock=False), "Colleague")
    other.move_cards(board_id, {ids[450]: (9, 9)})
    before = snapshot(case)
    with pytest.raises(Exception, match="cannot undo"):
        service.undo()
    assert snapshot(case) == before
    other.case.close()
    other_free = snapshot(case)
    service.move_cards(board_id, {ids[0]: (1, 1)})
    service.undo()
    assert snapshot(case) == other_free


def _import(service: CaseService, board_id: str, cards: int = 600) -> list[str]:
    """An import as one batch: cards, each placed, and two links per card."""
    with service.batch(f"Import {cards}"):
        ids = service.create_cards([{"kind": "note", "title": f"Scud {n}", "text": f"shipment {n}", "x": n,
                                     "tags": ["import"]} for n in range(cards)], board_id).created
        service.create_links([{"from_card": ids[n], "to_card": ids[(n + k) % cards], "label": "same ship"}
                              for n in range(cards) for k in (1, 2)])
    return ids


def test_undo_and_redo_of_a_large_import_restore_rows_search_and_trail(case: CaseFile, service: CaseService,
                                                                      board_id: str) -> None:
    before = snapshot(case)
    _import(service, board_id)
    after = snapshot(case)
    service.undo()
    assert snapshot(case) == before
    assert case.search("Scud") == [] and fts_is_consistent(case)
    undo_rows = case.conn.execute(
        "SELECT table_name, before IS NOT NULL, after IS NULL FROM audit_changes WHERE event_id = "
        "(SELECT max(id) FROM audit_events)").fetchall()
    # Every removed row is in the trail with its whole image: links first,
    # then placements, then cards (the import in reverse).
    assert [t for t, *_ in undo_rows] == ["links"] * 1200 + ["placements"] * 600 + ["cards"] * 600
    assert all(has_before and no_after for _t, has_before, no_after in undo_rows)
    service.redo()
    assert snapshot(case) == after
    assert len(case.search("Scud", limit=1000)) == 600 and fts_is_consistent(case)


def test_undoing_a_large_import_refuses_a_card_edited_elsewhere_since(case: CaseFile, service: CaseService,
                                                                      board_id: str) -> None:
    ids = _import(service, board_id)
    other = CaseService(CaseFile.open(case.path, lock=False), "Colleague")
    other.update_card(ids[300], title="Scud 300 (checked)")
    before = snapshot(case)
    with pytest.raises(Exception, match="cannot undo .*changed since"):
        service.undo()
    assert snapshot(case) == before
    other.case.close()


def test_a_batch_files_its_audit_rows_in_the_order_of_its_changes(case: CaseFile, service: CaseService,
                                                                  board_id: str) -> None:
    first = service.create_card("note", title="Before", board_id=board_id).created[0]
    with service.batch("Edit then import"):
        service.update_card(first, title="Edited before the import")
        _import(service, board_id, cards=50)
        service.update_card(first, title="Edited after the import")
    tables = [r[0] for r in case.conn.execute(
        "SELECT table_name FROM audit_changes WHERE event_id = (SELECT max(id) FROM audit_events) ORDER BY rowid")]
    assert tables == ["cards"] + ["cards"] * 50 + ["placements"] * 50 + ["links"] * 100 + ["cards"]
    titles = [r[0] for r in case.conn.execute(
        "SELECT json_extract(after, '$.title') FROM audit_changes WHERE row_key = ? ORDER BY rowid", (first,))]
    assert titles == ["Before", "Edited before the import", "Edited after the import"]


@pytest.mark.parametrize("seed", range(6))
def test_a_random_batch_of_edits_undoes_and_redoes_exactly(seed: int, case: CaseFile, service: CaseService,
                                                           populated: dict[str, str]) -> None:
    """Replay groups runs of like changes into bulk writes: whatever mix a
    step holds (rows made and removed again, moved, relinked), undo and redo
    must land on exactly the states before and after it."""
    import random

    rng = random.Random(seed)
    board = populated["board"]
    before = snapshot(case)
    with service.batch("Mixed edits"):
        cards = [populated["fidel"], populated["raul"], populated["quote"]]
        links = [populated["link"]]
        for _ in range(40):
            step = rng.choice(["cards", "delete", "link", "unlink", "move", "tag", "edit"])
            if step == "cards" or len(cards) < 4:
                cards += service.create_cards([{"kind": "note", "title": f"note {rng.random():.6f}",
                                                "x": rng.uniform(0, 900)} for _ in range(rng.randint(1, 30))],
                                              board).created
            elif step == "delete":
                gone = rng.sample(cards, rng.randint(1, min(12, len(cards) - 3)))
                service.delete_cards(gone)
                cards = [c for c in cards if c not in gone]
                links = [l for l in links if case.link(l) is not None]
            elif step == "link":
                pairs = [rng.sample(cards, 2) for _ in range(rng.randint(1, 20))]
                links += service.create_links([{"from_card": a, "to_card": b, "label": "seen with"}
                                               for a, b in pairs]).created
            elif step == "unlink" and links:
                gone = rng.sample(links, rng.randint(1, len(links)))
                service.delete_links(gone)
                links = [l for l in links if l not in gone]
            elif step == "move":
                service.move_cards(board, {c: (rng.uniform(0, 900), rng.uniform(0, 900))
                                           for c in rng.sample(cards, rng.randint(1, len(cards)))})
            elif step == "tag":
                service.tag_cards(rng.sample(cards, rng.randint(1, len(cards))), add=[f"t{rng.randint(0, 3)}"])
            else:
                service.update_card(rng.choice(cards), text=f"edited {rng.random():.6f}")
    after = snapshot(case)
    service.undo()
    assert snapshot(case) == before and fts_is_consistent(case)
    service.redo()
    assert snapshot(case) == after and fts_is_consistent(case)
    service.undo()
    assert snapshot(case) == before
