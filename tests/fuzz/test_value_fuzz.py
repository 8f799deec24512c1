"""The class of issue 12, items 11-15, as a property: what opening accepts, every reader handles.

Crafted values at and past every limit, in every column of a real case (see
value_fuzzing.py); each file is refused when opened, or every CLI read
command, every exporter, Show in source and the board scene read it without
an exception. Seeded and bounded here; ``bench/fuzz_bench.py --values``
runs ten times as many.
"""

from __future__ import annotations

from pathlib import Path

from tests.fuzz.value_fuzzing import fuzz_values

FILES = 30
SEED = 20261202


def test_every_reader_handles_what_opening_accepts(qtbot, tmp_path: Path) -> None:
    result = fuzz_values(tmp_path, FILES, SEED)
    assert result.failures == [], "\n".join(result.failures[:20])
    assert result.files == FILES
    # Both outcomes were reached, and the readers really ran.
    assert result.refused and result.opened
    assert result.exports and result.readers and result.scenes
    assert len(result.columns) >= 25
