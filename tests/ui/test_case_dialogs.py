"""Cases from other people in the window: read-only and why, locks, upgrades,
refusals, Save a Copy, Share, Merge Case, Check Case and the rolling backups."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from evidence_board.services import CaseService
from evidence_board.store import SCHEMA_VERSION, CaseFile, safety
from evidence_board.store.copying import list_backups
from evidence_board.ui import case_copies, case_dialogs
from evidence_board.ui.case_dialogs import BY_CHOICE, IN_USE, NOT_WRITABLE
from tests.conftest import reopen
from tests.fuzz.mutations import _sql_edit, build_seed_case
from tests.store.test_migrations import write_version_1_case


@pytest.fixture
def new_window(qtbot, settings):
    from evidence_board.ui.main_window import MainWindow

    made = MainWindow(settings)
    qtbot.addWidget(made)
    made.resize(1300, 850)
    yield made
    made.close_case()


class Boxes:
    """Every message box the code under test shows: its text, answered by ``answer``."""

    def __init__(self, monkeypatch, answer: str | None = None) -> None:
        self.texts: list[str] = []
        self.answer = answer

        def exec_(box: QMessageBox) -> int:
            self.texts.append(box.text())
            for button in box.buttons():
                if self.answer is not None and button.text() == self.answer:
                    button.click()
                    return 0
            return 0

        monkeypatch.setattr(case_dialogs.QMessageBox, "exec", exec_)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _editing_actions(window) -> list:
    a = window.actions_
    return [a.add_note, a.add_entity, a.add_group, a.add_photo, a.paste, a.import_, a.new_board, a.rename_board,
            a.delete_board, a.rename, a.merge, a.undo, a.redo, a.delete, a.duplicate, a.link]


# -- read-only ------------------------------------------------------------------------


def test_open_read_only_shows_the_banner_and_disables_every_edit(new_window, specimen_case_path, monkeypatch, qtbot):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(specimen_case_path), ""))
    new_window.actions_.open_read_only.trigger()
    new_window.show()
    qtbot.waitExposed(new_window)
    assert new_window.read_only and new_window.read_only_reason == BY_CHOICE
    assert new_window.banner.isVisible() and "opened read-only" in new_window.banner.label.text()
    view = new_window.current_view()
    view.commands.select(list(view.board_scene.cards)[:2])
    QApplication.processEvents()
    assert [a.text() for a in _editing_actions(new_window) if a.isEnabled()] == []
    assert not new_window.add_board_button.isEnabled()
    for action in (new_window.actions_.export, new_window.actions_.save_copy, new_window.actions_.check,
                   new_window.actions_.copy):
        assert action.isEnabled()
    # Reopen for editing: the banner goes, editing comes back.
    new_window.banner.reopen.click()
    assert not new_window.read_only and not new_window.banner.isVisible()
    assert new_window.actions_.add_note.isEnabled() and new_window.actions_.merge.isEnabled()


def test_a_file_that_cannot_be_written_opens_read_only_and_says_so(new_window, specimen_case_path, monkeypatch):
    monkeypatch.setattr(safety, "directory_writable", lambda path: False)  # tests run as root: chmod does not bind
    assert new_window.open_case(specimen_case_path)
    assert new_window.read_only and new_window.read_only_reason == NOT_WRITABLE
    assert "cannot be written" in new_window.banner.label.text()
    assert not new_window.banner.reopen.isVisibleTo(new_window.banner)


def test_a_case_locked_elsewhere_offers_read_only(new_window, specimen_case_path, monkeypatch):
    other = CaseFile.open(specimen_case_path)  # another window holds the lock
    try:
        boxes = Boxes(monkeypatch, answer="Open read-only")
        assert new_window.open_case(specimen_case_path)
        assert len(boxes.texts) == 1 and "is open for editing" in boxes.texts[0]
        assert new_window.read_only_reason == IN_USE and "open for editing elsewhere" in new_window.banner.label.text()
        new_window.close_case()
        boxes.answer = "Cancel"
        assert not new_window.open_case(specimen_case_path)
        assert new_window.case is None
    finally:
        other.close()


def test_a_lock_left_behind_is_taken_over_only_after_saying_who_held_it(new_window, specimen_case_path,
                                                                      monkeypatch):
    # Another computer's lock, its heartbeat dated a year ahead: it never goes
    # stale by age, so the window asks instead (issue 12, item 4).
    import json
    import time

    from evidence_board.store.locking import lock_path

    ahead = time.time() + 365 * 86400
    lock_path(specimen_case_path).write_text(json.dumps(
        {"user": "colleague", "host": "other-laptop", "pid": 4242, "since": "2026-01-01T00:00:00Z",
         "heartbeat": ahead}))
    os.utime(lock_path(specimen_case_path), (ahead, ahead))
    boxes = Boxes(monkeypatch, answer="Cancel")
    assert not new_window.open_case(specimen_case_path) and new_window.case is None
    assert len(boxes.texts) == 1 and "colleague on other-laptop" in boxes.texts[0]
    assert "in the future" in boxes.texts[0]
    boxes.answer = "Open read-only"
    assert new_window.open_case(specimen_case_path) and new_window.read_only_reason == IN_USE
    new_window.close_case()
    boxes.answer = "Take over the lock"
    assert new_window.open_case(specimen_case_path)
    assert not new_window.read_only and new_window.case.lock.taken_from.user == "colleague"
    assert json.loads(lock_path(specimen_case_path).read_text())["pid"] == os.getpid()


# -- upgrades and refusals -------------------------------------------------------------


def test_an_older_case_is_upgraded_only_after_asking_and_keeps_a_backup(new_window, tmp_path, monkeypatch):
    path = tmp_path / "old.evb"
    write_version_1_case(path)
    before = _digest(path)
    boxes = Boxes(monkeypatch, answer="Cancel")
    assert not new_window.open_case(path)
    assert len(boxes.texts) == 1 and "older Evidence Board (schema 1)" in boxes.texts[0]
    assert _digest(path) == before and sorted(p.name for p in tmp_path.glob("old*")) == ["old.evb"]
    boxes.answer = "Upgrade"
    assert new_window.open_case(path)
    assert new_window.case.schema_version == SCHEMA_VERSION
    backup = tmp_path / "old.schema1-backup.evb"
    raw = sqlite3.connect(backup)  # the file as it was: still schema 1, its card there
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
    assert raw.execute("SELECT title FROM cards").fetchall() == [("Scud shipment",)]
    raw.close()
    assert "old.schema1-backup.evb" in new_window.statusBar().currentMessage()


def test_an_older_case_opened_read_only_is_shown_and_left_untouched(new_window, tmp_path, monkeypatch):
    path = tmp_path / "old.evb"
    write_version_1_case(path)
    before = _digest(path)
    boxes = Boxes(monkeypatch, answer="Upgrade")
    assert new_window.open_case(path, read_only=True)
    assert boxes.texts == []  # nothing to ask: the file is not changed
    assert new_window.case.read_only and new_window.case.upgraded_in_memory_from == 1
    assert [c.title for c in new_window.case.cards()] == ["Scud shipment"]
    assert "older Evidence Board (schema 1)" in new_window.banner.label.text()
    new_window.close_case()
    assert _digest(path) == before and sorted(p.name for p in tmp_path.glob("old*")) == ["old.evb"]


@pytest.mark.parametrize("statements, words", [
    ([f"PRAGMA user_version = {SCHEMA_VERSION + 3}"], "newer Evidence Board"),
    (["CREATE TRIGGER wipe AFTER INSERT ON cards BEGIN DELETE FROM links; END"], "trigger"),
])
def test_a_newer_or_hostile_case_is_one_line_and_left_untouched(new_window, tmp_path, monkeypatch, statements,
                                                                 words):
    seed = build_seed_case(tmp_path / "seed.evb")
    path = tmp_path / "theirs.evb"
    path.write_bytes(_sql_edit(seed.read_bytes(), statements, writable_schema=True))
    before = _digest(path)
    boxes = Boxes(monkeypatch)
    assert not new_window.open_case(path)
    assert len(boxes.texts) == 1 and words in boxes.texts[0] and "\n" not in boxes.texts[0]
    assert _digest(path) == before and new_window.case is None
    assert sorted(p.name for p in tmp_path.glob("theirs*")) == ["theirs.evb"]


# -- copies, share, merge, check --------------------------------------------------------


def test_save_a_copy_writes_a_case_that_opens(window, tmp_path, monkeypatch):
    out = tmp_path / "copy"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    window.actions_.save_copy.trigger()
    with reopen(tmp_path / "copy.evb") as copy:
        assert len(copy.cards()) == len(window.case.cards())
    assert window.case.path.name == "specimen.evb"  # the window stays on the case


def test_share_explains_what_it_removes_and_writes_a_scrubbed_copy(window, tmp_path, monkeypatch):
    explained: list[str] = []

    def accept(dialog) -> int:
        explained.append(" ".join(label.text() for label in dialog.findChildren(case_copies.QLabel)))
        return case_copies.QDialog.DialogCode.Accepted

    monkeypatch.setattr(case_copies.ShareDialog, "exec", accept)
    out = tmp_path / "to share.evb"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    window.actions_.share.trigger()
    assert "names of the people" in explained[0] and "deleted" in explained[0]
    raw = sqlite3.connect(out)
    assert raw.execute("SELECT count(*) FROM audit_events WHERE author != ''").fetchone()[0] == 0
    raw.close()
    with reopen(window.case.path) as ours:  # the case itself keeps its authors
        assert any(e.author for e in ours.audit_events())


def test_merge_brings_cards_in_as_one_undo_step_and_reports(window, tmp_path, monkeypatch):
    theirs_path = tmp_path / "colleague.evb"
    with CaseFile.create(theirs_path, "Colleague's case", "Bo") as theirs:
        CaseService(theirs, "Bo").create_card("note", board_id=theirs.boards()[0].id, title="Ship's agent in Busan")
    before = {c.id for c in window.case.cards()}
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(theirs_path), ""))
    monkeypatch.setattr(case_copies.ReportDialog, "open", lambda self: None)
    window.actions_.merge.trigger()
    dialog = window.findChildren(case_copies.ReportDialog)[-1]
    assert "Merged Colleague's case" in dialog.headline.text()
    assert "cards added: 1" in dialog.report.toPlainText()
    assert any(c.title == "Ship's agent in Busan" for c in window.case.cards())
    assert window.tabs.count() == 2  # their board came in as a tab
    assert window.actions_.undo.text().startswith("&Undo Merge")
    window.actions_.undo.trigger()
    assert {c.id for c in window.case.cards()} == before and window.tabs.count() == 1


def test_merging_a_hostile_file_is_one_line_and_changes_nothing(window, tmp_path, monkeypatch):
    seed = build_seed_case(tmp_path / "seed.evb")
    bad = tmp_path / "bad.evb"
    bad.write_bytes(_sql_edit(seed.read_bytes(), ["CREATE VIEW v AS SELECT 1"], writable_schema=True))
    boxes = Boxes(monkeypatch)
    before = len(window.case.cards())
    assert case_copies.merge_case(window.parts, bad) is None
    assert len(boxes.texts) == 1 and "view" in boxes.texts[0]
    assert len(window.case.cards()) == before and not window.service.can_undo()


def test_check_case_shows_the_readable_report(window, monkeypatch):
    monkeypatch.setattr(case_copies.ReportDialog, "open", lambda self: None)
    window.actions_.check.trigger()
    dialog = window.findChildren(case_copies.ReportDialog)[-1]
    assert dialog.headline.text() == "No problems found."
    assert "specimen.evb: OK" in dialog.report.toPlainText()
    assert dialog.report.isReadOnly()


# -- backups and the lock ------------------------------------------------------------------


def test_backups_are_made_on_open_and_at_most_once_an_hour(window, qtbot):
    path = window.case.path
    qtbot.waitUntil(lambda: len(list_backups(path)) == 1, timeout=case_dialogs.FIRST_BACKUP_DELAY_MS + 3000)
    window.service.create_card("note", board_id=window.current_view().board_scene.board_id, title="later")
    assert window.upkeep.back_up() is None  # the last backup is minutes old
    assert len(list_backups(path)) == 1
    assert window.upkeep.last_backup_seconds < 1.0
    with reopen(list_backups(path)[0].path) as backup:
        assert len(backup.cards()) == 9


def test_the_lock_heartbeat_timer_runs_only_while_editing(window, new_window, specimen_case_path):
    assert window.upkeep._heartbeat.isActive()
    window.close_case()
    assert not window.upkeep._heartbeat.isActive()
    assert new_window.open_case(specimen_case_path, read_only=True)
    assert not new_window.upkeep._heartbeat.isActive() and new_window.upkeep._backup_timer.isActive()


def test_a_window_without_a_case_offers_no_case_actions(new_window):
    a = new_window.actions_
    assert [x.text() for x in (a.export, a.save_copy, a.share, a.merge, a.check, a.add_note) if x.isEnabled()] == []
    assert a.open.isEnabled() and a.open_read_only.isEnabled()
