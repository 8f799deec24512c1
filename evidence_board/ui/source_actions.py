"""Sources tab > Delete source…: ask, then delete a source (and the cards citing it) in one undo step.

The question names the source and every card that goes with it (a source
cannot stay without its file, nor a card without its source), says that
Edit > Undo brings all of it back, and that a shared copy (File > Share…)
holds none of it. The deletion itself is one service call
(``CaseService.delete_source``); the scene and the lists follow its Changes,
and a reader open on the source closes.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

from evidence_board.model import Card, Source
from evidence_board.services import CaseService, Changes
from evidence_board.ui.operation import run_change
from evidence_board.ui.plain_text import message_box, warn

_NAMED = 8  # cards named in the question; more are counted
_AFTER = ("Edit > Undo brings all of it back. A copy made with File > Share… holds none of it: "
          "not its file, page text or metadata.")


def _short(text: str, width: int = 80) -> str:
    """One line of at most ``width`` characters: a title may be 10,000 long."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"


def delete_question(source: Source, cards: list[Card]) -> tuple[str, str]:
    """The question's text and the label of the button that deletes."""
    name = _short(source.title or source.file_name)
    pages = f", {source.page_count} page(s)" if source.page_count else ""
    text = f"Delete the source “{name}” ({_short(source.file_name)}{pages}) from the case?"
    if not cards:
        return text + "\n\nNo card cites it.\n\n" + _AFTER, "Delete source"
    titles = [f"•  {_short(c.title) or '(' + c.kind.value + ')'}" for c in cards[:_NAMED]]
    if len(cards) > _NAMED:
        titles.append(f"…and {len(cards) - _NAMED} more")
    text += (f"\n\n{len(cards)} card(s) cite it and will be deleted with it, with their links:\n"
             + "\n".join(titles) + "\n\n" + _AFTER)
    return text, f"Delete source and {len(cards)} card(s)"


def delete_source_asking(parent: QWidget | None, service: CaseService, source_id: str,
                         report: Callable[[str], None] | None = None) -> Changes | None:
    """Ask, then delete the source with the cards citing it; None if not deleted
    (a refusal goes to ``report``: the window's error display, or a box)."""
    if report is None:
        report = lambda message: warn(parent, "Source not deleted", message)  # noqa: E731
    source = service.case.source(source_id)
    if source is None or service.case.read_only:
        return None
    cards = service.case.cards_citing(source_id)
    text, accept = delete_question(source, cards)
    box = message_box(parent, QMessageBox.Icon.Question, "Delete source", text, QMessageBox.StandardButton.Cancel)
    button = box.addButton(accept, QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    if box.clickedButton() is not button:
        return None
    changes = run_change(report, lambda: service.delete_source(source_id, with_cards=True))
    if changes is None:
        return None
    _close_readers_of(parent, source_id)
    return changes


def _close_readers_of(parent: QWidget | None, source_id: str) -> None:
    """Close the source readers open on a deleted source: quoting from one
    would cite a source that is not in the case any more."""
    from evidence_board.ui.reader import SourceReader

    window = parent.window() if parent is not None else None
    for reader in window.findChildren(SourceReader) if window is not None else ():
        if reader.source.id == source_id:
            reader.close()
