"""The audit trail in words: what each recorded row change did, for the History panel.

The trail stores row images (column values, JSON as text); a person wants
"Title “Raúl” → “Raúl Castro”" and "Moved on Timeline to (120, 40)". No Qt
here: the panel shows these strings as plain text.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from evidence_board.store import CaseFile

SHORT = 60  # characters of a value in the one-line description; the details show it whole

# Columns a person does not edit, left out of "what changed".
_BOOKKEEPING = {"id", "seq", "kind", "created_at", "created_by", "modified_at", "modified_by", "sort_order"}
_COLUMN_NAMES = {
    "title": "Title", "text": "Text", "colour": "Colour", "tags": "Tags", "reliability": "Reliability",
    "credibility": "Credibility", "source_id": "Source", "page": "Page", "regions": "Regions",
    "entity_type": "Entity type", "attributes": "Attributes", "date_start": "Date", "date_end": "Until",
    "attachment_id": "Image", "label": "Label", "direction": "Direction", "strength": "Strength",
    "name": "Name", "value": "Value", "group_id": "Group",
}


def local_time(at: str) -> str:
    """An audit time (UTC, ISO) as the local date and time to the second."""
    try:
        return datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return at


def _shorten(text: str, width: int = SHORT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


class Names:
    """Titles of cards and names of boards for the descriptions, read once each."""

    def __init__(self, case: CaseFile, focus: str | None = None) -> None:
        self.case = case
        self.focus = focus  # the card whose history is shown: its changes need not name it
        self._boards = {board.id: board.name for board in case.boards()}
        self._cards: dict[str, str] = {}

    def board(self, board_id: str, image: dict[str, Any] | None = None) -> str:
        name = self._boards.get(board_id) or (image or {}).get("name")
        return name or "a deleted board"

    def card(self, card_id: str | None) -> str:
        if not card_id:
            return "none"
        if card_id not in self._cards:
            card = self.case.card(card_id)
            title = (card.title or _shorten(card.text, 40) or card.kind.value) if card else "a deleted card"
            self._cards[card_id] = title
        return self._cards[card_id]

    def remember(self, card_id: str, image: dict[str, Any] | None) -> None:
        """A card's own image names it better than "a deleted card"."""
        if image and (image.get("title") or image.get("text")) and self.case.card(card_id) is None:
            self._cards[card_id] = image.get("title") or _shorten(image.get("text", ""), 40)


def value_text(column: str, value: Any) -> str:
    """One stored value as a person reads it."""
    if value is None or value == "":
        return "(empty)"
    if column in ("tags", "regions", "attributes") and isinstance(value, str):
        try:
            value = json.loads(value)
        except (json.JSONDecodeError, RecursionError):
            return value
    # An audit image from a crafted file may hold any JSON here (opening checks
    # only that it is one flat object): anything not of the shape reads as its text.
    if column == "tags" and isinstance(value, list):
        return ", ".join(str(t) for t in value) if value else "(none)"
    if column == "attributes" and isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items()) if value else "(none)"
    if column == "regions" and isinstance(value, list):
        return f"{len(value)} region(s) on the page"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _column_changes(before: dict[str, Any], after: dict[str, Any], names: Names) -> list[tuple[str, str, str]]:
    rows = []
    for column in after:
        if column in _BOOKKEEPING:
            continue
        old, new = before.get(column), after.get(column)
        if column == "group_id":
            old, new = (names.card(v) if v else None for v in (old, new))
        rows.append((_COLUMN_NAMES.get(column, column), value_text(column, old), value_text(column, new)))
    return rows


def _quoted(text: str) -> str:
    return f"“{_shorten(text)}”"


def describe(change: dict[str, Any], names: Names) -> tuple[str, str]:
    """One recorded row change as (a line for the list, the whole of it for the details pane).

    Opening a case holds each audit image to one flat JSON object, not to the
    columns its table has: an image from a crafted file that lacks what a line
    needs, or holds another type, reads as its table and key."""
    try:
        return _describe(change, names)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        line = f"Changed {change.get('table')} {change.get('key')} (a record this version cannot read)"
        return line, line


def _describe(change: dict[str, Any], names: Names) -> tuple[str, str]:
    table, key = change["table"], change["key"].split("/")
    before, after = change["before"], change["after"]
    image = after if after is not None else before
    if before is None:
        op = "insert"
    else:
        op = "delete" if after is None else "update"
    if table == "cards":
        names.remember(key[0], image)
        kind = (image or {}).get("kind", "card")
        title = (image or {}).get("title") or names.card(key[0])
        if op == "insert":
            return f"Added {kind} {_quoted(title)}", _whole_card(image)
        if op == "delete":
            return f"Deleted {kind} {_quoted(title)}", _whole_card(image)
        return _updated("" if key[0] == names.focus else f"{_quoted(names.card(key[0]))}:", before, after, names)
    if table == "placements":
        board = names.board(key[0])
        card = "" if key[1] == names.focus else f" {_quoted(names.card(key[1]))}"
        if op == "insert":
            line = f"Placed{card} on {board} at ({image['x']:g}, {image['y']:g})"
            return line, line
        if op == "delete":
            line = f"Removed{card} from {board}"
            return line, line
        return _placement_update(card, board, before, after, names)
    if table == "links":
        return _link(op, key[0], before, after, names)
    if table == "boards":
        if op == "update":
            return _updated("Board", before, after, names)
        line = f"{'Added' if op == 'insert' else 'Deleted'} board {_quoted(names.board(key[0], image))}"
        return line, line
    if table == "case_info":
        if key[0] == "title":
            return _updated("Case", {"title": (before or {}).get("value")}, {"title": (after or {}).get("value")},
                            names)
        line = f"Case {key[0]}: {value_text('value', (after or {}).get('value'))}"
        return line, line
    if table == "sources":
        name = (image or {}).get("title") or (image or {}).get("file_name") or "a source"
        verb = {"insert": "Imported", "delete": "Removed", "update": "Changed"}[op]
        line = f"{verb} source {_quoted(name)}"
        return line, line
    if table == "source_pages":
        line = f"{'Stored' if op != 'delete' else 'Removed'} the text of page {key[-1]}"
        return line, line
    line = f"{op} in {table}"
    return line, line


def _updated(prefix: str, before: dict[str, Any], after: dict[str, Any], names: Names) -> tuple[str, str]:
    rows = _column_changes(before or {}, after or {}, names)
    if not rows:
        line = f"{prefix} touched (nothing a person edits)"
        return line, line
    line = f"{prefix} " * bool(prefix) + "; ".join(f"{name} {_quoted(old)} → {_quoted(new)}"
                                                   for name, old, new in rows)
    details = "\n".join(f"{name}\n  before: {old}\n  after:  {new}" for name, old, new in rows)
    return _shorten(line, 200), f"{prefix}\n{details}" if prefix else details


def _placement_update(card: str, board: str, before: dict, after: dict, names: Names) -> tuple[str, str]:
    parts = []
    if "x" in after or "y" in after:
        parts.append(f"moved to ({after.get('x', before.get('x', 0)):g}, {after.get('y', before.get('y', 0)):g})")
    if "width" in after or "height" in after:
        parts.append(f"resized to {after.get('width', before.get('width', 0)):g} × "
                     f"{after.get('height', before.get('height', 0)):g}")
    if "z" in after:
        parts.append("brought forward" if (after["z"] or 0) > (before.get("z") or 0) else "sent back")
    if "group_id" in after:
        parts.append(f"put in group {_quoted(names.card(after['group_id']))}" if after["group_id"]
                     else "taken out of its group")
    line = f"{card.strip() + ' on' if card else 'On'} {board}: " + ", ".join(parts or ["changed"])
    return line, line


def _link(op: str, link_id: str, before: dict | None, after: dict | None, names: Names) -> tuple[str, str]:
    image = after if op != "delete" else before
    ends = image if image and "from_card" in image else None
    if ends is None:
        link = names.case.link(link_id)
        ends = {"from_card": link.from_card, "to_card": link.to_card} if link else None
    between = (f"{_quoted(names.card(ends['from_card']))} → {_quoted(names.card(ends['to_card']))}"
               if ends else "a deleted link")
    if op == "update":
        return _updated(f"Link {between}:", before, after, names)
    label = f" {_quoted(image['label'])}" if image and image.get("label") else ""
    line = f"{'Linked' if op == 'insert' else 'Deleted link'} {between}{label}"
    return line, line


def _whole_card(image: dict[str, Any] | None) -> str:
    if not image:
        return ""
    lines = []
    for column, value in image.items():
        if column in _BOOKKEEPING or value in (None, "", "[]", "{}"):
            continue
        lines.append(f"{_COLUMN_NAMES.get(column, column)}: {value_text(column, value)}")
    return "\n".join(lines)


def restorable_card(change: dict[str, Any]) -> str | None:
    """The card whose fields this change set (so "Restore this version" can bring them back), or None."""
    if change["table"] == "cards" and change["after"] is not None:
        return change["key"]
    return None
