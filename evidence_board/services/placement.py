"""Where new cards go on a board, and taking overlapping cards apart.

The geometry is in ``model.placement``; this reads where the cards of a
board are (one query, no card rows) and writes the result as one step.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from evidence_board.errors import UnknownId
from evidence_board.model.placement import GAP, RectGrid, grid_layout, nearest_free, separate
from evidence_board.services import validation as v
from evidence_board.services.changes import Changes
from evidence_board.services.operations import OperationRunner
from evidence_board.store.writer import RowWriter


class PlacementOperations(OperationRunner):
    def board_grid(self, board_id: str) -> RectGrid:
        """The cards of a board as rectangles to keep clear of."""
        return RectGrid({card_id: (p.x, p.y, p.width, p.height)
                         for card_id, p in self.case.board_placements(board_id).items()})

    def free_spot(self, board_id: str, width: float, height: float, x: float, y: float,
                  gap: float = GAP, grid: RectGrid | None = None) -> tuple[float, float]:
        """The top-left nearest to (x, y) where a card of this size covers no card of the board."""
        grid = grid if grid is not None else self.board_grid(board_id)
        return nearest_free(width, height, x, y, grid, gap)

    def free_grid(self, board_id: str, sizes: Sequence[tuple[float, float]], x: float, y: float,
                  gap: float = GAP, centred: bool = False) -> list[tuple[float, float]]:
        """Top-lefts for items laid out in a tidy grid, the whole grid in free
        space nearest to (x, y): its top-left, or its centre if ``centred``."""
        offsets, (width, height) = grid_layout(sizes, gap)
        if centred:
            x, y = x - width / 2, y - height / 2
        left, top = self.free_spot(board_id, width, height, x, y, gap)
        return [(left + dx, top + dy) for dx, dy in offsets]

    def remove_overlaps(self, board_id: str, card_ids: Iterable[str] | None = None) -> Changes:
        """Move overlapping cards apart by as little as it takes: the given
        cards (and what their frames hold), or every card of the board.
        One step; no change at all if nothing overlaps."""
        if self.case.board(board_id) is None:
            raise UnknownId(f"no board with id {board_id}")
        placements = self.case.board_placements(board_id)
        rects = {card_id: (p.x, p.y, p.width, p.height) for card_id, p in placements.items()}
        parents = {card_id: p.group_id for card_id, p in placements.items()}
        movable = None if card_ids is None else v.ids(list(card_ids))
        positions = separate(rects, parents, movable)
        if not positions:
            return Changes()
        values = {(board_id, card_id): {"x": v.coordinate(x, "x"), "y": v.coordinate(y, "y")}
                  for card_id, (x, y) in positions.items()}

        def work(w: RowWriter, ch: Changes) -> None:
            w.update_many("placements", values)

        n = len(positions)
        return self.run(f"Remove overlaps ({n} card{'s' if n != 1 else ''} moved)", "remove_overlaps", work)
