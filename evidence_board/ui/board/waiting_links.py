"""The links of a big board whose items are not made yet.

A board with more links than ``scene.EAGER_LINKS`` shows its cards first
and makes the link items in slices while the window is idle (opening the
100,000-card bench board would otherwise wait for 200,000 items); the far
-away overview draws lines for these meanwhile. Their lanes (links between
the same two cards side by side) are worked out once, when the first is
taken: 0.5-0.9 s for 200,000 links, which the first frame no longer waits for.
"""

from __future__ import annotations

from evidence_board.model import Link
from evidence_board.render.link_painter import link_lanes
from evidence_board.services import Changes


class WaitingLinks:
    """Links read from the file, waiting for their items, and their lanes."""

    def __init__(self) -> None:
        self.links: dict[str, Link] = {}
        self._lanes: dict[str, float] | None = {}  # None: not worked out yet

    def start(self, links: dict[str, Link], lanes: dict[str, float] | None) -> None:
        """Wait with these links (and their lanes; None to work them out when first needed)."""
        self.links = links
        self._lanes = lanes

    def take(self) -> tuple[Link, float]:
        """One waiting link and its lane."""
        if self._lanes is None:
            self._lanes = link_lanes(self.links.values())
        _link_id, link = self.links.popitem()
        lane = self._lanes.get(link.id, 0.0)
        if not self.links:
            self._lanes = {}
        return link, lane

    def drop_removed_by(self, changes: Changes, board_id: str) -> set[frozenset[str]]:
        """Forget waiting links that ``changes`` deletes, or whose cards leave
        the board: making their items only to remove them again doubled the
        time of undoing a large import right after it. Returns the card pairs
        of the links forgotten: their lane-mates' lanes counted them."""
        gone_links, gone_cards = set(), set()
        for row in changes.rows:
            if row.op != "delete":
                continue
            if row.table == "links":
                gone_links.add(row.key[0])
            elif row.table == "placements" and row.key[0] == board_id:
                gone_cards.add(row.key[1])
        if not gone_links and not gone_cards:
            return set()
        kept, pairs = {}, set()
        for link_id, link in self.links.items():
            if link_id in gone_links or link.from_card in gone_cards or link.to_card in gone_cards:
                pairs.add(frozenset((link.from_card, link.to_card)))
            else:
                kept[link_id] = link
        self.links = kept
        return pairs
