"""The first run: the user gets their own copy of the sample; the packaged one never changes."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from evidence_board.sample import sample_case_path, user_data_dir, writable_sample_copy
from evidence_board.services import CaseService
from evidence_board.store import CaseFile


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def fresh_data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data"


def test_first_run_copies_the_sample_into_the_data_folder(fresh_data_home: Path) -> None:
    packaged = _digest(sample_case_path())
    copy = writable_sample_copy()
    assert copy.is_relative_to(fresh_data_home / "evidence-board")
    assert _digest(copy) == packaged
    assert os.access(copy, os.W_OK)
    assert [p.name for p in copy.parent.iterdir()] == [copy.name]  # no temporary file left


def test_the_copy_is_the_user_s_and_is_kept(fresh_data_home: Path) -> None:
    packaged = _digest(sample_case_path())
    copy = writable_sample_copy()
    with CaseFile.open(copy) as case:
        CaseService(case, "New User").create_card("note", board_id=case.boards()[0].id, text="my note")
    assert writable_sample_copy() == copy
    with CaseFile.open(copy, read_only=True) as case:
        assert any(c.text == "my note" for c in case.cards(kind="note"))
    assert _digest(sample_case_path()) == packaged


def test_a_read_only_package_still_gives_a_writable_copy(fresh_data_home: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    read_only = tmp_path / "site-packages" / "sample.evb"
    read_only.parent.mkdir()
    read_only.write_bytes(sample_case_path().read_bytes())
    read_only.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    monkeypatch.setattr("evidence_board.sample.sample_case_path", lambda: read_only)
    copy = writable_sample_copy()
    assert copy.stat().st_mode & stat.S_IWUSR


def test_data_folder_falls_back_to_local_share(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", "relative/is/ignored")
    assert user_data_dir() == tmp_path / ".local" / "share" / "evidence-board"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert user_data_dir() == tmp_path / ".local" / "share" / "evidence-board"
