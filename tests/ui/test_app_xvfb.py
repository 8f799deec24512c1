"""The real application in a real X window (Xvfb): it starts, opens a case, paints, quits."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

pytestmark = pytest.mark.xvfb


def _free_display() -> int:
    for number in range(87, 140):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            return number
    pytest.fail("no free X display number")


@pytest.fixture
def x_display(tmp_path):
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (CI installs it: apt-get install xvfb)")
    number = _free_display()
    server = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{number}").exists():
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            pytest.fail(f"Xvfb :{number} did not start")
        time.sleep(0.05)
    yield f":{number}"
    server.terminate()
    server.wait(timeout=10)


def test_the_application_opens_a_case_in_an_x_window_and_paints_the_board(x_display, specimen_case_path,
                                                                          tmp_path):
    shot = tmp_path / "window.png"
    env = dict(os.environ, DISPLAY=x_display, QT_QPA_PLATFORM="xcb", EVIDENCE_BOARD_SCREENSHOT=str(shot),
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"))
    result = subprocess.run([sys.executable, "-m", "evidence_board", str(specimen_case_path)], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    image = QImage(str(shot))
    assert image.width() >= 1000 and image.height() >= 600
    colours = {image.pixel(x, y) for x in range(0, image.width(), 3) for y in range(0, image.height(), 3)}
    assert len(colours) > 300  # widgets, cards, a photo and text: not a blank window
    # The specimen's cards are on screen: the accent of the note and of the place entity.
    accents = {QColor("#c9ad3c").rgb(), QColor("#3f8a5a").rgb()}
    assert accents <= colours
