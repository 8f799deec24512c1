"""What a service call changed, so a view can refresh exactly that."""

from __future__ import annotations

from dataclasses import dataclass, field

from evidence_board.store.writer import RowChange


@dataclass(slots=True)
class Changes:
    """The ids touched by one service call (or undo/redo, or batch).

    ``created`` lists new records in the order the call made them (the id of
    a new card is ``changes.created[0]``); ``reused`` lists existing records
    a call returned instead of creating (a source imported twice).
    """

    label: str = ""
    action: str = ""  # the service action, or "undo"/"redo"
    event_id: int | None = None  # the audit event that recorded it
    cards: set[str] = field(default_factory=set)
    links: set[str] = field(default_factory=set)
    boards: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)
    placements: set[tuple[str, str]] = field(default_factory=set)  # (board_id, card_id)
    case_info: bool = False
    created: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    rows: list[RowChange] = field(default_factory=list)

    @classmethod
    def from_rows(cls, rows: list[RowChange], label: str = "", action: str = "") -> Changes:
        changes = cls(label=label, action=action, rows=list(rows))
        for row in rows:
            if row.table == "cards":
                changes.cards.add(row.key[0])
            elif row.table == "links":
                changes.links.add(row.key[0])
            elif row.table == "boards":
                changes.boards.add(row.key[0])
            elif row.table in ("sources", "source_pages"):
                changes.sources.add(row.key[0])
            elif row.table == "placements":
                changes.placements.add((row.key[0], row.key[1]))
            elif row.table == "case_info":
                changes.case_info = True
        return changes

    def fill(self, other: Changes) -> None:
        """Take every field of ``other`` (a batch fills the Changes it yielded)."""
        for name in self.__slots__:
            setattr(self, name, getattr(other, name))

    def __bool__(self) -> bool:
        return bool(self.rows or self.reused)

    def deleted(self, table: str) -> set[str]:
        """Ids of rows of ``table`` that this change removed (and did not re-add)."""
        gone: set[str] = set()
        for row in self.rows:
            if row.table != table:
                continue
            key = row.key[0] if len(row.key) == 1 else row.key
            if row.op == "delete":
                gone.add(key)
            elif row.op == "insert":
                gone.discard(key)
        return gone
