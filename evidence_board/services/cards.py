"""Service calls on cards: create, edit, tag, grade, delete."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from evidence_board.errors import InvalidInput, UnknownId
from evidence_board.model import DEFAULT_SIZES, CardKind, new_ids
from evidence_board.services import validation as v
from evidence_board.services.changes import Changes
from evidence_board.services.operations import OperationRunner
from evidence_board.store import now_iso, queries
from evidence_board.store.writer import RowWriter

_UNCHANGED: Any = object()
_KINDS = {k.value: k for k in CardKind}  # a dict lookup: CardKind(value) is slow, and runs per card
_JSON_FIELDS = ("tags", "regions", "attributes")  # stored as JSON text, passed to the checks as values

# Every column of a new card, so all rows of a bulk insert have the same shape.
_EMPTY_CARD: dict[str, Any] = {
    "title": "", "text": "", "colour": "", "tags": "[]", "reliability": None, "credibility": None,
    "source_id": None, "page": None, "regions": "[]", "entity_type": None, "attributes": "{}",
    "date_start": None, "date_end": None, "attachment_id": None,
}


class CardOperations(OperationRunner):
    def create_card(self, kind: CardKind | str, *, board_id: str | None = None,
                    x: float = 0.0, y: float = 0.0, width: float | None = None,
                    height: float | None = None, **fields: Any) -> Changes:
        """Create a card, optionally placed on a board. ``changes.created[0]`` is its id."""
        spec = dict(fields, kind=kind, x=x, y=y, width=width, height=height)
        kind_value = v.enum_value(CardKind, kind, "card kind")
        label = f"Add {kind_value} {fields.get('title') or ''}".strip()
        return self.run(label, "create_card", lambda w, ch: self._create_cards(w, ch, [spec], board_id))

    def create_cards(self, specs: Iterable[Mapping[str, Any]], board_id: str | None = None) -> Changes:
        """Create many cards in one step: each spec holds ``kind``, card fields and x/y/width/height."""
        specs = list(specs)
        return self.run(f"Add {len(specs)} cards", "create_cards",
                        lambda w, ch: self._create_cards(w, ch, specs, board_id))

    def _create_cards(self, w: RowWriter, ch: Changes, specs: list[Mapping[str, Any]],
                      board_id: str | None) -> None:
        if board_id is not None:
            self._require(w, "boards", (board_id,), "board")
            z = self._top_z(board_id)
        at = now_iso()
        known: set[tuple[str, Any]] = set()
        fresh = iter(new_ids(len(specs)))
        cards, placements = [], []
        for spec in specs:
            spec = dict(spec)
            kind = _KINDS[v.enum_value(CardKind, spec.pop("kind", None), "card kind")]
            geometry = {k: spec.pop(k, None) for k in ("x", "y", "width", "height")}
            card_id = spec.pop("id", None) or next(fresh)
            row = {**_EMPTY_CARD, **v.card_columns(spec)}
            v.check_card(kind, row)
            self._check_references(w, row, known)
            cards.append({"id": card_id, "kind": kind.value, **row, "created_at": at,
                          "created_by": self.author, "modified_at": at, "modified_by": self.author})
            ch.created.append(card_id)
            if board_id is not None:
                dw, dh = DEFAULT_SIZES[kind]
                z += 1
                placements.append({
                    "board_id": board_id, "card_id": card_id,
                    "x": v.coordinate(geometry["x"] or 0.0, "x"), "y": v.coordinate(geometry["y"] or 0.0, "y"),
                    "width": v.side(max(20.0, v.number(geometry["width"] or dw, "width")), "width"),
                    "height": v.side(max(20.0, v.number(geometry["height"] or dh, "height")), "height"),
                    "z": z, "group_id": None,
                })
        w.insert_many("cards", cards)
        w.insert_many("placements", placements)

    def _check_references(self, w: RowWriter, row: Mapping[str, Any], known: set) -> None:
        """A card may only point at a source or attachment that exists."""
        if row.get("source_id") and ("s", row["source_id"]) not in known:
            self._require(w, "sources", (row["source_id"],), "source")
            known.add(("s", row["source_id"]))
        if row.get("attachment_id") is not None and ("a", row["attachment_id"]) not in known:
            if not queries.attachment_exists(w.conn, row["attachment_id"]):
                raise UnknownId(f"no attachment with id {row['attachment_id']}")
            known.add(("a", row["attachment_id"]))

    def _top_z(self, board_id: str) -> float:
        return float(queries.max_z(self.case.conn, board_id) or 0.0)

    def update_card(self, card_id: str, **fields: Any) -> Changes:
        """Change any card fields (title, text, tags, grading, dates...); kind stays."""
        cols = v.card_columns(fields)
        title = fields.get("title") or self._card_title(card_id)
        return self.run(f"Edit {title}".strip(), "update_card", lambda w, ch: self._update(w, card_id, cols))

    def _update(self, w: RowWriter, card_id: str, cols: Mapping[str, Any]) -> None:
        old = self._require(w, "cards", (card_id,), "card")
        merged = {**old, **cols}
        v.check_card(CardKind(old["kind"]), merged)
        self._check_references(w, cols, set())
        self._touch(w, card_id, cols)

    def restore_card_version(self, card_id: str, event_id: int) -> Changes:
        """Give a card back the fields it had right after audit event ``event_id``.

        An ordinary edit through the same checks as update_card: one audit
        event that names the version, one undo step; later history stays.
        Only what a user edits comes back (not the kind, nor where it sits).
        """
        if self.case.card(card_id) is None:
            raise UnknownId(f"no card with id {card_id} (a deleted card comes back with Undo)")
        try:
            then = self.case.card_as_of(card_id, event_id)
        except KeyError:
            raise UnknownId(f"no change #{event_id} in the audit trail") from None
        if then is None:
            raise InvalidInput(f"the card did not exist right after change #{event_id}")
        try:  # an audit image from a crafted file: opening holds it to one flat object, no more
            fields = {name: json.loads(then[name]) if name in _JSON_FIELDS else then[name]
                      for name in v.CARD_FIELDS if name in then}
        except (TypeError, ValueError, RecursionError):
            raise InvalidInput(f"change #{event_id} in the audit trail does not hold a card this version "
                               "can read") from None
        cols = v.card_columns(fields)
        event = self.case.audit_events(event_ids=[event_id])[0]
        title = then.get("title") or self._card_title(card_id) or "card"
        return self.run(f"Restore {title} as of {event.at[:16].replace('T', ' ')} UTC", "restore_card_version",
                        lambda w, ch: self._update(w, card_id, cols))

    def _touch(self, w: RowWriter, card_id: str, cols: Mapping[str, Any]) -> None:
        """Update a card's columns and, only if something changed, its modified stamp."""
        old = self._require(w, "cards", (card_id,), "card")
        if any(old.get(k) != value for k, value in cols.items()):
            w.update("cards", (card_id,), {**cols, "modified_at": now_iso(), "modified_by": self.author})

    def _card_title(self, card_id: str) -> str:
        return queries.card_title(self.case.conn, card_id)

    def tag_cards(self, card_ids: str | Iterable[str], add: Iterable[str] = (),
                  remove: Iterable[str] = ()) -> Changes:
        ids, add, remove = v.ids(card_ids), v.tags(list(add)), set(v.tags(list(remove)))

        def work(w: RowWriter, ch: Changes) -> None:
            for card_id in ids:
                old = self._require(w, "cards", (card_id,), "card")
                current = [t for t in v.tags(json.loads(old["tags"])) if t not in remove]
                current += [t for t in add if t not in current]
                self._touch(w, card_id, {"tags": v.dumps(current)})

        return self.run(f"Tag {len(ids)} card(s)", "tag_cards", work)

    def grade_cards(self, card_ids: str | Iterable[str], reliability: Any = _UNCHANGED,
                    credibility: Any = _UNCHANGED) -> Changes:
        """Set the Admiralty grading (A-F, 1-6; None clears) of one or more cards."""
        values = {}
        if reliability is not _UNCHANGED:
            values["reliability"] = reliability
        if credibility is not _UNCHANGED:
            values["credibility"] = credibility
        cols = v.card_columns(values)
        ids = v.ids(card_ids)

        def work(w: RowWriter, ch: Changes) -> None:
            for card_id in ids:
                self._require(w, "cards", (card_id,), "card")
                self._touch(w, card_id, cols)

        return self.run(f"Grade {len(ids)} card(s)", "grade_cards", work)

    def delete_cards(self, card_ids: str | Iterable[str]) -> Changes:
        """Delete cards from the case, with their links and placements.

        Undo brings all of it back. Cards inside a deleted group stay, outside it.
        """
        ids = v.ids(card_ids)
        if not ids:
            raise InvalidInput("no cards to delete")

        def work(w: RowWriter, ch: Changes) -> None:
            cards = w.fetch_many("cards", [(card_id,) for card_id in ids])
            for card_id in ids:
                if (card_id,) not in cards:
                    raise UnknownId(f"no card with id {card_id}")
            self._delete_card_rows(w, ids, cards)

        label = f"Delete {self._card_title(ids[0])}" if len(ids) == 1 else f"Delete {len(ids)} cards"
        return self.run(label, "delete_cards", work)

    def _delete_card_rows(self, w: RowWriter, ids: list[str], cards: dict[tuple, dict[str, Any]] | None = None
                          ) -> None:
        """Delete existing cards (``cards``: their rows, if the writer has
        read them already) and everything that goes with them, read and written in bulk
        (selecting all of a big board and deleting it is one call): their
        links, the placements they frame (freed, not deleted), then their own
        placements, then the cards. Each row is read once, with the rows to
        delete, not found by key first and read again."""
        w.delete_rows("links", w.fetch_where("links", ("from_card", "to_card"), ids))
        framed = queries.placement_keys_framed_by(w.conn, ids)
        w.update_many("placements", {key: {"group_id": None} for key in framed})
        w.delete_rows("placements", w.fetch_where("placements", ("card_id",), ids))
        w.delete_rows("cards", w.fetch_many("cards", [(card_id,) for card_id in ids]) if cards is None else cards)
