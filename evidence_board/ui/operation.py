"""The one path from the window to the services (in the spirit of Anki's ``CollectionOp``).

Every edit the window makes, a gesture on the board, a menu or keyboard
command, an inspector field, a restored version, a merge, runs as
``run_change(report, change, after_refusal=...)``: the change is one service
call (one transaction, one undo step); if the file refuses it, the reason is
reported once, in one wording, through the window's one error display
(``MainWindow.show_error``: the status bar and a warning box), and
``after_refusal`` makes the screen show what the file holds again (the board
puts cards back where the file has them, the inspector refills its fields).
A refused change wrote nothing, so there is nothing to undo.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TypeVar

from evidence_board.errors import EvidenceBoardError

# What a change that does not reach the file raises: a refusal of ours (a bad
# value, a card deleted meanwhile, a full disk), SQLite's own (another program
# holds the write lock past the busy timeout, a damaged page), or the system's
# (a file a merge, copy or import reads or writes cannot be). Anything else is
# a bug, and stays a traceback.
REFUSED = (EvidenceBoardError, sqlite3.Error, OSError)

T = TypeVar("T")


def refusal_text(exc: BaseException) -> str:
    """The one line a refused change is reported with. SQLite's own words
    ("database is locked") are kept, after a sentence saying what they mean."""
    words = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, sqlite3.OperationalError) and ("locked" in words or "busy" in words):
        return (f"Not changed: another program is writing to the case file ({words}). "
                "Try again once it is done.")
    if isinstance(exc, sqlite3.Error):
        return f"Not changed: the case file refused the write ({words})."
    return words


def run_change(report: Callable[[str], None], change: Callable[[], T], *,
               after_refusal: Callable[[], None] | None = None) -> T | None:
    """Run ``change`` (a service call); on a refusal, show the file's state
    again, report why once, and return None."""
    try:
        return change()
    except REFUSED as exc:
        message = refusal_text(exc)
    # Outside the except block: the report may open a modal box, and the
    # screen is put right before the user reads why.
    if after_refusal is not None:
        after_refusal()
    report(message)
    return None
