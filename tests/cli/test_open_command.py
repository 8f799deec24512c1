"""``evidence-board [open] CASE`` without a display: one line and exit 2, never Qt's abort (exit 134).

Each runs the real command in a process with no DISPLAY, WAYLAND_DISPLAY or
QT_QPA_PLATFORM, as over ssh or in a cron job.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from evidence_board.store import CaseFile


def run_without_display(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"))
    return subprocess.run([sys.executable, "-m", "evidence_board", *args], env=env, capture_output=True,
                          text=True, timeout=60)


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("evidence-board: error: "), result.stderr
    assert "qt.qpa" not in result.stderr and "Traceback" not in result.stderr
    return lines[0]


@pytest.mark.parametrize("command", [["open"], []], ids=["open FILE", "FILE"])
def test_a_missing_file_is_one_line_and_exit_2_without_a_display(tmp_path, command):
    line = one_line_error(run_without_display(tmp_path, *command, str(tmp_path / "no-such-case.evb")))
    assert "no-such-case.evb: no such file" in line


def test_a_file_that_is_not_a_case_is_one_line_and_exit_2_without_a_display(tmp_path):
    notes = tmp_path / "notes.evb"
    notes.write_text("not a case, just some notes\n" * 10)
    line = one_line_error(run_without_display(tmp_path, "open", str(notes)))
    assert "notes.evb: not an Evidence Board case file" in line
    folder = tmp_path / "folder.evb"
    folder.mkdir()
    assert "is a folder" in one_line_error(run_without_display(tmp_path, "open", str(folder)))


def test_a_good_case_without_a_display_says_a_display_is_needed(tmp_path):
    path = tmp_path / "good.evb"
    CaseFile.create(path, "Good").close()
    before = path.read_bytes()
    line = one_line_error(run_without_display(tmp_path, "open", str(path)))
    assert "needs a display" in line and "DISPLAY is not set" in line
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["good.evb"]  # no lock, journal or settings left


def test_no_argument_without_a_display_is_one_line_and_exit_2(tmp_path):
    line = one_line_error(run_without_display(tmp_path))
    assert "needs a display" in line
    assert not (tmp_path / "data").exists()  # no sample copy made for a window that cannot open


def test_a_display_that_does_not_answer_is_named(tmp_path):
    from evidence_board.cli.gui_command import display_problem

    free = next(n for n in range(140, 200) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    assert display_problem({"DISPLAY": f":{free}"}) == f"cannot connect to the X display :{free}"
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    assert display_problem({"QT_QPA_PLATFORM": "xcb"}) == "DISPLAY is not set"
    assert display_problem({}) == "DISPLAY is not set"
