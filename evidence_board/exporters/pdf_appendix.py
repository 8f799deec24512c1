"""The appendix of a board PDF: every source shown on the board, every quote
in full with its citation, every entity and every link, laid out in flowing
text across as many pages as it needs.

It is laid out before anything is painted (``plan_appendix``), so the page
count is known when the board pages are drawn and every page can say "Page N
of M" in the document's own embedded font; ``paint_appendix`` then draws the
plan. The plan records where each quote's entry starts, so the PDF
post-processing can link quote cards on the board to their entry.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QFont, QPainter, QPdfWriter, QPen, QStaticText

from evidence_board.exporters.pdf_layout import MARGIN
from evidence_board.exporters.scope import ExportScope
from evidence_board.model import CARD_KINDS, Card, Direction, Link, Source, Strength
from evidence_board.model.grading import CREDIBILITY, RELIABILITY, grade_label
from evidence_board.render.context import RenderContext, without_ligatures

TEXT = QColor("#1f2933")
MUTED = QColor("#5b6673")
RULE = QColor("#c9d0d8")
ARROWS = {Direction.FORWARD: "→", Direction.BOTH: "↔", Direction.NONE: "—"}


@functools.lru_cache(maxsize=64)
def font(points: float, bold: bool = False, italic: bool = False, mono: bool = False) -> QFont:
    """One shared QFont per style: RenderContext caches text layouts by font identity."""
    f = QFont("DejaVu Sans Mono") if mono else QFont()
    f.setStyleHint(QFont.StyleHint.Monospace if mono else QFont.StyleHint.SansSerif)
    f.setPixelSize(max(1, round(points)))  # painter units are points
    f.setBold(bold)
    f.setItalic(italic)
    return without_ligatures(f)


@dataclass(slots=True)
class Anchor:
    page: int  # 0-based page index in the PDF
    y: float  # top of the entry, in points
    rect: tuple[float, float, float, float] = (0, 0, 0, 0)  # the entry's number, a link back to the board


@dataclass(slots=True)
class AppendixResult:
    first_page: int
    pages: int
    quotes_page: int
    entities_page: int = 0
    links_page: int = 0
    quote_anchors: dict[str, Anchor] = field(default_factory=dict)  # card id -> entry
    source_anchors: dict[str, Anchor] = field(default_factory=dict)


# What the plan draws: text (page, x, y, static text, font, colour) or a rule (page, x0, y, x1).
_Text = tuple[int, float, float, QStaticText, QFont, QColor]
_Rule = tuple[int, float, float, float]


@dataclass(slots=True)
class AppendixPlan:
    result: AppendixResult
    ops: list[_Text | _Rule] = field(default_factory=list)


class _Flow:
    """Text flowing down pages: wraps, breaks pages, keeps an entry's lines together when it can.

    It records what to draw rather than drawing it (see the module docstring).
    """

    def __init__(self, context: RenderContext, width: float, height: float, page_index: int) -> None:
        self.context = context
        self.left, self.right = MARGIN + 8, width - MARGIN - 8
        self.top, self.bottom = MARGIN + 8, height - MARGIN - 18
        self.page, self.y = page_index, self.top
        self.ops: list[_Text | _Rule] = []
        self.on_new_page: Callable[[], None] | None = None  # e.g. repeat a table's header

    def new_page(self) -> None:
        self.page += 1
        self.y = self.top
        if self.on_new_page is not None:
            self.on_new_page()

    def need(self, height: float) -> None:
        if self.y + height > self.bottom and self.y > self.top:
            self.new_page()

    def lines(self, text: str, f: QFont, width: float) -> list:
        if "\n" not in text and self.context.text_width(text, f) <= width:
            return [(self.context.line(text, f), None)]  # fits on one line: nothing to wrap
        return self.context.wrapped(text, f, width, max_lines=100_000).lines

    def text(self, x: float, y: float, static: QStaticText, f: QFont, colour: QColor) -> None:
        self.ops.append((self.page, x, y, static, f, colour))

    def paragraph(self, text: str, f: QFont, colour: QColor = TEXT, indent: float = 0.0,
                  after: float = 2.0) -> None:
        step = self.context.metrics(f).lineSpacing()
        for static, _offset in self.lines(text, f, self.right - self.left - indent):
            self.need(step)
            self.text(self.left + indent, self.y, static, f, colour)
            self.y += step
        self.y += after

    def height_of(self, text: str, f: QFont, indent: float = 0.0) -> float:
        return len(self.lines(text, f, self.right - self.left - indent)) * self.context.metrics(f).lineSpacing()

    def rule(self, x0: float, x1: float) -> None:
        self.ops.append((self.page, x0, self.y, x1))

    def heading(self, text: str) -> None:
        f = font(16, bold=True)
        self.need(60)
        self.paragraph(text, f, after=4)
        self.rule(self.left, self.right)
        self.y += 10


def _when(iso: str) -> str:
    return iso[:16].replace("T", " ") + " UTC" if iso else "unknown"


def _source_lines(source: Source, numbers: list[int]) -> list[tuple[str, QFont, QColor]]:
    grading = (f"Reliability {source.reliability} ({RELIABILITY[source.reliability]})"
               if source.reliability else "Reliability not graded")
    pages = f"{source.page_count} page{'s' if source.page_count != 1 else ''}" if source.page_count else "pages: n/a"
    details = f"{pages} · {source.size:,} bytes · {source.media_type} · imported {_when(source.imported_at)}"
    if source.imported_by:
        details += f" by {source.imported_by}"
    lines = [(f"SHA-256  {source.sha256}", font(8.5, mono=True), TEXT),
             (f"{details} · {grading}", font(9), MUTED)]
    if source.title and source.title != source.file_name:
        lines.insert(0, (source.title, font(9.5, italic=True), TEXT))
    if source.author:
        lines.append((f"Author: {source.author}", font(9), MUTED))
    if numbers:
        lines.append(("Cards on the board: " + ", ".join(str(n) for n in numbers), font(9), MUTED))
    return lines


def _citation(card: Card, source: Source | None) -> str:
    if source is None:
        return "Source not recorded"
    where = source.title or source.file_name
    text = f"— {where}"
    if source.title and source.title != source.file_name:
        text += f" ({source.file_name})"
    if card.page:
        text += f", page {card.page}"
    if source.page_count:
        text += f" of {source.page_count}"
    text += f" · SHA-256 {source.sha256[:16]}…"
    grade = grade_label(card.reliability, card.credibility)
    if grade:
        meaning = []
        if card.reliability:
            meaning.append(RELIABILITY[card.reliability].lower())
        if card.credibility:
            meaning.append(CREDIBILITY[card.credibility].lower())
        text += f" · graded {grade} ({'; '.join(meaning)})"
    return text


def _card_name(scope: ExportScope, card_id: str) -> str:
    """A card as the appendix refers to it: its number and title ("[12] Kim Jong Il")."""
    card = scope.contents.cards[card_id]
    name = card.title or " ".join(card.text.split())[:80] or card.kind.value
    number = scope.numbers.get(card_id)
    return f"[{number}] {name}" if number is not None else f"{name} ({card.kind.value})"


def _entity_details(card: Card) -> list[str]:
    first = [card.entity_type.value.capitalize() if card.entity_type else "Entity"]
    if card.date_start and card.date_end:
        first.append(f"{card.date_start} – {card.date_end}")
    elif card.date_start or card.date_end:
        first.append(card.date_start or f"until {card.date_end}")
    grade = grade_label(card.reliability, card.credibility)
    if grade:
        first.append(f"graded {grade}")
    if card.tags:
        first.append("  ".join(f"#{tag}" for tag in card.tags))
    lines = [" · ".join(first)]
    attributes = [f"{key}: {value}" for key, value in card.attributes.items() if value]
    if attributes:
        lines.append(" · ".join(attributes))
    return lines


def _sources_section(flow: _Flow, scope: ExportScope, result: AppendixResult,
                     cards_by_source: dict[str, list[int]]) -> None:
    sources = scope.sources()
    flow.heading(f"Appendix A · Sources on this board ({len(sources)})")
    if not sources:
        flow.paragraph("No card on this board comes from an imported source.", font(10), MUTED)
    for index, source in enumerate(sources, start=1):
        lines = _source_lines(source, cards_by_source.get(source.id, []))
        title = f"S{index}  {source.file_name}"
        flow.need(flow.height_of(title, font(11, bold=True)) + sum(flow.height_of(t, f) for t, f, _ in lines) + 10)
        result.source_anchors[source.id] = Anchor(flow.page, flow.y)
        flow.paragraph(title, font(11, bold=True), after=1)
        for text, f, colour in lines:
            flow.paragraph(text, f, colour, indent=22, after=1)
        flow.y += 8


def _quotes_section(flow: _Flow, scope: ExportScope, result: AppendixResult, quotes: list[Card]) -> None:
    context = flow.context
    flow.heading(f"Appendix B · Quotes, in full ({len(quotes)})")
    if not quotes:
        flow.paragraph("There are no quote cards on this board.", font(10), MUTED)
    head_font, body_font, cite_font = font(11, bold=True), font(10.5), font(9)
    for card in quotes:
        number = scope.numbers[card.id]
        head = f"[{number}]  {card.title}" if card.title else f"[{number}]"
        citation = _citation(card, scope.source(card.source_id))
        first = flow.height_of(head, head_font) + min(flow.height_of(card.text, body_font, 22), 80)
        flow.need(first + 10)
        anchor = Anchor(flow.page, flow.y)
        width = context.text_width(f"[{number}]", head_font)
        anchor.rect = (flow.left, flow.y, flow.left + width, flow.y + context.metrics(head_font).lineSpacing())
        result.quote_anchors[card.id] = anchor
        flow.paragraph(head, head_font, after=1)
        flow.paragraph(card.text, body_font, TEXT, indent=22, after=2)
        flow.paragraph(citation, cite_font, MUTED, indent=22, after=0)
        flow.y += 10


def _table(flow: _Flow, heads: tuple[str, ...], spans: list[tuple[float, float]],
           rows: Iterable[tuple[tuple[str, ...], tuple[QColor, ...]]]) -> None:
    """Rows of cells, each cell wrapped in its column (x, width); the header repeats on every page."""
    cell_font, head_font = font(9), font(9, bold=True)
    step = flow.context.metrics(cell_font).lineSpacing()

    def row(cells: tuple[str, ...], f: QFont, colours: tuple[QColor, ...]) -> None:
        lines = [flow.lines(text, f, w) if text else [] for text, (_x, w) in zip(cells, spans)]
        height = max(len(cell) for cell in lines) * step
        flow.need(height + 4)
        for cell, (x, _w), colour in zip(lines, spans, colours):
            for n, (static, _offset) in enumerate(cell):
                flow.text(x, flow.y + n * step, static, f, colour)
        flow.y += height + 4  # a gap a row of several lines can be told apart by

    def header() -> None:
        row(heads, head_font, (MUTED,) * len(heads))
        flow.rule(flow.left, flow.right)
        flow.y += 3

    header()
    flow.on_new_page = header
    try:
        for cells, colours in rows:
            row(cells, cell_font, colours)
    finally:
        flow.on_new_page = None


def _columns(flow: _Flow, first: tuple[str, ...], last: tuple[str, ...],
             parts: tuple[float, ...]) -> list[tuple[float, float]]:
    """Column spans: the first and last columns as wide as their widest word, the rest shared by ``parts``."""
    widths = [max(flow.context.text_width(word, f) for word in words for f in (font(9), font(9, bold=True))) + 8
              for words in (first, last)]
    middle = flow.right - flow.left - sum(widths)
    spans, x = [(flow.left, widths[0] - 4)], flow.left + widths[0]
    for part in parts:
        spans.append((x, middle * part - 8))
        x += middle * part
    spans.append((flow.right - widths[1], widths[1]))
    return spans


def _entities_section(flow: _Flow, scope: ExportScope, entities: list[Card]) -> None:
    """Every entity as a table row: its number, name, kind and dates, then its attributes, tags and text."""
    flow.heading(f"Appendix C · Entities ({len(entities)})")
    if not entities:
        flow.paragraph("There are no entity cards on this board.", font(10), MUTED)
        return
    numbers = [f"[{scope.numbers[card.id]}]" for card in entities]
    spans = _columns(flow, ("No.", *numbers[-1:], *numbers[:1]), ("",), (0.3, 0.25, 0.45))[:-1]
    rows = []
    for number, card in zip(numbers, entities):
        kind, *attributes = _entity_details(card)
        details = " · ".join([*attributes, *([" ".join(card.text.split())] if card.text else [])])
        rows.append(((number, card.title or "Untitled entity", kind, details), (MUTED, TEXT, MUTED, TEXT)))
    _table(flow, ("No.", "Entity", "Kind, dates", "Attributes and notes"), spans, rows)


def _links_section(flow: _Flow, scope: ExportScope) -> None:
    """Every link as a table row: from, label (with its direction), to, strength."""
    links: list[Link] = sorted(scope.links(), key=lambda lk: (scope.numbers.get(lk.from_card, 0),
                                                               scope.numbers.get(lk.to_card, 0), lk.id))
    flow.heading(f"Appendix D · Links ({len(links)})")
    if not links:
        flow.paragraph("There are no links between the cards on this board.", font(10), MUTED)
        return
    width = flow.right - flow.left
    last = _columns(flow, ("",), ("Strength", *(s.value for s in Strength)), ())[-1][1]
    middle = width - last
    spans = [(flow.left, middle * 0.37 - 8), (flow.left + middle * 0.37, middle * 0.26 - 8),
             (flow.left + middle * 0.63, middle * 0.37 - 8), (flow.right - last, last)]
    rows = []
    for link in links:
        label = f"{ARROWS[link.direction]} {link.label}" if link.label else ARROWS[link.direction]
        rows.append(((_card_name(scope, link.from_card), label, _card_name(scope, link.to_card),
                      link.strength.value), (TEXT, TEXT, TEXT, MUTED)))
    _table(flow, ("From", "Link", "To", "Strength"), spans, rows)


def plan_appendix(scope: ExportScope, context: RenderContext, page_width: float, page_height: float,
                  page_index: int) -> AppendixPlan:
    """Lay out the appendix from page ``page_index`` on: what to draw where, and where its entries are."""
    flow = _Flow(context, page_width, page_height, page_index)
    result = AppendixResult(first_page=page_index, pages=0, quotes_page=page_index)
    cards_by_source: dict[str, list[int]] = {}
    quotes: list[Card] = []
    entities: list[Card] = []
    for card, _ in sorted(scope.cards(), key=lambda cp: scope.numbers.get(cp[0].id, 0)):
        number = scope.numbers.get(card.id)
        if number is None:
            continue
        if card.source_id:
            cards_by_source.setdefault(card.source_id, []).append(number)
        section = CARD_KINDS[card.kind].export.appendix
        if section == "quotes":
            quotes.append(card)
        elif section == "entities":
            entities.append(card)
    _sources_section(flow, scope, result, cards_by_source)
    flow.y += 10
    flow.need(120)
    result.quotes_page = flow.page
    _quotes_section(flow, scope, result, quotes)
    flow.y += 10
    flow.need(120)
    result.entities_page = flow.page
    _entities_section(flow, scope, entities)
    flow.y += 10
    flow.need(120)
    result.links_page = flow.page
    _links_section(flow, scope)
    result.pages = flow.page - page_index + 1
    return AppendixPlan(result, flow.ops)


def paint_appendix(writer: QPdfWriter, painter: QPainter, plan: AppendixPlan,
                   on_page: Callable[[int], None]) -> None:
    """Draw a planned appendix, starting a new page for each of its pages; ``on_page(index)``
    draws what every page carries (its number)."""
    page = plan.result.first_page
    writer.newPage()
    on_page(page)
    pen_font: tuple[QFont | None, QColor | None] = (None, None)
    for op in plan.ops:
        while op[0] > page:
            writer.newPage()
            page += 1
            on_page(page)
            pen_font = (None, None)
        if len(op) == 6:
            _page, x, y, static, f, colour = op
            if pen_font[0] is not f:
                painter.setFont(f)
            if pen_font[1] is not colour:
                painter.setPen(colour)
            pen_font = (f, colour)
            painter.drawStaticText(QPointF(x, y), static)
        else:
            _page, x0, y, x1 = op
            painter.setPen(QPen(RULE, 0.8))
            painter.drawLine(QPointF(x0, y), QPointF(x1, y))
            pen_font = (pen_font[0], None)
    last = plan.result.first_page + plan.result.pages - 1
    while page < last:  # a page left empty by a break (cannot happen today; kept in step anyway)
        writer.newPage()
        page += 1
        on_page(page)
