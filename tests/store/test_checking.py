"""Check Case: a clean case passes; each kind of damage is named in words; the file is never written."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from evidence_board.errors import NewerSchema
from evidence_board.store.checking import check_case
from tests.fuzz.mutations import _sql_edit, build_seed_case


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    return build_seed_case(tmp_path / "seed.evb")


def checked(seed: Path, statements: list[str]) -> list[str]:
    path = seed.with_name("spoiled.evb")
    path.write_bytes(_sql_edit(seed.read_bytes(), statements, writable_schema=True))
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    report = check_case(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert not report.ok
    assert report.lines()[0].endswith("problem(s)")
    return report.problems


def test_a_clean_case_passes_every_check(seed: Path) -> None:
    report = check_case(seed)
    assert report.ok, report.problems
    assert report.lines()[0] == f"{seed}: OK"
    assert any("SHA-256 of 1 source(s)" in c for c in report.checked)
    assert any("full-text" in c for c in report.checked)


def test_a_source_whose_bytes_changed_is_named(seed: Path) -> None:
    problems = checked(seed, ["UPDATE attachments SET data = CAST('tampered' AS BLOB) "
                              "WHERE id = (SELECT attachment_id FROM sources)"])
    assert any("source 'report.pdf'" in p and "SHA-256" in p for p in problems)


def test_references_that_point_nowhere_are_counted(seed: Path) -> None:
    problems = checked(seed, ["DELETE FROM cards WHERE kind = 'entity'"])
    assert "2 row(s) of links point at cards that do not exist" in problems
    assert "1 row(s) of placements point at cards that do not exist" in problems


def test_a_damaged_full_text_index_is_found(seed: Path) -> None:
    problems = checked(seed, ["DELETE FROM cards_fts_data WHERE id > 1"])
    assert any("full-text index of cards is damaged" in p for p in problems)


def test_a_full_text_index_out_of_step_with_the_text_is_found(seed: Path) -> None:
    # The indexes keep no text of their own: text changed behind the store's
    # back leaves them finding words that are gone (and missing the new ones).
    problems = checked(seed, ["UPDATE source_pages SET text = 'nothing of what was indexed' WHERE page = 1"])
    assert any("full-text index of source pages does not match their text" in p for p in problems)


def test_sqlite_damage_is_reported_not_raised(seed: Path) -> None:
    path = seed.with_name("damaged.evb")
    data = bytearray(seed.read_bytes())
    data[4096 * 5:4096 * 6] = bytes(4096)
    path.write_bytes(bytes(data))
    report = check_case(path)
    assert not report.ok
    assert all("\n" not in p for p in report.problems)


def test_hostile_schema_objects_are_listed(seed: Path) -> None:
    problems = checked(seed, ["CREATE TRIGGER t AFTER INSERT ON cards BEGIN SELECT 1; END",
                              "CREATE VIEW v AS SELECT 1"])
    assert problems[:2] == ["the file contains a trigger 't', which Evidence Board never creates",
                            "the file contains a view 'v', which Evidence Board never creates"]


def test_a_newer_file_is_refused_not_checked(seed: Path) -> None:
    path = seed.with_name("newer.evb")
    path.write_bytes(_sql_edit(seed.read_bytes(), ["PRAGMA user_version = 99"]))
    with pytest.raises(NewerSchema):
        check_case(path)
