"""The source reader: a stored PDF's pages, find, and quotes that point back."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QWidget

from evidence_board.errors import EvidenceBoardError, UnknownId
from evidence_board.model import Region
from evidence_board.services import CaseService
from evidence_board.store import CaseFile
from evidence_board.ui.plain_text import warn
from evidence_board.ui.reader.window import SourceReader

__all__ = ["SourceReader", "show_in_source"]


def show_in_source(parent: QWidget | None, case: CaseFile, service: CaseService | None, source_id: str,
                   page: int | None = None, regions: Sequence[Region] = (), *,
                   find: str | None = None, board_id: str | None = None) -> QWidget | None:
    """Open the reader on a source, at ``page`` with ``regions`` highlighted
    (a quote's "Show in source"), or with ``find`` hits highlighted (a
    search hit). Returns the window, or None if the source cannot be shown
    (the reason is shown in a message box)."""
    source = case.source(source_id)
    reader = _open_reader(parent, case, source_id)
    if reader is None:
        try:
            if source is None:
                raise UnknownId(f"no source with id {source_id}")
            reader = SourceReader(case, service, source, board_id, parent)
        except (EvidenceBoardError, RuntimeError) as exc:  # RuntimeError: MuPDF refusing the stored bytes
            warn(parent, "Evidence Board", f"Cannot open the source: {exc}")
            return None
    if find:
        reader.go_to_page(page or 1)
        reader.find(find, by_terms=True)
    elif page is not None:
        reader.show_regions(page, regions)
    reader.show()
    reader.raise_()
    return reader


def _open_reader(parent: QWidget | None, case: CaseFile, source_id: str) -> SourceReader | None:
    """The reader already open on this source, so "Show in source" from
    several cards moves one window instead of stacking up new ones."""
    if parent is None:
        return None
    for reader in parent.findChildren(SourceReader):
        if reader.case is case and reader.source.id == source_id and reader.isVisible():
            return reader
    return None
