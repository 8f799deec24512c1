"""Importing files into a case: read and parse first, then write in one step.

Two stages, so a window can run the slow one off its UI thread:

1. :func:`prepare_files` reads each file, judges its type by content,
   and parses it (PDFs in a worker process, images with Pillow) into plain
   records. It never touches the case.
2. :func:`write_prepared` turns those records into sources and cards in one
   ``service.batch``: one undo step, and a failure or a cancel rolls all of
   it back, so the case never holds half an import.

:func:`import_files` runs both, for the CLI and scripts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evidence_board.importers import detect
from evidence_board.importers.errors import ImportCancelled, ImportRefused
from evidence_board.importers.images import ImageRecord, read_image
from evidence_board.importers.pdf import Cancelled, PdfLimits, PdfRecord, Progress, parse_pdf, pdf_date
from evidence_board.importers.titles import clean_text, document_title, page_list, photo_title, readable_file_name
from evidence_board.model import DEFAULT_SIZES, CardKind
from evidence_board.services import CaseService, Changes

_GAP = 40.0
_IMAGES_PER_ROW = 4
_STEPS = 1000  # progress units per file


@dataclass(slots=True)
class PreparedFile:
    """One file read and parsed, ready to be written."""

    path: Path
    data: bytes
    sha256: str
    media_type: str
    pdf: PdfRecord | None = None
    image: ImageRecord | None = None
    password: str | None = None

    @property
    def file_name(self) -> str:
        return self.path.name


@dataclass(slots=True)
class ImportedFile:
    file_name: str
    media_type: str
    source_id: str
    card_id: str | None  # the document or photo card on the board
    reused: bool  # the same bytes were already in the case
    page_count: int | None = None
    image_cards: list[str] = field(default_factory=list)  # extracted embedded images

    @property
    def message(self) -> str:
        what = f"{self.page_count} page(s)" if self.page_count else self.media_type
        extra = f", {len(self.image_cards)} image card(s)" if self.image_cards else ""
        if self.reused:
            return f"{self.file_name}: already in the case, reused its source{extra}"
        return f"{self.file_name}: imported ({what}){extra}"


@dataclass(slots=True)
class ImportReport:
    files: list[ImportedFile] = field(default_factory=list)
    board_id: str | None = None

    @property
    def card_ids(self) -> list[str]:
        ids = []
        for f in self.files:
            ids += ([f.card_id] if f.card_id else []) + f.image_cards
        return ids

    @property
    def reused(self) -> list[ImportedFile]:
        return [f for f in self.files if f.reused]

    def lines(self) -> list[str]:
        return [f.message for f in self.files]


def _check_cancel(cancelled: Cancelled | None) -> None:
    if cancelled is not None and cancelled():
        raise ImportCancelled("import cancelled; nothing was imported")


def read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except IsADirectoryError:
        raise ImportRefused(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise ImportRefused(f"{path}: cannot be read ({exc.strerror or exc})") from None


def _page_progress(progress: Progress | None, index: int, count: int) -> Progress | None:
    """Page-by-page progress of one PDF as a share of the whole job."""
    if progress is None:
        return None

    which = f" (file {index + 1} of {count})" if count > 1 else ""

    def report(name: str, done: int, total: int) -> None:
        progress(f"Reading {name}{which}, page {done} of {total}",
                 index * _STEPS + done * _STEPS // max(total, 1), count * _STEPS)

    return report


def prepare_files(paths: Iterable[str | Path], *, extract_images: bool = False, password: str | None = None,
                  progress: Progress | None = None, cancelled: Cancelled | None = None,
                  known: Callable[[str], bool] | None = None,
                  pdf_limits: PdfLimits | None = None) -> list[PreparedFile]:
    """Read and parse files without touching a case.

    ``progress(message, done, total)`` hears how far the whole job is.
    ``pdf_limits`` bound what each PDF may cost (default: ``PdfLimits()``).

    ``known(sha256)`` says a file is already in the case: a known PDF is
    not parsed again (unless embedded images are wanted), only reused.
    """
    prepared: list[PreparedFile] = []
    paths = [Path(p) for p in paths]
    for index, path in enumerate(paths):
        _check_cancel(cancelled)
        if progress:
            progress(f"Reading {path.name}", index * _STEPS, len(paths) * _STEPS)
        prepared.append(prepare_data(path, read_file(path), extract_images=extract_images, password=password,
                                     progress=_page_progress(progress, index, len(paths)), cancelled=cancelled,
                                     known=known, pdf_limits=pdf_limits))
    return prepared


def prepare_data(path: Path, data: bytes, *, extract_images: bool = False, password: str | None = None,
                 progress: Progress | None = None, cancelled: Cancelled | None = None,
                 known: Callable[[str], bool] | None = None,
                 pdf_limits: PdfLimits | None = None) -> PreparedFile:
    """One file's bytes, already read, parsed as :func:`prepare_files` does
    (the canvas importer reads its files itself, confined to the canvas folder)."""
    item = PreparedFile(path, data, hashlib.sha256(data).hexdigest(), detect.media_type_of(data, path.name))
    already = known is not None and known(item.sha256)
    if item.media_type == detect.PDF:
        if not already or extract_images:
            item.pdf = parse_pdf(data, path.name, password=password, extract_images=extract_images,
                                 progress=progress, cancelled=cancelled, limits=pdf_limits)
            item.password = password if item.pdf.encrypted else None
    else:  # quick, and a reused image may need its card made again
        item.image = read_image(data, item.media_type, path.name)
    return item


def write_prepared(service: CaseService, prepared: Sequence[PreparedFile], board_id: str | None = None, *,
                   x: float = 0.0, y: float = 0.0, centred: bool = False,
                   cancelled: Cancelled | None = None) -> ImportReport:
    """Add sources and cards for prepared files, all as one undo step.

    ``board_id`` None means the case's first board. The files' cards go in
    a tidy grid (a document with its pictures below it is one cell), the
    whole grid in the free space nearest to (x, y): its top-left, or its
    centre if ``centred``; never on top of a card already there.
    """
    if not prepared:
        raise ImportRefused("no files to import")
    case = service.case
    board = board_id or case.boards()[0].id
    report = ImportReport(board_id=board)
    label = f"Import {prepared[0].file_name}" if len(prepared) == 1 else f"Import {len(prepared)} files"
    spots = service.free_grid(board, [_cell_size(item) for item in prepared], x, y, gap=_GAP, centred=centred)
    with service.batch(label):
        for item, (left, top) in zip(prepared, spots):
            _check_cancel(cancelled)
            if item.media_type == detect.PDF:
                imported, _width = _write_pdf(service, item, board, left, top)
            else:
                imported, _width = _write_image(service, item, board, left, top)
            report.files.append(imported)
        _check_cancel(cancelled)
    return report


def _cell_size(item: PreparedFile) -> tuple[float, float]:
    """The room a file's cards take: a document and the grid of its pictures
    below it (see _write_pdf_images), or one photo."""
    if item.media_type != detect.PDF:
        return DEFAULT_SIZES[CardKind.PHOTO]
    width, height = DEFAULT_SIZES[CardKind.DOCUMENT]
    images = len(item.pdf.images) if item.pdf is not None else 0
    if images:
        pw, ph = DEFAULT_SIZES[CardKind.PHOTO]
        columns, rows = min(images, _IMAGES_PER_ROW), -(-images // _IMAGES_PER_ROW)
        width = max(width, columns * (pw + _GAP) - _GAP)
        height += _GAP + rows * (ph + _GAP) - _GAP
    return width, height


def import_files(service: CaseService, paths: Iterable[str | Path], board_id: str | None = None, *,
                 x: float = 0.0, y: float = 0.0, centred: bool = False, extract_images: bool = False,
                 password: str | None = None, progress: Progress | None = None,
                 cancelled: Cancelled | None = None, pdf_limits: PdfLimits | None = None) -> ImportReport:
    """Import PDFs and images onto a board as one undo step; see the module doc.

    Raises an InvalidInput subclass (one-line message) for a file it refuses,
    ImportCancelled if ``cancelled()`` turns true; either way nothing changes.
    """
    paths = list(paths)
    if not paths:
        raise ImportRefused("no files to import")
    known = lambda digest: service.case.source_by_sha256(digest) is not None  # noqa: E731
    prepared = prepare_files(paths, extract_images=extract_images, password=password, progress=progress,
                             cancelled=cancelled, known=known, pdf_limits=pdf_limits)
    return write_prepared(service, prepared, board_id, x=x, y=y, centred=centred, cancelled=cancelled)


# -- writing one file --------------------------------------------------

def _add_source(service: CaseService, item: PreparedFile, **fields: Any) -> tuple[str, bool]:
    changes: Changes = service.add_source(item.data, item.file_name, item.media_type, **fields)
    if changes.reused:
        return changes.reused[0], True
    return changes.created[0], False


def _existing_card(service: CaseService, source_id: str, kind: CardKind, board_id: str) -> tuple[str | None, bool]:
    """A card of this kind already made for the source, and whether it is on the board."""
    cards = [c for c in service.case.cards(kind=kind.value) if c.source_id == source_id and c.page is None]
    for card in cards:
        if service.case.placement(board_id, card.id) is not None:
            return card.id, True
    return (cards[0].id if cards else None), False


def _card_for(service: CaseService, source_id: str, kind: CardKind, board_id: str, x: float, y: float,
              reused: bool, **fields: Any) -> str:
    """The source's card on the board: an existing one placed here, or a new one."""
    if reused:
        card_id, on_board = _existing_card(service, source_id, kind, board_id)
        if card_id and not on_board:
            service.place_cards(board_id, {card_id: (x, y)})
        if card_id:
            return card_id
    return service.create_card(kind, board_id=board_id, x=x, y=y, source_id=source_id, **fields).created[0]


def _write_pdf(service: CaseService, item: PreparedFile, board: str, x: float, y: float) -> tuple[ImportedFile, float]:
    record = item.pdf
    fields = {}
    if record is not None:
        meta = record.metadata
        metadata = {k: v for k, v in meta.items() if k not in ("creationDate", "modDate", "encryption")}
        metadata.update(repaired=record.repaired, encrypted=record.encrypted)
        if item.password:
            # The page texts are already stored in the clear for search, so
            # keeping the password hides nothing more; it lets the reader
            # and quotes open the stored bytes later.
            metadata["open_password"] = item.password
        # One name for the document everywhere (its card, citations, the
        # sources list): its metadata title if that is a real one, else its
        # heading, else its file name as words. The file name itself is kept.
        fields = dict(title=document_title(meta.get("title"), record.heading, item.file_name),
                      author=clean_text(meta.get("author")),
                      created=pdf_date(meta.get("creationDate")), modified=pdf_date(meta.get("modDate")),
                      page_count=record.page_count, metadata=metadata, page_texts=record.page_texts,
                      thumbnail=record.thumbnail or None)
    source_id, reused = _add_source(service, item, **fields)
    source = service.case.source(source_id)
    attributes = {"file": source.file_name, "pages": str(source.page_count or "")}
    if source.author:
        attributes["author"] = source.author
    if source.created:
        attributes["created"] = source.created
    card_id = _card_for(service, source_id, CardKind.DOCUMENT, board, x, y, reused,
                        title=source.title or readable_file_name(item.file_name), attributes=attributes)
    imported = ImportedFile(item.file_name, item.media_type, source_id, card_id, reused, source.page_count)
    if record is not None and record.images:
        already = any(c.source_id == source_id and c.page is not None for c in service.case.cards(kind="photo"))
        if not already:
            shown_title = service.case.card(card_id).title  # as the board calls it, renamed or not
            imported.image_cards = _write_pdf_images(service, item, source_id, shown_title, board, x, y)
    width = DEFAULT_SIZES[CardKind.DOCUMENT][0]
    if imported.image_cards:
        columns = min(len(imported.image_cards), _IMAGES_PER_ROW)
        width = max(width, columns * (DEFAULT_SIZES[CardKind.PHOTO][0] + _GAP) - _GAP)
    return imported, width


def _write_pdf_images(service: CaseService, item: PreparedFile, source_id: str, title: str, board: str,
                      x: float, y: float) -> list[str]:
    """Photo cards for embedded images, in a grid below the document card,
    each named "<document title>, p. N, image K"; one card per picture,
    however many pages it is on."""
    pw, ph = DEFAULT_SIZES[CardKind.PHOTO]
    top = y + DEFAULT_SIZES[CardKind.DOCUMENT][1] + _GAP
    card_ids = []
    for n, image in enumerate(item.pdf.images):
        attachment = service.add_attachment(image.data, image.media_type)
        col, row = n % _IMAGES_PER_ROW, n // _IMAGES_PER_ROW
        pages = sorted(set(image.pages or [image.page]))
        where = f"pages {page_list(pages)}" if len(pages) > 1 else f"page {image.page}"
        changes = service.create_card(
            CardKind.PHOTO, board_id=board, x=x + col * (pw + _GAP), y=top + row * (ph + _GAP),
            title=photo_title(title, image.page, image.number), source_id=source_id, page=image.page,
            regions=[image.bbox], attachment_id=attachment,
            # The card's caption line says where else the same picture is.
            text=f"On {where}" if len(pages) > 1 else "",
            attributes={"extracted from": f"{item.file_name}, {where}",
                        "pixels": f"{image.width} x {image.height}"},
        )
        card_ids.append(changes.created[0])
    return card_ids


def _write_image(service: CaseService, item: PreparedFile, board: str, x: float,
                 y: float) -> tuple[ImportedFile, float]:
    record = item.image
    fields = {}
    if record is not None:
        fields = dict(created=record.taken, metadata={**record.exif, "width": record.width, "height": record.height},
                      thumbnail=record.thumbnail)
    source_id, reused = _add_source(service, item, **fields)
    source = service.case.source(source_id)
    card_fields = {"title": readable_file_name(item.file_name)}
    if record is not None:
        attachment = (service.add_attachment(record.display, record.display_type) if record.display
                      else source.attachment_id)
        attributes = {"file": item.file_name, "pixels": f"{record.width} x {record.height}"}
        attributes.update(record.exif)  # taken, camera, gps
        card_fields.update(attachment_id=attachment, attributes=attributes)
        if record.taken:
            card_fields["date_start"] = record.taken
    card_id = _card_for(service, source_id, CardKind.PHOTO, board, x, y, reused, **card_fields)
    return ImportedFile(item.file_name, item.media_type, source_id, card_id, reused), DEFAULT_SIZES[CardKind.PHOTO][0]
