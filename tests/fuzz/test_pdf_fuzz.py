"""Mutated PDFs through the import path: imported or refused in one line, never a traceback."""

from __future__ import annotations

from pathlib import Path

from tests.fuzz.pdf_fuzzing import fuzz_pdfs

FILES = 200
SEED = 1128


def test_mutated_pdfs_are_imported_or_refused_cleanly(tmp_path: Path) -> None:
    result = fuzz_pdfs(tmp_path, FILES, SEED, exec_workers=3)
    assert result.failures == [], "\n".join(result.failures[:20])
    assert result.files == FILES
    # Both outcomes happen: MuPDF repairs much, and refuses the rest.
    assert result.imported >= 20 and result.refused >= 20
    assert len(result.mutations) == 6
