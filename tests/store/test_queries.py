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


def test_the_board_and_card_reads_the_command_line_and_services_use(tmp_path):
    case = CaseFile.create(tmp_path / "reads.evb", "Reads", "Analyst")
    try:
        service = CaseService(case, "Analyst")
        board_id = case.boards()[0].id
        empty = service.create_board("Empty").created[0]
        made = service.create_cards([{"kind": "note", "title": "Ship"}, {"kind": "note", "text": "x" * 60}],
                                    board_id=board_id).created
        service.restack(board_id, [made[0]], to_front=True)
        assert queries.placement_counts_by_board(case.conn) == {board_id: 2}  # the empty board is not listed
        assert queries.card_labels(case.conn) == {made[0]: "Ship", made[1]: "x" * 40}
        assert queries.max_z(case.conn, empty) is None
        assert queries.z_range(case.conn, empty) == (0, 0)
        assert queries.z_range(case.conn, board_id) == (2.0, 3.0)  # the first card went in front of the second
        assert queries.existing_card_ids(case.conn, [made[0], "nope"]) == {made[0]}
        assert queries.existing_card_ids(case.conn, [f"c{n}" for n in range(1200)] + made) == set(made)  # 3 chunks
    finally:
        case.close()
