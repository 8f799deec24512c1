"""What the schema costs each write: checked with SQLite's own query plans."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence_board.store import CaseFile
from evidence_board.store.rows import CARD_COLUMNS, LINK_COLUMNS, SOURCE_COLUMNS


@pytest.mark.parametrize("table, columns", [
    ("cards", CARD_COLUMNS), ("links", LINK_COLUMNS), ("sources", SOURCE_COLUMNS),
])
def test_inserting_a_row_builds_no_temporary_table(tmp_path: Path, table: str, columns: tuple) -> None:
    # A CHECK written "x IN ('a', 'b', 'c')" makes SQLite build a temporary
    # b-tree each time the statement runs, that is once per row of a bulk
    # insert: a third of the instructions of importing 2,000 cards with 4,000 links.
    with CaseFile.create(tmp_path / "c.evb", "Costs", "Test Analyst") as case:
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        opcodes = [row[1] for row in case.conn.execute("EXPLAIN " + sql, [None] * len(columns))]
    assert "OpenEphemeral" not in opcodes
    assert "Insert" in opcodes  # the plan is of an actual insert


def test_the_placements_a_card_frames_are_found_by_an_index(tmp_path: Path) -> None:
    # Deleting a card frees the cards it framed, and SQLite's foreign key check
    # on placements.group_id looks for them too: without an index, deleting
    # 10,000 cards read every placement 10,000 times over (13 s).
    with CaseFile.create(tmp_path / "c.evb", "Costs", "Test Analyst") as case:
        plan = " ".join(row[3] for row in case.conn.execute(
            "EXPLAIN QUERY PLAN SELECT board_id, card_id FROM placements WHERE group_id = ?", ("g",)))
    assert "USING INDEX placements_group" in plan or "USING COVERING INDEX placements_group" in plan
