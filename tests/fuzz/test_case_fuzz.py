"""Spoiled and hostile case files: refused with one line, never a traceback, never changed."""

from __future__ import annotations

from pathlib import Path

from tests.fuzz.case_fuzzing import fuzz_cases

FILES = 300
SEED = 20261128


def test_mutated_case_files_are_opened_or_refused_cleanly(tmp_path: Path) -> None:
    result = fuzz_cases(tmp_path, FILES, SEED, subprocesses=4)
    assert result.failures == [], "\n".join(result.failures[:20])
    assert result.files == FILES
    # The mutations reached every outcome: clean, reported by check, refused.
    assert result.exit_codes[0] and result.exit_codes[1] and result.exit_codes[2]
    assert len(result.mutations) >= 8
