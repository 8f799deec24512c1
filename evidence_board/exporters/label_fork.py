"""The SVG export's link labels: placed, and drawn, on the second core while the first paints the board.

Labels are drawn last (above every card), so an export can paint the cards
and links while the labels are being placed. On the board bench's board
(10,000 cards, 20,000 links, 6,667 labels) placing and drawing the labels
takes about 1.6 s of an SVG export's 3.3-3.7 s of CPU on this 2-core machine,
painting the cards and links about as long (2.0-2.2 s of wall time with the
other core free).

:class:`SvgLabels` is what the SVG export passes to ``paint_board`` as its
labels. It places them with the board's LabelPlacer and draws them (leaders,
then plates, as ``paint_placed_labels`` does) into a piece of SVG of their
own, which paint_board's turn for the labels splices into the file. With
``fork`` it does that in a child process forked before the painting starts,
and the piece comes back through a pipe; without, here, when asked. Both
run the same function on the same board, so the files are the same (a test
compares their bytes).

Forking is safe only in a single-threaded process (the child has one thread
and must not find a lock another thread held): the command line's export is
one; the window, whose Qt threads may be running, is not, and does the work
itself, as does any platform without ``/proc/self/task`` or with one core,
and a board with few labels (a fork costs milliseconds). If the child fails
in any way, the labels are placed and drawn in this process.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from collections.abc import Callable

from evidence_board.render.label_placement import LabelPlacer, LabelSpot, Rect

FORK_LABELS = 1500  # fewer labels than this are placed faster than a fork pays

Drawn = Callable[[dict[str, LabelSpot]], str]  # placed spots -> their SVG piece


def fork_is_safe() -> bool:
    """Whether this process may fork: Linux, more than one core, and no other thread."""
    if sys.platform != "linux" or not hasattr(os, "fork") or (os.cpu_count() or 1) < 2:
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


class SvgLabels:
    """The labels of an SVG export (see the module docstring).

    ``make_placer`` builds the board's placer, ``draw`` turns placed spots into SVG;
    ``area`` is the part of the board the export shows.
    """

    def __init__(self, make_placer: Callable[[], LabelPlacer], draw: Drawn, area: Rect, fork: bool) -> None:
        self.make_placer, self.draw, self.area = make_placer, draw, area
        self._pid = 0
        self._read = -1
        self.forked = False
        if fork:
            try:
                self._fork()
            except OSError:  # no fork or no pipe (out of processes): the work is done here
                pass

    def _place_and_draw(self) -> str:
        placer = self.make_placer()
        placer.ensure(self.area)
        return self.draw(placer.spots_in(self.area))

    def _fork(self) -> None:
        read, write = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read)
            os.close(write)
            raise
        if pid == 0:  # the child: place, draw, send, and leave without running the parent's exit code
            code = 1
            try:
                os.close(read)
                piece = self._place_and_draw()
                with os.fdopen(write, "wb") as out:
                    pickle.dump(piece, out, protocol=pickle.HIGHEST_PROTOCOL)
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        self._pid, self._read, self.forked = pid, read, True

    def paint_labels(self, painter: object, _contents: object, _area: Rect, _context: object) -> None:
        """paint_board's turn for the labels: the piece, from the child or made now, spliced in."""
        piece = self._receive() if self._pid else None
        painter.splice(piece if piece is not None else self._place_and_draw())  # type: ignore[attr-defined]

    def _receive(self) -> str | None:
        piece = None
        try:
            with os.fdopen(self._read, "rb") as incoming:
                piece = pickle.load(incoming)
        except (EOFError, OSError, pickle.UnpicklingError):
            piece = None
        finally:
            status = self._reap()
        return piece if status == 0 and isinstance(piece, str) else None  # else: the child failed

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


def svg_labels(make_placer: Callable[[], LabelPlacer], draw: Drawn, area: Rect, labels: int) -> SvgLabels:
    """The export's labels, placed in a child process when that pays and is safe."""
    return SvgLabels(make_placer, draw, area, fork=labels >= FORK_LABELS and fork_is_safe())
