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
collected, for every edit, for little. The store's bulk reads and writes
pause it themselves, see store/collector, which this module re-exports.)

What a big board holds lives as long as the board: ``keep_long_lived``
freezes it (``gc.freeze``), so the collector's full walks, which otherwise
go over all of it every time enough new objects have survived, walk only
what is newer. On the 10,000-card bench board each full walk took 70-75 ms
(one or two per whole-board move, and more while panning or editing), and
about 6 ms frozen; the collector's share of moving every card went from
97 ms to 31 ms. Frozen objects are still freed when nothing refers to them
(deleting every card of a frozen board freed them all); only cycles among
them wait, until ``thaw`` when a board closes.
"""

from __future__ import annotations

import gc

from evidence_board.store.collector import collector_paused

__all__ = ["collector_paused", "keep_long_lived", "thaw"]


_frozen = False
_thawed = False  # a board closed since the last freeze: what it left may be in cycles


def keep_long_lived() -> None:
    """Everything alive now will live long (a big board made its items): later
    full collections leave it out. Costs nothing (``gc.freeze`` moves a list),
    except the first time after a board closed: then a full collection runs
    first, or the closed board's items (which refer to each other, so only the
    collector frees them) would be frozen with the rest while another board
    stays open."""
    global _frozen, _thawed
    if _thawed:
        gc.collect()
        _thawed = False
    gc.freeze()
    _frozen = True


def thaw() -> None:
    """Something long-lived is going away (a board closed): the collector walks
    everything again, and collects what the board left in cycles."""
    global _frozen, _thawed
    if _frozen:
        gc.unfreeze()
        _frozen = False
        _thawed = True
