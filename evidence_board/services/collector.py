"""Python's cycle collector paused while thousands of objects are made at once.

Every few hundred new objects the collector walks the young ones, and now
and then every object there is: a service call that writes 10,000 cards
(row images, audit entries) or a board that makes 100,000 card items pays
for those walks again and again. Paused, the block runs without them, and
the collector runs again (and collects whatever the block left) when it ends.

Measured on bench/board_bench.py's 100,000-card board: making its card
items took 2.3-2.6 s with the collector running, 1.1-1.2 s paused. The board
scene pauses it while it loads a board or applies a bulk change. (Pausing it
for every service call too won 0.1-0.2 s on a whole-board move or undo of
10,000 cards; it is not done, because it moves when garbage of every kind is
collected, for every edit, for little.)
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cycle collector for the block (nested blocks keep it paused)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
