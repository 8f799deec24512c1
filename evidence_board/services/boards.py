"""Service calls on boards and on where cards sit on them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from evidence_board.errors import InvalidInput, UnknownId
from evidence_board.model import DEFAULT_SIZES, CardKind, new_id
from evidence_board.services import validation as v
from evidence_board.services.changes import Changes
from evidence_board.services.operations import OperationRunner
from evidence_board.store import now_iso, queries
from evidence_board.store.writer import RowWriter

Point = tuple[float, float]


class BoardOperations(OperationRunner):
    # -- boards ----------------------------------------------------------

    def _check_board_name(self, name: str, except_id: str | None = None) -> str:
        name = " ".join((name or "").split())
        if not name:
            raise InvalidInput("a board needs a name")
        for board in self.case.boards():
            if board.id != except_id and board.name.casefold() == name.casefold():
                raise InvalidInput(f"there is already a board named {board.name!r}")
        return name

    def create_board(self, name: str) -> Changes:
        name = self._check_board_name(name)

        def work(w: RowWriter, ch: Changes) -> None:
            order = queries.next_board_order(w.conn)
            board_id = new_id()
            w.insert("boards", {"id": board_id, "name": name, "sort_order": order,
                                "created_at": now_iso(), "created_by": self.author})
            ch.created.append(board_id)

        return self.run(f"Add board {name}", "create_board", work)

    def rename_board(self, board_id: str, name: str) -> Changes:
        name = self._check_board_name(name, except_id=board_id)

        def work(w: RowWriter, ch: Changes) -> None:
            self._require(w, "boards", (board_id,), "board")
            w.update("boards", (board_id,), {"name": name})

        return self.run(f"Rename board to {name}", "rename_board", work)

    def delete_board(self, board_id: str) -> Changes:
        """Delete a board and its placements; the cards stay in the case."""

        def work(w: RowWriter, ch: Changes) -> None:
            board = self._require(w, "boards", (board_id,), "board")
            if queries.board_count(w.conn) <= 1:
                raise InvalidInput(f"cannot delete {board['name']!r}: a case keeps at least one board")
            for card_id in queries.card_ids_on_board(w.conn, board_id):
                w.delete("placements", (board_id, card_id))
            w.delete("boards", (board_id,))

        return self.run("Delete board", "delete_board", work)

    def set_case_title(self, title: str) -> Changes:
        title = " ".join((title or "").split())
        if not title:
            raise InvalidInput("a case needs a title")
        return self.run(f"Rename case to {title}", "set_case_title",
                        lambda w, ch: w.update("case_info", ("title",), {"value": title}))

    # -- placements ------------------------------------------------------

    def place_cards(self, board_id: str, positions: Mapping[str, Point]) -> Changes:
        """Put existing cards (from another board, or none) on this board."""

        def work(w: RowWriter, ch: Changes) -> None:
            board = self._require(w, "boards", (board_id,), "board")
            z = queries.max_z(w.conn, board_id)
            z = 0 if z is None else z
            for card_id, (x, y) in positions.items():
                card = self._require(w, "cards", (card_id,), "card")
                if w.fetch("placements", (board_id, card_id)) is not None:
                    raise InvalidInput(f"{card['title'] or card_id!r} is already on {board['name']!r}")
                width, height = DEFAULT_SIZES[CardKind(card["kind"])]
                other = queries.size_elsewhere(w.conn, card_id)
                if other:  # keep the size it has elsewhere
                    width, height = other
                z += 1
                w.insert("placements", {"board_id": board_id, "card_id": card_id,
                                        "x": v.coordinate(x, "x"), "y": v.coordinate(y, "y"),
                                        "width": width, "height": height, "z": z, "group_id": None})

        return self.run(self._placing_label("Place", positions, "on", board_id), "place_cards", work)

    def block_in_free_space(self, board_id: str, rects: Mapping[str, tuple[float, float, float, float]]
                            ) -> dict[str, Point]:
        """Top-lefts for these cards (x, y, width, height) moved as one block, their
        layout kept, to the free space of the board nearest where the block is now."""
        left = min(x for x, _y, _w, _h in rects.values())
        top = min(y for _x, y, _w, _h in rects.values())
        width = max(x + w for x, _y, w, _h in rects.values()) - left
        height = max(y + h for _x, y, _w, h in rects.values()) - top
        x, y = self.free_spot(board_id, width, height, left, top)  # PlacementOperations, in CaseService
        return {card_id: (cx + x - left, cy + y - top) for card_id, (cx, cy, _w, _h) in rects.items()}

    def _placing_label(self, verb: str, card_ids: Iterable[str], preposition: str, board_id: str) -> str:
        """"Place Raúl Castro on Timeline", "Remove 3 cards from Board 1": what Undo will say."""
        ids = list(card_ids)
        board = self.case.board(board_id)
        where = f" {preposition} {board.name}" if board is not None else ""
        if len(ids) == 1:
            card = self.case.card(ids[0])
            what = (card.title or card.kind.value) if card is not None else "1 card"
        else:
            what = f"{len(ids)} cards"
        return f"{verb} {what}{where}"

    def remove_from_board(self, board_id: str, card_ids: str | Iterable[str]) -> Changes:
        """Take cards off one board; they stay in the case and on other boards."""
        ids = v.ids(card_ids)

        def work(w: RowWriter, ch: Changes) -> None:
            for card_id in ids:
                self._require(w, "placements", (board_id, card_id), "card on this board")
            for card_id in ids:
                for member in queries.members_of_group(w.conn, board_id, card_id):
                    w.update("placements", (board_id, member), {"group_id": None})
                w.delete("placements", (board_id, card_id))

        return self.run(self._placing_label("Remove", ids, "from", board_id), "remove_from_board", work)

    def move_cards(self, board_id: str, positions: Mapping[str, Point],
                   merge_key: str | None = None) -> Changes:
        """Move cards to new top-left positions: one step however many cards."""

        values = {(board_id, card_id): {"x": v.coordinate(x, "x"), "y": v.coordinate(y, "y")}
                  for card_id, (x, y) in positions.items()}

        def work(w: RowWriter, ch: Changes) -> None:
            missing = w.update_many("placements", values)
            if missing:
                raise UnknownId(f"no card on this board with id {missing[0][1]}")

        n = len(positions)
        return self.run("Move card" if n == 1 else f"Move {n} cards", "move_cards", work, merge_key)

    def set_geometry(self, board_id: str, card_id: str, x: float, y: float,
                     width: float, height: float) -> Changes:
        """Resize (and possibly move) one card on one board."""
        width, height = v.number(width, "width"), v.number(height, "height")
        if width < 20 or height < 20:
            raise InvalidInput("a card is at least 20 x 20")
        width, height = v.side(width, "width"), v.side(height, "height")

        def work(w: RowWriter, ch: Changes) -> None:
            self._require(w, "placements", (board_id, card_id), "card on this board")
            w.update("placements", (board_id, card_id), {"x": v.coordinate(x, "x"), "y": v.coordinate(y, "y"),
                                                         "width": width, "height": height})

        return self.run("Resize card", "set_geometry", work)

    def restack(self, board_id: str, card_ids: str | Iterable[str], to_front: bool = True) -> Changes:
        """Bring cards to the front (or send them to the back), keeping their order."""
        ids = v.ids(card_ids)

        def work(w: RowWriter, ch: Changes) -> None:
            lo, hi = queries.z_range(w.conn, board_id)
            rows = [self._require(w, "placements", (board_id, c), "card on this board") for c in ids]
            rows.sort(key=lambda r: r["z"])
            for i, row in enumerate(rows):
                z = hi + 1 + i if to_front else lo - len(rows) + i
                w.update("placements", (board_id, row["card_id"]), {"z": float(z)})

        return self.run("Bring to front" if to_front else "Send to back", "restack", work)

    def set_group(self, board_id: str, card_ids: str | Iterable[str], group_id: str | None) -> Changes:
        """Put cards inside a group frame on this board (None takes them out)."""
        ids = v.ids(card_ids)

        def work(w: RowWriter, ch: Changes) -> None:
            if group_id is not None:
                group = self._require(w, "cards", (group_id,), "card")
                if group["kind"] != CardKind.GROUP.value:
                    raise InvalidInput(f"{group['title']!r} is not a group")
                self._require(w, "placements", (board_id, group_id), "group on this board")
            for card_id in ids:
                if card_id == group_id:
                    raise InvalidInput("a group cannot hold itself")
                self._require(w, "placements", (board_id, card_id), "card on this board")
                if group_id is not None and self._inside(w, board_id, group_id, card_id):
                    raise InvalidInput("a group cannot hold a group it is inside")
                w.update("placements", (board_id, card_id), {"group_id": group_id})

        return self.run("Group cards" if group_id else "Ungroup cards", "set_group", work)

    @staticmethod
    def _inside(w: RowWriter, board_id: str, card_id: str, outer_id: str) -> bool:
        """Is card_id (transitively) inside outer_id on this board?"""
        seen = set()
        current: str | None = card_id
        while current is not None and current not in seen:
            seen.add(current)
            row = w.fetch("placements", (board_id, current))
            current = row["group_id"] if row else None
            if current == outer_id:
                return True
        return False
