"""Messages that tell the truth (issue 12, items 18-19): a full disk, a query
stopped by its time limit and a closed pipe are not "the case file is
damaged"; text that is not UTF-8 is refused in one line, not an internal error."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from evidence_board.cli import main
from evidence_board.services import CaseService
from evidence_board.store import CaseFile, safety
from tests.fuzz.mutations import _sql_edit


def cli(*args: str | bytes, stdout=subprocess.PIPE, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "evidence_board", *args], stdout=stdout,
                          stderr=subprocess.PIPE, timeout=timeout)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def case_file(tmp_path: Path) -> Path:
    path = tmp_path / "cuba.evb"
    with CaseFile.create(path, "Cuba", "Test Analyst") as case:
        service = CaseService(case, "Test Analyst")
        board = case.boards()[0].id
        for n in range(300):
            service.create_card("note", title=f"card {n}", text="harbour " * 20, board_id=board)
    return path


# -- 18: a full disk ------------------------------------------------------------------


def test_a_full_disk_says_so_and_changes_nothing(case_file: Path, monkeypatch) -> None:
    # SQLite's own "database or disk is full" (SQLITE_FULL), from a file that
    # may not grow by a single page.
    real_connect = safety.connect

    def no_room(path, read_only):  # noqa: ANN001, ANN202
        conn = real_connect(path, read_only)
        if path is not None and not read_only:
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    monkeypatch.setattr(safety, "connect", no_room)
    before = digest(case_file)
    code, _, err = run("add-card", case_file, "--title", "big", "--text", "x" * 200_000)
    assert code == 1 and err.count("\n") == 1
    assert "the disk is full; nothing was changed" in err and "damaged" not in err
    assert digest(case_file) == before


@pytest.fixture
def tiny_disk(tmp_path: Path):
    """A real 1 MiB file system (tmpfs), where the system lets us mount one."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True)
    if made.returncode != 0:
        pytest.skip("cannot mount a small file system here (needs privileges)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_really_full_disk_says_so_and_changes_nothing(case_file: Path, tiny_disk: Path) -> None:
    case = tiny_disk / "case.evb"
    with CaseFile.create(case, "small", "Test Analyst"):
        pass
    fd = os.open(tiny_disk / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError:
        pass  # full
    finally:
        os.close(fd)
    before = digest(case)
    for args in (("add-card", str(case), "--title", "big", "--text", "x" * 100_000),
                 ("copy", str(case), str(tiny_disk / "copy.evb"))):
        result = cli(*args)
        err = result.stderr.decode()
        assert result.returncode == 1, err
        assert "the disk is full" in err and "damaged" not in err and err.count("\n") == 1
        assert digest(case) == before
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["case.evb", "filler"]


# -- 18: a query stopped by its time limit ---------------------------------------------


def test_a_query_past_its_time_limit_is_reported_as_such(case_file: Path, monkeypatch) -> None:
    # Every statement that runs for more than 1,000 steps is over time at once;
    # opening the file runs under its own (longer) limit.
    monkeypatch.setattr(safety, "STATEMENT_SECONDS", 0.0)
    monkeypatch.setattr(safety, "PROGRESS_EVERY", 1000)
    code, _, err = run("cards", case_file)
    assert code == 1 and err.count("\n") == 1
    assert "took too long and was stopped" in err and "damaged" not in err


# -- 18: a closed pipe ----------------------------------------------------------------


def _closed_reader(*args: str) -> subprocess.CompletedProcess:
    """Run the command with its output going to a pipe whose reader has gone
    (``| head -0``): the parent closes its end before the child writes."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run([sys.executable, "-m", "evidence_board", *args], stdout=write_end,
                              stderr=subprocess.PIPE, timeout=60)
    finally:
        os.close(write_end)


def test_a_closed_pipe_ends_quietly_with_the_commands_own_exit_code(case_file: Path, tmp_path: Path) -> None:
    result = _closed_reader("check", str(case_file))
    assert (result.returncode, result.stderr) == (0, b"")
    spoiled = tmp_path / "spoiled.evb"
    spoiled.write_bytes(_sql_edit(case_file.read_bytes(), ["DELETE FROM cards"]))
    result = _closed_reader("check", str(spoiled))
    assert (result.returncode, result.stderr) == (1, b"")  # still "problems found"
    for command in (("cards", str(case_file)), ("cards", str(case_file), "--json"), ("log", str(case_file))):
        result = _closed_reader(*command)
        assert (result.returncode, result.stderr) == (0, b""), command


def test_check_into_head_keeps_its_exit_code(case_file: Path, tmp_path: Path) -> None:
    spoiled = tmp_path / "spoiled.evb"
    spoiled.write_bytes(_sql_edit(case_file.read_bytes(), ["DELETE FROM cards"]))
    script = f'"{sys.executable}" -m evidence_board check "{spoiled}" | head -c 0; ' \
             'echo "${PIPESTATUS[0]}" >&2'
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)
    assert result.stderr.strip().splitlines()[-1] == "1" and "error" not in result.stderr


# -- 19: text that is not UTF-8 ---------------------------------------------------------


@pytest.mark.parametrize("args", [
    (b"add-card", b"--title", b"\xed\xa0\x80"),
    (b"add-card", b"--text", b"caf\xe9"),
    (b"add-card", b"--tag", b"ok", b"--tag", b"\xff"),
    (b"search", b"\xed\xa0\x80"),
], ids=["surrogate title", "latin-1 text", "second tag", "search query"])
def test_text_that_is_not_utf8_is_refused_in_one_line(case_file: Path, args: tuple[bytes, ...]) -> None:
    before = digest(case_file)
    command = [args[0], os.fsencode(case_file), *args[1:]]
    result = cli(*command)
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 1, err
    assert err.count("\n") == 1 and "not valid UTF-8" in err and "internal error" not in err
    assert digest(case_file) == before


def test_a_file_name_that_is_not_utf8_still_works(tmp_path: Path) -> None:
    name = os.fsencode(tmp_path) + b"/caf\xe9.evb"
    result = cli(b"new", name)
    assert result.returncode == 0, result.stderr
    assert cli(b"add-card", name, b"--title", "Café".encode()).returncode == 0
    with CaseFile.open(os.fsdecode(name), read_only=True) as case:
        assert [c.title for c in case.cards()] == ["Café"]
        assert case.title == "caf\ufffd"
    assert sqlite3.connect(os.fsdecode(name)).execute("PRAGMA application_id").fetchone()[0] == 0x45564244
