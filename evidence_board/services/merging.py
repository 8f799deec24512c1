"""Merge Case: bring another case file's boards, cards, links and sources in.

The other file is opened as untrusted (read-only, every check of
``store/safety.py``). Sources are matched by the SHA-256 of their bytes,
boards, cards and links by id, so merging a colleague's copy of the same
case brings only what is new, and merging the same file twice changes
nothing the second time.

When a card (or link) with the same id differs, the audit trails decide
whose version is newer: if their version is one ours went through, ours is
newer and stays; if ours is one theirs went through, theirs is newer and
replaces it. Otherwise both sides changed it, and both versions are kept
visibly: theirs comes in as a new card tagged "merge conflict", placed
beside ours and linked to it (a link in conflict comes in as a second link).
Nothing is ever deleted by a merge. The whole merge is one service call: one
transaction, one audit event, one undo step.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evidence_board.errors import InvalidInput
from evidence_board.model import limits, new_id
from evidence_board.services.changes import Changes
from evidence_board.services.operations import OperationRunner
from evidence_board.store import CaseFile, now_iso, queries
from evidence_board.store.casefile import needs_upgrade
from evidence_board.store.writer import RowWriter

CONFLICT_TAG = "merge conflict"
CARD_CONTENT = ("kind", "title", "text", "colour", "tags", "reliability", "credibility", "source_id",
                "page", "regions", "entity_type", "attributes", "date_start", "date_end", "attachment_id")
CARD_DEFAULTS = {"title": "", "text": "", "colour": "", "tags": "[]", "regions": "[]", "attributes": "{}"}
LINK_CONTENT = ("from_card", "to_card", "label", "direction", "strength", "colour")
LINK_DEFAULTS = {"label": "", "direction": "forward", "strength": "confirmed", "colour": ""}


@dataclass(slots=True)
class MergeReport:
    source_title: str = ""
    boards_added: list[str] = field(default_factory=list)
    sources_added: int = 0
    sources_reused: int = 0
    cards_added: int = 0
    cards_updated: int = 0  # theirs was newer
    cards_kept: int = 0  # ours was newer, or both the same
    card_conflicts: list[tuple[str, str]] = field(default_factory=list)  # (ours, their copy)
    links_added: int = 0
    links_updated: int = 0
    link_conflicts: list[tuple[str, str]] = field(default_factory=list)
    placements_added: int = 0
    skipped: list[str] = field(default_factory=list)
    dry_run: bool = False  # placements and conflict copies are only counted when written

    def lines(self) -> list[str]:
        lines = [
            f"boards added: {len(self.boards_added)}"
            + (f" ({', '.join(self.boards_added)})" if self.boards_added else ""),
            f"sources added: {self.sources_added}, already here: {self.sources_reused}",
            f"cards added: {self.cards_added}, updated to their newer version: {self.cards_updated}, "
            f"unchanged or newer here: {self.cards_kept}",
            f"links added: {self.links_added}, updated: {self.links_updated}",
        ]
        if not self.dry_run:
            lines.append(f"cards placed on boards: {self.placements_added}")
        if self.card_conflicts or self.link_conflicts:
            lines.append(f"changed on both sides: {len(self.card_conflicts)} card(s), "
                         f"{len(self.link_conflicts)} link(s); their versions "
                         f"{'would be' if self.dry_run else 'were'} added tagged "
                         f"{CONFLICT_TAG!r} next to yours")
        lines += [f"skipped: {s}" for s in self.skipped]
        return lines


def _conflict_label(label: str) -> str:
    return f"{label} ({CONFLICT_TAG})".strip()


class _Side:
    """One case's rows and the hashes that identify its sources and attachments."""

    def __init__(self, case: CaseFile) -> None:
        self.case = case
        conn = case.conn
        self.attachment_sha = queries.attachment_sha256s(conn)
        self.source_sha = queries.source_sha256s(conn)
        self.cards = {r["id"]: r for r in queries.card_rows(conn)}
        self.links = {r["id"]: r for r in queries.link_rows(conn)}
        self.boards = {r["id"]: r for r in queries.board_rows(conn)}

    def content(self, row: dict[str, Any], columns: tuple[str, ...], defaults: dict[str, Any]) -> tuple:
        """A row's content in terms both files share: sources and attachments by hash."""
        values = {**defaults, **{c: row.get(c) for c in columns if c in row}}
        if "source_id" in values and values["source_id"] is not None:
            values["source_id"] = self.source_sha.get(values["source_id"], "?" + str(values["source_id"]))
        if "attachment_id" in values and values["attachment_id"] is not None:
            values["attachment_id"] = self.attachment_sha.get(values["attachment_id"],
                                                              "?" + str(values["attachment_id"]))
        return tuple(values.get(c) for c in columns)

    def history(self, table: str, row_id: str, columns: tuple[str, ...],
                defaults: dict[str, Any]) -> set[tuple]:
        """Every version a row went through, rebuilt from the audit trail."""
        states: set[tuple] = set()
        state: dict[str, Any] | None = None
        for before, after in queries.audit_images(self.case.conn, table, row_id):
            try:
                after_row = json.loads(after) if after else None
                if before is None and after_row is not None:
                    state = dict(after_row)
                elif after_row is None:
                    state = None
                elif state is not None:
                    state.update(after_row)
            except (ValueError, TypeError, RecursionError):
                continue
            if state is not None:
                states.add(self.content(state, columns, defaults))
        return states


def merge_case(service: OperationRunner, other: str | Path | CaseFile,
               dry_run: bool = False) -> tuple[MergeReport, Changes]:
    """Merge another case file into the service's case as one undoable step.

    ``other`` is a path (opened read-only and checked as untrusted) or an
    open CaseFile. With ``dry_run`` nothing is written; the report says what
    a merge would do.
    """
    if isinstance(other, CaseFile):
        return _merge_from(service, other, dry_run)
    if Path(other).resolve() == Path(service.case.path).resolve():
        raise InvalidInput("cannot merge a case into itself")
    if needs_upgrade(other) is None:
        with CaseFile.open(other, read_only=True) as theirs:
            return _merge_from(service, theirs, dry_run)
    # An older file: upgrade a private copy, never the colleague's file.
    with tempfile.TemporaryDirectory(prefix="evb-merge-") as folder:
        copy = Path(folder) / Path(other).name
        shutil.copyfile(other, copy)
        with CaseFile.open(copy, allow_upgrade=True, lock=False) as theirs:
            return _merge_from(service, theirs, dry_run)


def _merge_from(service: OperationRunner, theirs_case: CaseFile, dry_run: bool) -> tuple[MergeReport, Changes]:
    report = MergeReport(source_title=theirs_case.title)
    merger = _Merger(service, _Side(service.case), _Side(theirs_case), report)
    if dry_run:
        merger.plan()
        report.dry_run = True
        report.card_conflicts = [(row["id"], "") for action, row in merger.card_actions if action == "conflict"]
        report.link_conflicts = [(row["id"], "") for action, row in merger.link_actions if action == "conflict"]
        return report, Changes()
    name = theirs_case.title or Path(theirs_case.path).name
    changes = service.run(f"Merge {name}", "merge_case", merger.apply)
    return report, changes


class _Merger:
    def __init__(self, service: OperationRunner, ours: _Side, theirs: _Side, report: MergeReport) -> None:
        self.service, self.ours, self.theirs, self.report = service, ours, theirs, report
        self.source_map: dict[str, str] = {}
        self.attachment_map: dict[int, int] = {}
        self.board_map: dict[str, str] = {}
        self.new_boards: list[dict[str, Any]] = []
        self.card_actions: list[tuple[str, dict[str, Any]]] = []  # ("add"|"update"|"conflict", their row)
        self.link_actions: list[tuple[str, dict[str, Any]]] = []
        self.planned = False

    # -- deciding ------------------------------------------------------

    def plan(self) -> None:
        if self.planned:
            return
        self.planned = True
        self._plan_boards()
        self._plan_rows("cards", self.theirs.cards, self.ours.cards, CARD_CONTENT, CARD_DEFAULTS, self.card_actions)
        self._plan_rows("links", self.theirs.links, self.ours.links, LINK_CONTENT, LINK_DEFAULTS, self.link_actions)
        r = self.report
        r.cards_added = sum(1 for a, _ in self.card_actions if a == "add")
        r.cards_updated = sum(1 for a, _ in self.card_actions if a == "update")
        r.cards_kept = len(self.theirs.cards) - len(self.card_actions)
        r.links_added = sum(1 for a, _ in self.link_actions if a == "add")
        r.links_updated = sum(1 for a, _ in self.link_actions if a == "update")
        known = set(self.ours.source_sha.values())
        their_new = {sha for sha in self.theirs.source_sha.values() if sha not in known}
        r.sources_added, r.sources_reused = len(their_new), len(self.theirs.source_sha) - len(their_new)
        r.boards_added = [b["name"] for b in self.new_boards]

    def _plan_boards(self) -> None:
        names = {b["name"].casefold() for b in self.ours.boards.values()}
        order = max((b["sort_order"] for b in self.ours.boards.values()), default=-1)
        for board in self.theirs.boards.values():
            if board["id"] in self.ours.boards:
                self.board_map[board["id"]] = board["id"]
                continue
            name, n = board["name"], 1
            while name.casefold() in names:
                n += 1
                name = f"{board['name']} ({self.report.source_title or 'merged'})" + (f" {n - 1}" if n > 2 else "")
            names.add(name.casefold())
            order += 1
            self.board_map[board["id"]] = board["id"]
            self.new_boards.append({**board, "name": name, "sort_order": order})

    def _plan_rows(self, table: str, theirs: dict, ours: dict, columns: tuple, defaults: dict,
                   actions: list) -> None:
        for row_id, their_row in theirs.items():
            if table == "links" and not (their_row["from_card"] in self.theirs.cards
                                         and their_row["to_card"] in self.theirs.cards):
                self.report.skipped.append(f"link {row_id}: one of its cards is missing in the other file")
                continue
            our_row = ours.get(row_id)
            if our_row is None:
                actions.append(("add", their_row))
                continue
            if table == "cards" and our_row["kind"] != their_row["kind"]:
                actions.append(("conflict", their_row))  # never turn a card into another kind
                continue
            their_now = self.theirs.content(their_row, columns, defaults)
            our_now = self.ours.content(our_row, columns, defaults)
            if their_now == our_now or their_now in self.ours.history(table, row_id, columns, defaults):
                continue  # the same, or ours is newer
            if our_now in self.theirs.history(table, row_id, columns, defaults):
                actions.append(("update", their_row))
            elif table == "cards" and their_now not in self._conflict_copies():
                actions.append(("conflict", their_row))
            elif table == "links" and self.theirs.content(
                    {**their_row, "label": _conflict_label(their_row["label"])}, columns, defaults
            ) not in {self.ours.content(r, columns, defaults) for r in ours.values()}:
                actions.append(("conflict", their_row))  # (unless an earlier merge added it)

    def _conflict_copies(self) -> set[tuple]:
        """Content of the conflict copies earlier merges added, without their tag."""
        if not hasattr(self, "_copies"):
            self._copies: set[tuple] = set()
            for row in self.ours.cards.values():
                tags = json.loads(row["tags"] or "[]")
                if CONFLICT_TAG in tags:
                    tags.remove(CONFLICT_TAG)
                    plain = {**row, "tags": json.dumps(tags, ensure_ascii=False, separators=(",", ":"))}
                    self._copies.add(self.ours.content(plain, CARD_CONTENT, CARD_DEFAULTS))
        return self._copies

    # -- writing -------------------------------------------------------

    def apply(self, w: RowWriter, ch: Changes) -> None:
        self.plan()
        for board in self.new_boards:
            w.insert("boards", {k: board[k] for k in ("id", "name", "sort_order", "created_at", "created_by")})
            ch.created.append(board["id"])
        self._copy_sources(w, ch)
        for action, row in self.card_actions:
            self._apply_card(w, ch, action, row)
        self._copy_placements(w)
        for action, row in self.link_actions:
            self._apply_link(w, ch, action, row)

    def _attachment(self, their_id: int | None) -> int | None:
        if their_id is None:
            return None
        if their_id not in self.attachment_map:
            data = self.theirs.case.attachment(their_id)
            if hashlib.sha256(data).hexdigest() != self.theirs.attachment_sha.get(their_id):
                raise InvalidInput(f"{self.theirs.case.path}: attachment {their_id} does not match its "
                                   "recorded SHA-256; run 'evidence-board check' on it")
            media = queries.attachment_media_type(self.theirs.case.conn, their_id)
            self.attachment_map[their_id] = self.service.case.add_attachment(data, media)
        return self.attachment_map[their_id]

    def _copy_sources(self, w: RowWriter, ch: Changes) -> None:
        ours_by_sha = {sha: sid for sid, sha in self.ours.source_sha.items()}
        for source in queries.source_rows(self.theirs.case.conn):
            if source["sha256"] in ours_by_sha:
                self.source_map[source["id"]] = ours_by_sha[source["sha256"]]
                ch.reused.append(ours_by_sha[source["sha256"]])
                continue
            source_id = source["id"] if source["id"] not in self.ours.source_sha else new_id()
            attachment = self._attachment(source["attachment_id"])
            if queries.attachment_sha256(self.service.case.conn, attachment) != source["sha256"]:
                raise InvalidInput(f"{self.theirs.case.path}: source {source['file_name']!r} does not match "
                                   "its recorded SHA-256; run 'evidence-board check' on it")
            w.insert("sources", {**source, "id": source_id, "attachment_id": attachment,
                                 "thumbnail_id": self._attachment(source["thumbnail_id"])})
            for page in queries.source_page_rows(self.theirs.case.conn, source["id"]):
                w.insert("source_pages", {"source_id": source_id, **page})
            self.source_map[source["id"]] = source_id
            ours_by_sha[source["sha256"]] = source_id
            ch.created.append(source_id)

    def _card_row(self, row: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in row.items() if k != "seq"}
        if out.get("source_id") is not None:
            out["source_id"] = self.source_map.get(out["source_id"])
        out["attachment_id"] = self._attachment(out.get("attachment_id"))
        return out

    def _apply_card(self, w: RowWriter, ch: Changes, action: str, row: dict[str, Any]) -> None:
        card = self._card_row(row)
        if action == "add":
            w.insert("cards", card)
            ch.created.append(card["id"])
        elif action == "update":
            w.update("cards", (card["id"],), {k: card[k] for k in CARD_CONTENT + ("modified_at", "modified_by")})
        else:
            self._add_conflict_card(w, ch, card)

    def _add_conflict_card(self, w: RowWriter, ch: Changes, card: dict[str, Any]) -> None:
        ours_id, copy_id = card["id"], new_id()
        tags = json.loads(card["tags"] or "[]")
        if CONFLICT_TAG not in tags:
            tags.append(CONFLICT_TAG)
        w.insert("cards", {**card, "id": copy_id, "tags": json.dumps(tags, ensure_ascii=False,
                                                                     separators=(",", ":"))})
        ch.created.append(copy_id)
        self.report.card_conflicts.append((ours_id, copy_id))
        at = now_iso()
        w.insert("links", {"id": new_id(), "from_card": copy_id, "to_card": ours_id,
                           "label": "their version (merge conflict)", "direction": "forward",
                           "strength": "tentative", "colour": "", "created_at": at,
                           "created_by": self.service.author, "modified_at": at,
                           "modified_by": self.service.author})
        # Beside ours wherever ours sits, so both versions are seen together
        # (at the board's edge, on it: a merge writes nothing opening would refuse).
        for p in queries.placement_rows_of(w.conn, ours_id):
            w.insert("placements", {**p, "card_id": copy_id, "x": min(p["x"] + p["width"] + 40, limits.BOARD_EXTENT),
                                    "z": p["z"] + 1, "group_id": None})
            self.report.placements_added += 1

    def _copy_placements(self, w: RowWriter) -> None:
        present = queries.placement_keys(w.conn)
        cards = queries.all_card_ids(w.conn)
        groups = queries.group_card_ids(w.conn)
        for p in queries.placement_rows(self.theirs.case.conn):
            board = self.board_map.get(p["board_id"])
            if board is None or p["card_id"] not in cards or (board, p["card_id"]) in present:
                continue
            group = p["group_id"] if p["group_id"] in groups else None
            w.insert("placements", {**p, "board_id": board, "group_id": group})
            present.add((board, p["card_id"]))
            self.report.placements_added += 1

    def _apply_link(self, w: RowWriter, ch: Changes, action: str, row: dict[str, Any]) -> None:
        if action == "add":
            w.insert("links", row)
            ch.created.append(row["id"])
        elif action == "update":
            w.update("links", (row["id"],), {k: row[k] for k in LINK_CONTENT + ("modified_at", "modified_by")})
        else:
            copy_id = new_id()
            label = _conflict_label(row["label"])
            w.insert("links", {**row, "id": copy_id, "label": label})
            ch.created.append(copy_id)
            self.report.link_conflicts.append((row["id"], copy_id))
