"""SIGKILL at random moments while editing: the file opens, is intact and holds every committed edit."""

from __future__ import annotations

from pathlib import Path

from tests.crash.crash_harness import run_crashes

SEED = 6


def test_random_kills_lose_nothing_committed(tmp_path: Path) -> None:
    result = run_crashes(tmp_path, kills=25, seed=SEED)
    assert result.failures == [], "\n".join(result.failures)
    assert result.kills == 25
    # The kills landed among real work: edits committed, and some caught a
    # transaction half-way (a hot journal the next opening rolled back).
    assert result.committed_edits >= 50
    assert result.hot_journals + result.in_flight_lost + result.in_flight_committed >= 5


def test_kills_of_a_real_child_process(tmp_path: Path) -> None:
    result = run_crashes(tmp_path, kills=3, seed=SEED, spawn="exec")
    assert result.failures == [], "\n".join(result.failures)
    assert result.committed_edits >= 1
