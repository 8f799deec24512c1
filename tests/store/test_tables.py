"""One description of the tables (issue 13, The store writer): store/tables.py,
built from the migrations, is what a new case file holds, what the opening
checks compare a file with, and the column order the row reader builds
records in."""

from __future__ import annotations

import dataclasses

from evidence_board.model import Board, Card, Link, Placement, Source
from evidence_board.store import CaseFile, rows, safety, schema, tables
from evidence_board.store.writer import TABLE_KEYS


def test_a_new_case_file_holds_the_described_tables(tmp_path):
    with CaseFile.create(tmp_path / "t.evb", "T", "A") as case:
        for table in TABLE_KEYS:
            on_disk = [(name, kind.upper(), bool(notnull), default, pk)
                       for _cid, name, kind, notnull, default, pk in case.conn.execute(f"PRAGMA table_info('{table}')")]
            assert on_disk == [dataclasses.astuple(c) for c in tables.columns(table)], table


def test_the_opening_checks_use_the_same_description():
    assert safety.expected_schema(schema.SCHEMA_VERSION) is tables.expected(
        schema.SCHEMA_VERSION, tuple(schema.MIGRATIONS))[0]


def test_the_row_reader_reads_columns_in_the_records_field_order():
    for record, columns in ((Card, rows.CARD_COLUMNS), (Link, rows.LINK_COLUMNS),
                            (Placement, rows.PLACEMENT_COLUMNS), (Board, rows.BOARD_COLUMNS),
                            (Source, rows.SOURCE_COLUMNS)):
        assert tuple(f.name for f in dataclasses.fields(record)) == columns, record.__name__
    assert "seq" not in rows.CARD_COLUMNS  # the card's local row number is the store's own


def test_the_row_keys_are_columns_of_their_tables_and_the_reals_are_the_board_geometry():
    for table, keys in TABLE_KEYS.items():
        assert set(keys) <= {c.name for c in tables.columns(table)}, table
    assert tables.real_columns("placements") == {"x", "y", "width", "height", "z"}
    assert not any(tables.real_columns(t) for t in TABLE_KEYS if t != "placements")
    assert tables.null_by_default("placements") == {"group_id"}
