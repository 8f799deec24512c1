"""Importing from the window: reading off the UI thread, Cancel, passwords, errors."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMainWindow, QProgressDialog, QPushButton

sys.path.insert(0, str(Path(__file__).parents[1] / "importers"))
from samples import encrypted_pdf, report_pdf, write  # noqa: E402

from evidence_board.importers import pdf  # noqa: E402
from evidence_board.ui import importing  # noqa: E402
from evidence_board.ui.importing import import_files_with_progress  # noqa: E402


def test_import_places_the_card_and_tells_the_status_bar(qtbot, tmp_path, case, service, board_id):
    window = QMainWindow()
    qtbot.addWidget(window)
    report = import_files_with_progress(window, service, [write(tmp_path, "a.pdf", report_pdf())],
                                        board_id, (120.0, 80.0))
    placement = case.placement(board_id, report.files[0].card_id)
    # Centred where the files were dropped (the board is empty there).
    assert (placement.x + placement.width / 2, placement.y + placement.height / 2) == (120.0, 80.0)
    assert window.statusBar().currentMessage() == "a.pdf: imported (3 page(s))"


def test_cancel_stops_a_hung_parser_keeps_the_window_alive_and_changes_nothing(
        qtbot, monkeypatch, tmp_path, case, case_path, service, board_id):
    monkeypatch.setattr(pdf, "worker_command", lambda: [sys.executable, "-c", "import time; time.sleep(20)"])
    monkeypatch.setattr(importing, "warn", lambda *args: None)  # never block the test
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    before, file_before = case.counts(), case_path.read_bytes()
    ticks = []
    heartbeat = QTimer()
    heartbeat.timeout.connect(lambda: ticks.append(1))
    heartbeat.start(20)
    # The user presses the dialog's Cancel button while the parser hangs.
    QTimer.singleShot(800, lambda: window.findChild(QProgressDialog).findChild(QPushButton).click())

    started = time.monotonic()
    result = import_files_with_progress(window, service, [write(tmp_path, "a.pdf", report_pdf())], board_id)
    elapsed = time.monotonic() - started

    heartbeat.stop()
    assert result is None and elapsed < 10
    assert len(ticks) >= 10  # the UI thread kept running its event loop
    assert case.counts() == before and case_path.read_bytes() == file_before


def test_password_is_asked_for_and_retried(qtbot, monkeypatch, tmp_path, case, service, board_id):
    answers = iter([("wrong", True), ("pw", True)])
    prompts = []

    def ask(parent, title, prompt, echo):  # ask_text's prompt is plain text: it names the file
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr(importing, "ask_text", ask)
    report = import_files_with_progress(None, service, [write(tmp_path, "locked.pdf", encrypted_pdf("pw"))],
                                        board_id)
    assert prompts == ["locked.pdf is password-protected. Password:", "Wrong password for locked.pdf. Try again:"]
    assert case.source(report.files[0].source_id).page_count == 3


def test_a_refused_file_is_a_message_and_nothing_changes(qtbot, monkeypatch, tmp_path, case, service, board_id):
    messages = []
    monkeypatch.setattr(importing, "warn", lambda parent, title, text: messages.append(text))
    before = case.counts()
    paths = [write(tmp_path, "good.pdf", report_pdf()), write(tmp_path, "bad.pdf", b"%PDF-1.4 junk")]
    assert import_files_with_progress(None, service, paths, board_id) is None
    assert len(messages) == 1 and messages[0].startswith("bad.pdf: damaged PDF")
    assert case.counts() == before
