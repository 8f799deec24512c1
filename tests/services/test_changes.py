"""Each call reports exactly what it changed, and listeners hear about it after the commit."""

from __future__ import annotations

from evidence_board.services import CaseService, Changes
from evidence_board.store import CaseFile
from tests.conftest import reopen


def test_changes_name_what_was_touched(service: CaseService, board_id: str) -> None:
    a = service.create_card("note", title="a", board_id=board_id)
    assert a.placements == {(board_id, a.created[0])} and a.cards == set(a.created)
    b = service.create_card("note", title="b", board_id=board_id).created[0]
    link = service.create_link(a.created[0], b, "x")
    assert link.links == set(link.created) and not link.cards
    deleted = service.delete_cards(a.created[0])
    assert deleted.deleted("cards") == set(a.created)
    assert deleted.deleted("links") == set(link.created)
    assert deleted.placements == {(board_id, a.created[0])}


def test_listeners_run_after_the_commit(case: CaseFile, service: CaseService, board_id: str) -> None:
    seen: list[tuple[str, int]] = []

    def listener(changes: Changes) -> None:
        # By the time we hear of it, another connection can already read it.
        other = reopen(case.path)
        seen.append((changes.action, len(other.cards())))
        other.close()

    service.subscribe(listener)
    service.create_card("note", title="a", board_id=board_id)
    service.undo()
    service.redo()
    service.update_card(case.cards()[0].id, title="a")  # no actual change: no event, no notification
    assert seen == [("create_card", 1), ("undo", 0), ("redo", 1)]


def test_modified_stamp_moves_only_on_real_edits(case: CaseFile, service: CaseService, board_id: str) -> None:
    card = service.create_card("note", title="a", board_id=board_id).created[0]
    stamp = case.card(card).modified_at
    assert not service.update_card(card, title="a")
    assert case.card(card).modified_at == stamp
    assert service.update_card(card, title="b", tags=["x", " x ", "y"])
    edited = case.card(card)
    assert edited.tags == ("x", "y") and edited.modified_by == "Test Analyst"


def test_bulk_and_single_inserts_leave_the_same_audit_images(case: CaseFile, service: CaseService,
                                                             board_id: str) -> None:
    """Bulk inserts write their audit rows in SQL; they must read the same as
    the ones written row by row, so history does not depend on the path."""
    spec = {"kind": "entity", "title": "Cao Gangchuan", "entity_type": "person", "tags": ["China"],
            "attributes": {"role": "Defense Minister"}, "x": 12.5, "y": 0}
    single = service.create_card(board_id=board_id, **spec).created[0]
    bulk = service.create_cards([spec, {**spec, "title": "Hu Jintao"}], board_id).created[0]
    service.create_links([{"from_card": single, "to_card": bulk, "label": "met"}])
    history = {card: case.card_history(card)[0].changes for card in (single, bulk)}
    by_table = {card: {c["table"]: c["after"] for c in changes} for card, changes in history.items()}
    for table in ("cards", "placements"):
        one, many = by_table[single][table], by_table[bulk][table]
        assert set(one) == set(many)
        differing = {k for k in one if one[k] != many[k]}
        assert differing <= {"id", "card_id", "created_at", "modified_at", "z", "title"}
    link = case.card_history(bulk)[-1].changes[0]
    assert (link["table"], link["after"]["label"], link["after"]["from_card"]) == ("links", "met", single)


def test_audit_images_keep_every_digit_of_a_position(case: CaseFile, service: CaseService, board_id: str) -> None:
    # A card dropped at a zoom of 37% lands on positions like these; when the
    # bulk path's images were SQLite's json_object, which writes 15
    # significant digits, its trail recorded 1234.56789012346 for a card at
    # 1234.5678901234567 (one Python encoder now writes every image).
    x, y, width = 1234.5678901234567, 1 / 3, 200.00000000000003
    card = service.create_cards([{"kind": "note", "title": "Dropped", "x": x, "y": y, "width": width}],
                                board_id).created[0]
    placement = next(c["after"] for c in case.card_history(card)[0].changes if c["table"] == "placements")
    assert (placement["x"], placement["y"], placement["width"]) == (x, y, width)
    stored = case.placement(board_id, card)
    assert (stored.x, stored.y, stored.width) == (x, y, width)
