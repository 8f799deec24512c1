"""Files the app creates or follows: the lock, partial copies, backups (issue 12, items 1-6).

A case folder can come from anyone, so where a lock, a backup or a partial
copy belongs there may be a link to one of the user's files, a FIFO, a device
or a folder. Every test here builds that on a real file system and checks
what a user would notice: their file untouched, one line of refusal, no hang,
nothing left behind.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from evidence_board.errors import CaseFileError
from evidence_board.services import CaseService
from evidence_board.store import CaseFile
from evidence_board.store.copying import backups_folder, copy_case, list_backups, make_backup
from evidence_board.store.locking import CaseInUse, lock_path


def cli(*args: str, timeout: float = 60, **kwargs) -> subprocess.CompletedProcess:
    """The real command in its own process (a hang shows as a timeout, not a stuck suite)."""
    return subprocess.run([sys.executable, "-m", "evidence_board", *args], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "EVIDENCE_BOARD_AUTHOR": "Test Analyst"},
                          **kwargs)


@pytest.fixture
def closed_case(case_path: Path) -> Path:
    with CaseFile.create(case_path, "Test case", "Test Analyst") as case:
        CaseService(case, "Test Analyst").create_card("note", title="first", board_id=case.boards()[0].id)
    return case_path


def card_titles(path: Path) -> list[str]:
    with CaseFile.open(path, read_only=True) as case:
        return sorted(c.title for c in case.cards())


# -- 1, 2: whatever sits where the lock belongs ---------------------------------------


def _victim_link(place: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("the user's own notes\n")
    place.symlink_to(victim)


def _dangling_link(place: Path, tmp_path: Path) -> None:
    place.symlink_to(tmp_path / "made-through-the-link.txt")


def _fifo(place: Path, tmp_path: Path) -> None:
    os.mkfifo(place)


def _folder(place: Path, tmp_path: Path) -> None:
    place.mkdir()


def _device(place: Path, tmp_path: Path) -> None:
    try:
        os.mknod(place, stat.S_IFCHR | 0o600, os.makedev(1, 3))  # /dev/null's numbers
    except PermissionError:
        pytest.skip("making a device node needs privileges")


HOSTILE_LOCKS = {"link to a file": _victim_link, "dangling link": _dangling_link, "fifo": _fifo,
                 "folder": _folder, "device": _device}


@pytest.mark.parametrize("make", HOSTILE_LOCKS.values(), ids=HOSTILE_LOCKS.keys())
def test_a_lock_file_that_is_not_a_regular_file_is_refused_in_one_line(closed_case: Path, tmp_path: Path,
                                                                       make) -> None:
    place = lock_path(closed_case)
    make(place, tmp_path)
    before = {p.name: (p.lstat().st_mode, p.read_bytes() if p.is_file() and not p.is_symlink() else b"")
              for p in tmp_path.iterdir()}
    victim = tmp_path / "victim.txt"
    started = time.monotonic()
    result = cli("add-card", str(closed_case), "--title", "x", timeout=30)
    assert time.monotonic() - started < 25  # never blocks on a FIFO
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "lock file is" in result.stderr and "not a file Evidence Board made" in result.stderr
    # Nothing changed: the link, FIFO or folder is still there, the victim
    # keeps its text, nothing was created through a dangling link.
    assert os.path.lexists(place) and place.lstat().st_mode == before[place.name][0]
    if victim.exists():
        assert victim.read_text() == "the user's own notes\n"
    assert not (tmp_path / "made-through-the-link.txt").exists()
    assert card_titles(closed_case) == ["first"]
    # Reading still works: read-only openers take no lock.
    assert cli("cards", str(closed_case)).returncode == 0


def test_a_fifo_in_place_of_the_case_file_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "case.evb"
    os.mkfifo(fifo)
    for command in ("info", "add-card", "check"):
        result = cli(command, str(fifo), timeout=30)
        assert result.returncode == 2 and "named pipe (FIFO), not a case file" in result.stderr, result.stderr


@pytest.mark.parametrize("suffix", ["-journal", "-wal", "-shm"])
@pytest.mark.parametrize("make", [_victim_link, _fifo, _folder], ids=["link", "fifo", "folder"])
def test_a_sidecar_file_that_is_not_a_regular_file_is_refused_without_waiting(closed_case: Path, tmp_path: Path,
                                                                            suffix: str, make) -> None:
    # SQLite opens these itself: a FIFO there would hang every reader.
    make(Path(f"{closed_case}{suffix}"), tmp_path)
    for command in ("info", "add-card"):
        result = cli(command, str(closed_case), timeout=30)
        assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
        assert f"{closed_case.name}{suffix}: the case's" in result.stderr
    victim = tmp_path / "victim.txt"
    assert not victim.exists() or victim.read_text() == "the user's own notes\n"


def test_a_lock_file_naming_a_terminal_escape_prints_it_escaped(closed_case: Path) -> None:
    lock_path(closed_case).write_text(json.dumps({
        "user": "\x1b]0;PWNED\x07\x1b[2J", "host": "laptop\nsecond line", "pid": 1, "since": "",
        "heartbeat": time.time()}))
    result = cli("add-card", str(closed_case), "--title", "x")
    assert result.returncode == 2 and "\x1b" not in result.stderr and result.stderr.count("\n") == 1
    assert "\\x1b]0;PWNED" in result.stderr


# -- 3: the lock follows the real path ------------------------------------------------


def test_a_link_to_a_case_open_for_editing_finds_its_lock(closed_case: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "link.evb").symlink_to(closed_case)
    (tmp_path / "folder-link").symlink_to(tmp_path, target_is_directory=True)
    with CaseFile.open(closed_case):
        for alias in (other / "link.evb", tmp_path / "folder-link" / closed_case.name):
            with pytest.raises(CaseInUse, match="already open for editing"):
                CaseFile.open(alias)
            result = cli("add-card", str(alias), "--title", "second editor")
            assert result.returncode == 2 and "already open for editing" in result.stderr
        assert not (other / ".~lock.link.evb#").exists()
    assert card_titles(closed_case) == ["first"]
    # Through the link, once the case is closed, it edits the real file.
    assert cli("add-card", str(other / "link.evb"), "--title", "through the link").returncode == 0
    assert card_titles(closed_case) == ["first", "through the link"]
    assert (other / "link.evb").is_symlink()


# -- 4: a lock that never goes stale --------------------------------------------------


def write_foreign_lock(case_path: Path, heartbeat: float, mtime: float | None = None) -> None:
    lock_path(case_path).write_text(json.dumps({
        "app": "evidence-board", "user": "colleague", "host": "other-laptop", "pid": 4242,
        "since": "2026-01-01T00:00:00Z", "heartbeat": heartbeat}))
    if mtime is not None:
        os.utime(lock_path(case_path), (mtime, mtime))


@pytest.mark.parametrize("heartbeat_in", [3 * 86400, 1e15], ids=["days ahead", "far future"])
def test_a_lock_with_a_heartbeat_in_the_future_can_be_taken_over_after_saying_who(closed_case: Path,
                                                                                  heartbeat_in: float) -> None:
    future = time.time() + heartbeat_in
    write_foreign_lock(closed_case, future, mtime=min(future, time.time() + 3 * 86400))
    with pytest.raises(CaseInUse) as info:
        CaseFile.open(closed_case)
    assert info.value.stale and "in the future" in info.value.stale
    assert "colleague on other-laptop" in str(info.value)
    result = cli("add-card", str(closed_case), "--title", "blocked")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "colleague on other-laptop" in result.stderr and "--take-over-lock add-card" in result.stderr
    result = cli("--take-over-lock", "add-card", str(closed_case), "--title", "after the take-over")
    assert result.returncode == 0, result.stderr
    assert "took over the lock" in result.stderr and "colleague on other-laptop" in result.stderr
    assert card_titles(closed_case) == ["after the take-over", "first"]
    assert not lock_path(closed_case).exists()  # our lock, given back at the end


def test_a_live_heartbeat_from_a_clock_a_little_ahead_is_still_respected(closed_case: Path) -> None:
    write_foreign_lock(closed_case, time.time() + 60)  # one minute ahead: clocks differ
    with pytest.raises(CaseInUse) as info:
        CaseFile.open(closed_case)
    assert info.value.stale is None and "already open for editing by colleague" in str(info.value)


def test_a_future_heartbeat_with_a_fresh_file_time_counts_as_alive(closed_case: Path) -> None:
    # A colleague whose clock runs a day ahead writes through a share whose
    # server dates the file correctly: the file time is the believable one.
    write_foreign_lock(closed_case, time.time() + 86400)
    with pytest.raises(CaseInUse) as info:
        CaseFile.open(closed_case)
    assert info.value.stale is None


def test_the_lock_is_created_without_following_links_and_readable_only_as_needed(case: CaseFile) -> None:
    mode = stat.S_IMODE(lock_path(case.path).lstat().st_mode)
    assert not mode & (stat.S_IWGRP | stat.S_IWOTH)  # nobody else can rewrite it
    assert json.loads(lock_path(case.path).read_text())["host"] == socket.gethostname()


# -- 5: the backups folder and pruning ------------------------------------------------


def _evb_header_file(path: Path) -> None:
    header = bytearray(b"SQLite format 3\x00" + bytes(84))
    header[68:72] = (0x45564244).to_bytes(4, "big")
    path.write_bytes(bytes(header) + b"the user's own data")


def test_a_linked_backups_folder_is_refused_and_its_target_untouched(closed_case: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "user-documents"
    elsewhere.mkdir()
    names = [f"case-2020010{n}T000000Z.evb" for n in range(1, 10)] + ["case-20200110T000000Z-damaged.evb"]
    for name in names:
        _evb_header_file(elsewhere / name)
    backups_folder(closed_case).symlink_to(elsewhere, target_is_directory=True)
    with CaseFile.open(closed_case) as case:
        for _ in range(12):
            with pytest.raises(CaseFileError, match="backups folder is a symbolic link"):
                make_backup(case, min_interval=0)
    with pytest.raises(CaseFileError, match="symbolic link"):
        list_backups(closed_case)
    result = cli("backups", str(closed_case), "--now")
    assert result.returncode == 2 and "backups folder is a symbolic link" in result.stderr
    assert sorted(p.name for p in elsewhere.iterdir()) == sorted(names)
    assert all(p.read_bytes().endswith(b"the user's own data") for p in elsewhere.iterdir())


def test_pruning_deletes_only_backups_it_can_prove_are_ours(closed_case: Path, tmp_path: Path) -> None:
    folder = backups_folder(closed_case)
    folder.mkdir()
    keepsakes = tmp_path / "keepsakes"
    keepsakes.mkdir()
    # Old names that match the pattern but are not ours: a link to a user's
    # file, a file without our header, a folder, a FIFO, another stem.
    (keepsakes / "precious.evb").write_bytes(b"precious")
    (folder / "case-20000101T000000Z.evb").symlink_to(keepsakes / "precious.evb")
    (folder / "case-20000102T000000Z.evb").write_bytes(b"not a case, but named like a backup")
    (folder / "case-20000103T000000Z.evb").mkdir()
    os.mkfifo(folder / "case-20000104T000000Z.evb")
    _evb_header_file(folder / "casework-20000105T000000Z.evb")
    foreign = set(os.listdir(folder))
    with CaseFile.open(closed_case) as case:
        service = CaseService(case, "Test Analyst")
        for n in range(12):
            service.create_card("note", title=f"n{n}", board_id=case.boards()[0].id)
            make_backup(case, min_interval=0, keep=3)
        assert len(list_backups(case.path)) == 3
    assert foreign <= set(os.listdir(folder))
    assert (keepsakes / "precious.evb").read_bytes() == b"precious"
    assert (folder / "case-20000102T000000Z.evb").read_bytes().startswith(b"not a case")


# -- 6: partial copies ----------------------------------------------------------------

_SLOW_SCRUB = """
import os, sys, time
from evidence_board.store import copying
real_scrub = copying.scrub_file
def slow_scrub(path):
    os.write(1, (str(path) + "\\n").encode())
    time.sleep(60)
copying.scrub_file = slow_scrub
sys.argv = ["evidence-board", "copy", "--scrub", sys.argv[1], sys.argv[2]]
from evidence_board.cli import run
run()
"""


def _killed_scrub(case_path: Path, out: Path) -> Path:
    """Start ``copy --scrub`` and SIGKILL it while the unscrubbed copy is on disk."""
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_SCRUB, str(case_path), str(out)], stdout=subprocess.PIPE,
                            env={**os.environ})
    partial = Path(proc.stdout.readline().decode().strip())
    assert partial.exists() and partial.parent == out.parent
    mode = stat.S_IMODE(partial.stat().st_mode)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    assert mode == 0o600  # an unscrubbed copy is never readable by others
    return partial


def test_a_killed_scrubbed_copy_leaves_no_partial_after_the_next_start(closed_case: Path, tmp_path: Path) -> None:
    shared = tmp_path / "outbox"
    shared.mkdir()
    partial = _killed_scrub(closed_case, shared / "shared.evb")
    assert partial.exists() and b"Test Analyst" in partial.read_bytes()  # what item 6 found
    assert cli("info", str(closed_case)).returncode == 0  # the next start of anything
    assert not partial.exists()
    assert sorted(os.listdir(shared)) == []


def test_the_next_copy_removes_an_abandoned_partial_beside_its_target(closed_case: Path, tmp_path: Path) -> None:
    out = tmp_path / "shared.evb"
    partial = _killed_scrub(closed_case, out)
    # Without the registry (another user profile, a wiped data folder), the
    # next copy to that folder still finds it: our name, our header, no writer.
    registry = Path(os.environ["XDG_DATA_HOME"]) / "evidence-board" / "partial-copies"
    for note in registry.iterdir():
        note.unlink()
    copy_case(closed_case, out, scrub=True)
    assert not partial.exists() and card_titles(out) == ["first"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~_umask()


def test_a_partial_name_that_is_not_ours_is_never_removed(closed_case: Path, tmp_path: Path) -> None:
    lookalike = tmp_path / ".shared.evb.0123abcd.partial"
    lookalike.write_bytes(b"someone's file, no case header")
    link = tmp_path / ".shared.evb.89abcdef.partial"
    link.symlink_to(closed_case)
    copy_case(closed_case, tmp_path / "shared.evb")
    assert lookalike.read_bytes().startswith(b"someone's") and link.is_symlink()


def test_a_copy_through_a_dangling_link_is_refused(closed_case: Path, tmp_path: Path) -> None:
    out = tmp_path / "shared.evb"
    out.symlink_to(tmp_path / "created-elsewhere.evb")
    with pytest.raises(CaseFileError, match="symbolic link to a file that does not exist"):
        copy_case(closed_case, out)
    assert not (tmp_path / "created-elsewhere.evb").exists()
    new = tmp_path / "new.evb"
    new.symlink_to(tmp_path / "new-elsewhere.evb")
    assert cli("new", str(new)).returncode == 2
    assert not (tmp_path / "new-elsewhere.evb").exists()


@pytest.mark.parametrize("make", [_fifo, _folder], ids=["fifo", "folder"])
def test_a_copy_onto_a_fifo_or_folder_is_refused(closed_case: Path, tmp_path: Path, make) -> None:
    out = tmp_path / "shared.evb"
    make(out, tmp_path)
    with pytest.raises(CaseFileError, match="not a file Evidence Board made"):
        copy_case(closed_case, out, overwrite=True)
    assert os.path.lexists(out) and not out.is_file()
    result = cli("copy", str(closed_case), str(out), "--overwrite", timeout=30)
    assert result.returncode == 2 and result.stderr.count("\n") <= 4  # click or we refuse; never a hang
    assert os.path.lexists(out) and not out.is_file()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
