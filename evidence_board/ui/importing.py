"""Importing files from the window: parse off the UI thread, write on it.

Why this split: PyMuPDF parsing happens in a worker *process* anyway (see
``importers.pdf``), and Pillow decoding can be slow, so a QThread runs
:func:`prepare_files`, which reads and parses but never touches the case.
The write stage (:func:`write_prepared`, one ``service.batch``) then runs
on the UI thread: service listeners (the board scene) must be called on
the thread that owns the widgets, all SQLite writes stay on one thread, and
the stage is short (inserting records, no parsing). Cancel during reading
kills the parser process; nothing has been written yet. A failure in either
stage leaves the case as it was; a PDF past one of the import limits (its
text, the time to read it, what its parser sends: ``pdf.PdfLimits``) is
refused in a message box naming the limit.

The progress dialog is window-modal and the function waits in a local
event loop, so the window keeps repainting while the user cannot start a
second edit half-way through an import.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEventLoop, QObject, QPointF, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import (
    QApplication, QCheckBox, QFileDialog, QGridLayout, QLineEdit, QMainWindow, QProgressDialog, QWidget,
)

from evidence_board.importers import (
    ImportCancelled, ImportReport, PasswordRequired, PreparedFile, prepare_files, write_prepared,
)
from evidence_board.importers.formats import (
    SOURCES, Imported, ImportRequest, Importer, file_filters, sources_imported, split_by_importer,
)
from evidence_board.importers.pdf import PdfLimits
from evidence_board.services import CaseService
from evidence_board.ui.operation import REFUSED, refusal_text
from evidence_board.ui.plain_text import ask_text, plain_label, warn

FILE_FILTER = file_filters()  # from the importer table: everything importable, each format, all files


class PrepareThread(QThread):
    """Reads and parses the files; the UI thread writes them."""

    progressed = Signal(str, int, int)

    def __init__(self, paths: Sequence[Path], extract_images: bool, password: str | None,
                 known_hashes: set[str], parent: QObject | None = None,
                 pdf_limits: PdfLimits | None = None) -> None:
        super().__init__(parent)
        self.paths, self.extract_images, self.password = list(paths), extract_images, password
        self.known_hashes, self.pdf_limits = known_hashes, pdf_limits
        self.prepared: list[PreparedFile] = []
        self.error: Exception | None = None

    def run(self) -> None:
        try:
            self.prepared = prepare_files(
                self.paths, extract_images=self.extract_images, password=self.password,
                progress=self.progressed.emit, cancelled=self.isInterruptionRequested,
                known=self.known_hashes.__contains__, pdf_limits=self.pdf_limits)
        except Exception as exc:  # noqa: BLE001 - reported on the UI thread
            self.error = exc


class ImportProgressDialog(QProgressDialog):
    def __init__(self, parent: QWidget | None) -> None:
        super().__init__("Reading files…", "Cancel", 0, 1000, parent)
        self.setLabel(plain_label("Reading files…"))  # it names each file read, and a name is not markup
        self.setWindowTitle("Import")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(300)  # a quick import shows no dialog at all
        self.setAutoClose(False)
        self.setAutoReset(False)

    @Slot(str, int, int)
    def show_progress(self, message: str, done: int, total: int) -> None:
        self.setMaximum(max(total, 1))
        self.setValue(min(done, total))
        self.setLabelText(message)


def _prepare(parent: QWidget | None, paths: Sequence[Path], extract_images: bool, password: str | None,
             known_hashes: set[str], pdf_limits: PdfLimits | None = None) -> list[PreparedFile]:
    """Run the reading stage under a progress dialog; raise what it raised."""
    dialog = ImportProgressDialog(parent)
    thread = PrepareThread(paths, extract_images, password, known_hashes, pdf_limits=pdf_limits)
    loop = QEventLoop()
    # The dialog lives on the UI thread, so this connection is queued.
    thread.progressed.connect(dialog.show_progress)
    dialog.canceled.connect(thread.requestInterruption)  # the Cancel button
    dialog.rejected.connect(thread.requestInterruption)  # Esc
    thread.finished.connect(loop.quit)
    thread.start()
    if thread.isRunning():
        loop.exec()
    thread.wait()
    cancelled = dialog.wasCanceled()
    dialog.hide()  # not close(): a closing QProgressDialog reports a cancel
    dialog.deleteLater()
    if thread.error is not None:
        raise thread.error
    if cancelled:
        raise ImportCancelled("import cancelled; nothing was imported")
    return thread.prepared


def import_files_with_progress(parent: QWidget | None, service: CaseService, paths: Sequence[str | Path],
                               board_id: str | None, pos: QPointF | tuple[float, float] | None = None, *,
                               extract_images: bool = False,
                               pdf_limits: PdfLimits | None = None,
                               report: Callable[[str], None] | None = None) -> ImportReport | None:
    """Import files onto a board, asking for a PDF's password if it needs one.

    A refusal goes to ``report`` (the window's one error display), or a
    message box over ``parent``; returns the report, or None if nothing was
    imported (refused or cancelled).
    """
    say_refusal = report or _import_box(parent)
    x, y = (pos.x(), pos.y()) if isinstance(pos, QPointF) else (pos or (0.0, 0.0))
    paths = [Path(p) for p in paths]
    known = {s.sha256 for s in service.case.sources()}
    password: str | None = None
    while True:
        try:
            prepared = _prepare(parent, paths, extract_images, password, known, pdf_limits)
            written = write_prepared(service, prepared, board_id, x=x, y=y, centred=True)
        except PasswordRequired as exc:
            password = _ask_password(parent, exc)
            if password is None:
                return None
            continue
        except ImportCancelled:
            return None
        except REFUSED as exc:  # the write stage too: another program holding the lock is one message
            say_refusal(refusal_text(exc))
            return None
        _tell(parent, written)
        return written


def _import_box(parent: QWidget | None) -> Callable[[str], None]:
    """Where a refusal goes when the caller names no report: a box titled Import."""
    return lambda message: warn(parent, "Import", message)


def _ask_password(parent: QWidget | None, exc: PasswordRequired) -> str | None:
    prompt = (f"Wrong password for {exc.file_name}. Try again:" if exc.wrong_password
              else f"{exc.file_name} is password-protected. Password:")
    text, ok = ask_text(parent, "Password", prompt, echo=QLineEdit.EchoMode.Password)
    return text if ok and text else None


def _tell(parent: QWidget | None, report: ImportReport) -> None:
    """Say what happened where the user looks: the status bar, if there is one."""
    window = parent.window() if parent is not None else None
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage("; ".join(report.lines()), 8000)


def choose_and_import(parent: QWidget | None, service: CaseService, board_id: str | None,
                      pos: QPointF | tuple[float, float] | None = None,
                      report: Callable[[str], None] | None = None) -> WindowImport | None:
    """File > Import…: pick files (any format of the importer table), optionally extract PDFs' images, import."""
    dialog = QFileDialog(parent, "Import files", "", FILE_FILTER)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
    # A Qt (not native) dialog, so it can carry our option below the file list.
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    extract = QCheckBox("Make photo cards of the images inside PDFs")
    layout = dialog.layout()
    if isinstance(layout, QGridLayout):
        layout.addWidget(extract, layout.rowCount(), 0, 1, layout.columnCount())
    if not dialog.exec():
        return None
    return import_paths(parent, service, dialog.selectedFiles(), board_id, pos, extract_images=extract.isChecked(),
                        report=report)


# -- any file the importer table knows: File > Import…, drops, pastes --------------------------


@dataclass(slots=True)
class WindowImport:
    """What an import from the window made, one entry per undo step."""

    steps: list[Imported]

    @property
    def card_ids(self) -> list[str]:
        """The new cards on the board the files were imported onto (the view scrolls to them)."""
        return [card_id for step in self.steps if not step.new_board for card_id in step.card_ids]

    @property
    def new_board_ids(self) -> list[str]:
        return [step.board_id for step in self.steps if step.new_board]


def import_paths(parent: QWidget | None, service: CaseService, paths: Sequence[str | Path], board_id: str | None,
                 pos: QPointF | tuple[float, float] | None = None, *,
                 extract_images: bool = False, report: Callable[[str], None] | None = None) -> WindowImport | None:
    """Import files the way the importer table says: PDFs and images onto ``board_id`` (reading
    off the UI thread, see :func:`import_files_with_progress`), each JSON Canvas file as a new
    board, which the window then shows. Refusals are one message each (to ``report``, the
    window's error display, else a box) and leave that step undone; returns what was
    imported, or None if nothing was.
    """
    x, y = (pos.x(), pos.y()) if isinstance(pos, QPointF) else (pos or (0.0, 0.0))
    steps: list[Imported] = []
    for importer, group in split_by_importer(paths):
        if importer is SOURCES:
            imported = import_files_with_progress(parent, service, group, board_id, (x, y),
                                                  extract_images=extract_images, report=report)
            steps += sources_imported(imported) if imported is not None else []
            continue
        request = ImportRequest(board_id=board_id, x=x, y=y, centred=True, extract_images=extract_images)
        for files in ([[path] for path in group] if importer.new_board else [group]):
            steps += _run_on_ui_thread(parent, service, importer, files, request, report or _import_box(parent))
    if not steps:
        return None
    done = WindowImport(steps)
    lines = [line for step in steps for line in step.lines]
    lines += [f"warning: {warning}" for step in steps for warning in step.warnings]
    _say(parent, "; ".join(lines))
    new_boards = [step for step in steps if step.new_board]
    if new_boards:
        _show_board(parent, new_boards[-1].board_id, new_boards[-1].card_ids)
    return done


def _run_on_ui_thread(parent: QWidget | None, service: CaseService, importer: Importer, paths: list[Path],
                      request: ImportRequest, report: Callable[[str], None]) -> list[Imported]:
    QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
    try:
        return importer.run(service, paths, request)
    except REFUSED as exc:
        failure = refusal_text(exc)
    finally:
        QApplication.restoreOverrideCursor()
    report(failure)  # after the cursor is back: a box waits for the user
    return []


def _say(parent: QWidget | None, message: str) -> None:
    window = parent.window() if parent is not None else None
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(message, 8000)


def _show_board(parent: QWidget | None, board_id: str, card_ids: list[str]) -> None:
    """Bring a board the import made to the front, its cards in view, in the main window
    (its tab appeared with the change)."""
    from evidence_board.ui.main_window import MainWindow  # here: main_window imports the views that import us

    window = parent.window() if parent is not None else None
    view = window.view_of(board_id) if isinstance(window, MainWindow) else None
    if view is not None:
        window.tabs.setCurrentWidget(view)
        view.show_cards(card_ids)
