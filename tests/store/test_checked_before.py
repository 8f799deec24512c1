"""The "checked before" shortcut cannot be used to slip rows past the opening checks.

A case checked once reopens with the schema comparison only. These attacks
come after that first check: a crafted write-ahead log dropped beside the
case (SQLite would read its pages in place of the file's and checkpoint them
into it), an in-place rewrite that keeps the inode, size, mtime and SQLite's
change counter, and a planted rollback journal. Each is refused in one line
or checked in full, and the user's file is never changed by it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from evidence_board.cli import main
from evidence_board.store import CaseFile, safety, sidecars, verified
from evidence_board.store.safety import HostileCaseFile
from evidence_board.store.sidecars import ForeignSidecar
from tests.fuzz.mutations import build_seed_case

# Nested deeper than Python's json module can decode: a reader of this
# column fails with RecursionError unless the row is refused at opening.
DEEP_TAGS = "[" * 5000 + "]" * 5000


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def folder(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A user's case, opened (and so checked) once: its state is remembered."""
    (tmp_path / "mine").mkdir()
    path = build_seed_case(tmp_path / "mine" / "case.evb")
    CaseFile.open(path, read_only=True).close()
    assert safety.was_verified(path)
    return path


def plant_write_ahead_log(victim: Path, statements: list[str]) -> Path:
    """What an attacker does: open a copy in WAL mode, write rows, and put
    its -wal (not checkpointed) beside the victim under the victim's name."""
    workshop = victim.parent.parent / "workshop"
    workshop.mkdir(exist_ok=True)
    copy = workshop / victim.name
    shutil.copyfile(victim, copy)
    conn = sqlite3.connect(copy, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        for statement in statements:
            conn.execute(statement)
        wal = Path(f"{victim}-wal")
        shutil.copyfile(f"{copy}-wal", wal)  # before close, which would checkpoint it
    finally:
        conn.close()
    return wal


def reads_through(victim: Path, wal: Path) -> list[str]:
    """The tags plain SQLite reads from a copy of victim + log: proof the log is live."""
    scratch = victim.parent.parent / "scratch"
    scratch.mkdir(exist_ok=True)
    shutil.copyfile(victim, scratch / victim.name)
    shutil.copyfile(wal, scratch / f"{victim.name}-wal")
    conn = sqlite3.connect(scratch / victim.name)
    try:
        return [r[0] for r in conn.execute("SELECT tags FROM cards")]
    finally:
        conn.close()


@pytest.fixture
def planted(victim: Path) -> tuple[Path, Path]:
    wal = plant_write_ahead_log(victim, [f"UPDATE cards SET tags = '{DEEP_TAGS}'"])
    assert DEEP_TAGS in reads_through(victim, wal)  # SQLite alone would read the attacker's rows
    return victim, wal


def unchanged(victim: Path, wal: Path, before: tuple[str, str]) -> None:
    """The victim's bytes as they were, the log not consumed, nothing created beside them."""
    assert (digest(victim), digest(wal)) == before
    assert folder(victim) == [victim.name, wal.name]


# -- (a) a crafted write-ahead log beside a case checked before -------------------------


@pytest.mark.parametrize("command", [["cards"], ["add-card", "--title", "x"], ["info"], ["check"],
                                     ["links"], ["search", "Havana"]])
def test_the_cli_refuses_a_case_with_a_planted_log_in_one_line(planted, command) -> None:
    victim, wal = planted
    before = (digest(victim), digest(wal))
    code, out, err = run(command[0], victim, *command[1:])
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "case.evb-wal beside it is a write-ahead log" in err
    assert "Traceback" not in err and "RecursionError" not in err
    unchanged(victim, wal, before)


@pytest.mark.parametrize("read_only", [True, False])
def test_opening_refuses_it_and_the_file_and_log_stay_as_they_were(planted, read_only: bool) -> None:
    victim, wal = planted
    before = (digest(victim), digest(wal))
    with pytest.raises(ForeignSidecar, match="move case.evb-wal away") as info:
        CaseFile.open(victim, read_only=read_only)
    assert "\n" not in str(info.value)
    unchanged(victim, wal, before)


def test_merge_from_a_case_with_a_planted_log_copies_nothing(planted, tmp_path: Path) -> None:
    theirs, wal = planted
    before = (digest(theirs), digest(wal))
    mine = tmp_path / "own.evb"
    assert run("new", mine, "--title", "Own")[0] == 0
    own_before = digest(mine)
    code, out, err = run("merge", mine, theirs)
    assert code == 2 and err.count("\n") == 1 and "write-ahead log" in err
    assert digest(mine) == own_before
    with CaseFile.open(mine, read_only=True) as case:
        assert case.counts()["cards"] == 0
    unchanged(theirs, wal, before)


def test_a_log_with_its_index_planted_too_is_refused_the_same(victim: Path) -> None:
    wal = plant_write_ahead_log(victim, [f"UPDATE cards SET tags = '{DEEP_TAGS}'"])
    shm = Path(f"{victim}-shm")
    shm.write_bytes(b"\0" * 32768)
    before = (digest(victim), digest(wal), digest(shm))
    for read_only in (True, False):
        with pytest.raises(ForeignSidecar):
            CaseFile.open(victim, read_only=read_only)
    assert (digest(victim), digest(wal), digest(shm)) == before


def test_a_log_that_appears_after_the_checks_is_never_applied(victim: Path) -> None:
    """Planted while the case is open for editing: SQLite looks for a -wal at
    the start of every read. Our connections cannot build its index (no -shm
    is ever created) so the log is never read or written into the file, and
    the next write is refused in one line."""
    with CaseFile.open(victim) as case:
        before = digest(victim)
        wal = plant_write_ahead_log(victim, [f"UPDATE cards SET tags = '{DEEP_TAGS}'"])
        planted = digest(wal)
        with pytest.raises(ForeignSidecar, match="write-ahead log"), case.transaction() as conn:
            conn.execute("UPDATE cards SET title = 'mine'")
        with pytest.raises(sqlite3.DatabaseError):  # no read through the log either
            case.cards()
    assert digest(victim) == before
    assert folder(victim) == ["case.evb", "case.evb-wal"] and digest(wal) == planted
    assert not verified.was_verified(victim)


def test_moving_the_log_away_opens_the_case_as_it_is(planted) -> None:
    victim, wal = planted
    titles = None
    wal.rename(victim.parent.parent / "aside.evb-wal")
    with CaseFile.open(victim) as case:
        titles = sorted(c.title for c in case.cards())
        assert all(c.tags != DEEP_TAGS for c in case.cards())
    assert "Castro" in titles and folder(victim) == ["case.evb"]


# -- (b) an in-place rewrite that keeps inode, size, mtime and change counter -------------


def rewrite_in_place(victim: Path, statements: list[str]) -> None:
    """Edit a copy, then write its bytes over the victim's own inode with the
    victim's change counter, size and mtime put back: only ctime tells."""
    st = os.stat(victim)
    original = victim.read_bytes()
    scratch = victim.parent.parent / "rewrite.evb"
    scratch.write_bytes(original)
    conn = sqlite3.connect(scratch, isolation_level=None)
    try:
        conn.execute("PRAGMA ignore_check_constraints = ON")
        for statement in statements:
            conn.execute(statement)
    finally:
        conn.close()
    spoiled = bytearray(scratch.read_bytes())
    assert len(spoiled) == len(original) and spoiled != original
    spoiled[24:28] = original[24:28]  # file change counter
    spoiled[92:96] = original[92:96]  # version-valid-for (must match it)
    with open(victim, "r+b") as handle:
        handle.write(spoiled)
    os.utime(victim, ns=(st.st_atime_ns, st.st_mtime_ns))
    after = os.stat(victim)
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (st.st_ino, st.st_size, st.st_mtime_ns)
    assert victim.read_bytes()[24:28] == original[24:28]


def test_an_in_place_rewrite_keeping_inode_size_mtime_and_counter_is_checked_in_full(
        victim: Path, monkeypatch) -> None:
    rewrite_in_place(victim, ["UPDATE cards SET tags = '[[[[[[[[[[\"deep\"]]]]]]]]]]' WHERE kind = 'note'"])
    assert not safety.was_verified(victim)
    calls: list[bool] = []
    real_inspect = safety.inspect
    monkeypatch.setattr(safety, "inspect", lambda *a, **k: calls.append(k.get("full", True)) or real_inspect(*a, **k))
    before = digest(victim)
    for read_only in (True, False):
        with pytest.raises(HostileCaseFile, match="tags") as info:
            CaseFile.open(victim, read_only=read_only)
        assert "\n" not in str(info.value)
    assert calls == [True, True] and digest(victim) == before
    code, out, err = run("cards", victim)
    assert code == 2 and out == "" and err.count("\n") == 1 and "refused" in err


def test_the_state_is_remembered_only_if_the_file_kept_it_while_being_checked(victim: Path) -> None:
    state = verified.fingerprint(victim)
    rewrite_in_place(victim, ["UPDATE cards SET title = 'Castr0' WHERE title = 'Castro'"])
    assert not verified.remember_verified(victim, state)  # checked one state, found another
    assert not verified.was_verified(victim)


def test_our_own_write_is_remembered_but_not_a_rewrite_after_it(victim: Path) -> None:
    with CaseFile.open(victim) as case:
        with case.transaction() as conn:
            conn.execute("UPDATE cards SET title = 'ours' WHERE kind = 'note'")
        rewrite_in_place(victim, ["UPDATE cards SET title = 'theirs' WHERE kind = 'note'"])
    assert not verified.was_verified(victim)  # the state at close is not the one we wrote


# -- (c) reading never creates anything beside the case -------------------------------


def test_a_read_only_open_of_a_clean_case_creates_nothing_beside_it(victim: Path) -> None:
    before = folder(victim), digest(victim)
    for _ in range(2):  # checked in full, then through the shortcut
        with CaseFile.open(victim, read_only=True) as case:
            assert case.counts()["cards"] == 4 and case.cards()
            assert folder(victim) == before[0]
    assert (folder(victim), digest(victim)) == before
    code, out, _ = run("cards", victim)
    assert code == 0 and "Castro" in out and (folder(victim), digest(victim)) == before


def test_a_read_only_open_beside_a_planted_log_creates_no_index(planted) -> None:
    victim, wal = planted
    before = folder(victim)
    with pytest.raises(ForeignSidecar):
        CaseFile.open(victim, read_only=True)
    assert folder(victim) == before == ["case.evb", "case.evb-wal"]


@pytest.mark.parametrize("suffix, content", [("-shm", b"\0" * 32768), ("-journal", b"")])
def test_any_other_sidecar_voids_the_shortcut(victim: Path, suffix: str, content: bytes, monkeypatch) -> None:
    Path(f"{victim}{suffix}").write_bytes(content)
    assert not safety.was_verified(victim)
    calls: list[bool] = []
    real_inspect = safety.inspect
    monkeypatch.setattr(safety, "inspect", lambda *a, **k: calls.append(k.get("full", True)) or real_inspect(*a, **k))
    CaseFile.open(victim, read_only=True).close()
    assert calls == [True]


# -- a planted rollback journal --------------------------------------------------------


def plant_journal(victim: Path, bad_statements: list[str]) -> Path:
    """A hot journal whose playback puts bad rows into the victim: made by a
    writer killed while turning a spoiled copy back into the victim's rows
    (its journal then holds the spoiled pages as the "originals")."""
    spoiled = victim.parent.parent / "spoiled" / victim.name
    spoiled.parent.mkdir()
    shutil.copyfile(victim, spoiled)
    conn = sqlite3.connect(spoiled, isolation_level=None)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    for statement in bad_statements:
        conn.execute(statement)
    conn.close()
    assert os.path.getsize(spoiled) == os.path.getsize(victim)
    pid = os.fork()
    if pid == 0:
        try:
            writer = sqlite3.connect(spoiled, isolation_level=None)
            writer.execute("PRAGMA cache_size = 1")
            writer.execute("BEGIN IMMEDIATE")
            writer.execute("UPDATE cards SET tags = '[]', text = text || randomblob(3000)")
            writer.execute("DELETE FROM boards")  # enough pages that some spill into the file
            os.kill(os.getpid(), signal.SIGKILL)
        finally:
            os._exit(1)
    os.waitpid(pid, 0)
    journal = Path(f"{victim}-journal")
    shutil.copyfile(f"{spoiled}-journal", journal)
    return journal


def test_a_planted_journal_is_played_back_then_the_file_is_checked_in_full(victim: Path, monkeypatch) -> None:
    plant_journal(victim, ["UPDATE cards SET tags = '[[\"nested\"]]'"])
    assert sidecars.hot_journal(victim) is not None and not safety.was_verified(victim)
    calls: list[bool] = []
    real_inspect = safety.inspect
    monkeypatch.setattr(safety, "inspect", lambda *a, **k: calls.append(k.get("full", True)) or real_inspect(*a, **k))
    with pytest.raises(HostileCaseFile, match="tags") as info:
        CaseFile.open(victim, read_only=True)
    assert "\n" not in str(info.value) and calls == [True]
    assert sidecars.hot_journal(victim) is None  # recovery ran; its rows did not get past the checks
    with pytest.raises(HostileCaseFile):  # and are refused every time after
        CaseFile.open(victim)


def test_where_times_are_coarse_the_state_includes_the_content(victim: Path) -> None:
    """FAT and exFAT (USB sticks) keep times to 2 s or 10 ms and have no real
    ctime: there the fingerprint holds a digest of the whole file, which an
    in-place rewrite cannot keep."""
    fine = os.stat(victim)
    second = 1_700_000_000
    coarse = os.stat_result((*fine[:7], second, second, second, float(second), float(second), float(second),
                             second * 10**9, second * 10**9, second * 10**9))  # whole seconds, as FAT
    assert verified.coarse_times(coarse)
    assert len(verified.fingerprint(victim).split(":")) == (7 if verified.coarse_times(fine) else 6)
    before = verified.fingerprint(victim, content=True)
    rewrite_in_place(victim, ["UPDATE cards SET title = 'Castr0' WHERE title = 'Castro'"])
    after = verified.fingerprint(victim, content=True)
    assert before.split(":")[6] != after.split(":")[6]  # the content alone tells
    # The state after a commit is taken without the digest and still matches.
    assert verified.same_state(after, verified.fingerprint(victim, content=False))
    assert not verified.same_state(after, before.rsplit(":", 1)[0])
