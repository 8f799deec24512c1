"""`evidence-board` with no argument, in a fresh home folder: the window opens
the user's copy of the sample case and writes nothing into the package."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from evidence_board.sample import SAMPLE_FILE_NAME, sample_case_path

pytest.importorskip("evidence_board.ui.app", reason="the board window is not built yet")

ROOT = Path(__file__).resolve().parents[2]


def _snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    return {str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


def _start(home: Path, screenshot: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / ".local" / "share"),
               XDG_CONFIG_HOME=str(home / ".config"), QT_QPA_PLATFORM="offscreen",
               EVIDENCE_BOARD_SCREENSHOT=str(screenshot))
    return subprocess.run([sys.executable, "-m", "evidence_board"], env=env, cwd=home,
                          capture_output=True, text=True, timeout=120)


def test_first_start_opens_a_copy_of_the_sample_and_leaves_the_package_alone(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    package_before = _snapshot(sample_case_path().parent)
    result = _start(home, tmp_path / "first.png")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "first.png").stat().st_size > 10_000  # the window painted the board

    copy = home / ".local" / "share" / "evidence-board" / "sample" / SAMPLE_FILE_NAME
    assert copy.is_file()
    settings = "".join(p.read_text(errors="replace") for p in (home / ".config").rglob("*.conf"))
    assert str(copy) in settings  # the window opened the copy (and remembers it as the last case)
    assert str(sample_case_path()) not in settings
    assert _snapshot(sample_case_path().parent) == package_before  # no journal, lock or change

    # The second start opens the last case again, still not the package.
    result = _start(home, tmp_path / "second.png")
    assert result.returncode == 0, result.stderr
    assert _snapshot(sample_case_path().parent) == package_before
