"""What an export draws: one board, or a selection on it, read once from the case.

Every exporter starts from an :class:`ExportScope`, so the PDF, the PNG, the
graph formats and the CSV tables agree on which cards are in, in what order
they stack and which number each card carries.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from evidence_board.errors import InvalidInput
from evidence_board.model import CARD_KINDS, Board, Card, CardKind, Link, Placement, Source, limits
from evidence_board.model.grading import grade_label
from evidence_board.store import CaseFile, queries
from evidence_board.store.reading import BoardContents

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 in board coordinates


@dataclass(slots=True)
class ExportScope:
    """The cards and links of one board (or of a selection on it), bottom to top."""

    case: CaseFile
    contents: BoardContents
    card_ids: list[str]  # in stacking order, lowest z first
    link_ids: list[str]
    numbers: dict[str, int] = field(default_factory=dict)  # card id -> number printed on the board
    _sources: dict[str, Source | None] = field(default_factory=dict)

    @property
    def board(self) -> Board:
        return self.contents.board

    def cards(self) -> Iterable[tuple[Card, Placement]]:
        for card_id in self.card_ids:
            yield self.contents.cards[card_id], self.contents.placements[card_id]

    def links(self) -> Iterable[Link]:
        for link_id in self.link_ids:
            yield self.contents.links[link_id]

    def source(self, source_id: str | None) -> Source | None:
        """A source by id, read once and remembered."""
        if not source_id:
            return None
        if source_id not in self._sources:
            self._sources[source_id] = self.case.source(source_id)
        return self._sources[source_id]

    def sources(self) -> list[Source]:
        """Every source a card in scope shows or quotes, in order of first appearance by number."""
        seen: dict[str, Source] = {}
        for card, _ in sorted(self.cards(), key=lambda cp: self.numbers.get(cp[0].id, 0)):
            source = self.source(card.source_id)
            if source is not None and source.id not in seen:
                seen[source.id] = source
        return list(seen.values())

    def visible_contents(self) -> BoardContents:
        """The board reduced to the cards and links in scope: what a picture export paints."""
        if len(self.card_ids) == len(self.contents.placements) and len(self.link_ids) == len(self.contents.links):
            return self.contents
        c = self.contents
        return BoardContents(c.board, {i: c.cards[i] for i in self.card_ids},
                             {i: c.placements[i] for i in self.card_ids}, {i: c.links[i] for i in self.link_ids})

    def bounds(self, margin: float = 0.0) -> Rect:
        """The rectangle holding every card in scope (and a margin around it)."""
        if not self.card_ids:
            return (-margin, -margin, margin, margin)
        places = [self.contents.placements[c] for c in self.card_ids]
        return (min(p.x for p in places) - margin, min(p.y for p in places) - margin,
                max(p.x + p.width for p in places) + margin, max(p.y + p.height for p in places) + margin)

    def attachment_media_type(self, attachment_id: int) -> str:
        return queries.attachment_media_type(self.case.conn, attachment_id) or "application/octet-stream"


def number_cards(contents: BoardContents, card_ids: Iterable[str]) -> dict[str, int]:
    """Number the cards a reader refers to (not group frames) in reading order:
    top to bottom in bands of half a card, then left to right."""
    band = 60.0
    items = [(c, contents.placements[c]) for c in card_ids if contents.cards[c].kind is not CardKind.GROUP]
    items.sort(key=lambda cp: (int(cp[1].y // band), cp[1].x, cp[1].y, cp[0]))
    return {card_id: n for n, (card_id, _) in enumerate(items, start=1)}


def board_scope(case: CaseFile, board_name_or_id: str | None = None,
                selection: Iterable[str] | None = None) -> ExportScope:
    """Read a board (the first board when no name is given), optionally only some of its cards.

    A selection keeps the links whose two ends are both selected.
    """
    boards = case.boards()
    if board_name_or_id is None:
        board = boards[0]
    else:
        board = case.find_board(board_name_or_id)
        if board is None:
            names = ", ".join(b.name for b in boards)
            raise InvalidInput(f"no board named {board_name_or_id!r} (boards: {names})")
    contents = case.load_board(board.id)
    ids = list(contents.placements)
    if selection is not None:
        wanted = set(selection)
        missing = wanted - set(ids)
        if missing:
            raise InvalidInput(f"{len(missing)} selected card(s) are not on board {board.name!r}")
        ids = [c for c in ids if c in wanted]
    ids.sort(key=lambda c: (contents.placements[c].z, c))
    chosen = set(ids)
    links = sorted((lk for lk in contents.links.values() if lk.from_card in chosen and lk.to_card in chosen),
                   key=lambda lk: (lk.created_at, lk.id))
    return ExportScope(case, contents, ids, [lk.id for lk in links], number_cards(contents, ids))


def card_colour(card: Card) -> str:
    """A card's fill in the graph formats: its own colour, else its kind's (``export.fill`` of its
    descriptor in model/card_kinds.py, echoing the board's card colours)."""
    return card.colour if limits.is_colour(card.colour) else CARD_KINDS[card.kind].export.fill


def card_record(scope: ExportScope, card: Card, place: Placement) -> dict[str, str | float | int | None]:
    """One card as flat named values: the columns of cards.csv and the node attributes of GraphML and GEXF."""
    source = scope.source(card.source_id)
    return {
        "number": scope.numbers.get(card.id), "id": card.id, "kind": card.kind.value, "title": card.title,
        "text": card.text, "entity_type": card.entity_type.value if card.entity_type else "",
        "tags": "; ".join(card.tags), "reliability": card.reliability or "",
        "credibility": card.credibility if card.credibility is not None else "",
        "grade": grade_label(card.reliability, card.credibility),
        "source_file": source.file_name if source else "", "source_sha256": source.sha256 if source else "",
        "page": card.page if card.page is not None else "",
        "date_start": card.date_start or "", "date_end": card.date_end or "",
        "attributes": json.dumps(card.attributes, ensure_ascii=False, sort_keys=True) if card.attributes else "",
        "colour": card.colour, "x": place.x, "y": place.y, "width": place.width, "height": place.height,
        "group_id": place.group_id or "",
        "created_at": card.created_at, "created_by": card.created_by,
        "modified_at": card.modified_at, "modified_by": card.modified_by,
    }


def link_record(scope: ExportScope, link: Link) -> dict[str, str]:
    """One link as flat named values: the columns of links.csv and the edge attributes."""
    cards = scope.contents.cards
    return {
        "id": link.id, "source": link.from_card, "target": link.to_card,
        "source_title": cards[link.from_card].title, "target_title": cards[link.to_card].title,
        "label": link.label, "direction": link.direction.value, "strength": link.strength.value,
        "colour": link.colour, "created_at": link.created_at, "created_by": link.created_by,
    }


def contents_per_rect(contents: BoardContents, rects: list[Rect], margin: float = 160.0) -> list[BoardContents]:
    """For each rect (a page's part of the board), only the cards and links that can show in it.

    Painting a whole board once per page tests every card and link against
    every page: 10,000 cards on 200 tiles spent minutes on that. A grid of
    page-sized cells finds each page's neighbours in one pass. ``margin``
    covers what is drawn outside a card or a link's end cards (shadows,
    number badges, label plates). A kept link brings both its cards, since
    the painter needs their rectangles to draw it.
    """
    if not rects:
        return []
    cell_w = max(r[2] - r[0] for r in rects)
    cell_h = max(r[3] - r[1] for r in rects)
    grid: dict[tuple[int, int], list[tuple[str, str]]] = {}

    def cells(x0: float, y0: float, x1: float, y1: float) -> Iterable[tuple[int, int]]:
        for cx in range(int(x0 // cell_w), int(x1 // cell_w) + 1):
            for cy in range(int(y0 // cell_h), int(y1 // cell_h) + 1):
                yield cx, cy

    boxes: dict[tuple[str, str], Rect] = {}
    places = contents.placements
    for card_id, p in places.items():
        boxes["card", card_id] = (p.x - margin, p.y - margin, p.x + p.width + margin, p.y + p.height + margin)
    for link_id, link in contents.links.items():
        a, b = places.get(link.from_card), places.get(link.to_card)
        if a is not None and b is not None:
            boxes["link", link_id] = (min(a.x, b.x) - margin, min(a.y, b.y) - margin,
                                      max(a.x + a.width, b.x + b.width) + margin,
                                      max(a.y + a.height, b.y + b.height) + margin)
    for key, box in boxes.items():
        for cell in cells(*box):
            grid.setdefault(cell, []).append(key)
    out = []
    for rx0, ry0, rx1, ry1 in rects:
        found: set[tuple[str, str]] = set()
        for cell in cells(rx0, ry0, rx1, ry1):
            for key in grid.get(cell, ()):
                b = boxes[key]
                if b[0] <= rx1 and b[2] >= rx0 and b[1] <= ry1 and b[3] >= ry0:
                    found.add(key)
        links = {i: contents.links[i] for kind, i in found if kind == "link"}
        card_ids = {i for kind, i in found if kind == "card"}
        for link in links.values():
            card_ids.update((link.from_card, link.to_card))
        out.append(BoardContents(contents.board, {i: contents.cards[i] for i in card_ids},
                                 {i: places[i] for i in card_ids}, links))
    return out
