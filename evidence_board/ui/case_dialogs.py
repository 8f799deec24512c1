"""Opening a case file from anyone in the window, the read-only banner, and the
timers that keep an open case safe (rolling backups, the lock's heartbeat).

Every refusal from the core is one line; it is shown in one message box and
the file is left exactly as it was. Three questions can come up on the way:
an older schema asks before it is upgraded (the core writes a backup beside
it first), a case locked by someone else offers to open it read-only (and,
when the lock looks left behind, to take it over, after saying who held it),
and a file that cannot be written opens read-only by itself. Whatever made a case
read-only is what the banner says.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QMessageBox, QPushButton, QWidget

from evidence_board.errors import CaseFileError
from evidence_board.store import CaseFile
from evidence_board.store.locking import HEARTBEAT_SECONDS, CaseInUse
from evidence_board.ui.plain_text import message_box, plain_label

# Why a case is read-only, as the banner says it.
BY_CHOICE = "opened read-only"
NOT_WRITABLE = "the file or its folder cannot be written"
IN_USE = "it is open for editing elsewhere"

BACKUP_CHECK_MS = 60 * 60 * 1000  # make_backup itself skips a backup when the last is under an hour old
FIRST_BACKUP_DELAY_MS = 3000  # after the window has painted the case


@dataclass(slots=True)
class OpenedCase:
    case: CaseFile
    read_only_reason: str | None  # None: open for editing


def show_refusal(parent: QWidget, title: str, message: str) -> None:
    message_box(parent, QMessageBox.Icon.Warning, title, message).exec()


def _ask(parent: QWidget, icon: QMessageBox.Icon, title: str, text: str, accept: str) -> bool:
    """A plain-text question with Cancel and one named button; True if it was pressed."""
    box = message_box(parent, icon, title, text, QMessageBox.StandardButton.Cancel)
    button = box.addButton(accept, QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(button)
    box.exec()
    return box.clickedButton() is button


def ask_upgrade(parent: QWidget, path: Path, old: int, new: int) -> bool:
    return _ask(parent, QMessageBox.Icon.Question, "Upgrade this case file?",
                f"{path.name} was made by an older Evidence Board (schema {old}).\n\n"
                f"To edit it, this version upgrades it to schema {new}. A backup copy of the file as it is "
                f"now is written beside it first, named {path.stem}.schema{old}-backup{path.suffix}.\n\n"
                "Older versions of Evidence Board cannot open the upgraded file.",
                "Upgrade")


def ask_read_only_instead(parent: QWidget, path: Path, exc: CaseInUse) -> bool:
    return _ask(parent, QMessageBox.Icon.Information, "Case in use",
                f"{path.name} is open for editing {exc.holder.describe()}.\n\n"
                "You can open it read-only: you see everything, and change nothing.",
                "Open read-only")


TAKE_OVER = "Take over the lock"
READ_ONLY = "Open read-only"


def ask_about_stale_lock(parent: QWidget, path: Path, exc: CaseInUse) -> str | None:
    """A lock that looks left behind: take it over, open read-only, or neither (None)."""
    box = message_box(parent, QMessageBox.Icon.Warning, "Case locked",
                      f"{path.name} is locked for editing {exc.holder.describe()}, but {exc.stale}: "
                      "it looks left behind by a program or computer that stopped.\n\n"
                      "Take the lock over only if that program is no longer running there; two people "
                      "editing one case at once can lose each other's changes. Or open it read-only.",
                      QMessageBox.StandardButton.Cancel)
    take = box.addButton(TAKE_OVER, QMessageBox.ButtonRole.DestructiveRole)
    read = box.addButton(READ_ONLY, QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(read)
    box.exec()
    return {take: TAKE_OVER, read: READ_ONLY}.get(box.clickedButton())


def open_case_file(parent: QWidget, path: Path, read_only: bool = False) -> OpenedCase | None:
    """Open ``path`` as the user asked, asking what needs asking; None after showing why not."""
    path = Path(path)
    reason = BY_CHOICE if read_only else None
    try:
        try:
            case = CaseFile.open(path, read_only=read_only,
                                 allow_upgrade=lambda p, old, new: ask_upgrade(parent, p, old, new))
        except CaseInUse as exc:
            answer = (ask_about_stale_lock(parent, path, exc) if exc.stale
                      else READ_ONLY if ask_read_only_instead(parent, path, exc) else None)
            if answer is None:
                return None
            if answer == TAKE_OVER:
                case = CaseFile.open(path, take_over_lock=True,
                                     allow_upgrade=lambda p, old, new: ask_upgrade(parent, p, old, new))
            else:
                case, reason = CaseFile.open(path, read_only=True), IN_USE
    except CaseFileError as exc:
        if type(exc).__name__ == "NeedsUpgrade":  # the user said no: nothing was touched, nothing to say
            return None
        show_refusal(parent, "Cannot open case", str(exc))
        return None
    except (OSError, sqlite3.Error) as exc:
        show_refusal(parent, "Cannot open case", f"{path}: {exc}")
        return None
    if case.read_only and reason is None:
        reason = NOT_WRITABLE
    if case.upgraded_in_memory_from is not None:
        reason += (f"; made by an older Evidence Board (schema {case.upgraded_in_memory_from}), "
                   "shown as this version reads it, the file itself unchanged")
    return OpenedCase(case, reason)


class ReadOnlyBanner(QFrame):
    """A strip above the boards while the case is read-only, saying why."""

    reopen_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("read-only-banner")
        self.setStyleSheet("#read-only-banner { background: #fff3cd; border-bottom: 1px solid #e0c36a; }"
                           "#read-only-banner QLabel { color: #5c4400; }")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        self.label = plain_label()  # the reason can name who holds the lock
        self.reopen = QPushButton("Reopen for editing")
        self.reopen.clicked.connect(self.reopen_requested)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.reopen)
        self.hide()

    def show_reason(self, reason: str | None) -> None:
        if reason is None:
            self.hide()
            return
        self.label.setText(f"Read-only: {reason}. You can look, search, copy and export; changes are off.")
        # Reopening helps when the choice was ours or the other editor may have closed it.
        self.reopen.setVisible(reason in (BY_CHOICE, IN_USE))
        self.show()


class CaseUpkeep(QObject):
    """Rolling backups of the open case and the heartbeat of its lock.

    The backup runs in the GUI thread, on the case's own connection: a
    second connection in a worker would have to re-check the file and could
    meet a live journal mid-edit. One ``VACUUM INTO`` plus its verification
    measured 0.1 s for 1,000 cards (2.5 MB) and 0.8 s for 10,000 (22 MB); it
    runs a few seconds after opening and then once an hour, and
    ``make_backup`` returns at once (0.2 ms) when the last backup is under an
    hour old or nothing changed.
    """

    backup_made = Signal(str)
    backup_failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.case: CaseFile | None = None
        self.last_backup_seconds = 0.0  # how long the last backup took, for the status bar and tests
        self._backup_timer = QTimer(self)
        self._backup_timer.setInterval(BACKUP_CHECK_MS)
        self._backup_timer.timeout.connect(self.back_up)
        self._first_backup = QTimer(self)
        self._first_backup.setSingleShot(True)
        self._first_backup.setInterval(FIRST_BACKUP_DELAY_MS)
        self._first_backup.timeout.connect(self.back_up)
        self._heartbeat = QTimer(self)
        self._heartbeat.setInterval(int(HEARTBEAT_SECONDS * 1000))
        self._heartbeat.timeout.connect(self._beat)

    def follow(self, case: CaseFile | None) -> None:
        self.case = case
        for timer in (self._backup_timer, self._first_backup, self._heartbeat):
            timer.stop()
        if case is None:
            return
        if case.lock is not None:
            self._heartbeat.start()
        self._first_backup.start()
        self._backup_timer.start()

    def back_up(self) -> str | None:
        """Back up the case if a backup is due; the path made, or None."""
        from evidence_board.store.copying import make_backup

        case = self.case
        if case is None or case.conn.in_transaction:
            return None
        started = time.perf_counter()
        try:
            made = make_backup(case)
        except (CaseFileError, OSError, sqlite3.Error) as exc:
            self.backup_failed.emit(f"Automatic backup failed: {exc}")
            return None
        self.last_backup_seconds = time.perf_counter() - started
        if made is not None:
            self.backup_made.emit(str(made))
        return str(made) if made is not None else None

    def _beat(self) -> None:
        lock = self.case.lock if self.case is not None else None
        if lock is not None and lock.held:
            try:
                lock.write_heartbeat()
            except OSError:
                pass  # a full disk or a vanished share: the next beat tries again


@contextmanager
def busy(parent: QWidget, message: str) -> Iterator[None]:
    """A wait cursor and a status line while something short runs in the GUI thread."""
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    status = parent.statusBar() if hasattr(parent, "statusBar") else None
    if status is not None:
        status.showMessage(message)
    QApplication.processEvents()  # paint the cursor and the message before the work starts
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()
        if status is not None:
            status.clearMessage()
