"""What the window's menus and its File and Tools helpers use of the main window.

``WindowActions``, Save a Copy, Share, Merge, Check and Export get these
parts, not the ``MainWindow``: the case and service it has open (getters, as
the case changes under them), the board views, whether the case is
read-only, a widget to be modal to, the status bar, and the window's one
error display. So each says in its signature what it touches, and each can
be built and tested with a plain widget and a case (see
tests/ui/test_window_parts.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtWidgets import QWidget

from evidence_board.ui.operation import run_change

if TYPE_CHECKING:
    from evidence_board.services import CaseService
    from evidence_board.store import CaseFile
    from evidence_board.ui.board.view import BoardView

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class WindowParts:
    parent: QWidget  # dialogs and wait cursors are modal to it
    case: Callable[[], CaseFile | None]
    service: Callable[[], CaseService | None]
    read_only: Callable[[], bool]
    current_view: Callable[[], BoardView | None]
    views: Callable[[], list[BoardView]]
    report: Callable[[str], None]  # a refusal: the window's one error display (MainWindow.show_error)
    say: Callable[[str, int], None]  # a sentence for the status bar, and for how many milliseconds

    def run(self, change: Callable[[], T], *, after_refusal: Callable[[], None] | None = None,
            lead: str = "") -> T | None:
        """``change`` on the window's one path to the services (ui/operation);
        ``lead`` says what did not happen ("Case not merged") before the reason."""
        report = self.report if not lead else (lambda message: self.report(f"{lead}: {message}"))
        return run_change(report, change, after_refusal=after_refusal)
