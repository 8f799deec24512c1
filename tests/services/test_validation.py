"""Bad input is refused with a typed, readable error, and nothing is written."""

from __future__ import annotations

import pytest

from evidence_board.errors import InvalidInput, UnknownId
from evidence_board.services import CaseService
from evidence_board.store import CaseFile


def audit_count(case: CaseFile) -> int:
    return case.conn.execute("SELECT count(*) FROM audit_events").fetchone()[0]


@pytest.mark.parametrize(
    ("kind", "fields", "error", "message"),
    [
        ("note", {}, InvalidInput, "a note needs a title or some text"),
        ("entity", {"entity_type": "person"}, InvalidInput, "needs a title"),
        ("group", {}, InvalidInput, "a group needs a title"),
        ("quote", {"text": "words"}, InvalidInput, "needs its text and its source"),
        ("document", {"title": "x"}, InvalidInput, "needs a source"),
        ("photo", {"title": "x"}, InvalidInput, "needs an image or a source"),
        ("sticky", {"title": "x"}, InvalidInput, "card kind must be one of"),
        ("entity", {"title": "x", "entity_type": "alien"}, InvalidInput, "entity type must be one of"),
        ("note", {"title": "x", "reliability": "Z"}, InvalidInput, "A-F"),
        ("note", {"title": "x", "credibility": 9}, InvalidInput, "1-6"),
        ("note", {"title": "x", "colour": "red"}, InvalidInput, "#rrggbb"),
        ("note", {"title": "x", "date_start": "2004-13-01"}, InvalidInput, "not a real date"),
        ("note", {"title": "x", "date_start": "last week"}, InvalidInput, "ISO date"),
        ("note", {"title": "x", "date_start": "2004-11", "date_end": "2004-06"}, InvalidInput, "before the start"),
        ("note", {"title": "x", "regions": [[1, 2, 3]]}, InvalidInput, "four numbers"),
        ("note", {"title": "x", "page": 0}, InvalidInput, "page must be"),
        ("note", {"title": "x", "flavour": "mint"}, InvalidInput, "unknown card field"),
        ("quote", {"text": "w", "source_id": "nope"}, UnknownId, "no source with id nope"),
        ("photo", {"attachment_id": 999}, UnknownId, "no attachment with id 999"),
    ],
)
def test_bad_cards_are_refused(case: CaseFile, service: CaseService, board_id: str,
                               kind: str, fields: dict, error: type, message: str) -> None:
    before = audit_count(case)
    with pytest.raises(error, match=message):
        service.create_card(kind, board_id=board_id, **fields)
    assert audit_count(case) == before and case.cards() == []


def test_bad_links_are_refused(case: CaseFile, service: CaseService, board_id: str) -> None:
    a = service.create_card("note", title="a", board_id=board_id).created[0]
    b = service.create_card("note", title="b", board_id=board_id).created[0]
    with pytest.raises(InvalidInput, match="from a card to itself"):
        service.create_link(a, a, "self")
    with pytest.raises(UnknownId, match="no card with id ghost"):
        service.create_link(a, "ghost")
    with pytest.raises(InvalidInput, match="direction must be one of none, forward, both"):
        service.create_link(a, b, direction="sideways")
    with pytest.raises(InvalidInput, match="strength must be one of"):
        service.create_link(a, b, strength="certain")
    assert case.links() == []


def test_unknown_ids_are_refused(service: CaseService, board_id: str) -> None:
    with pytest.raises(UnknownId, match="no card"):
        service.update_card("ghost", title="x")
    with pytest.raises(UnknownId, match="no card"):
        service.delete_cards(["ghost"])
    with pytest.raises(UnknownId, match="no link"):
        service.update_link("ghost", label="x")
    with pytest.raises(UnknownId, match="no board"):
        service.create_card("note", title="x", board_id="ghost")
    with pytest.raises(UnknownId, match="card on this board"):
        service.move_cards(board_id, {"ghost": (0, 0)})


def test_boards_need_unique_names_and_one_must_remain(service: CaseService, board_id: str) -> None:
    with pytest.raises(InvalidInput, match="already a board named 'Board 1'"):
        service.create_board("board 1")
    with pytest.raises(InvalidInput, match="needs a name"):
        service.create_board("   ")
    with pytest.raises(InvalidInput, match="at least one board"):
        service.delete_board(board_id)


def test_groups_cannot_nest_in_circles(service: CaseService, board_id: str) -> None:
    outer = service.create_card("group", title="Outer", board_id=board_id).created[0]
    inner = service.create_card("group", title="Inner", board_id=board_id).created[0]
    note = service.create_card("note", title="n", board_id=board_id).created[0]
    service.set_group(board_id, [inner], outer)
    with pytest.raises(InvalidInput, match="a group it is inside"):
        service.set_group(board_id, [outer], inner)
    with pytest.raises(InvalidInput, match="is not a group"):
        service.set_group(board_id, [inner], note)


def test_same_source_bytes_are_stored_once(case: CaseFile, service: CaseService) -> None:
    first = service.add_source(b"%PDF same bytes", "a.pdf", "application/pdf")
    second = service.add_source(b"%PDF same bytes", "copy of a.pdf", "application/pdf")
    assert second.reused == first.created and not second.created
    assert len(case.sources()) == 1
    with pytest.raises(InvalidInput, match="empty"):
        service.add_source(b"", "empty.pdf", "application/pdf")


def test_texts_too_long_for_a_card_are_refused_not_stored(case: CaseFile, service: CaseService,
                                                          board_id: str) -> None:
    """The store refuses to open a file holding a text over 4 MiB, and the audit
    trail holds a card's whole row as one text: a card must stay far below."""
    with pytest.raises(InvalidInput, match="the text is too long"):
        service.create_card("note", title="dump", text="x" * 1_000_001, board_id=board_id)
    with pytest.raises(InvalidInput, match="the title is too long"):
        service.create_card("note", title="x" * 10_001, board_id=board_id)
    card = service.create_card("note", title="ok", board_id=board_id).created[0]
    with pytest.raises(InvalidInput, match="attribute 'notes' is too long"):
        service.update_card(card, attributes={"notes": "y" * 10_001})
    assert case.card(card).attributes == {}


def test_what_a_file_says_about_itself_is_clipped(case: CaseFile, service: CaseService, case_path) -> None:
    source = service.add_source(b"%PDF-1.7 odd", "odd.pdf", "application/pdf", title="T" * 50_000,
                                metadata={"producer": "P" * 50_000}, page_texts=["w " * 2_000_000]).created[0]
    stored = case.source(source)
    assert len(stored.title) == 10_000 and len(stored.metadata["producer"]) == 10_000
    assert len(case.page_text(source, 1)) == 1_000_000
    case.close()
    # The file still opens, with every check, after holding the largest values allowed.
    with CaseFile.open(case_path, read_only=True) as reopened:
        assert reopened.source(source).title == "T" * 10_000
