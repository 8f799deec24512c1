"""Starting the board window: ``run_app`` is what ``evidence-board [CASE]`` calls.

With no case given it opens the last case (QSettings), else the user's copy
of the sample case, else a new empty case in the user data folder.

``EVIDENCE_BOARD_SCREENSHOT=path.png`` makes the window save a picture of
itself once it has painted, then quit: the X11 smoke test and the README
screenshot use it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from evidence_board.errors import CaseFileError
from evidence_board.store import CaseFile

ORGANISATION = "Evidence Board"
APPLICATION = "Evidence Board"
SCREENSHOT_ENV = "EVIDENCE_BOARD_SCREENSHOT"
SCREENSHOT_DELAY_MS = 600


def settings() -> QSettings:
    return QSettings(ORGANISATION, APPLICATION)


def _last_case(store: QSettings) -> Path | None:
    value = store.value("recent/files", [])
    for entry in [value] if isinstance(value, str) else (value or []):
        if Path(str(entry)).is_file():
            return Path(str(entry))
    return None


def _sample_case() -> Path | None:
    """The user's writable copy of the sample case, if this install has one."""
    try:
        from evidence_board.sample import sample_case_path, writable_sample_copy
    except ImportError:
        return None
    try:
        if not sample_case_path().is_file():
            return None
        return writable_sample_copy()
    except OSError:
        return None


def _new_case_path() -> Path:
    folder = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "My first case.evb"


def default_case(store: QSettings) -> tuple[Path, bool]:
    """The case to open when none is given, and whether it must be created first."""
    last = _last_case(store)
    if last is not None:
        return last, False
    sample = _sample_case()
    if sample is not None:
        return sample, False
    path = _new_case_path()
    return path, not path.exists()


def run_app(case: Path | None, read_only: bool = False) -> int:
    """Open the window on ``case`` (see the module docstring); returns the exit code."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APPLICATION)
    from evidence_board.ui.main_window import MainWindow  # after the QApplication exists

    store = settings()
    create = False
    if case is None:
        case, create = default_case(store)
    window = MainWindow(store)
    if create:
        try:
            window.set_case(CaseFile.create(case, "My first case"))
        except CaseFileError as exc:
            print(f"evidence-board: error: {exc}", file=sys.stderr)
            return 2
    # Asks before upgrading an older file, offers read-only when the case is
    # locked, and shows a refusal in one message box.
    elif not window.open_case(case, read_only=read_only):
        print(f"evidence-board: error: {case}: not opened", file=sys.stderr)
        return 2
    window.show()
    screenshot = os.environ.get(SCREENSHOT_ENV, "").strip()
    if screenshot:
        QTimer.singleShot(SCREENSHOT_DELAY_MS, lambda: _save_screenshot(window, Path(screenshot)))
    return app.exec()


def _save_screenshot(window: QWidget, path: Path) -> None:
    window.grab().save(str(path))
    window.close()
    QApplication.instance().quit()
