"""The window meets a case with a write-ahead log planted beside it after the
case was checked once: one plain message, no crash, nothing changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from evidence_board.ui import case_copies, case_dialogs
from tests.fuzz.mutations import build_seed_case
from tests.store.test_checked_before import DEEP_TAGS, digest, folder, plant_write_ahead_log


@pytest.fixture
def new_window(qtbot, settings):
    from evidence_board.ui.main_window import MainWindow

    made = MainWindow(settings)
    qtbot.addWidget(made)
    yield made
    made.close_case()


@pytest.fixture
def boxes(monkeypatch) -> list[str]:
    texts: list[str] = []
    monkeypatch.setattr(case_dialogs.QMessageBox, "exec", lambda box: texts.append(box.text()) or 0)
    return texts


@pytest.fixture
def planted(tmp_path: Path, new_window, boxes) -> tuple[Path, Path]:
    (tmp_path / "theirs").mkdir()
    case = build_seed_case(tmp_path / "theirs" / "case.evb")
    assert new_window.open_case(case)  # checked once, in this window
    new_window.close_case()
    wal = plant_write_ahead_log(case, [f"UPDATE cards SET tags = '{DEEP_TAGS}'"])
    return case, wal


def test_opening_it_in_the_window_is_one_message_and_changes_nothing(new_window, planted, boxes) -> None:
    case, wal = planted
    before = digest(case), digest(wal), folder(case)
    assert not new_window.open_case(case)
    assert new_window.case is None
    assert len(boxes) == 1 and "case.evb-wal beside it is a write-ahead log" in boxes[0] and "\n" not in boxes[0]
    assert (digest(case), digest(wal), folder(case)) == before


def test_merging_it_into_the_open_case_copies_nothing(new_window, planted, boxes, tmp_path: Path) -> None:
    theirs, wal = planted
    mine = build_seed_case(tmp_path / "mine.evb")
    assert new_window.open_case(mine)
    cards = {c.id for c in new_window.case.cards()}
    assert case_copies.merge_case(new_window.parts, theirs) is None
    assert len(boxes) == 1 and "write-ahead log" in boxes[0] and "\n" not in boxes[0]
    assert {c.id for c in new_window.case.cards()} == cards and not new_window.service.can_undo()
    assert folder(theirs) == ["case.evb", "case.evb-wal"]
    assert all(DEEP_TAGS not in str(c.tags) for c in new_window.case.cards())
