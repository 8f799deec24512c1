"""The named read queries of store/queries.py, on a real case file."""

from __future__ import annotations

from evidence_board.services import CaseService
from evidence_board.store import CaseFile, queries


def test_card_tags_lists_each_tag_once_sorted_without_regard_to_case(tmp_path):
    case = CaseFile.create(tmp_path / "tags.evb", "Tags", "Analyst")
    try:
        service = CaseService(case, "Analyst")
        board_id = case.boards()[0].id
        service.create_card("note", board_id=board_id, x=0, y=0, title="one", tags=["b", "A"])
        service.create_card("note", board_id=board_id, x=300, y=0, title="two", tags=["a", "b"])
        service.create_card("note", board_id=board_id, x=600, y=0, title="three")
        tags = queries.card_tags(case.conn)
        assert sorted(tags) == ["A", "a", "b"]  # each once; "A" and "a" are different tags
        assert [tag.casefold() for tag in tags] == ["a", "a", "b"]  # the filter menu's order
    finally:
        case.close()
