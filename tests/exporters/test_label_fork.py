"""An SVG export that places its labels in a child process writes the same file as one that places them itself.

The exports run in a fresh interpreter, as ``evidence-board export`` does: a
test process has threads of its own (pytest's timeout watchdog), and a
process with threads never forks.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from evidence_board.exporters import label_fork
from evidence_board.sample import sample_case_path

EXPORT = """
import os, sys
from evidence_board.exporters import label_fork
from evidence_board.exporters.painting import ensure_gui_application
from evidence_board.exporters.pictures import export_svg
from evidence_board.exporters.scope import board_scope
from evidence_board.render.label_placement import LabelPlacer
from evidence_board.store import CaseFile

case_path, out, fork, break_child = sys.argv[1], sys.argv[2], sys.argv[3] == "fork", sys.argv[4] == "break"
label_fork.FORK_LABELS = 0 if fork else 10 ** 9
made = []
real_init = label_fork.SvgLabels.__init__
def init(self, *args, **kwargs):
    real_init(self, *args, **kwargs)
    made.append(self.forked)
label_fork.SvgLabels.__init__ = init
if break_child:
    parent, real_ensure = os.getpid(), LabelPlacer.ensure
    def ensure(self, rect):
        if os.getpid() != parent:
            raise MemoryError("the child ran out")
        return real_ensure(self, rect)
    LabelPlacer.ensure = ensure
ensure_gui_application()
with CaseFile.open(case_path, read_only=True) as case:
    export_svg(board_scope(case), out)
print("forked" if any(made) else "here")
"""


def _export(tmp_path: Path, name: str, fork: bool, break_child: bool = False) -> tuple[bytes, str]:
    case = tmp_path / "sample.evb"
    if not case.exists():
        shutil.copy(sample_case_path(), case)
    out = tmp_path / name
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    run = subprocess.run([sys.executable, "-c", EXPORT, str(case), str(out), "fork" if fork else "here",
                          "break" if break_child else "-"], capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    return out.read_bytes(), run.stdout.strip()


needs_fork = pytest.mark.skipif(sys.platform != "linux" or (os.cpu_count() or 1) < 2,
                                reason="label_fork forks on Linux with two cores or more")


@needs_fork
def test_labels_placed_in_a_child_are_the_labels_placed_here(tmp_path: Path) -> None:
    here, how = _export(tmp_path, "here.svg", fork=False)
    forked, how_forked = _export(tmp_path, "forked.svg", fork=True)
    assert (how, how_forked) == ("here", "forked")
    assert b"<text" in forked and forked == here


@needs_fork
def test_a_child_that_fails_leaves_the_labels_to_this_process(tmp_path: Path) -> None:
    here, _ = _export(tmp_path, "here.svg", fork=False)
    forked, how = _export(tmp_path, "forked.svg", fork=True, break_child=True)
    assert how == "forked" and forked == here


def test_a_process_with_threads_does_not_fork(monkeypatch) -> None:
    monkeypatch.setattr(label_fork.os, "listdir", lambda path: ["1", "2"])
    assert not label_fork.fork_is_safe()
