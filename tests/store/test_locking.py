"""The same case open twice for editing is detected; a crashed program's lock does not block."""

from __future__ import annotations

import json
import os
import signal
import socket
import time
from pathlib import Path

import pytest

from evidence_board.store import CaseFile
from evidence_board.store import locking
from evidence_board.store.locking import CaseInUse, lock_path


def test_a_second_editor_is_refused_and_told_who_has_it(case: CaseFile) -> None:
    with pytest.raises(CaseInUse, match="already open for editing in another window") as info:
        CaseFile.open(case.path)
    assert info.value.holder.pid == os.getpid()
    assert "\n" not in str(info.value)
    # ... and may open it read-only meanwhile.
    with CaseFile.open(case.path, read_only=True) as reader:
        assert reader.title == "Test case"


def test_closing_gives_the_lock_back_and_leaves_no_file(case_path: Path) -> None:
    case = CaseFile.create(case_path, "t")
    assert lock_path(case_path).exists()
    case.close()
    assert not lock_path(case_path).exists()
    with CaseFile.open(case_path) as again:
        assert not again.read_only


def test_a_case_dropped_without_close_gives_its_lock_back(case_path: Path) -> None:
    CaseFile.create(case_path, "t")  # never closed: collected at once
    CaseFile.open(case_path).close()


def test_the_lock_names_user_host_and_process(case: CaseFile) -> None:
    record = json.loads(lock_path(case.path).read_text())
    assert record["pid"] == os.getpid() and record["host"] == socket.gethostname()
    assert record["user"] and record["since"] and record["heartbeat"] <= time.time()


def test_another_process_holding_the_case_is_detected_and_its_crash_frees_it(case_path: Path) -> None:
    CaseFile.create(case_path, "t").close()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            held = CaseFile.open(case_path)  # hold it, then die without closing  # noqa: F841
            os.write(write_end, b"x")
            time.sleep(60)
        finally:
            os._exit(0)
    os.read(read_end, 1)
    with pytest.raises(CaseInUse, match=f"process {pid}"):
        CaseFile.open(case_path)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    assert lock_path(case_path).exists()  # left behind by the crash...
    with CaseFile.open(case_path) as case:  # ...and taken over at once
        assert case.lock is not None and case.lock.held


def write_foreign_lock(case_path: Path, age: float) -> None:
    lock_path(case_path).write_text(json.dumps({
        "user": "colleague", "host": "other-laptop", "pid": 4242, "since": "2026-01-01T00:00:00Z",
        "heartbeat": time.time() - age}))
    stamp = time.time() - age
    os.utime(lock_path(case_path), (stamp, stamp))


def test_a_live_lock_from_another_computer_is_respected(case_path: Path) -> None:
    CaseFile.create(case_path, "t").close()
    write_foreign_lock(case_path, age=5)
    with pytest.raises(CaseInUse, match="by colleague on other-laptop"):
        CaseFile.open(case_path)
    # The user may break it, having checked the other computer is off.
    with CaseFile.open(case_path, take_over_lock=True) as case:
        assert not case.read_only


def test_a_stale_lock_from_another_computer_is_taken_over_once_the_user_says_so(case_path: Path) -> None:
    CaseFile.create(case_path, "t").close()
    write_foreign_lock(case_path, age=locking.STALE_SECONDS + 5)
    with pytest.raises(CaseInUse, match="by colleague on other-laptop .* not been heard from for 2 minute") as info:
        CaseFile.open(case_path)
    assert info.value.stale and "left behind" in str(info.value)
    with CaseFile.open(case_path, take_over_lock=True) as case:
        assert json.loads(lock_path(case_path).read_text())["pid"] == os.getpid()
        assert case.lock.held


def test_garbage_in_the_lock_file_does_not_block(case_path: Path) -> None:
    CaseFile.create(case_path, "t").close()
    lock_path(case_path).write_bytes(b"\x00\xff not json")
    CaseFile.open(case_path).close()


def test_the_heartbeat_keeps_a_held_lock_fresh(case: CaseFile, monkeypatch) -> None:
    first = json.loads(lock_path(case.path).read_text())["heartbeat"]
    time.sleep(0.01)
    case.lock.write_heartbeat()
    assert json.loads(lock_path(case.path).read_text())["heartbeat"] > first
