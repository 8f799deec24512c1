"""Quotes and page clips: words on a page, found or selected, as regions.

A quote is whole words (a selection snaps outwards to word boundaries, and
runs across lines in reading order); its regions are one rectangle per line
it touches, in PDF points from the top-left of the unrotated page, exactly
as PyMuPDF reports word boxes. Storing the regions means "show in source"
months later highlights the same rectangles without searching again.

These functions open a source's stored bytes in this process: they were
parsed once already, in the worker, when the source was imported.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pymupdf

from evidence_board.errors import InvalidInput, UnknownId
from evidence_board.importers.errors import PasswordRequired, QuoteNotFound
from evidence_board.importers.titles import quote_title
from evidence_board.model import DEFAULT_SIZES, CardKind, Placement, Region, Source
from evidence_board.model.placement import GAP
from evidence_board.services import CaseService, Changes

# (x0, y0, x1, y1, text, block, line, word): PyMuPDF's get_text("words").
Word = tuple[float, float, float, float, str, int, int, int]

CLIP_ZOOM = 2.0  # page clips are stored at 144 dpi
_FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                       "\u2013": "-", "\u2014": "-", "\u2010": "-", "\u2011": "-", "\u00ad": ""})


@dataclass(slots=True)
class QuoteMatch:
    text: str  # the words as the page has them
    regions: list[Region]
    first_word: int
    last_word: int


# -- opening stored sources --------------------------------------------

def open_pdf(pdf_bytes: bytes, password: str | None = None) -> pymupdf.Document:
    doc = pymupdf.open(stream=pdf_bytes, filetype="pdf")
    if doc.needs_pass and not (password and doc.authenticate(password)):
        raise PasswordRequired("the PDF is password-protected; give its password")
    return doc


def open_source(case: Any, source: Source) -> pymupdf.Document:
    """A source as a document: a PDF unlocked with the password given at
    import, or an image as a one-page document (so it can be read, zoomed
    and clipped like a page; it has no words to quote)."""
    data = case.attachment(source.attachment_id)
    if source.media_type == "application/pdf":
        return open_pdf(data, source.metadata.get("open_password"))
    from evidence_board.importers.detect import IMAGE_TYPES
    from evidence_board.importers.images import upright_png

    if source.media_type not in IMAGE_TYPES:
        raise InvalidInput(f"{source.file_name}: cannot show a {source.media_type} source")
    # Pillow (allow-list, bomb limit) decodes it upright; MuPDF only ever
    # sees the PNG we wrote, never the original image bytes.
    return pymupdf.open(stream=upright_png(data, source.media_type, source.file_name), filetype="png")


def page_words(doc: pymupdf.Document, page: int) -> list[Word]:
    if not 1 <= page <= doc.page_count:
        raise InvalidInput(f"page {page} does not exist; the document has {doc.page_count} pages")
    return [tuple(w) for w in doc.load_page(page - 1).get_text("words", sort=False)]  # type: ignore[misc]


def unrotated_rect(page: pymupdf.Page) -> pymupdf.Rect:
    """The page's rectangle in the space word boxes and regions use."""
    return (page.rect * page.derotation_matrix).normalize()


# -- matching words ----------------------------------------------------

def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_FOLD).casefold()


def _glued(words: Sequence[Word], i: int, join_hyphens: bool) -> bool:
    """Whether word i continues word i-1 without a space: a word hyphenated
    across a line break ("inter-" / "national")."""
    if not join_hyphens or i == 0:
        return False
    prev = words[i - 1]
    return prev[4].endswith("-") and (prev[5], prev[6]) != (words[i][5], words[i][6])


def _page_string(words: Sequence[Word], join_hyphens: bool) -> tuple[str, list[int], set[int]]:
    """The page's words folded into one string, which word owns each
    character, and the offsets where a word starts."""
    chars: list[str] = []
    owners: list[int] = []
    starts: set[int] = set()
    for i, word in enumerate(words):
        folded = fold(word[4])
        if _glued(words, i, join_hyphens):
            chars.pop()  # the hyphen
            owners.pop()
        elif chars:
            chars.append(" ")
            owners.append(i)
        starts.add(len(chars))
        chars.extend(folded)
        owners.extend([i] * len(folded))
    return "".join(chars), owners, starts


def match_words(words: Sequence[Word], first: int, last: int, join_hyphens: bool = True) -> QuoteMatch:
    """Words first..last (inclusive) as text and one rectangle per line."""
    parts: list[str] = []
    regions: list[list[float]] = []
    line_key = None
    for i in range(first, last + 1):
        x0, y0, x1, y1, text, block, line = words[i][:7]
        if _glued(words, i, join_hyphens) and parts:
            parts[-1] = parts[-1][:-1] + text
        else:
            parts.append(text)
        if (block, line) == line_key:
            r = regions[-1]
            r[0], r[1], r[2], r[3] = min(r[0], x0), min(r[1], y0), max(r[2], x1), max(r[3], y1)
        else:
            regions.append([x0, y0, x1, y1])
            line_key = (block, line)
    return QuoteMatch(" ".join(parts), [tuple(round(v, 2) for v in r) for r in regions], first, last)


def find_matches(words: Sequence[Word], text: str) -> list[QuoteMatch]:
    """Every place the words of ``text`` occur, in page order: whole words
    first; failing that, matches inside words, snapped out to whole words."""
    query = " ".join(fold(t) for t in text.split())
    if not query or not words:
        return []
    for join_hyphens in (False, True):
        haystack, owners, starts = _page_string(words, join_hyphens)
        found: list[QuoteMatch] = []
        partial: list[QuoteMatch] = []
        at = haystack.find(query)
        while at >= 0:
            end = at + len(query)
            match = match_words(words, owners[at], owners[end - 1], join_hyphens)
            whole = at in starts and (end == len(haystack) or haystack[end] == " ")
            (found if whole else partial).append(match)
            at = haystack.find(query, at + 1)
        if found or partial:
            return found or partial
    return []


def find_quote(pdf_bytes: bytes, page: int, text: str, password: str | None = None) -> list[Region]:
    """The regions of the first place ``text`` occurs on ``page`` (1-based),
    or [] if it does not."""
    with open_pdf(pdf_bytes, password) as doc:
        matches = find_matches(page_words(doc, page), text)
    return matches[0].regions if matches else []


def select_words(words: Sequence[Word], start: tuple[float, float], end: tuple[float, float]) -> QuoteMatch | None:
    """A selection dragged from ``start`` to ``end`` (page points), snapped
    to the nearest words and everything between them in reading order."""
    if not words:
        return None
    a, b = _nearest(words, start), _nearest(words, end)
    return match_words(words, min(a, b), max(a, b))


def _nearest(words: Sequence[Word], point: tuple[float, float]) -> int:
    px, py = point

    def distance(w: Word) -> tuple[float, float]:
        dx = max(w[0] - px, 0.0, px - w[2])
        dy = max(w[1] - py, 0.0, py - w[3])
        return (dy, dx)  # the right line first, then the nearest word on it

    return min(range(len(words)), key=lambda i: distance(words[i]))


def _overlap(a: Sequence[Region], b: Sequence[Region]) -> float:
    total = 0.0
    for r in a:
        for s in b:
            w = min(r[2], s[2]) - max(r[0], s[0])
            h = min(r[3], s[3]) - max(r[1], s[1])
            if w > 0 and h > 0:
                total += w * h
    return total


# -- cards -------------------------------------------------------------

def citation(source: Source, page: int) -> str:
    name = source.title or source.file_name
    return f"{name}, p. {page}" if source.media_type == "application/pdf" else name


def _source(service: CaseService, source_id: str) -> Source:
    source = service.case.source(source_id)
    if source is None:
        raise UnknownId(f"no source with id {source_id}")
    return source


def _document_placement(service: CaseService, source_id: str,
                        board_id: str | None) -> tuple[str, Placement | None]:
    """The board to put a new quote on, and the document card's placement there."""
    case = service.case
    docs = [c.id for c in case.cards(kind=CardKind.DOCUMENT.value) if c.source_id == source_id]
    for card_id in docs:
        for placement in case.placements_of(card_id):
            if board_id is None or placement.board_id == board_id:
                return placement.board_id, placement
    return (board_id or case.boards()[0].id), None


def _next_position(service: CaseService, source_id: str, board_id: str | None,
                   x: float | None, y: float | None, kind: CardKind) -> tuple[str, float, float]:
    """Where a new quote or clip goes: where asked, else in the free space
    nearest the right of the document card (so its quotes gather beside it,
    one below the other), never on top of another card."""
    board, doc = _document_placement(service, source_id, board_id)
    if x is not None and y is not None:
        return board, x, y
    left = (doc.x + doc.width + GAP) if doc else 0.0
    top = doc.y if doc else 0.0
    width, height = DEFAULT_SIZES[kind]
    px, py = service.free_spot(board, width, height, left if x is None else x, top if y is None else y)
    return board, px, py


def create_quote(service: CaseService, source_id: str, page: int, text: str, board_id: str | None = None,
                 x: float | None = None, y: float | None = None, *,
                 regions: Sequence[Region] | None = None) -> Changes:
    """Make a quote card of ``text`` on ``page`` (1-based) of a PDF source.

    Fails with QuoteNotFound if the words are not on that page. If the words
    occur more than once, ``regions`` (a reader's selection) picks which;
    otherwise the first. ``board_id`` None: the board of the source's
    document card. ``changes.created[0]`` is the new card.
    """
    source = _source(service, source_id)
    if not text or not text.strip():
        raise InvalidInput("a quote needs some words")
    with open_source(service.case, source) as doc:
        matches = find_matches(page_words(doc, page), text)
    if not matches:
        where = citation(source, page).rsplit(",", 1)[0]
        raise QuoteNotFound(f"{' '.join(text.split())!r} is not on page {page} of {where}")
    match = max(matches, key=lambda m: _overlap(m.regions, regions)) if regions else matches[0]
    board, px, py = _next_position(service, source_id, board_id, x, y, CardKind.QUOTE)
    # Named by its own first words; the card shows the citation from its source and page.
    return service.create_card(CardKind.QUOTE, board_id=board, x=px, y=py, title=quote_title(match.text),
                               text=match.text, source_id=source_id, page=page, regions=match.regions)


def create_page_clip(service: CaseService, source_id: str, page: int, rect: Region,
                     board_id: str | None = None, x: float | None = None, y: float | None = None) -> Changes:
    """Make a photo card of a rectangle of a page, kept with its page and region."""
    source = _source(service, source_id)
    with open_source(service.case, source) as doc:
        if not 1 <= page <= doc.page_count:
            raise InvalidInput(f"page {page} does not exist; the document has {doc.page_count} pages")
        pdf_page = doc.load_page(page - 1)
        # Regions live in unrotated page space, like word boxes; rendering
        # takes a clip in the rotated (displayed) space.
        clip = pymupdf.Rect(rect) & unrotated_rect(pdf_page)
        if clip.is_empty or clip.width < 4 or clip.height < 4:
            raise InvalidInput("the clip is too small or outside the page")
        shown = (clip * pdf_page.rotation_matrix).normalize()
        png = pdf_page.get_pixmap(matrix=pymupdf.Matrix(CLIP_ZOOM, CLIP_ZOOM), clip=shown,
                                  alpha=False).tobytes("png")
    region = tuple(round(v, 2) for v in (clip.x0, clip.y0, clip.x1, clip.y1))
    board, px, py = _next_position(service, source_id, board_id, x, y, CardKind.PHOTO)
    with service.batch(f"Clip of {citation(source, page)}"):
        attachment = service.add_attachment(png, "image/png")
        return service.create_card(CardKind.PHOTO, board_id=board, x=px, y=py,
                                   title=f"{citation(source, page)} (clip)", source_id=source_id,
                                   page=page, regions=[region], attachment_id=attachment)
