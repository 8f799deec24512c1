"""Placing a big board's link labels on the second core while the first paints the cards and links.

Labels are drawn last (above every card), so an export can paint the cards
and links while the labels are being placed. On the board bench's board
(10,000 cards, 20,000 links, 6,667 labels) placing takes about 2.3 s of an
SVG export's 6 on this 2-core machine, painting the cards and links about 3.

:class:`ForkedLabels` forks the process before the painting starts: the
child builds the label source and places every label (``LabelPlacer.ensure``, pure Python on floats) and
sends the spots back through a pipe; the parent paints meanwhile and, at the
labels, waits for them. The placement is the same placer's on the same
board, so the spots are the same (a test compares the SVG bytes).

Forking is safe only in a single-threaded process (the child has one thread
and must not find a lock another thread held): the command line's export is
one; the window, whose Qt threads may be running, is not, and places the
labels itself, as does any platform without ``/proc/self/task`` or with one
core, and a board with few labels (a fork costs milliseconds). If the child
fails in any way, the labels are placed in this process.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from collections.abc import Callable

from evidence_board.render.label_placement import LabelPlacer, LabelSpot, Rect, meets

FORK_LABELS = 1500  # fewer labels than this place faster than a fork pays


def fork_is_safe() -> bool:
    """Whether this process may fork: Linux, more than one core, and no other thread."""
    if sys.platform != "linux" or not hasattr(os, "fork") or (os.cpu_count() or 1) < 2:
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


class ForkedLabels:
    """A LabelPlacer's spots for ``area``, placed in a child process (see the module docstring).

    paint_board calls ``ensure`` and ``spots_in`` as on a LabelPlacer. ``make_placer``
    builds the placer (in the child; here too if the child fails).
    """

    def __init__(self, make_placer: Callable[[], LabelPlacer], area: Rect) -> None:
        self.make_placer = make_placer
        self.area = area
        self._spots: dict[str, LabelSpot] | None = None
        self._pid = 0
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: place, send, and leave without running the parent's exit code
            code = 1
            try:
                os.close(read)
                placer = make_placer()
                placer.ensure(area)
                spots = [(link_id, s.x, s.y, s.width, s.height, s.leader, s.free)
                         for link_id, s in placer._spots.items()]
                with os.fdopen(write, "wb") as out:
                    pickle.dump(spots, out, protocol=pickle.HIGHEST_PROTOCOL)
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        self._pid, self._read = pid, read

    def ensure(self, rect: Rect) -> list[Rect]:
        if self._spots is None:
            self._spots = self._receive()
        return []

    def spots_in(self, rect: Rect) -> dict[str, LabelSpot]:
        spots = self._spots if self._spots is not None else {}
        return {link_id: spot for link_id, spot in spots.items() if meets(spot.bounds(), rect)}

    def _receive(self) -> dict[str, LabelSpot]:
        spots = None
        try:
            with os.fdopen(self._read, "rb") as incoming:
                spots = pickle.load(incoming)
        except (EOFError, OSError, pickle.UnpicklingError):
            spots = None
        finally:
            status = self._reap()
        if spots is None or status != 0:  # the child failed: place them here
            placer = self.make_placer()
            placer.ensure(self.area)
            return dict(placer._spots)
        return {link_id: LabelSpot(x, y, w, h, leader, free) for link_id, x, y, w, h, leader, free in spots}

    def _reap(self) -> int:
        pid, self._pid = self._pid, 0
        if not pid:
            return -1
        _pid, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status)

    def close(self) -> None:
        """Stop and reap the child if the export ended before it was asked for the labels."""
        if self._pid:
            try:
                os.kill(self._pid, signal.SIGTERM)
            except OSError:
                pass
            self._reap()
            try:
                os.close(self._read)
            except OSError:
                pass


def labels_for_export(make_placer: Callable[[], LabelPlacer], area: Rect,
                      labels: int) -> LabelPlacer | ForkedLabels:
    """A placer, or labels placed in a child process when that pays and is safe."""
    if labels >= FORK_LABELS and fork_is_safe():
        try:
            return ForkedLabels(make_placer, area)
        except OSError:  # no fork or no pipe (out of processes): place them here
            pass
    return make_placer()
