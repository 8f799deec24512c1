"""Python's cycle collector paused while thousands of objects are made at once.

Every few hundred new objects the collector walks the young ones, and now
and then every object there is. Reading a whole board, or writing and
auditing thousands of rows, makes tens of thousands of records (row dicts,
row changes, audit rows), none of them garbage: paused, the block runs
without those walks, and the collector runs again (and collects whatever
the block left) when it ends. Measured with the store alone on
bench/board_bench.py's 10,000-card board: moving every card took a median
211 ms with the collector running during the writes, 195 ms paused.

``services.collector`` re-exports this for the layers above, with what it
does for a big open board's items.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


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


def with_collector_paused(function: F) -> F:
    """The function runs with the collector paused (a bulk read or write)."""

    @functools.wraps(function)
    def paused(*args: Any, **kwargs: Any) -> Any:
        with collector_paused():
            return function(*args, **kwargs)

    return paused  # type: ignore[return-value]
