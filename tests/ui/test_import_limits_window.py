"""Issue 12 item 16 in the window: a PDF past an import limit is refused in a message naming it."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QMainWindow

sys.path.insert(0, str(Path(__file__).parents[1] / "importers"))
from amplifying_pdfs import shared_stream_pdf  # noqa: E402
from samples import write  # noqa: E402

from evidence_board.importers.pdf import PdfLimits  # noqa: E402
from evidence_board.ui import importing  # noqa: E402
from evidence_board.ui.importing import import_files_with_progress  # noqa: E402


def test_the_import_dialog_says_which_limit_refused_the_file(qtbot, monkeypatch, tmp_path, case, case_path,
                                                             service, board_id):
    messages = []
    monkeypatch.setattr(importing, "warn", lambda parent, title, text: messages.append((title, text)))
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    before, file_before = case.counts(), case_path.read_bytes()
    path = write(tmp_path, "bundle.pdf", shared_stream_pdf(60, 2000))
    result = import_files_with_progress(window, service, [path], board_id,
                                        pdf_limits=PdfLimits(text_bytes=1 << 20))
    assert result is None
    assert messages == [("Import", "refused: bundle.pdf: its text passes 1 MiB, the limit for one source; "
                                   "not imported")]
    assert case.counts() == before and case_path.read_bytes() == file_before
    assert not service.can_undo()
