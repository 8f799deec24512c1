"""JSON Canvas 1.0 (``.canvas``) import, as a new board, in one undo step.

Lenient about what other tools write: colours as preset strings or numbers
("1".."6", 1..6) or hex, missing sides, ends, sizes or ids, unknown node types
and fields. Where a node carries our own ``evidenceBoard`` object (see
:mod:`evidence_board.exporters.jsoncanvas`) the card comes back as it was.

Files named by ``file`` nodes are read relative to the ``.canvas`` file, or to
the Obsidian vault it sits in (the nearest folder above it holding
``.obsidian``). Absolute paths and ``..`` are refused, and so is a name that
leads out of those folders through a link, a name that is not a regular file
and one over the size limit (:mod:`evidence_board.importers.canvas_files`), so
a canvas someone sent cannot pull other files from this computer into the case.
"""

from __future__ import annotations

import json
import mimetypes
import os
import re
from pathlib import Path, PurePosixPath
from typing import Any

from evidence_board.errors import InvalidInput
from evidence_board.importers import UnsupportedFile
from evidence_board.importers.canvas_files import CanvasFile, locate, read_confined
from evidence_board.importers.files import prepare_data
from evidence_board.importers.pdf import pdf_date
from evidence_board.model import CARD_KINDS, DEFAULT_SIZES, CardKind, Direction, EntityType, Strength
from evidence_board.services import CaseService, Changes

# The namespaced field our reader understands and other tools ignore. It is
# defined here, not in the exporter that writes it, because importers sit
# below exporters in the layer order (pyproject.toml, [tool.importlinter]).
EXTRA = "evidenceBoard"
MAX_CANVAS_BYTES = 64 * 1024 * 1024
MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_NOTE_BYTES = 1024 * 1024
# Obsidian's preset colours, in the order of its colour menu.
PRESET_COLOURS = {"1": "#fb464c", "2": "#e9973f", "3": "#e0de71", "4": "#44cf6e", "5": "#53dfdd",
                  "6": "#a882ff"}
_HEX = re.compile(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_PAGE = re.compile(r"page=(\d+)")


def parse_colour(value: Any) -> str:
    """A JSON Canvas colour as ``#rrggbb``, or '' when it is missing or unreadable."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, (int, float)):
        value = str(int(value))
    if not isinstance(value, str):
        return ""
    value = value.strip()
    if value in PRESET_COLOURS:
        return PRESET_COLOURS[value]
    match = _HEX.match(value)
    if not match:
        return ""
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    return "#" + digits[:6].lower()


def _number(value: Any, default: float) -> float:
    if isinstance(value, bool):
        return default
    try:
        result = float(value)
    except (TypeError, ValueError):
        return default
    return result if result == result and abs(result) < 1e9 else default


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _split_heading(markdown: str) -> tuple[str, str]:
    """A leading Markdown heading becomes the card title, the rest its text."""
    lines = markdown.strip("\n").split("\n")
    match = _HEADING.match(lines[0]) if lines else None
    if match:
        return match.group(1), "\n".join(lines[1:]).strip("\n")
    return "", markdown.strip("\n")


def _geometry(node: dict[str, Any], extra: dict[str, Any], kind: CardKind) -> dict[str, float]:
    """Node geometry; our exact floats win while the rounded values still match
    (nobody moved the node in another tool)."""
    dw, dh = DEFAULT_SIZES[kind]
    out = {"x": _number(node.get("x"), 0.0), "y": _number(node.get("y"), 0.0),
           "width": _number(node.get("width"), dw), "height": _number(node.get("height"), dh)}
    for key in out:
        exact = extra.get(key)
        if isinstance(exact, (int, float)) and not isinstance(exact, bool) and round(exact) == out[key]:
            out[key] = float(exact)
    out["width"], out["height"] = max(20.0, out["width"]), max(20.0, out["height"])
    return out


class _CanvasReader:
    def __init__(self, service: CaseService, canvas_path: Path, warnings: list[str],
                 max_file_bytes: int = MAX_FILE_BYTES) -> None:
        self.service = service
        self.case = service.case
        self.canvas_dir = canvas_path.resolve().parent
        self.roots = self._search_roots()
        self.warnings = warnings
        self.max_file_bytes = max_file_bytes
        self.skipped: dict[str, str] = {}  # name in the canvas -> why it was not read
        self._sources: dict[str, str | None] = {}
        self._display: dict[str, int] = {}  # source id -> normalised image attachment

    def _search_roots(self) -> list[Path]:
        roots, folder = [self.canvas_dir], self.canvas_dir
        for parent in list(folder.parents)[:8]:
            if (folder / ".obsidian").is_dir():
                break
            if (parent / ".obsidian").is_dir():
                roots.append(parent)
                break
            folder = parent
        return roots

    def find_file(self, name: str) -> CanvasFile | None:
        """The file a node names, if it may be read; a refusal is warned about
        once per name and kept in ``skipped``."""
        relative = PurePosixPath(name.replace("\\", "/"))
        if relative.is_absolute() or ".." in relative.parts or re.match(r"^[A-Za-z]:", name):
            self._skip(name, f"refused file path outside the canvas folder: {name}", "a path outside the canvas folder")
            return None
        found = locate(relative, self.roots)
        if isinstance(found, str):
            self._skip(name, f"skipped {name}: {found}", found)
            return None
        return found

    def read(self, found: CanvasFile, name: str) -> bytes | None:
        data = read_confined(found, self.max_file_bytes)
        if isinstance(data, str):
            self._skip(name, f"skipped {name}: {data}", data)
            return None
        return data

    def _skip(self, name: str, warning: str, reason: str) -> None:
        if name not in self.skipped:
            self.warnings.append(warning)
            self.skipped[name] = reason

    def source_for(self, found: CanvasFile, name: str, data: bytes | None = None) -> str | None:
        """Store a file as a source, parsed like any imported file (PDFs in the
        worker process); the same bytes twice give the same source. Its id."""
        key = str(found.real)
        if key not in self._sources:
            data = data if data is not None else self.read(found, name)
            if data is None:
                return None
            self._sources[key] = self._add_file(found.named, data)
        return self._sources[key]

    def _add_file(self, path: Path, data: bytes) -> str | None:
        known = self.case.source_by_sha256
        try:
            item = prepare_data(path, data, known=lambda digest: known(digest) is not None)
        except InvalidInput as exc:  # a type the importers do not parse: kept byte-exact all the same
            if not isinstance(exc, UnsupportedFile):
                self.warnings.append(str(exc))
            media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            changes = self.service.add_source(data, path.name, media, title=path.stem)
            return (changes.created or changes.reused)[0]
        fields: dict[str, Any] = {}
        if item.pdf is not None:
            meta = item.pdf.metadata
            fields = dict(title=meta.get("title", ""), author=meta.get("author", ""),
                          created=pdf_date(meta.get("creationDate")), modified=pdf_date(meta.get("modDate")),
                          page_count=item.pdf.page_count, page_texts=item.pdf.page_texts,
                          thumbnail=item.pdf.thumbnail or None)
        elif item.image is not None:
            fields = dict(created=item.image.taken, thumbnail=item.image.thumbnail,
                          metadata={**item.image.exif, "width": item.image.width, "height": item.image.height})
        changes = self.service.add_source(item.data, item.file_name, item.media_type, **fields)
        source_id = (changes.created or changes.reused)[0]
        if item.image is not None and item.image.display:
            self._display[source_id] = self.service.add_attachment(item.image.display, "image/png")
        return source_id

    def picture_of(self, source_id: str) -> int:
        """The attachment a photo card of this source shows (a normalised copy, or the file)."""
        return self._display.get(source_id) or self.case.source(source_id).attachment_id

    def source_by_extra(self, extra: dict[str, Any]) -> str | None:
        info = extra.get("source")
        if not isinstance(info, dict):
            return None
        if isinstance(info.get("sha256"), str):
            known = self.case.source_by_sha256(info["sha256"])
            if known is not None:
                return known.id
        if isinstance(info.get("file"), str):
            found = self.find_file(info["file"])
            if found is not None:
                return self.source_for(found, info["file"])
        return None

    def card_spec(self, node: dict[str, Any]) -> dict[str, Any] | None:
        """The create_cards spec for one node, or None to skip it."""
        extra = node.get(EXTRA) if isinstance(node.get(EXTRA), dict) else {}
        node_type = node.get("type")
        spec: dict[str, Any] = {"colour": parse_colour(node.get("color"))}
        if node_type == "group":
            spec.update(kind=CardKind.GROUP, title=_text(node.get("label")).strip() or CARD_KINDS[CardKind.GROUP].label)
        elif node_type == "file":
            self._file_card(node, extra, spec)
        elif node_type == "link":
            url = _text(node.get("url"))
            spec.update(kind=CardKind.NOTE, title=url or "Link", text=url, attributes={"url": url} if url else {})
        elif node_type == "text" or isinstance(node.get("text"), str):
            title, text = _split_heading(_text(node.get("text")))
            spec.update(kind=CardKind.NOTE, title=title, text=text)
        else:
            self.warnings.append(f"skipped a node of unknown type {node_type!r}")
            return None
        if extra:
            self._apply_extra(spec, extra)
        if spec["kind"] is CardKind.NOTE and not (spec.get("title", "").strip() or spec.get("text", "").strip()):
            spec["title"] = "(empty)"
        spec.update(_geometry(node, extra, spec["kind"]))
        return spec

    def _file_card(self, node: dict[str, Any], extra: dict[str, Any], spec: dict[str, Any]) -> None:
        name = _text(node.get("file"))
        found = self.find_file(name) if name else None
        data = None
        if found is not None and found.named.suffix.lower() in (".md", ".txt"):
            data = self.read(found, name)
            if data is not None and len(data) <= MAX_NOTE_BYTES:
                # An embedded Markdown note (Obsidian) becomes a note card with its text.
                spec.update(kind=CardKind.NOTE, title=found.named.stem,
                            text=data.decode("utf-8", errors="replace").strip())
                return
        source_id = self.source_for(found, name, data) if found is not None and name not in self.skipped else None
        if source_id is None:
            reason = self.skipped.get(name)
            if reason is None:
                self.warnings.append(f"file not found beside the canvas: {name or '(no name)'}")
            spec.update(kind=CardKind.NOTE, title=PurePosixPath(name).name or "Missing file",
                        text=f"Not imported from the canvas: {name} ({reason})" if reason
                        else f"File not found when importing the canvas: {name}")
            return
        media = self.case.source(source_id).media_type
        kind = CardKind.PHOTO if media.startswith("image/") else CardKind.DOCUMENT
        spec.update(kind=kind, title=found.named.stem, source_id=source_id)
        if kind is CardKind.PHOTO:
            spec["attachment_id"] = self.picture_of(source_id)
        page = _PAGE.search(_text(node.get("subpath")))
        if page and int(page.group(1)) >= 1:
            spec["page"] = int(page.group(1))

    def _apply_extra(self, spec: dict[str, Any], extra: dict[str, Any]) -> None:
        """Our own fields, taken only where they still make a valid card."""
        try:
            kind = CardKind(extra.get("kind"))
        except ValueError:
            kind = spec["kind"]
        for key in ("title", "text"):
            if isinstance(extra.get(key), str):
                spec[key] = extra[key]
        simple = {"tags": "tags", "reliability": "reliability", "credibility": "credibility",
                  "attributes": "attributes", "dateStart": "date_start", "dateEnd": "date_end",
                  "page": "page", "regions": "regions"}
        for key, field in simple.items():
            if key in extra:
                spec[field] = extra[key]
        if extra.get("entityType") in {e.value for e in EntityType}:
            spec["entity_type"] = extra["entityType"]
        if isinstance(extra.get("colour"), str) and not spec.get("colour"):
            spec["colour"] = parse_colour(extra["colour"])
        if kind is CardKind.PHOTO and "source" not in extra and spec.get("source_id"):
            # A photo that held only its image (no source) gets the image back the same way.
            spec["attachment_id"] = self.case.source(spec.pop("source_id")).attachment_id
        elif kind is not CardKind.PHOTO:
            spec.pop("attachment_id", None)
        # What the kind cannot do without (its descriptor's needs): a document or quote must
        # have its source, a photo its source or its own image; else the card comes in as a note.
        needs = CARD_KINDS[kind].needs
        if ("source_id",) in needs and not spec.get("source_id"):
            spec["source_id"] = self.source_by_extra(extra)
        needs_source = any("source_id" in one_of for one_of in needs)
        if needs_source and not (spec.get("source_id") or spec.get("attachment_id")):
            self.warnings.append(f"{spec.get('title') or kind.value}: its source is missing, imported as a note")
            kind = CardKind.NOTE
        spec["kind"] = kind
        if kind is not CardKind.ENTITY:
            spec.pop("entity_type", None)


def read_canvas(path: Path) -> dict[str, Any]:
    """Parse a .canvas file into its JSON object, with one-line errors."""
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file")
    if path.stat().st_size > MAX_CANVAS_BYTES:
        raise InvalidInput(f"{path}: larger than {MAX_CANVAS_BYTES // 2**20} MB, not a canvas we can read")
    try:
        document = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise InvalidInput(f"{path}: not a JSON Canvas file ({exc})") from None
    if not isinstance(document, dict):
        raise InvalidInput(f"{path}: not a JSON Canvas file (the top level is not an object)")
    for key in ("nodes", "edges"):
        if not isinstance(document.get(key, []), list):
            raise InvalidInput(f"{path}: not a JSON Canvas file ({key!r} is not a list)")
    return document


def _unique_board_name(service: CaseService, wanted: str) -> str:
    taken = {b.name.casefold() for b in service.case.boards()}
    name, n = wanted, 2
    while name.casefold() in taken:
        name, n = f"{wanted} ({n})", n + 1
    return name


def _edge_spec(edge: dict[str, Any], ids: dict[str, str]) -> dict[str, Any] | None:
    a, b = ids.get(str(edge.get("fromNode"))), ids.get(str(edge.get("toNode")))
    if a is None or b is None or a == b:
        return None
    from_arrow = edge.get("fromEnd", "none") == "arrow"
    to_arrow = edge.get("toEnd", "arrow") == "arrow"
    direction = Direction.BOTH if from_arrow and to_arrow else (
        Direction.FORWARD if from_arrow or to_arrow else Direction.NONE)
    if from_arrow and not to_arrow:
        a, b = b, a
    extra = edge.get(EXTRA) if isinstance(edge.get(EXTRA), dict) else {}
    strength = extra.get("strength") if extra.get("strength") in {s.value for s in Strength} else "confirmed"
    return {"from_card": a, "to_card": b, "label": _text(edge.get("label")), "direction": direction.value,
            "strength": strength, "colour": parse_colour(edge.get("color"))}


def _group_members(nodes: list[dict[str, Any]], specs: list[dict[str, Any]], ids: dict[str, str],
                   new_ids: list[str]) -> dict[str, list[str]]:
    """Which group each card sits in: our recorded group, else the smallest group frame around it."""
    groups = [(new_ids[i], s) for i, s in enumerate(specs) if s["kind"] is CardKind.GROUP]
    members: dict[str, list[str]] = {}
    for i, spec in enumerate(specs):
        extra = nodes[i].get(EXTRA) if isinstance(nodes[i].get(EXTRA), dict) else {}
        group = ids.get(str(extra.get("groupId"))) if extra.get("groupId") else None
        if group is None and not extra:
            area = spec["width"] * spec["height"]
            around = [(g["width"] * g["height"], gid) for gid, g in groups
                      if gid != new_ids[i] and g["width"] * g["height"] > area
                      and g["x"] <= spec["x"] and g["y"] <= spec["y"]
                      and spec["x"] + spec["width"] <= g["x"] + g["width"]
                      and spec["y"] + spec["height"] <= g["y"] + g["height"]]
            group = min(around)[1] if around else None
        if group is not None and group != new_ids[i]:
            members.setdefault(group, []).append(new_ids[i])
    return members


def import_canvas(service: CaseService, path: str | os.PathLike[str], board_name: str | None = None,
                  warnings: list[str] | None = None, *, max_file_bytes: int = MAX_FILE_BYTES) -> Changes:
    """Import a .canvas file as a new board: one transaction, one undo step.

    Returns the batch's Changes (the new board's id is ``changes.created[0]``).
    Anything skipped (unknown node types, missing files, files not read because
    they lead out of the canvas's folder, are not regular files or are over
    ``max_file_bytes``, dangling edges) is described in ``warnings`` when a
    list is given.
    """
    path = Path(path)
    document = read_canvas(path)
    warnings = warnings if warnings is not None else []
    nodes = [n for n in document.get("nodes", []) if isinstance(n, dict)]
    edges = [e for e in document.get("edges", []) if isinstance(e, dict)]
    name = _unique_board_name(service, board_name or path.stem or "Imported canvas")
    with service.batch(f"Import {path.name}") as changes:
        board_id = service.create_board(name).created[0]
        reader = _CanvasReader(service, path, warnings, max_file_bytes)
        kept, specs = [], []
        for node in nodes:
            spec = reader.card_spec(node)
            if spec is not None:
                kept.append(node)
                specs.append(spec)
        new_ids = service.create_cards(specs, board_id).created if specs else []
        ids = {str(node.get("id")): new_id for node, new_id in zip(kept, new_ids) if node.get("id") is not None}
        for group_id, members in _group_members(kept, specs, ids, new_ids).items():
            service.set_group(board_id, members, group_id)
        links = [s for s in (_edge_spec(e, ids) for e in edges) if s is not None]
        if len(links) < len(edges):
            warnings.append(f"skipped {len(edges) - len(links)} edge(s) without two known, different ends")
        if links:
            service.create_links(links)
    if board_id not in changes.created[:1]:
        changes.created = [board_id] + [c for c in changes.created if c != board_id]
    return changes
