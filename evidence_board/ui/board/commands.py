"""Edits of the cards on one board, as the menus, toolbar and keys ask for them.

Each method is one service call (or one batch), so each is one undo step;
none touches an item: the scene redraws from the service's notification.
New cards go in the free space nearest where they were asked for
(``model.placement``), found through the scene's index of card items, so
a board of 10,000 cards is asked only about the neighbourhood.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMimeData, QPointF, QRectF
from PySide6.QtGui import QGuiApplication, QImage

from evidence_board.model import CARD_KINDS, DEFAULT_SIZES, Card, CardKind
from evidence_board.model.placement import Rect, nearest_free
from evidence_board.services import Changes
from evidence_board.ui.board.items import CardItem
from evidence_board.ui.board.scene import BoardScene

CARDS_MIME = "application/x-evidence-board-cards"
NUDGE = 10.0
PASTE_OFFSET = 30.0

_COPIED_FIELDS = ("title", "text", "colour", "tags", "reliability", "credibility", "source_id", "page",
                  "regions", "entity_type", "attributes", "date_start", "date_end", "attachment_id")


def card_spec(card: Card) -> dict:
    """The fields that recreate ``card`` (a duplicate, or a paste)."""
    spec = {name: getattr(card, name) for name in _COPIED_FIELDS}
    spec["kind"] = card.kind.value
    spec["tags"] = list(card.tags)
    spec["regions"] = [list(r) for r in card.regions]
    spec["entity_type"] = card.entity_type.value if card.entity_type else None
    spec["attributes"] = dict(card.attributes)
    return spec


class BoardCommands:
    def __init__(self, scene: BoardScene) -> None:
        self.scene = scene
        self.service = scene.service
        self.board_id = scene.board_id
        # Brings new cards into view; the view sets it (see BoardView.show_cards).
        self.reveal: Callable[[list[str]], None] = lambda card_ids: None
        # Where a refusal that is not raised goes (an import reports each file's);
        # the view sets it to its error signal. None: the importer's own box.
        self.report: Callable[[str], None] | None = None

    # -- where new cards go ---------------------------------------------------------

    def cards_near(self, rect: Rect) -> list[Rect]:
        """The rectangles of the cards meeting ``rect`` (an ``obstacles_in`` for model.placement)."""
        return [item.geometry for item in self.scene.cards_in(QRectF(*rect))]

    def free_top_left(self, width: float, height: float, centre: QPointF) -> tuple[float, float]:
        """Where a card of this size goes: centred on ``centre`` if that is free,
        else in the nearest free space."""
        return nearest_free(width, height, centre.x() - width / 2, centre.y() - height / 2, self.cards_near,
                            bounds=self._board_bounds())

    def _board_bounds(self) -> Rect | None:
        bounds = self.scene.cards_bounds()
        return None if bounds.isEmpty() else (bounds.x(), bounds.y(), bounds.width(), bounds.height())

    # -- creating ---------------------------------------------------------------

    def add_card(self, kind: CardKind, centre: QPointF, **fields: Any) -> str:
        """A new card centred on ``centre``; returns its id and selects it."""
        width, height = DEFAULT_SIZES[kind]
        fields.setdefault("title", f"New {CARD_KINDS[kind].label.lower()}")  # "New note", "New group"
        if kind is CardKind.ENTITY:
            fields.setdefault("entity_type", "person")
        x, y = self.free_top_left(width, height, centre)
        changes = self.service.create_card(kind, board_id=self.board_id, x=x, y=y, **fields)
        card_id = changes.created[0]
        self.select([card_id])
        self.reveal([card_id])
        return card_id

    def group_selection(self, title: str = "New group") -> str | None:
        """A group frame around the selected cards, holding them: one undo step."""
        items = [i for i in self.scene.selected_cards() if i.placement.group_id is None or
                 i.placement.group_id not in {s.card_id for s in self.scene.selected_cards()}]
        if not items:
            return None
        bounds = items[0].card_rect()
        for item in items[1:]:
            bounds = bounds.united(item.card_rect())
        frame = bounds.adjusted(-30, -60, 30, 30)
        with self.service.batch(f"Group {len(items)} card(s)"):
            group_id = self.service.create_card(CardKind.GROUP, board_id=self.board_id, title=title,
                                                x=frame.x(), y=frame.y(), width=frame.width(),
                                                height=frame.height()).created[0]
            self.service.set_group(self.board_id, [i.card_id for i in items], group_id)
        self.select([group_id])
        return group_id

    def add_photo(self, image: QImage, centre: QPointF, title: str = "Pasted image") -> str:
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        buffer.close()
        width, height = DEFAULT_SIZES[CardKind.PHOTO]
        if image.width() > 0 and image.height() > 0:
            height = min(360.0, width * image.height() / image.width() + 50)
        x, y = self.free_top_left(width, height, centre)
        with self.service.batch(f"Paste {title}"):
            attachment = self.service.add_attachment(bytes(data.data()), "image/png")
            changes = self.service.create_card(CardKind.PHOTO, board_id=self.board_id, title=title,
                                               attachment_id=attachment, x=x, y=y, width=width, height=height)
        card_id = changes.created[0]
        self.select([card_id])
        self.reveal([card_id])
        return card_id

    def add_note_from_text(self, text: str, centre: QPointF) -> str:
        text = text.strip()
        first, _, rest = text.partition("\n")
        if len(first) > 80:
            title, body = "", text
        else:
            title, body = first.strip(), rest.strip()
        return self.add_card(CardKind.NOTE, centre, title=title, text=body)

    # -- selection --------------------------------------------------------------

    def select(self, card_ids: list[str]) -> None:
        self.scene.clearSelection()
        for card_id in card_ids:
            item = self.scene.cards.get(card_id)
            if item is not None:
                item.setSelected(True)
        self.scene.selection_changed_in_overview()

    def select_all(self) -> None:
        for item in self.scene.cards.values():
            item.setSelected(True)
        self.scene.selection_changed_in_overview()

    def selected_ids(self) -> list[str]:
        return [item.card_id for item in self.scene.selected_cards()]

    # -- editing the selection ----------------------------------------------------

    def delete_selection(self) -> None:
        cards = self.selected_ids()
        links = [item.link_id for item in self.scene.selected_links()
                 if item.source.card_id not in cards and item.target.card_id not in cards]
        if cards and links:
            with self.service.batch(f"Delete {len(cards)} card(s) and {len(links)} link(s)"):
                self.service.delete_links(links)
                self.service.delete_cards(cards)
        elif cards:
            self.service.delete_cards(cards)
        elif links:
            self.service.delete_links(links)

    def duplicate_selection(self) -> list[str]:
        """Copies of the selected cards (and the links among them), as one
        block in the free space nearest the originals, just below-right."""
        items = self.scene.selected_cards()
        specs = [card_spec(i.card) | self._geometry(i, 0) for i in items]
        return self._recreate(self._in_free_space(specs, PASTE_OFFSET, PASTE_OFFSET),
                              f"Duplicate {len(items)} card(s)", [i.card_id for i in items])

    def _in_free_space(self, specs: list[dict], dx: float, dy: float) -> list[dict]:
        """The specs moved by (dx, dy), then, as one block, to the nearest
        place where the block covers no card."""
        if not specs:
            return specs
        left = min(c["x"] for c in specs) + dx
        top = min(c["y"] for c in specs) + dy
        width = max(c["x"] + c["width"] for c in specs) + dx - left
        height = max(c["y"] + c["height"] for c in specs) + dy - top
        x, y = nearest_free(width, height, left, top, self.cards_near, bounds=self._board_bounds())
        return [dict(c, x=c["x"] + dx + x - left, y=c["y"] + dy + y - top) for c in specs]

    def _geometry(self, item: CardItem, offset: float) -> dict:
        p = item.placement
        return {"x": p.x + offset, "y": p.y + offset, "width": p.width, "height": p.height}

    def _recreate(self, specs: list[dict], label: str, old_ids: list[str]) -> list[str]:
        """Create cards from specs and copy the links among the originals."""
        if not specs:
            return []
        with self.service.batch(label):
            new_ids = self.service.create_cards(specs, self.board_id).created
            mapping = dict(zip(old_ids, new_ids))
            links = [dict(from_card=mapping[l.from_card], to_card=mapping[l.to_card], label=l.label,
                          direction=l.direction.value, strength=l.strength.value, colour=l.colour)
                     for l in self.service.case.links_of(old_ids)
                     if l.from_card in mapping and l.to_card in mapping]
            if links:
                self.service.create_links(links)
        self.select(new_ids)
        self.reveal(new_ids)
        return new_ids

    def restack(self, to_front: bool) -> None:
        ids = self.selected_ids()
        if ids:
            self.service.restack(self.board_id, ids, to_front=to_front)

    def nudge(self, dx: float, dy: float) -> None:
        items = self.scene.with_members(self.scene.selected_cards())
        if items:
            positions = {i.card_id: (i.placement.x + dx, i.placement.y + dy) for i in items}
            self.service.move_cards(self.board_id, positions, merge_key=f"nudge:{self.board_id}")

    def align(self, edge: str) -> None:
        """Line up the selection on one edge: left, right, top, bottom, hcentre, vcentre."""
        items = [i for i in self.scene.selected_cards()]
        if len(items) < 2:
            return
        rects = {i.card_id: i.card_rect() for i in items}
        if edge == "left":
            value = min(r.left() for r in rects.values())
            positions = {k: (value, r.top()) for k, r in rects.items()}
        elif edge == "right":
            value = max(r.right() for r in rects.values())
            positions = {k: (value - r.width(), r.top()) for k, r in rects.items()}
        elif edge == "top":
            value = min(r.top() for r in rects.values())
            positions = {k: (r.left(), value) for k, r in rects.items()}
        elif edge == "bottom":
            value = max(r.bottom() for r in rects.values())
            positions = {k: (r.left(), value - r.height()) for k, r in rects.items()}
        elif edge == "hcentre":
            value = sum(r.center().x() for r in rects.values()) / len(rects)
            positions = {k: (value - r.width() / 2, r.top()) for k, r in rects.items()}
        else:
            value = sum(r.center().y() for r in rects.values()) / len(rects)
            positions = {k: (r.left(), value - r.height() / 2) for k, r in rects.items()}
        self.service.move_cards(self.board_id, positions)

    def distribute(self, horizontal: bool) -> None:
        """Equal gaps between the selected cards, first and last staying put."""
        items = self.scene.selected_cards()
        if len(items) < 3:
            return
        rects = sorted(((i.card_id, i.card_rect()) for i in items),
                       key=lambda e: e[1].left() if horizontal else e[1].top())
        if horizontal:
            span = rects[-1][1].right() - rects[0][1].left()
            gap = (span - sum(r.width() for _, r in rects)) / (len(rects) - 1)
            x, positions = rects[0][1].left(), {}
            for card_id, r in rects:
                positions[card_id] = (x, r.top())
                x += r.width() + gap
        else:
            span = rects[-1][1].bottom() - rects[0][1].top()
            gap = (span - sum(r.height() for _, r in rects)) / (len(rects) - 1)
            y, positions = rects[0][1].top(), {}
            for card_id, r in rects:
                positions[card_id] = (r.left(), y)
                y += r.height() + gap
        self.service.move_cards(self.board_id, positions)

    def remove_overlaps(self) -> Changes:
        """Arrange > Remove overlaps: the selected cards, or all of the board's."""
        return self.service.remove_overlaps(self.board_id, self.selected_ids() or None)

    # -- clipboard ----------------------------------------------------------------

    def copy(self) -> bool:
        items = self.scene.selected_cards()
        if not items:
            return False
        payload = {"case_id": self.service.case.case_info().get("case_id"),
                   "cards": [dict(card_spec(i.card), id=i.card_id, **self._geometry(i, 0)) for i in items]}
        mime = QMimeData()
        mime.setData(CARDS_MIME, QByteArray(json.dumps(payload).encode()))
        mime.setText("\n\n".join(filter(None, (f"{i.card.title}\n{i.card.text}".strip() for i in items))))
        QGuiApplication.clipboard().setMimeData(mime)
        return True

    def paste(self, centre: QPointF) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        if mime is None:
            return
        if mime.hasFormat(CARDS_MIME):
            payload = json.loads(bytes(mime.data(CARDS_MIME).data()).decode())
            if payload.get("case_id") == self.service.case.case_info().get("case_id"):
                self._paste_cards(payload["cards"], centre)
                return
        files = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()] if mime.hasUrls() else []
        if files:  # copied in a file manager: imported as if dropped (the importer table decides how)
            self._import_files(files, centre)
            return
        if mime.hasImage():
            image = QImage(mime.imageData())
            if not image.isNull():
                self.add_photo(image, centre)
                return
        if mime.hasText() and mime.text().strip():
            self.add_note_from_text(mime.text(), centre)

    def _import_files(self, paths: list[Path], centre: QPointF) -> None:
        from evidence_board.ui.importing import import_paths  # on first use, as the view does: the importers load late

        views = self.scene.views()
        done = import_paths(views[0] if views else None, self.service, paths, self.board_id, centre,
                            report=self.report)
        if done is not None and done.card_ids:
            self.reveal(done.card_ids)

    def _paste_cards(self, cards: list[dict], centre: QPointF) -> None:
        if not cards:
            return
        left = min(c["x"] for c in cards)
        top = min(c["y"] for c in cards)
        right = max(c["x"] + c["width"] for c in cards)
        bottom = max(c["y"] + c["height"] for c in cards)
        dx, dy = centre.x() - (left + right) / 2, centre.y() - (top + bottom) / 2
        old_ids = [c.pop("id") for c in cards]
        self._recreate(self._in_free_space(cards, dx, dy), f"Paste {len(cards)} card(s)", old_ids)
