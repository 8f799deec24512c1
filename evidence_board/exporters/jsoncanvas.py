"""JSON Canvas 1.0 (``.canvas``, Obsidian Canvas) export.

Cards become nodes of the type their kind's descriptor names
(``export.canvas_node`` in :mod:`evidence_board.model.card_kinds`): notes,
quotes and entities are ``text`` nodes written as Markdown, documents and
photos ``file`` nodes pointing into a folder written beside the ``.canvas``
file (``<stem>_files/``, relative paths), notes that hold a ``url`` attribute
``link`` nodes, and group frames ``group`` nodes. Links become edges with
their label, colour, both sides (always written) and ends from their direction.

What JSON Canvas has no field for (the card kind, title and exact text, tags,
grading, entity type and attributes, dates, quote page and regions, the exact
floating-point geometry, group membership, link strength) goes in an
``evidenceBoard`` object on each node and edge. The spec lets readers ignore
fields they do not know, and :mod:`evidence_board.exporters.jsoncanvas_import`
reads it back so our own export round-trips.
"""

from __future__ import annotations

import json
import mimetypes
import os
import re
from pathlib import Path
from typing import Any

from evidence_board.exporters.files import atomic_write_bytes
from evidence_board.exporters.scope import ExportScope
from evidence_board.importers.jsoncanvas import EXTRA  # what our importer reads back
from evidence_board.model import CARD_KINDS, Card, Direction, Placement, Source

_UNSAFE = re.compile(r"[^\w.\- ()]+")


def side_facing(rect: Placement, other: Placement) -> str:
    """The side of ``rect`` that faces the centre of ``other``: top, right, bottom or left."""
    dx = (other.x + other.width / 2) - (rect.x + rect.width / 2)
    dy = (other.y + other.height / 2) - (rect.y + rect.height / 2)
    # Compare in units of the card's own half-size so a wide card prefers its long sides.
    nx, ny = dx / max(rect.width, 1.0), dy / max(rect.height, 1.0)
    if abs(nx) >= abs(ny):
        return "right" if nx >= 0 else "left"
    return "bottom" if ny >= 0 else "top"


def _ends(direction: Direction) -> tuple[str, str]:
    return {Direction.NONE: ("none", "none"), Direction.FORWARD: ("none", "arrow"),
            Direction.BOTH: ("arrow", "arrow")}[Direction(direction)]


def _safe_name(name: str) -> str:
    name = _UNSAFE.sub("_", os.path.basename(name.replace("\\", "/"))).strip(" .")
    return name or "file"


class _AttachmentFolder:
    """Writes each attachment once into the folder beside the canvas, with unique names."""

    def __init__(self, canvas_path: Path) -> None:
        self.folder = canvas_path.with_name(canvas_path.stem + "_files")
        self.relative_root = self.folder.name
        self._by_key: dict[Any, str] = {}
        self._used: set[str] = set()

    def write(self, key: Any, name: str, data_reader: Any) -> str:
        """Write bytes (read lazily) under a unique file name; return the path relative to the canvas."""
        if key in self._by_key:
            return self._by_key[key]
        stem, ext = os.path.splitext(_safe_name(name))
        candidate, n = stem + ext, 2
        while candidate.casefold() in self._used:
            candidate, n = f"{stem} ({n}){ext}", n + 1
        self._used.add(candidate.casefold())
        self.folder.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(self.folder / candidate, data_reader())
        relative = f"{self.relative_root}/{candidate}"
        self._by_key[key] = relative
        return relative


def _markdown(card: Card, source: Source | None) -> str:
    """How a text card reads in Obsidian: a heading, the text, and for a quote its citation
    (the shape is the descriptor's ``export.canvas_text``)."""
    parts = []
    shape = CARD_KINDS[card.kind].export.canvas_text
    if shape == "quote":
        if card.title:
            parts.append(f"## {card.title}")
        parts.append("\n".join("> " + line for line in card.text.splitlines() or [""]))
        if source is not None:
            where = source.title or source.file_name
            parts.append(f"— {where}" + (f", p. {card.page}" if card.page else ""))
    elif shape == "entity":
        kind = card.entity_type.value if card.entity_type else "entity"
        parts.append(f"## {card.title}\n*{kind}*")
        if card.text:
            parts.append(card.text)
        if card.attributes:
            parts.append("\n".join(f"- **{k}**: {v}" for k, v in card.attributes.items()))
    else:
        if card.title:
            parts.append(f"## {card.title}")
        if card.text:
            parts.append(card.text)
    return "\n\n".join(parts)


def _extra(card: Card, place: Placement, source: Source | None) -> dict[str, Any]:
    extra: dict[str, Any] = {"id": card.id, "kind": card.kind.value, "title": card.title, "text": card.text,
                             "x": place.x, "y": place.y, "width": place.width, "height": place.height}
    optional = {
        "tags": list(card.tags), "reliability": card.reliability, "credibility": card.credibility,
        "entityType": card.entity_type.value if card.entity_type else None,
        "attributes": card.attributes, "dateStart": card.date_start, "dateEnd": card.date_end,
        "page": card.page, "regions": [list(r) for r in card.regions], "groupId": place.group_id,
        "colour": card.colour,
    }
    extra.update({k: v for k, v in optional.items() if v not in (None, "", [], {})})
    if source is not None:
        extra["source"] = {"sha256": source.sha256, "fileName": source.file_name,
                           "mediaType": source.media_type, "title": source.title}
    return extra


def _node(scope: ExportScope, card: Card, place: Placement, files: _AttachmentFolder) -> dict[str, Any]:
    source = scope.source(card.source_id)
    node: dict[str, Any] = {"id": card.id, "x": round(place.x), "y": round(place.y),
                            "width": max(1, round(place.width)), "height": max(1, round(place.height))}
    extra = _extra(card, place, source)
    source_file = None
    if source is not None:
        source_file = files.write(("source", source.id), source.file_name,
                                  lambda: scope.case.attachment(source.attachment_id))
        extra["source"]["file"] = source_file
    node_type = CARD_KINDS[card.kind].export.canvas_node
    if node_type == "group":
        node.update(type="group", label=card.title)
    elif node_type == "file" and source_file is None and card.attachment_id is not None:
        # A photo's own image (a clip, a pasted picture) when it has no source file.
        media = scope.attachment_media_type(card.attachment_id)
        ext = mimetypes.guess_extension(media) or ".bin"
        name = _safe_name(card.title or card.kind.value)
        name = name if name.lower().endswith(ext) else name + ext
        node.update(type="file", file=files.write(("attachment", card.attachment_id), name,
                                                  lambda: scope.case.attachment(card.attachment_id)))
    elif node_type == "file" and source_file is not None:
        node.update(type="file", file=source_file)
        if card.page and source is not None and source.media_type == "application/pdf":
            node["subpath"] = f"#page={card.page}"
    elif node_type == "link" and card.attributes.get("url"):
        node.update(type="link", url=card.attributes["url"])
    else:
        node.update(type="text", text=_markdown(card, source))
    if card.colour:
        node["color"] = card.colour
    node[EXTRA] = extra
    return node


def canvas_document(scope: ExportScope, canvas_path: Path) -> dict[str, Any]:
    """Build the JSON Canvas document (writing attachments beside ``canvas_path``)."""
    files = _AttachmentFolder(canvas_path)
    nodes = [_node(scope, card, place, files) for card, place in scope.cards()]
    edges = []
    places = scope.contents.placements
    for link in scope.links():
        a, b = places[link.from_card], places[link.to_card]
        from_end, to_end = _ends(link.direction)
        edge: dict[str, Any] = {"id": link.id, "fromNode": link.from_card, "fromSide": side_facing(a, b),
                                "fromEnd": from_end, "toNode": link.to_card, "toSide": side_facing(b, a),
                                "toEnd": to_end}
        if link.label:
            edge["label"] = link.label
        if link.colour:
            edge["color"] = link.colour
        edge[EXTRA] = {"id": link.id, "direction": link.direction.value, "strength": link.strength.value}
        edges.append(edge)
    return {"nodes": nodes, "edges": edges,
            EXTRA: {"format": 1, "case": scope.case.title, "board": scope.board.name}}


def export_canvas(scope: ExportScope, path: str | os.PathLike[str]) -> Path:
    """Write ``path`` (a ``.canvas`` file) and its ``<stem>_files`` folder; return the path."""
    path = Path(path)
    document = canvas_document(scope, path)
    text = json.dumps(document, ensure_ascii=False, indent="\t")
    atomic_write_bytes(path, text.encode("utf-8"))
    return path
