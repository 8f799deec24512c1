"""Python's cycle collector paused while thousands of objects are made at once.

Every few hundred new objects the collector walks the young ones, and now
and then every object there is: a service call that writes 10,000 cards
(row images, audit entries) or a board that makes 100,000 card items pays
for those walks again and again. Paused, the block runs without them, and
the collector runs again (and collects whatever the block left) when it ends.

Measured on bench/board_bench.py's boards, running and paused: making the
100,000 card items of a board 2.3-2.6 s and 1.1-1.2 s; a drag of all 10,000
cards of the other (one move_cards call, the scene following it) 1.05 s and
0.97 s; the undo of deleting them 1.89-1.93 s and 1.75-1.83 s. The services
pause it for each call's transaction, the board scene while it loads a board
or applies a bulk change.
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
