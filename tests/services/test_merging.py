"""Merge Case: what is new comes in, what changed on both sides keeps both versions, one undo step."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence_board.errors import CaseFileError, InvalidInput
from evidence_board.services import CaseService
from evidence_board.services.merging import CONFLICT_TAG, merge_case
from evidence_board.store import CaseFile
from evidence_board.store.copying import copy_open_case
from tests.fuzz.mutations import _sql_edit


@pytest.fixture
def shared(case: CaseFile, service: CaseService, board_id: str) -> dict[str, str]:
    """A case with three cards and a link, as both colleagues had it before splitting."""
    ids = {name: service.create_card("note", title=name, board_id=board_id, x=i * 300).created[0]
           for i, name in enumerate(("alpha", "beta", "gamma"))}
    ids["link"] = service.create_link(ids["alpha"], ids["beta"], "knows").created[0]
    return ids


@pytest.fixture
def theirs(case: CaseFile, shared: dict[str, str], tmp_path: Path) -> Path:
    """The colleague's copy, edited on their side."""
    path = copy_open_case(case, tmp_path / "colleague.evb")
    with CaseFile.open(path) as other:
        service = CaseService(other, "Colleague")
        board = other.boards()[0].id
        service.update_card(shared["alpha"], title="alpha (they improved it)")
        service.update_card(shared["gamma"], title="gamma, their way")
        new = service.create_card("entity", title="Newcomer", entity_type="person", board_id=board).created[0]
        service.create_link(new, shared["beta"], "works for")
        service.add_source(b"%PDF-1.4 their report", "theirs.pdf", "application/pdf", page_texts=["words"])
        service.create_board("Their board")
    return path


def titles(case: CaseFile) -> list[str]:
    return sorted(c.title for c in case.cards())


def test_merge_brings_in_new_and_newer_and_keeps_both_sides_of_a_conflict(
        case: CaseFile, service: CaseService, shared: dict[str, str], theirs: Path, board_id: str) -> None:
    service.update_card(shared["gamma"], title="gamma, our way")  # changed on both sides
    service.update_card(shared["beta"], title="beta (we improved it)")  # only here
    report, changes = merge_case(service, theirs)
    assert titles(case) == sorted(["alpha (they improved it)", "beta (we improved it)", "gamma, our way",
                                   "gamma, their way", "Newcomer"])
    (ours_id, copy_id), = report.card_conflicts
    assert ours_id == shared["gamma"]
    copy = case.card(copy_id)
    assert copy.title == "gamma, their way" and CONFLICT_TAG in copy.tags
    # Both versions are seen together: linked, and placed beside ours.
    assert any(l.from_card == copy_id and l.to_card == ours_id for l in case.links())
    ours_at, copy_at = case.placement(board_id, ours_id), case.placement(board_id, copy_id)
    assert copy_at.x > ours_at.x + ours_at.width and copy_at.y == ours_at.y
    assert [b.name for b in case.boards()] == ["Board 1", "Their board"]
    assert [s.file_name for s in case.sources()] == ["theirs.pdf"]
    assert {l.label for l in case.links()} >= {"knows", "works for"}
    assert report.cards_added == 1 and report.cards_updated == 1
    assert changes.event_id is not None and service.undo_label.startswith("Merge")


def test_a_merge_is_one_undo_step(case: CaseFile, service: CaseService, shared: dict[str, str],
                                  theirs: Path) -> None:
    before = (titles(case), len(case.links()), len(case.boards()), len(case.sources()))
    merge_case(service, theirs)
    service.undo()
    assert (titles(case), len(case.links()), len(case.boards()), len(case.sources())) == before
    service.redo()
    assert "Newcomer" in titles(case)


def test_merging_the_same_file_twice_changes_nothing_more(case: CaseFile, service: CaseService,
                                                          shared: dict[str, str], theirs: Path) -> None:
    service.update_card(shared["gamma"], title="gamma, our way")
    merge_case(service, theirs)
    after_first = (titles(case), len(case.links()))
    report, changes = merge_case(service, theirs)
    assert (titles(case), len(case.links())) == after_first
    assert not changes.rows and report.card_conflicts == []


def test_sources_are_matched_by_their_bytes(case: CaseFile, service: CaseService, shared: dict[str, str],
                                            theirs: Path) -> None:
    mine = service.add_source(b"%PDF-1.4 their report", "my name for it.pdf", "application/pdf").created[0]
    report, _ = merge_case(service, theirs)
    assert [s.id for s in case.sources()] == [mine]
    assert report.sources_reused == 1 and report.sources_added == 0


def test_a_dry_run_writes_nothing(case: CaseFile, service: CaseService, shared: dict[str, str],
                                  theirs: Path) -> None:
    service.update_card(shared["gamma"], title="gamma, our way")
    events, label = len(case.audit_events()), service.undo_label
    report, _ = merge_case(service, theirs, dry_run=True)
    assert len(report.card_conflicts) == 1 and "would be added" in report.lines()[-1]
    assert report.cards_added == 1 and report.boards_added == ["Their board"]
    assert len(case.audit_events()) == events and service.undo_label == label


def test_a_hostile_file_is_refused_before_anything_is_merged(case: CaseFile, service: CaseService,
                                                             shared: dict[str, str], theirs: Path) -> None:
    theirs.write_bytes(_sql_edit(theirs.read_bytes(), ["CREATE TRIGGER t AFTER INSERT ON cards BEGIN SELECT 1; END"]))
    label = service.undo_label
    with pytest.raises(CaseFileError, match="trigger"):
        merge_case(service, theirs)
    assert service.undo_label == label


def test_a_source_whose_bytes_do_not_match_refuses_the_merge(case: CaseFile, service: CaseService,
                                                             shared: dict[str, str], theirs: Path) -> None:
    theirs.write_bytes(_sql_edit(theirs.read_bytes(), ["UPDATE attachments SET data = CAST('forged' AS BLOB)"]))
    before = titles(case)
    with pytest.raises(InvalidInput, match="SHA-256"):
        merge_case(service, theirs)
    assert titles(case) == before


def test_a_case_cannot_be_merged_into_itself(case: CaseFile, service: CaseService) -> None:
    with pytest.raises(InvalidInput, match="itself"):
        merge_case(service, case.path)


def test_an_older_file_is_merged_from_an_upgraded_copy_and_left_as_it_was(
        case: CaseFile, service: CaseService, tmp_path: Path) -> None:
    from tests.store.test_migrations import write_version_1_case

    old = tmp_path / "old.evb"
    write_version_1_case(old)
    before = old.read_bytes()
    report, _ = merge_case(service, old)
    assert "Scud shipment" in titles(case) and report.boards_added == ["Main"]
    assert old.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("old")) == ["old.evb"]
