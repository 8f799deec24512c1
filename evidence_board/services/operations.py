"""How every service call runs: one transaction, one audit event, one undo step.

A service method hands a function that writes through a RowWriter to
:meth:`OperationRunner.run`. The runner opens the transaction, records the
audit event from the writer's row images, pushes the undo step and, after the
commit, tells every listener what changed. Undo and redo replay the same row
images backwards or forwards through the same path, so they are audited too.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from evidence_board.errors import NothingToUndo, ServiceError, UnknownId
from evidence_board.services.changes import Changes
from evidence_board.store import CaseFile, now_iso
from evidence_board.store.replay import replay
from evidence_board.store.writer import RowChange, RowConflict, RowWriter

Listener = Callable[[Changes], None]
UNDO_LIMIT = 500


def default_author() -> str:
    """Who the audit trail names: EVIDENCE_BOARD_AUTHOR, else the OS user."""
    name = os.environ.get("EVIDENCE_BOARD_AUTHOR", "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@dataclass(slots=True)
class UndoStep:
    label: str
    rows: list[RowChange]
    merge_key: str | None = None


@dataclass(slots=True)
class _Batch:
    label: str
    writer: RowWriter
    created: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)


class OperationRunner:
    def __init__(self, case: CaseFile, author: str | None = None) -> None:
        self.case = case
        self.author = author or default_author()
        self._undo: list[UndoStep] = []
        self._redo: list[UndoStep] = []
        self._batch: _Batch | None = None
        self._listeners: list[Listener] = []

    # -- listeners -----------------------------------------------------

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        self._listeners.remove(listener)

    def _notify(self, changes: Changes) -> None:
        for listener in list(self._listeners):
            listener(changes)

    # -- running -------------------------------------------------------

    def run(self, label: str, action: str, work: Callable[[RowWriter, Changes], None],
            merge_key: str | None = None) -> Changes:
        """Run ``work`` as one undoable, audited step (or as part of a batch).

        ``work`` writes through the writer and may fill ``created``/``reused``
        of the Changes it is given.
        """
        extra = Changes()
        if self._batch is not None:
            start = len(self._batch.writer.changes)
            work(self._batch.writer, extra)
            self._batch.created += extra.created
            self._batch.reused += extra.reused
            changes = Changes.from_rows(self._batch.writer.changes[start:], label, action)
            changes.created, changes.reused = extra.created, extra.reused
            return changes
        with self.case.transaction():
            writer = self._open_event(label, action)
            work(writer, extra)
            event_id = writer.close_event()
        changes = Changes.from_rows(writer.changes, label, action)
        changes.event_id, changes.created, changes.reused = event_id, extra.created, extra.reused
        if writer.changes:
            self._push_undo(UndoStep(label, writer.changes, merge_key))
        if changes:
            self._notify(changes)
        return changes

    @contextlib.contextmanager
    def batch(self, label: str) -> Iterator[Changes]:
        """Make several service calls one transaction and one undo step.

        If any call fails, the whole batch is rolled back. The block is given
        an empty Changes that is filled in when the block ends, so a caller
        learns what its batch made (``with service.batch(...) as made:``)
        without listening to its own notification. A nested batch folds into
        the outer one; its Changes names what was written inside it.
        """
        made = Changes(label=label, action="batch")
        if self._batch is not None:  # nested batches fold into the outer one
            outer = self._batch
            start, created, reused = len(outer.writer.changes), len(outer.created), len(outer.reused)
            yield made
            made.fill(Changes.from_rows(outer.writer.changes[start:], label, "batch"))
            made.created, made.reused = outer.created[created:], outer.reused[reused:]
            return
        try:
            with self.case.transaction():
                self._batch = batch = _Batch(label, self._open_event(label, "batch"))
                yield made
                event_id = batch.writer.close_event()
        finally:
            self._batch = None
        changes = made
        changes.fill(Changes.from_rows(batch.writer.changes, label, "batch"))
        changes.event_id, changes.created, changes.reused = event_id, batch.created, batch.reused
        if batch.writer.changes:
            self._push_undo(UndoStep(label, batch.writer.changes))
        if changes:
            self._notify(changes)

    def _open_event(self, label: str, action: str) -> RowWriter:
        """The writer of an operation, its audit event started inside the
        transaction (see RowWriter.for_event); its close_event ends it."""
        return RowWriter.for_event(self.case.conn, now_iso(), self.author, action, label)

    # -- undo and redo -------------------------------------------------

    def _push_undo(self, step: UndoStep) -> None:
        top = self._undo[-1] if self._undo else None
        if step.merge_key and top is not None and top.merge_key == step.merge_key and not self._redo:
            # Repeated small edits (arrow-key nudges) fold into one step,
            # like QUndoCommand.mergeWith.
            top.rows = top.rows + step.rows
        else:
            self._undo.append(step)
            del self._undo[:-UNDO_LIMIT]
        self._redo.clear()

    @property
    def undo_label(self) -> str | None:
        return self._undo[-1].label if self._undo else None

    @property
    def redo_label(self) -> str | None:
        return self._redo[-1].label if self._redo else None

    def can_undo(self) -> bool:
        return bool(self._undo)

    def can_redo(self) -> bool:
        return bool(self._redo)

    def undo(self) -> Changes:
        if not self._undo:
            raise NothingToUndo("nothing to undo")
        step = self._undo[-1]
        changes = self._replay(step, forward=False)
        self._redo.append(self._undo.pop())
        self._notify(changes)  # after the stacks move: a screen asking can_redo() is told the truth
        return changes

    def redo(self) -> Changes:
        if not self._redo:
            raise NothingToUndo("nothing to redo")
        step = self._redo[-1]
        changes = self._replay(step, forward=True)
        self._undo.append(self._redo.pop())
        self._notify(changes)
        return changes

    def _replay(self, step: UndoStep, forward: bool) -> Changes:
        if self._batch is not None:
            raise ServiceError("cannot undo or redo inside a batch")
        action = "redo" if forward else "undo"
        label = f"{action.capitalize()} {step.label}"
        try:
            with self.case.transaction():
                writer = self._open_event(label, action)
                replay(writer, step.rows, forward)
                event_id = writer.close_event()
        except sqlite3.OperationalError:
            # Locked by another program, or the disk failing: nothing changed
            # under us and nothing was applied; the caller says so as it says
            # it for every other write (ui/operation.refusal_text).
            raise
        except (RowConflict, sqlite3.DatabaseError) as exc:
            # The file changed under us (another window or process): refuse
            # rather than apply half a step; the transaction rolled back.
            raise ServiceError(f"cannot {action} {step.label!r}: the case changed since ({exc})") from None
        changes = Changes.from_rows(writer.changes, label, action)
        changes.event_id = event_id
        return changes

    # -- lookups shared by the service mixins ----------------------------

    def _require(self, writer: RowWriter, table: str, key: tuple, what: str) -> dict:
        row = writer.fetch(table, key)
        if row is None:
            raise UnknownId(f"no {what} with id {'/'.join(map(str, key))}")
        return row
