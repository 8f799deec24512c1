"""Links follow their cards, as in Qt's elasticnodes example.

A card's one position is its item's ``pos()``: whoever moves it (a drag,
an undo, a nudge) calls ``setPos``, and the card (``CardItem.setPos``, which
does what elasticnodes does in ``itemChange``) tells this object, which
moves the card's links along (``LinkItem.follow``). Nothing else has to
remember to update links.

``batch()`` is the one speed device here: a link whose two cards both move
is told twice, and each time its cards do not agree (one has moved, the
other not yet), so it would be worked out twice (each time with a new
bounding rect for Qt's index). Inside a batch the links wait and follow
once, at its end, when a link between two cards that slid alike moves whole. On
bench/board_bench.py's 10,000-card board, moving every card one drag step
at 100% took 0.27-0.32 s this way and 1.1-1.3 s without.

A batch that moves more than ``MANY_LINKS`` links, or is said to move
more than ``MANY_CARDS`` cards, tells the layers once that everything
changed (``everything``: the link layer draws the view again, the label
layer places its labels again) instead of each card and link marking where
it was and is (``quiet``): following 20,000 links took 125 ms with the
marks and 78-81 ms without (the marks of the links it moves whole).

(Letting links wait while the far-away overview is shown was tried and
measured: an undo of a whole-board move seen from there took as long, and
zooming in afterwards longer, so links always follow at once.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from evidence_board.ui.board.items import CardItem, LinkItem


MANY_LINKS = 1000
MANY_CARDS = 500


class LinkFollower:
    """Moves links after their cards; ``moved`` is told once per card change."""

    def __init__(self, after: Callable[[], None], everything: Callable[[], None]) -> None:
        self._after = after  # the scene's own follow-up (the far-away overview draws again)
        self._everything = everything  # the layers draw and place everything again
        self._depth = 0
        self._waiting: set[LinkItem] = set()
        self._moved = False  # a card moved in the current batch (linked or not)
        self.quiet = False  # the layers were told everything changes: cards need not tell them

    def moved(self, card: CardItem) -> None:
        """``card`` moved or changed size."""
        if self._depth:
            self._waiting.update(card.links)
            self._moved = True
            return
        for link in card.links:
            link.follow()
        self._after()

    @contextmanager
    def batch(self, cards: int = 0) -> Iterator[None]:
        """Cards moved inside this block are followed once, at its end
        (``cards``: how many it may move, if known)."""
        if not self._depth and cards > MANY_CARDS:
            self._everything()
            self.quiet = True
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            if not self._depth:
                self.flush()

    def flush(self) -> None:
        """Let every waiting link follow; then the scene's follow-up, if any card moved."""
        links, self._waiting = self._waiting, set()
        moved, self._moved = self._moved, False
        marked = self.quiet or len(links) > MANY_LINKS
        if marked and not self.quiet:
            self._everything()
        self.quiet = False
        for link in links:
            if link.attached:
                link.follow(marked)
        if moved:
            self._after()
