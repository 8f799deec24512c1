"""Shared fixtures: real case files in temporary folders."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

# Qt renders offscreen in tests, and nothing a test starts may write into the
# developer's real settings or data folders.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_HOME = tempfile.mkdtemp(prefix="evb-test-home-")
os.environ["XDG_CONFIG_HOME"] = str(Path(_HOME) / "config")
os.environ["XDG_DATA_HOME"] = str(Path(_HOME) / "data")
os.environ["EVIDENCE_BOARD_AUTHOR"] = "Test Analyst"


from evidence_board.services import CaseService  # noqa: E402
from evidence_board.store import CaseFile  # noqa: E402


@pytest.fixture
def case_path(tmp_path: Path) -> Path:
    return tmp_path / "case.evb"


@pytest.fixture
def case(case_path: Path):
    opened = CaseFile.create(case_path, "Test case", "Test Analyst")
    yield opened
    opened.close()


@pytest.fixture
def service(case: CaseFile) -> CaseService:
    return CaseService(case, "Test Analyst")


@pytest.fixture
def board_id(case: CaseFile) -> str:
    return case.boards()[0].id


def reopen(path: Path) -> CaseFile:
    """A second, independent connection: what another process would see on disk."""
    return CaseFile.open(path, read_only=True)


@contextmanager
def write_lock_held(path: Path) -> Iterator[None]:
    """Another program holding the case's write lock, as `sqlite3 case.evb` does on its first write."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.rollback()
        other.close()
