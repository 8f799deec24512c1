"""One board as a QGraphicsScene that follows the services.

The scene reads its board once (``case.load_board``) and afterwards changes
only the items a ``Changes`` names: there is one source of truth, the case
file, and one way the screen learns about edits, the service's notification.
The scene rectangle is set by hand (grown when cards move past it) so Qt
never walks every item to compute it.
"""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Iterable

from PySide6.QtCore import QObject, QRectF, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsScene

from evidence_board.model import Card, Link, Placement
from evidence_board.render.context import RenderContext
from evidence_board.render.link_painter import link_lanes
from evidence_board.services import CaseService, Changes
from evidence_board.services.collector import collector_paused, keep_long_lived, thaw
from evidence_board.ui.board.following import LinkFollower
from evidence_board.ui.board.items import CardItem, LinkItem
from evidence_board.ui.board.label_layer import LabelLayer
from evidence_board.ui.board.link_layer import LinkLayer
from evidence_board.ui.board.overview_layer import OverviewItem
from evidence_board.ui.board.scene_lookups import SceneLookups
from evidence_board.ui.board.waiting_links import WaitingLinks

SCENE_MARGIN = 4000.0
EAGER_LINKS = 3000  # a board with more links makes their items after its first frame
LINK_SLICE = 2000  # link items made per turn of the event loop
# Moving more items than this at once first turns Qt's BSP index off: each
# moved item would otherwise be taken out of the tree and put back one by
# one (tens of microseconds each, more for long links); building it again
# once afterwards is far cheaper.
BULK_ITEMS = 600
# A board with this many items keeps them out of the cycle collector's full walks.
LONG_LIVED_ITEMS = 5000
MAX_INDEX_DEPTH = 11
_GEOMETRY_COLUMNS = {"x", "y", "width", "height", "z", "group_id"}


class BoardScene(SceneLookups, QGraphicsScene):
    """The cards and links of one board. ``contents_changed`` fires after each applied change."""

    contents_changed = Signal()

    def __init__(self, service: CaseService, board_id: str, context: RenderContext,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.case = service.case
        self.board_id = board_id
        self.context = context
        self.cards: dict[str, CardItem] = {}
        self.links: dict[str, LinkItem] = {}
        self.waiting = WaitingLinks()  # read, items not made yet (a big board makes them while idle)
        self.overview_mode = False
        self._bulk_depth = 0
        self._made = itertools.count()  # each item's place in the order it was added (see _drop_removed)
        self._removed: list[CardItem | LinkItem] = []
        self._closed = False  # close() was called: nothing of it is long-lived any more
        # Links follow their cards' moves (see following); far away the overview draws them again.
        self.follower = LinkFollower(self._cards_moved, self._everything_moved)
        self.setBackgroundBrush(QColor(context.palette.board))
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        # An explicit scene rect from the start: asking Qt for an unset one
        # makes it measure every item.
        self.setSceneRect(QRectF(-800, -600, 1600, 1200))
        self.link_layer = LinkLayer()
        self.addItem(self.link_layer)
        # Group titles and link labels, above every card (see label_layer).
        self.label_layer = LabelLayer(self)
        self.addItem(self.label_layer)
        # Far away the view shows this one-item scene instead (see set_overview_mode).
        self.overview_scene = QGraphicsScene(self)
        self.overview_scene.setBackgroundBrush(QColor(context.palette.board))
        self.overview = OverviewItem(context, lambda: self.cards.values(), self._overview_links)
        self.overview_scene.addItem(self.overview)
        self._load()
        service.subscribe(self.apply)

    def _overview_links(self) -> list[tuple[CardItem, CardItem]]:
        """The card pairs the overview joins: link items and links still waiting for theirs."""
        pairs = [(item.source, item.target) for item in self.links.values()]
        cards = self.cards
        pairs += [(cards[link.from_card], cards[link.to_card]) for link in self.pending_links.values()
                  if link.from_card in cards and link.to_card in cards]
        return pairs

    @property
    def pending_links(self) -> dict[str, Link]:
        return self.waiting.links

    def link_count(self) -> int:
        return len(self.links) + len(self.pending_links)

    def close(self) -> None:
        """Stop following the service (the scene is going away)."""
        self._closed = True
        self.pending_links.clear()
        try:
            self.service.unsubscribe(self.apply)
        except ValueError:
            pass
        thaw()

    # -- loading ----------------------------------------------------------

    def _load(self) -> None:
        with collector_paused():
            self._load_contents()

    def _load_contents(self) -> None:
        contents = self.case.load_board(self.board_id)
        self._set_index_depth(len(contents.cards))
        for card_id, card in contents.cards.items():
            self._add_card(card, contents.placements[card_id])
        if len(contents.links) > EAGER_LINKS:
            # A big board shows its cards (and, far away, the overview's lines)
            # first; the link items follow in slices while the window is idle, and
            # their lanes in the first slice: at 100,000 cards working out 200,000
            # lanes took 0.5-0.9 s, which opening the board no longer waits for.
            self._make_links_while_idle(contents.links, None)
        else:
            lanes = link_lanes(contents.links.values())
            for link in contents.links.values():
                self._add_link(link, lanes.get(link.id, 0.0))
        self._fit_scene_rect(reset=True)
        if not self.pending_links:
            self._settled()

    def _settled(self) -> None:
        """The board has made its items (or applied a bulk change): a big one's
        stay out of the cycle collector's full walks (see services/collector).
        Not once it is closed: the last slice of its links, still due when a
        big board closes while they are made, would freeze what it leaves."""
        if not self._closed and len(self.cards) + len(self.links) >= LONG_LIVED_ITEMS:
            keep_long_lived()

    def _make_links_while_idle(self, links: dict[str, Link], lanes: dict[str, float] | None) -> None:
        """Make these links' items in slices while the window is idle (see waiting_links)."""
        self.waiting.start(links, lanes)
        QTimer.singleShot(0, self._create_pending_slice)

    def _create_pending_slice(self) -> None:
        for _ in range(min(LINK_SLICE, len(self.pending_links))):
            self._add_link(*self.waiting.take())
        if self.pending_links:
            QTimer.singleShot(0, self._create_pending_slice)
        else:
            self.contents_changed.emit()
            self._settled()

    def flush_pending_links(self) -> None:
        """Create every link item still waiting (before a change is applied, or when asked)."""
        if not self.pending_links:
            return
        while self.pending_links:
            self._add_link(*self.waiting.take())
        self._settled()

    def _add_card(self, card: Card, placement: Placement) -> CardItem:
        # Every item is top-level: Qt's index then hands a frame only the
        # items in view (children of a layer item would each be asked for
        # their bounding rect on every frame).
        item = CardItem(card, placement, self.context)
        item.made = next(self._made)
        self.addItem(item)
        self.cards[card.id] = item
        item.follower = self.follower
        item.labels = self.label_layer
        item.labels.changed(*item.geometry)
        if item.is_group:
            self.label_layer.groups[card.id] = item
        return item

    def _add_link(self, link: Link, lane_offset: float = 0.0) -> LinkItem | None:
        source, target = self.cards.get(link.from_card), self.cards.get(link.to_card)
        if source is None or target is None:
            return None
        item = LinkItem(link, source, target, self.context, lane_offset=lane_offset)
        item.made = next(self._made)
        self.addItem(item)
        item.layer = self.link_layer
        item.labels = self.label_layer
        item.refresh_layer()
        self.links[link.id] = item
        return item

    def _remove_link(self, link_id: str) -> None:
        item = self.links.pop(link_id, None)
        if item is not None:
            item.detach()
            self._removed.append(item)

    def _remove_card(self, card_id: str) -> None:
        item = self.cards.pop(card_id, None)
        if item is None:
            return
        item.follower = None
        for link in list(item.links):
            self._remove_link(link.link_id)
        self.label_layer.changed(*item.geometry)
        self.label_layer.groups.pop(card_id, None)
        self._removed.append(item)

    def _drop_removed(self) -> None:
        """Take the items of removed cards and links out of Qt's scene, the
        last made first. Qt keeps its top-level items in a list (and, with the
        index off, in a list sorted by address, which follows the order they
        were made): taking each from the end costs nothing, from the middle a
        shift of everything after it. Deleting every card of
        bench/board_bench.py's 10,000-card board spent 0.19 s in removeItem in
        the order cards were deleted, 0.06 s this way (100,000 cards: half a
        minute, most of it those shifts)."""
        removed, self._removed = self._removed, []
        removed.sort(key=operator.attrgetter("made"), reverse=True)
        for item in removed:
            self.removeItem(item)

    # -- following the services ---------------------------------------------

    def begin_bulk(self) -> None:
        """Many items are about to move: stop indexing them one by one (see BULK_ITEMS)."""
        self._bulk_depth += 1
        if self._bulk_depth == 1:
            self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)

    def end_bulk(self) -> None:
        self._bulk_depth -= 1
        if self._bulk_depth == 0:
            self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
            self._set_index_depth(len(self.cards))  # a new index starts at Qt's automatic depth

    def _set_index_depth(self, cards: int) -> None:
        """A BSP tree shallower than Qt's choice (log2 of the item count).

        An item sits in every leaf its bounding rect meets, and a link across
        the board meets most of them: at Qt's depth, 10,000 cards' long links
        took 45 MB and half a second to index (100,000: gigabytes). A few dozen
        items per leaf cost a frame far less.
        """
        self.setBspTreeDepth(max(6, min(MAX_INDEX_DEPTH, int(math.log2(max(cards, 1))) - 3)))

    def apply(self, changes: Changes) -> None:
        """Bring the items in line with what one service call changed."""
        bulk = len(changes.rows) * 3 >= BULK_ITEMS  # a placement row moves a card and its links
        if not bulk:
            self._apply(changes)
            return
        self.begin_bulk()
        try:
            with collector_paused():
                self._apply(changes)
        finally:
            self.end_bulk()
        self._settled()

    def _apply(self, changes: Changes) -> None:
        if self.pending_links:
            forgotten = self.waiting.drop_removed_by(changes, self.board_id)
            self.flush_pending_links()
            mates = [link for pair in forgotten for card_id in list(pair)[:1] if card_id in self.cards
                     for link in self.cards[card_id].links
                     if frozenset((link.source.card_id, link.target.card_id)) == pair]
            if mates:
                self._relane(mates)
        with self.follower.batch(len(changes.rows)):  # links follow the moved cards once, at the end
            self._apply_rows(changes)
        self._drop_removed()

    def _apply_rows(self, changes: Changes) -> None:
        need_card: set[str] = set()
        for row in changes.rows:
            if row.table != "placements" or row.key[0] != self.board_id:
                continue
            card_id = row.key[1]
            item = self.cards.get(card_id)
            after = row.after
            if row.before is not None and after is not None and item is not None and after.keys() <= _GEOMETRY_COLUMNS:
                placement = item.placement  # an update of where it is: no need to read the card
                for column, value in after.items():
                    setattr(placement, column, value)
                item.set_placement(placement)
            else:
                need_card.add(card_id)
        link_ids = set(changes.links)
        read: dict[str, Card] = {}  # cards just read back with their placements
        known: dict[str, Link] = {}  # the links of cards that appeared, just read too
        if need_card:
            known, read = self._reload_placements(need_card)
            link_ids |= known.keys()
        # Not read twice (an undone delete of 10,000 cards read them all again).
        changed_cards = [card_id for card_id in changes.cards if card_id in self.cards and card_id not in read]
        if changed_cards:
            current = self.case.cards(changed_cards)
            for card in current:
                self.cards[card.id].set_card(card)
            for card_id in set(changed_cards) - {card.id for card in current}:
                self._remove_card(card_id)
        if changes.sources:
            self._forget_sources(changes.sources)
        created: set[LinkItem] = set()
        relinked = self._apply_links(link_ids, created, known)
        if relinked:
            self._relane(relinked)  # lanes depend on which links join a pair, not on where cards are
        if created:
            self.overview.invalidate(self.sceneRect())
        if changes.placements or changes.links or changes.cards:
            self._fit_scene_rect()
            self.contents_changed.emit()

    def show_what_the_file_holds(self, card_ids: Iterable[str]) -> None:
        """Put these cards (and their links) back where the case file has them:
        after the services refused a gesture's change, the screen must not
        keep what the drag showed."""
        with self.follower.batch():
            known, _read = self._reload_placements(set(card_ids))
            self._apply_links(known.keys(), set(), known)
        self._drop_removed()
        self.overview.invalidate(self.sceneRect())
        self._fit_scene_rect()
        self.contents_changed.emit()

    def _forget_sources(self, source_ids: set[str]) -> None:
        """A source's title and pages are drawn on every card citing it (a
        document's name, a quote's citation): drop the context's copy of each
        changed source and repaint those cards, or they keep the old title."""
        for source_id in source_ids:
            self.context.forget_source(source_id)
        citing = [item for item in self.cards.values() if item.card.source_id in source_ids]
        for item in citing:
            item.update()
        if citing:
            self.overview.invalidate(self.sceneRect())

    def _reload_placements(self, card_ids: set[str]) -> tuple[dict[str, Link], dict[str, Card]]:
        """Placements that appeared, vanished or changed beyond geometry: read
        them back (in a few queries, however many: an undone delete or a
        redone import brings back thousands). Returns the links of cards that
        appeared, whose items the caller makes, and the cards read."""
        found = {card.id: card for card in self.case.cards(card_ids)}
        placements = self.case.placements_on(self.board_id, found)
        appeared = []
        for card_id in card_ids:
            placement = placements.get(card_id)
            item = self.cards.get(card_id)
            if placement is None:
                self._remove_card(card_id)
            elif item is None:
                self._add_card(found[card_id], placement)
                appeared.append(card_id)
            else:
                item.set_card(found[card_id])
                item.set_placement(placement)
        return ({link.id: link for link in self.case.links_of(appeared)} if appeared else {}), found

    def _apply_links(self, link_ids: Iterable[str], created: set[LinkItem],
                     known: dict[str, Link] | None = None) -> set[LinkItem]:
        """Make, update or remove the items of these links (``known``: some of
        them just read). New items go in ``created``, made with their lanes
        already worked out; the returned ones need their lanes worked out
        again (see _relane)."""
        link_ids = set(link_ids)
        if not link_ids:
            return set()
        found = dict(known or {})
        unread = link_ids - found.keys()
        if unread:
            found.update((link.id, link) for link in self.case.links(unread))
        touched: set[LinkItem] = set()
        new: list[Link] = []
        for link_id in link_ids:
            link = found.get(link_id)
            item = self.links.get(link_id)
            if link is None or link.from_card not in self.cards or link.to_card not in self.cards:
                if item is not None:
                    # Neighbours in the same lanes move back together.
                    touched.update(l for l in item.source.links if l is not item)
                    self._remove_link(link_id)
                continue
            if item is None:
                new.append(link)
            else:
                item.set_link(link, self.cards[link.from_card], self.cards[link.to_card])
                touched.add(item)
        if new:
            # Lanes first, so each new item is laid out once: a redone import
            # of 20,000 links laid each out three times.
            pairs = {frozenset((link.from_card, link.to_card)) for link in new}
            sharing = {item for card_id in {c for pair in pairs for c in pair}
                       for item in self.cards[card_id].links
                       if frozenset((item.source.card_id, item.target.card_id)) in pairs}
            lanes = link_lanes([*new, *(item.link for item in sharing)])
            if len(new) > EAGER_LINKS and not sharing:
                # As when a big board opens: the cards show at once, the link
                # items follow in slices while the window is idle.
                self._make_links_while_idle({link.id: link for link in new}, lanes)
                return touched
            for link in new:
                created.add(self._add_link(link, lanes.get(link.id, 0.0)))
            touched |= sharing  # older links of the same pairs change lanes
        return touched

    def _relane(self, links: Iterable[LinkItem]) -> None:
        """Recompute lanes of every pair these links belong to, then their geometry."""
        pairs: dict[frozenset, LinkItem] = {}
        for item in links:
            pairs.setdefault(frozenset((item.source.card_id, item.target.card_id)), item)
        affected: list[LinkItem] = []
        for pair, item in pairs.items():
            affected += [l for l in item.source.links if frozenset((l.source.card_id, l.target.card_id)) == pair]
        lanes = link_lanes(item.link for item in affected)
        for item in affected:
            item.lane_offset = lanes.get(item.link_id, 0.0)
            item.refresh()
        self.overview.invalidate(self.sceneRect())

    def _everything_moved(self) -> None:
        """Too many links moved to mark each: the layers draw and place everything again."""
        self.link_layer.redraw()
        self.label_layer.place_all_again()

    def _cards_moved(self) -> None:
        """Cards moved and their links followed (see following)."""
        if self.overview_mode:
            self.overview.invalidate(self.sceneRect())

    def _fit_scene_rect(self, reset: bool = False) -> None:
        bounds = self.cards_bounds()
        if bounds.isEmpty():
            bounds = QRectF(-800, -600, 1600, 1200)
        wanted = bounds.adjusted(-SCENE_MARGIN, -SCENE_MARGIN, SCENE_MARGIN, SCENE_MARGIN)
        current = self.sceneRect()
        if reset or not current.contains(bounds):
            self.setSceneRect(wanted if reset else current.united(wanted))
            self.overview_scene.setSceneRect(self.sceneRect())
        self.link_layer.set_bounds(self.sceneRect())
        self.label_layer.set_bounds(self.sceneRect())
        self.overview.invalidate(self.sceneRect())

    # -- level of detail ------------------------------------------------------

    def set_overview_mode(self, on: bool) -> None:
        """Far away, a view shows ``overview_scene``: one item drawing every block and line.

        Asking Qt to paint ten thousand items costs tens of milliseconds even
        when each is one rectangle: a fit-all frame of bench/board_bench.py's
        10,000-card board took 57 ms from this scene, 1.5 ms from that one. The items stay in this scene, selectable
        and indexed; the view's gestures find them through card_at/cards_in.
        """
        if on == self.overview_mode:
            return
        self.overview_mode = on
        self.overview_scene.setSceneRect(self.sceneRect())
        self.overview.invalidate(self.sceneRect())

    def selection_changed_in_overview(self) -> None:
        if self.overview_mode:
            self.overview.invalidate(self.sceneRect())
