"""One card on several boards, and a card's history: reading it page by page and restoring a version."""

from __future__ import annotations

import pytest

from evidence_board.errors import InvalidInput, UnknownId
from evidence_board.services import CaseService
from evidence_board.store import CaseFile
from tests.conftest import reopen


@pytest.fixture
def raul(service: CaseService, board_id: str) -> str:
    return service.create_card("entity", title="Raúl Castro", entity_type="person", board_id=board_id,
                               x=10, y=20).created[0]


def test_a_card_on_two_boards_is_one_card_and_each_step_is_one_undo(case: CaseFile, service: CaseService,
                                                                    board_id: str, raul: str) -> None:
    timeline = service.create_board("Timeline").created[0]
    events = case.counts()["audit_events"]
    placed = service.place_cards(timeline, {raul: (300, 40)})
    assert placed.placements == {(timeline, raul)} and placed.label == "Place Raúl Castro on Timeline"
    assert case.counts()["audit_events"] == events + 1
    assert [b.name for b in case.boards_of(raul)] == ["Board 1", "Timeline"]
    service.update_card(raul, title="Raúl Castro Ruz")
    assert {c.title for c in case.load_board(timeline).cards.values()} == {"Raúl Castro Ruz"}
    with pytest.raises(InvalidInput, match="'Raúl Castro Ruz' is already on 'Timeline'"):
        service.place_cards(timeline, {raul: (0, 0)})

    removed = service.remove_from_board(board_id, raul)
    assert removed.label == "Remove Raúl Castro Ruz from Board 1"
    assert [b.name for b in case.boards_of(raul)] == ["Timeline"]
    assert case.card(raul) is not None  # still in the case
    service.undo()
    assert [b.name for b in case.boards_of(raul)] == ["Board 1", "Timeline"]
    with reopen(case.path) as other:
        assert len(other.cards()) == 1 and len(other.placements_of(raul)) == 2


def test_restore_a_version_writes_the_old_values_back_as_one_undoable_edit(case: CaseFile, service: CaseService,
                                                                           raul: str) -> None:
    first = service.update_card(raul, attributes={"role": "Defense Minister"}, tags=["Cuba"])
    service.update_card(raul, title="Raúl Castro Ruz", attributes={"role": "President"}, tags=["Cuba", "FAR"],
                        date_start="2008-02")
    service.tag_cards([raul], add=["leadership"])
    restored = service.restore_card_version(raul, first.event_id)
    card = case.card(raul)
    assert (card.title, card.attributes, card.tags, card.date_start) == (
        "Raúl Castro", {"role": "Defense Minister"}, ("Cuba",), None)
    assert restored.label.startswith("Restore Raúl Castro as of ")
    latest = case.audit_events(limit=1, with_changes=True)[0]
    assert latest.action == "restore_card_version" and latest.author == "Test Analyst"
    assert latest.changes[0]["before"]["title"] == "Raúl Castro Ruz"
    assert latest.changes[0]["after"]["title"] == "Raúl Castro"
    assert service.undo_label == restored.label
    service.undo()
    card = case.card(raul)
    assert (card.title, card.tags) == ("Raúl Castro Ruz", ("Cuba", "FAR", "leadership"))
    with reopen(case.path) as other:
        assert other.card(raul).attributes == {"role": "President"}


def test_card_as_of_retraces_every_change_even_undo(case: CaseFile, service: CaseService, board_id: str) -> None:
    earlier = service.create_board("Timeline").event_id
    raul = service.create_card("entity", title="Raúl Castro", entity_type="person", board_id=board_id).created[0]
    created = case.audit_events(limit=1)[0].id
    renamed = service.update_card(raul, title="Raúl").event_id
    service.undo()
    service.update_card(raul, text="Minister of the Revolutionary Armed Forces")
    assert case.card_as_of(raul, created)["title"] == "Raúl Castro"
    assert case.card_as_of(raul, renamed)["title"] == "Raúl"
    assert case.card_as_of(raul, renamed)["text"] == ""
    assert case.card_as_of(raul, earlier) is None  # before it was made
    with pytest.raises(KeyError):
        case.card_as_of(raul, 10_000)


def test_restore_refuses_what_cannot_come_back(case: CaseFile, service: CaseService, board_id: str) -> None:
    earlier = service.create_board("Timeline").event_id
    raul = service.create_card("entity", title="Raúl Castro", entity_type="person", board_id=board_id).created[0]
    made = case.audit_events(limit=1)[0].id
    with pytest.raises(InvalidInput, match="did not exist"):
        service.restore_card_version(raul, earlier)
    with pytest.raises(UnknownId, match="no change #999"):
        service.restore_card_version(raul, 999)
    service.delete_cards(raul)
    with pytest.raises(UnknownId, match="comes back with Undo"):
        service.restore_card_version(raul, made)
    # Restoring the version it already has changes nothing and adds no undo step.
    service.undo()
    events = case.counts()["audit_events"]
    assert not service.restore_card_version(raul, case.audit_events(limit=1)[0].id)
    assert case.counts()["audit_events"] == events


def test_audit_trail_is_read_a_page_at_a_time(case: CaseFile, service: CaseService, board_id: str,
                                              raul: str) -> None:
    for n in range(120):
        service.move_cards(board_id, {raul: (n, n)})
    other = service.create_cards([{"kind": "note", "title": f"note {n}"} for n in range(300)], board_id)
    page = case.audit_page(limit=100)
    assert len(page) == 100 and page[0].id == other.event_id
    assert [e.id for e in page] == sorted((e.id for e in page), reverse=True)
    assert len(page[0].changes) == 50 and case.audit_change_count(other.event_id) == 600
    older = case.audit_page(before=page[-1].id, limit=100)
    assert older[0].id == page[-1].id - 1 and len(older) == 22  # 122 events in all
    mine = case.audit_page(card_id=raul, limit=200)
    assert len(mine) == 121 and mine[-1].action == "create_card"
    assert all(change["key"].endswith(raul) for event in mine for change in event.changes)
