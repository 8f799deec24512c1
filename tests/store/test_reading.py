"""Reading a case: whole boards, cards, search and the audit trail."""

from __future__ import annotations

from evidence_board.services import CaseService
from evidence_board.store import CaseFile


def test_load_board_holds_only_that_boards_cards_and_links(case: CaseFile, service: CaseService,
                                                           board_id: str) -> None:
    a = service.create_card("note", title="A", board_id=board_id, x=5, y=6).created[0]
    b = service.create_card("note", title="B", board_id=board_id).created[0]
    other_board = service.create_board("Other").created[0]
    c = service.create_card("note", title="C", board_id=other_board).created[0]
    ab = service.create_link(a, b, "knows").created[0]
    service.create_link(a, c, "elsewhere")
    contents = case.load_board(board_id)
    assert set(contents.cards) == {a, b}
    assert set(contents.links) == {ab}  # a link to a card not on the board is not drawn here
    assert (contents.placements[a].x, contents.placements[a].y) == (5, 6)


def test_reading_cards_never_loads_attachment_bytes(case: CaseFile, service: CaseService,
                                                    board_id: str) -> None:
    big = case.add_attachment(b"\x89PNG" + b"\0" * 2_000_000, "image/png")
    service.create_card("photo", title="Harbour", attachment_id=big, board_id=board_id)
    statements: list[str] = []
    case.conn.set_trace_callback(statements.append)
    try:
        case.load_board(board_id)
        case.cards()
        case.counts()
    finally:
        case.conn.set_trace_callback(None)
    assert statements and not [s for s in statements if "attachments" in s]


def test_search_ranks_and_snippets(case: CaseFile, service: CaseService, board_id: str) -> None:
    kay = service.create_card("note", title="Kay on ABC", board_id=board_id,
                              text='Kay said his team found evidence of "North Korean missiles going to Cuba".')
    service.create_card("note", title="Tourism", text="Tourism earns US$2 billion a year.", board_id=board_id)
    hits = case.search('"north korean" missil')
    assert [h.id for h in hits] == kay.created
    assert hits[0].snippet == '… said his team found evidence of "North Korean missiles going to Cuba".'
    assert "[North Korean] [missiles]" in hits[0].marked() and hits[0].kind == "card"
    assert case.search("") == [] and case.search("(((") == []


def test_search_covers_source_pages(case: CaseFile, service: CaseService) -> None:
    changes = service.add_source(b"%PDF-1.4 fake bytes", "report.pdf", "application/pdf", title="ICCAS report",
                                 page_count=2, page_texts=["Cover page", "Vice Marshal Kim Yong Chun led a delegation"])
    hits = case.search("delegation")
    assert [(h.kind, h.id, h.page, h.title) for h in hits] == [("page", changes.created[0], 2, "ICCAS report")]
    assert case.page_text(changes.created[0], 1) == "Cover page"


def test_card_history_names_each_change(case: CaseFile, service: CaseService, board_id: str) -> None:
    card = service.create_card("entity", title="Raúl Castro", entity_type="person", board_id=board_id).created[0]
    other = service.create_card("entity", title="Fidel Castro", entity_type="person", board_id=board_id).created[0]
    service.update_card(card, attributes={"role": "Defense Minister"})
    service.move_cards(board_id, {card: (100, 50)})
    service.create_link(other, card, "brother of")
    history = case.card_history(card)
    assert [e.action for e in history] == ["create_card", "update_card", "move_cards", "create_link"]
    update = history[1].changes[0]
    assert update["before"]["attributes"] == "{}"
    assert update["after"]["attributes"] == '{"role":"Defense Minister"}'
    assert all(e.author == "Test Analyst" for e in history)


def test_records_are_built_in_column_order() -> None:
    """rows.py builds Card and Link positionally for speed: the dataclass
    fields must stay in the order of the columns it selects."""
    from dataclasses import fields

    from evidence_board.model import Card, Link
    from evidence_board.store.rows import CARD_COLUMNS, LINK_COLUMNS

    assert [f.name for f in fields(Card)] == list(CARD_COLUMNS)
    assert [f.name for f in fields(Link)] == list(LINK_COLUMNS)


def test_a_first_page_shows_at_once_and_the_final_ranking_follows(case: CaseFile, service: CaseService) -> None:
    from evidence_board.store.search import FIRST_PAGE_RANKS

    # Havana on every page once; the pages that say it most come last in the case.
    pages = [f"page {n} on trade with Havana and sugar" for n in range(FIRST_PAGE_RANKS + 100)]
    pages += ["Havana " * 20 + f"harbour {n}" for n in range(10)]
    service.add_source(b"%PDF-1.7 many", "many.pdf", "application/pdf", page_count=len(pages), page_texts=pages)
    first, final = case.search_first_page("havana", limit=20)
    assert len(first) == 20 and not final
    ranked = case.search("havana", limit=20)
    assert {h.page for h in ranked[:10]} == set(range(len(pages) - 9, len(pages) + 1))  # the dense pages
    assert all(h.page <= FIRST_PAGE_RANKS for h in first)  # ranked among the first matches only
    # The last word as typed first ("havan" is no word here), then as a prefix.
    assert case.search_first_page("havan", limit=20)[0][0].page in range(1, FIRST_PAGE_RANKS + 1)
    few, final = case.search_first_page("harbour", limit=20)
    assert final and len(few) == 10
