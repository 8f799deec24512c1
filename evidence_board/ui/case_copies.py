"""File > Save a Copy, File > Share, File > Merge Case and Tools > Check Case.

Each is a thin window over the core (``store/copying.py``, ``store/checking.py``,
``services/merging.py``): choose a file, run the call with a wait cursor,
show the result, or the one-line refusal through the window's one error
display (``WindowParts.run``). They get the window's parts, not the window.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFileDialog, QLabel, QPlainTextEdit, QVBoxLayout, QWidget,
)

from evidence_board.model import Source
from evidence_board.ui.case_dialogs import busy
from evidence_board.ui.window_parts import WindowParts

CASE_FILTER = "Case files (*.evb)"
SHARE_TEMPLATE = (
    "Share writes a copy of this case for someone outside the team. The copy keeps every board, card, "
    "link and source as they are now, and removes:\n\n"
    "•  the names of the people who made each change (the audit trail keeps what changed and when, "
    "not who);\n"
    "•  everything that was deleted: deleted cards, links, boards and sources, and the earlier versions "
    "of edited text kept for Undo and history;\n"
    "{unreferenced}"
    "•  the free space where deleted data was (the copy is written afresh, so nothing can be recovered "
    "from it).\n\n"
    "This case itself is not changed."
)
_LISTED = 10  # unreferenced sources named in the dialog; more are counted


def share_explanation(unreferenced: list[Source]) -> str:
    """What Share removes, naming the sources no card refers to (their cards
    were deleted): their files, page text and metadata are not in the copy."""
    if not unreferenced:
        return SHARE_TEMPLATE.format(unreferenced="")
    names = [" ".join((s.title or s.file_name).split())[:80] for s in unreferenced]
    named = ", ".join(f"“{n}”" for n in names[:_LISTED])
    if len(names) > _LISTED:
        named += f" and {len(names) - _LISTED} more"
    line = (f"•  {len(names)} source(s) no card refers to any more, with their files, page text and "
            f"metadata: {named};\n")
    return SHARE_TEMPLATE.format(unreferenced=line)


def _save_path(window: QWidget, title: str, suggested: Path) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(window, title, str(suggested), CASE_FILTER)
    if not path:
        return None
    path = Path(path)
    return path if path.suffix == ".evb" else path.with_name(path.name + ".evb")


def _write_copy(parts: WindowParts, out: Path, scrub: bool) -> Path | None:
    from evidence_board.store.copying import copy_open_case

    case = parts.case()
    if case is None:
        return None

    def write() -> Path:
        with busy(parts.parent, f"Writing {out.name}…"):
            # The file dialog already asked before overwriting.
            return copy_open_case(case, out, scrub=scrub, overwrite=out.exists())

    return parts.run(write, lead="Copy not written")


def _copy_to_chosen_path(parts: WindowParts, title: str, suggested_name: str, scrub: bool,
                         done: str) -> Path | None:
    """Ask where, write the (scrubbed) copy and say so in the status bar."""
    path = parts.case().path
    out = _save_path(parts.parent, title, path.with_name(suggested_name.format(stem=path.stem)))
    if out is None:
        return None
    written = _write_copy(parts, out, scrub=scrub)
    if written is not None:
        parts.say(f"{done} {written}", 8000)
    return written


def save_a_copy(parts: WindowParts) -> Path | None:
    """File > Save a Copy: a consistent, verified copy; this window stays on the case."""
    if parts.case() is None:
        return None
    return _copy_to_chosen_path(parts, "Save a copy of the case", "{stem} copy.evb", False,
                                "Saved a copy as")


class ShareDialog(QDialog):
    """Says what Share removes before the user picks where the copy goes."""

    def __init__(self, parent: QWidget | None = None, unreferenced: list[Source] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Share a scrubbed copy")
        layout = QVBoxLayout(self)
        heading = QLabel("Share a copy of this case")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        heading.setFont(font)
        text = QLabel(share_explanation(unreferenced or []))
        text.setTextFormat(Qt.TextFormat.PlainText)
        text.setWordWrap(True)
        text.setMinimumWidth(460)
        layout.addWidget(heading)
        layout.addWidget(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton("Choose where to save…", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


def share_case(parts: WindowParts) -> Path | None:
    """File > Share: explain, then write a scrubbed copy."""
    case = parts.case()
    if case is None:
        return None
    if ShareDialog(parts.parent, case.sources_without_cards()).exec() != QDialog.DialogCode.Accepted:
        return None
    return _copy_to_chosen_path(parts, "Share a scrubbed copy", "{stem} (shared).evb", True,
                                "Wrote a scrubbed copy to share:")


class ReportDialog(QDialog):
    """A headline and a report in plain, selectable text."""

    def __init__(self, title: str, headline: str, lines: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        self.headline = QLabel(headline)
        self.headline.setTextFormat(Qt.TextFormat.PlainText)
        self.headline.setWordWrap(True)
        font = self.headline.font()
        font.setBold(True)
        self.headline.setFont(font)
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.report.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.report.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.report.setPlainText("\n".join(lines))
        self.report.setMinimumSize(620, 260)
        layout.addWidget(self.headline)
        layout.addWidget(self.report)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)


def check_case(parts: WindowParts) -> ReportDialog | None:
    """Tools > Check Case: integrity, hashes, references, shown as the CLI prints them."""
    from evidence_board.store.checking import CheckReport, check_case as run_check

    case = parts.case()
    if case is None:
        return None

    def check() -> CheckReport:
        with busy(parts.parent, "Checking the case…"):
            return run_check(case.path)

    report = parts.run(check, lead="Check not finished")
    if report is None:
        return None
    headline = ("No problems found." if report.ok else
                f"{len(report.problems)} problem(s) found. Save a Copy or the backups can help; "
                "the file itself has not been changed.")
    dialog = ReportDialog("Check case", headline, report.lines(), parts.parent)
    dialog.open()
    return dialog


def merge_case(parts: WindowParts, path: Path | None = None) -> ReportDialog | None:
    """File > Merge Case: bring another case in as one undo step and say what came in."""
    from evidence_board.services import Changes
    from evidence_board.services.merging import MergeReport, merge_case as run_merge

    case, service = parts.case(), parts.service()
    if case is None or service is None or parts.read_only():
        return None
    if path is None:
        chosen, _ = QFileDialog.getOpenFileName(parts.parent, "Merge another case into this one",
                                                str(case.path.parent), f"{CASE_FILTER};;All files (*)")
        if not chosen:
            return None
        path = Path(chosen)

    def merge() -> tuple[MergeReport, Changes]:
        with busy(parts.parent, f"Merging {path.name}…"):
            return run_merge(service, path)

    merged = parts.run(merge, lead="Case not merged")
    if merged is None:
        return None
    report, _changes = merged
    conflicts = len(report.card_conflicts) + len(report.link_conflicts)
    headline = f"Merged {report.source_title or path.name}. Edit > Undo takes the whole merge back."
    if conflicts:
        headline += (f"\n{conflicts} item(s) were changed on both sides: both versions are kept, theirs "
                     "tagged “merge conflict” next to yours.")
    dialog = ReportDialog("Merge case", headline, report.lines(), parts.parent)
    dialog.open()
    return dialog

