"""The files a case imports, in one table: how a file is recognised and which importer takes it.

The CLI's ``import`` and ``import-canvas``, File > Import…, a drop on the
board and a paste of copied files all ask :func:`split_by_importer` which
importer takes each file, then run it. Adding an importer is its module and
one row here (plus its :class:`Importer`, if it is a new one).

Recognition is by content where the format has a signature (PDF and the
image types, by their first bytes, never their names) and by extension where
it has none (JSON Canvas is plain JSON). A file no row recognises goes to the
source importer, whose refusal says what the file is not. No Qt here, and
the importers themselves are imported only when one runs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evidence_board.importers import detect
from evidence_board.model import count_cards

if TYPE_CHECKING:
    from evidence_board.importers.files import ImportReport
    from evidence_board.services import CaseService

HEAD_BYTES = 1024  # enough for every signature detect.sniff knows (a PDF header may sit after 1 KB of junk)


@dataclass(slots=True)
class ImportRequest:
    """Where and how to import; each importer uses the fields that apply to it."""

    board_id: str | None = None  # the board new cards go on (default: the first board)
    board_name: str | None = None  # the name of a new board (default: from the file's name)
    x: float = 0.0  # where the cards go: the top-left of their grid, or its centre if centred
    y: float = 0.0
    centred: bool = False
    extract_images: bool = False  # PDFs: photo cards of the images inside them too
    password: str | None = None  # PDFs: the password of a protected one


@dataclass(slots=True)
class Imported:
    """What one import step made (one undo step)."""

    board_id: str  # the board its cards are on
    new_board: bool  # that board is new
    card_ids: list[str]
    lines: list[str]  # what happened, for people
    warnings: list[str] = field(default_factory=list)  # what could not be imported
    facts: dict[str, Any] = field(default_factory=dict)  # for --json


@dataclass(frozen=True, slots=True)
class Importer:
    """What turns recognised files into cards: ``run`` imports them.

    The window calls ``run`` on the UI thread under a busy cursor, except for
    the source importer, whose reading (PDFs) is slow enough that the window
    parses on a worker thread under a progress dialog and then writes the
    same one step (``ui/importing.py``).
    """

    name: str
    new_board: bool  # each file becomes a new board, one step each; else all files' cards in one step
    run: Callable[[CaseService, list[Path], ImportRequest], list[Imported]]


@dataclass(frozen=True, slots=True)
class ImportFormat:
    name: str
    label: str
    extensions: tuple[str, ...]  # for file dialogs' filters; recognition is ``recognises``
    recognises: Callable[[Path, bytes], bool]  # (path, its first HEAD_BYTES bytes)
    importer: Importer

    @property
    def file_filter(self) -> str:
        return f"{self.label} ({' '.join('*' + e for e in self.extensions)})"


# -- sources: PDFs and images, as sources with a document or photo card each -------------------


def sources_imported(report: ImportReport) -> list[Imported]:
    """The source importer's report as the table's result (one step)."""
    facts = {"board_id": report.board_id,
             "files": [{**dataclasses.asdict(f), "message": f.message} for f in report.files]}
    return [Imported(report.board_id or "", False, report.card_ids, report.lines(), facts=facts)]


def _import_sources(service: CaseService, paths: list[Path], request: ImportRequest) -> list[Imported]:
    from evidence_board.importers.files import import_files

    return sources_imported(import_files(service, paths, request.board_id, x=request.x, y=request.y,
                                         centred=request.centred, extract_images=request.extract_images,
                                         password=request.password))


SOURCES = Importer("sources", False, _import_sources)


# -- JSON Canvas: each file a new board -----------------------------------------------------


def _import_canvases(service: CaseService, paths: list[Path], request: ImportRequest) -> list[Imported]:
    from evidence_board.importers.jsoncanvas import import_canvas

    done = []
    for path in paths:
        warnings: list[str] = []
        board_id = import_canvas(service, path, request.board_name, warnings).created[0]
        board = service.case.board(board_id)
        contents = service.case.load_board(board_id)
        cards, links = len(contents.cards), len(contents.links)
        counted = count_cards(card.kind for card in contents.cards.values())  # group frames apart, as the window
        done.append(Imported(board_id, True, list(contents.cards),
                             [f"imported {path.name} as board {board.name!r}: {counted}, {links} links"],
                             warnings, {"board_id": board_id, "board": board.name, "cards": cards, "links": links,
                                        "warnings": warnings}))
    return done


CANVAS = Importer("canvas", True, _import_canvases)


IMPORT_FORMATS: tuple[ImportFormat, ...] = (
    ImportFormat("pdf", "PDF documents", (".pdf",), lambda _path, head: detect.sniff(head) == detect.PDF, SOURCES),
    ImportFormat("image", "Images (JPEG, PNG, WebP, TIFF, GIF)",
                 (".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".gif"),
                 lambda _path, head: detect.sniff(head) in detect.IMAGE_TYPES, SOURCES),
    ImportFormat("canvas", "JSON Canvas (Obsidian)", (".canvas",),
                 lambda path, _head: path.suffix.lower() == ".canvas", CANVAS),
)
DEFAULT_IMPORTER = SOURCES  # takes what no row recognises, and refuses it in one line


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(HEAD_BYTES)
    except OSError:  # a folder, a missing or unreadable file: the importer says which
        return b""


def format_of(path: str | Path) -> ImportFormat | None:
    """The first row that recognises this file, or None."""
    path = Path(path)
    head = _head(path)
    return next((row for row in IMPORT_FORMATS if row.recognises(path, head)), None)


def split_by_importer(paths: Iterable[str | Path]) -> list[tuple[Importer, list[Path]]]:
    """The files grouped by the importer that takes them, in the table's order (files keep theirs)."""
    groups: dict[str, tuple[Importer, list[Path]]] = {}
    for path in map(Path, paths):
        row = format_of(path)
        importer = row.importer if row is not None else DEFAULT_IMPORTER
        groups.setdefault(importer.name, (importer, []))[1].append(path)
    order = [row.importer.name for row in IMPORT_FORMATS] + [DEFAULT_IMPORTER.name]
    return sorted(groups.values(), key=lambda group: order.index(group[0].name))


def importer_named(name: str) -> Importer:
    return next(row.importer for row in IMPORT_FORMATS if row.importer.name == name)


def file_filters() -> str:
    """A file dialog's filters: everything importable first, then each format, then all files."""
    every = " ".join("*" + e for row in IMPORT_FORMATS for e in row.extensions)
    return ";;".join([f"Everything Evidence Board imports ({every})",
                      *(row.file_filter for row in IMPORT_FORMATS), "All files (*)"])
