from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[2] / "importers"))
from samples import report_pdf, write  # noqa: E402

from evidence_board.importers import import_files  # noqa: E402


@pytest.fixture
def pdf_source(tmp_path, service, board_id) -> str:
    """The id of an imported three-page report."""
    return import_files(service, [write(tmp_path, "focus.pdf", report_pdf())], board_id).files[0].source_id



@pytest.fixture
def found(qtbot):
    """``found(reader, text)``: find ``text`` in the reader (without ``text``,
    wait for the find running) as a user waits for it, until its search
    thread and word placing are done; the number of hits."""
    def find(reader, text: str | None = None, by_terms: bool = False) -> int:
        if text is not None:
            reader.find(text, by_terms=by_terms)
        qtbot.waitUntil(lambda: not reader.finding)
        return len(reader.find_hits)
    return find
