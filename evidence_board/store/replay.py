"""Replaying recorded row changes: undo (backward) and redo (forward).

An undo step is the list of RowChanges its writer recorded. Replaying it
writes each change's target image through a new writer, which records (and
audits) the replay in turn. Every row is first checked to be exactly as the
change left it: an undo never overwrites an edit made since in another
window or process (RowConflict instead, and the caller rolls back).

Runs of the same effect on distinct rows of one table go through the
writer's bulk paths: undoing an import of 10,000 cards deletes 40,000 rows,
which one statement per row made a wait of seconds.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from evidence_board.store.writer import FTS_INDEXES, RowChange, RowConflict, RowWriter, row_differs


def _effect(change: RowChange, forward: bool) -> str:
    """What replaying ``change`` does to its row: insert, update or delete."""
    if change.op == "update":
        return "update"
    return change.op if forward else ("delete" if change.op == "insert" else "insert")


def replay(writer: RowWriter, changes: list[RowChange], forward: bool) -> None:
    """Replay a whole undo step, in order (backward: last change first)."""
    ordered = changes if forward else changes[::-1]
    start = 0
    while start < len(ordered):
        first = ordered[start]
        effect = _effect(first, forward)
        end = start + 1
        if effect != "update" or first.table not in FTS_INDEXES:
            keys = {first.key}
            while (end < len(ordered) and ordered[end].table == first.table
                   and _effect(ordered[end], forward) == effect and ordered[end].key not in keys):
                keys.add(ordered[end].key)
                end += 1
        if end - start == 1:
            replay_one(writer, first, forward)
        else:
            _replay_run(writer, effect, ordered[start:end], forward)
        start = end


def _replay_run(writer: RowWriter, effect: str, run: list[RowChange], forward: bool) -> None:
    table = run[0].table
    targets = {c.key: (c.after if forward else c.before) for c in run}
    sources = {c.key: (c.before if forward else c.after) for c in run}
    if effect == "update":
        if writer.update_many(table, targets, expected=sources):
            raise RowConflict(f"{table}: rows are gone")
    elif effect == "delete":
        if writer.delete_many(table, targets, expected=sources):
            raise RowConflict(f"{table}: rows are gone")
    else:
        # A row back in its place since (made again elsewhere) is refused by
        # the table's own key (every key is a PRIMARY KEY or UNIQUE): reading
        # the keys first to look for one was 5% of undoing a big delete.
        try:
            _insert_runs(writer, table, run, targets)
        except sqlite3.IntegrityError as exc:
            raise RowConflict(f"{table}: {exc}") from None


def _insert_runs(writer: RowWriter, table: str, run: list[RowChange], targets: dict[tuple, dict[str, Any]]) -> None:
    """Insert the target rows of a run, each stretch of one shape on its own:
    insert_many wants rows of one shape, and rows recorded by different calls
    may differ. A row's image is the one its change filed, of the same dict
    (undo of a delete: its before; redo of an insert: its after)."""
    rows: list[dict[str, Any]] = []
    images: list[str | None] = []
    for change in run:
        row = targets[change.key]
        if rows and tuple(row) != tuple(rows[0]):
            writer.insert_many(table, rows, images)
            rows, images = [], []
        rows.append(row)
        images.append(change.image)
    writer.insert_many(table, rows, images)


def replay_one(writer: RowWriter, change: RowChange, forward: bool) -> None:
    """Replay one recorded change (forward: redo) or its inverse (undo)."""
    target = change.after if forward else change.before
    source = change.before if forward else change.after
    if source is None and target is not None:
        if writer.fetch(change.table, change.key) is not None:
            raise RowConflict(f"{change.table} {change.key} exists again")
        writer.insert(change.table, target)
        return
    current = writer.fetch(change.table, change.key)
    if current is None:
        raise RowConflict(f"{change.table} {change.key} is gone")
    if row_differs(current, source):
        raise RowConflict(f"{change.table} {change.key} was changed since")
    if target is None:
        writer.delete(change.table, change.key)
    else:
        writer.update(change.table, change.key, target)
