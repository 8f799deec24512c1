"""The appendix of a board PDF: every source shown on the board and every quote
in full with its citation, laid out in flowing text across as many pages as it needs.

It records where each quote's entry starts, so the PDF post-processing can link
quote cards on the board to their entry.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QFont, QPainter, QPdfWriter, QPen

from evidence_board.exporters.pdf_layout import MARGIN
from evidence_board.exporters.scope import ExportScope
from evidence_board.model import Card, CardKind, Source
from evidence_board.model.grading import CREDIBILITY, RELIABILITY, grade_label
from evidence_board.render.context import RenderContext

TEXT = QColor("#1f2933")
MUTED = QColor("#5b6673")
RULE = QColor("#c9d0d8")


@functools.lru_cache(maxsize=64)
def font(points: float, bold: bool = False, italic: bool = False, mono: bool = False) -> QFont:
    """One shared QFont per style: RenderContext caches text layouts by font identity."""
    f = QFont("DejaVu Sans Mono") if mono else QFont()
    f.setStyleHint(QFont.StyleHint.Monospace if mono else QFont.StyleHint.SansSerif)
    f.setPixelSize(max(1, round(points)))  # painter units are points
    f.setBold(bold)
    f.setItalic(italic)
    return f


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
    quote_anchors: dict[str, Anchor] = field(default_factory=dict)  # card id -> entry
    source_anchors: dict[str, Anchor] = field(default_factory=dict)


class _Flow:
    """Text flowing down pages: wraps, breaks pages, keeps an entry's lines together when it can."""

    def __init__(self, writer: QPdfWriter, painter: QPainter, context: RenderContext, width: float,
                 height: float, page_index: int) -> None:
        self.writer, self.painter, self.context = writer, painter, context
        self.left, self.right = MARGIN + 8, width - MARGIN - 8
        self.top, self.bottom = MARGIN + 8, height - MARGIN - 18
        self.page, self.y = page_index, self.top

    def new_page(self) -> None:
        self.writer.newPage()
        self.page += 1
        self.y = self.top

    def need(self, height: float) -> None:
        if self.y + height > self.bottom and self.y > self.top:
            self.new_page()

    def lines(self, text: str, f: QFont, indent: float = 0.0) -> list:
        block = self.context.wrapped(text, f, self.right - self.left - indent, max_lines=100_000)
        return block.lines

    def paragraph(self, text: str, f: QFont, colour: QColor = TEXT, indent: float = 0.0,
                  after: float = 2.0) -> None:
        step = self.context.metrics(f).lineSpacing()
        self.painter.setPen(colour)
        for static, _offset in self.lines(text, f, indent):
            self.need(step)
            self.painter.setFont(f)
            self.painter.drawStaticText(QPointF(self.left + indent, self.y), static)
            self.y += step
        self.y += after

    def height_of(self, text: str, f: QFont, indent: float = 0.0) -> float:
        return len(self.lines(text, f, indent)) * self.context.metrics(f).lineSpacing()

    def heading(self, text: str) -> None:
        f = font(16, bold=True)
        self.need(60)
        self.paragraph(text, f, after=4)
        self.painter.setPen(QPen(RULE, 0.8))
        self.painter.drawLine(QPointF(self.left, self.y), QPointF(self.right, self.y))
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


def write_appendix(writer: QPdfWriter, painter: QPainter, scope: ExportScope, context: RenderContext,
                   page_width: float, page_height: float, page_index: int) -> AppendixResult:
    """Start a new page at ``page_index`` and write the appendix; where its entries are."""
    writer.newPage()
    flow = _Flow(writer, painter, context, page_width, page_height, page_index)
    result = AppendixResult(first_page=page_index, pages=0, quotes_page=page_index)
    sources = scope.sources()
    cards_by_source: dict[str, list[int]] = {}
    quotes: list[Card] = []
    for card, _ in sorted(scope.cards(), key=lambda cp: scope.numbers.get(cp[0].id, 0)):
        number = scope.numbers.get(card.id)
        if card.source_id and number is not None:
            cards_by_source.setdefault(card.source_id, []).append(number)
        if card.kind is CardKind.QUOTE and number is not None:
            quotes.append(card)
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
    flow.y += 10
    flow.need(120)
    result.quotes_page = flow.page
    flow.heading(f"Appendix B · Quotes, in full ({len(quotes)})")
    if not quotes:
        flow.paragraph("There are no quote cards on this board.", font(10), MUTED)
    for card in quotes:
        number = scope.numbers[card.id]
        head = f"[{number}]  {card.title}" if card.title else f"[{number}]"
        citation = _citation(card, scope.source(card.source_id))
        body_font, cite_font = font(10.5), font(9)
        first = flow.height_of(head, font(11, bold=True)) + min(flow.height_of(card.text, body_font, 22), 80)
        flow.need(first + 10)
        anchor = Anchor(flow.page, flow.y)
        width = context.text_width(f"[{number}]", font(11, bold=True))
        anchor.rect = (flow.left, flow.y, flow.left + width, flow.y + context.metrics(font(11, bold=True)).lineSpacing())
        result.quote_anchors[card.id] = anchor
        flow.paragraph(head, font(11, bold=True), after=1)
        flow.paragraph(card.text, body_font, TEXT, indent=22, after=2)
        flow.paragraph(citation, cite_font, MUTED, indent=22, after=0)
        flow.y += 10
    result.pages = flow.page - page_index + 1
    return result
