"""Service calls on links: labeled, directed connections between two cards."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from evidence_board.errors import InvalidInput
from evidence_board.model import new_ids
from evidence_board.services import validation as v
from evidence_board.services.changes import Changes
from evidence_board.services.operations import OperationRunner
from evidence_board.store import now_iso, queries
from evidence_board.store.writer import RowWriter


# The columns a new link has unless its spec says otherwise.
_NEW_LINK = {"label": "", "direction": "forward", "strength": "confirmed", "colour": ""}


class LinkOperations(OperationRunner):
    def create_link(self, from_card: str, to_card: str, label: str = "", *,
                    direction: str = "forward", strength: str = "confirmed",
                    colour: str = "") -> Changes:
        """Link two cards; ``changes.created[0]`` is the new link's id."""
        spec = {"from_card": from_card, "to_card": to_card, "label": label,
                "direction": direction, "strength": strength, "colour": colour}
        return self.run(f"Link {label}".strip(), "create_link", lambda w, ch: self._create_links(w, ch, [spec]))

    def create_links(self, specs: Iterable[Mapping[str, Any]]) -> Changes:
        specs = list(specs)
        return self.run(f"Add {len(specs)} links", "create_links", lambda w, ch: self._create_links(w, ch, specs))

    def _create_links(self, w: RowWriter, ch: Changes, specs: list[Mapping[str, Any]]) -> None:
        at = now_iso()
        # Check every end card exists with one query per 500, not one per link.
        ends = list({c for s in specs for c in (s.get("from_card"), s.get("to_card")) if c})
        known = queries.existing_card_ids(w.conn, ends)
        fresh = iter(new_ids(len(specs)))
        rows = []
        for spec in specs:
            spec = dict(spec)
            a, b = spec.pop("from_card", None), spec.pop("to_card", None)
            link_id = spec.pop("id", None) or next(fresh)
            if not a or not b:
                raise InvalidInput("a link needs the card it starts from and the card it goes to")
            if a == b:
                raise InvalidInput("a link cannot go from a card to itself")
            for card_id in (a, b):
                if card_id not in known:
                    self._require(w, "cards", (card_id,), "card")
                    known.add(card_id)
            rows.append({
                "id": link_id, "from_card": a, "to_card": b, **_NEW_LINK, **v.link_columns(spec),
                "created_at": at, "created_by": self.author, "modified_at": at, "modified_by": self.author,
            })
            ch.created.append(link_id)
        w.insert_many("links", rows)

    def update_link(self, link_id: str, **fields: Any) -> Changes:
        """Change a link's label, direction, strength or colour."""
        cols = v.link_columns(fields)

        def work(w: RowWriter, ch: Changes) -> None:
            old = self._require(w, "links", (link_id,), "link")
            if any(old[k] != value for k, value in cols.items()):
                w.update("links", (link_id,), {**cols, "modified_at": now_iso(), "modified_by": self.author})

        return self.run("Edit link", "update_link", work)

    def reverse_link(self, link_id: str) -> Changes:
        def work(w: RowWriter, ch: Changes) -> None:
            old = self._require(w, "links", (link_id,), "link")
            w.update("links", (link_id,), {"from_card": old["to_card"], "to_card": old["from_card"],
                                            "modified_at": now_iso(), "modified_by": self.author})

        return self.run("Reverse link", "reverse_link", work)

    def delete_links(self, link_ids: str | Iterable[str]) -> Changes:
        ids = v.ids(link_ids)

        def work(w: RowWriter, ch: Changes) -> None:
            for link_id in ids:
                self._require(w, "links", (link_id,), "link")
                w.delete("links", (link_id,))

        return self.run("Delete link" if len(ids) == 1 else f"Delete {len(ids)} links", "delete_links", work)
