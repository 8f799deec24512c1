"""Board to PDF: vector pages drawn by the board's own painters, a title block,
numbered cards, an appendix of sources, quotes, entities and links, internal
links and bookmarks.

Qt's QPdfWriter writes the pages (text stays text, lines stay vectors, photos
are embedded at about 300 dpi of their printed size). QPdfWriter cannot make
internal links or an outline, so the written file is then opened with PyMuPDF,
which adds a link from every quote card to its appendix entry (and back), the
bookmarks and the document metadata, and saves the final file. Every piece of
text, page numbers too, is drawn by Qt in an embedded font.
The output path only ever holds a complete PDF: everything is written beside
it first and moved into place at the end.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pymupdf
from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen, QTransform

from evidence_board.exporters.files import atomic_write
from evidence_board.exporters.painting import (
    ExportRenderContext, detail_for_scale, image_edge_for, missing_characters_warning, readable_scale,
    small_text_warning, smallest_text_points,
)
from evidence_board.exporters.pdf_appendix import MUTED, RULE, TEXT, AppendixResult, font, paint_appendix, plan_appendix
from evidence_board.exporters.pdf_layout import (
    FOOTER, HEADER, MARGIN, PAGE_SIZES, BoardPage, PageLayout, fit_layout, map_rect, page_size_name, tile_layout,
)
from evidence_board.exporters.scope import ExportScope, contents_per_rect
from evidence_board.exporters.tiling import TileCard
from evidence_board.model import CardKind
from evidence_board.render.board_labels import board_label_placer
from evidence_board.render.board_painter import paint_board
from evidence_board.render.card_painter import RADIUS
from evidence_board.render.label_placement import LabelPlacer
from evidence_board.store.reading import BoardContents

Progress = Callable[[int, int], None]
QT_PAGE_SIZES = {"A4": QPageSize.PageSizeId.A4, "A3": QPageSize.PageSizeId.A3,
                 "Letter": QPageSize.PageSizeId.Letter, "Tabloid": QPageSize.PageSizeId.Tabloid}
BOARD_MARGIN = 30.0  # board units around the cards


@dataclass(slots=True)
class PdfOptions:
    page_size: str = "A4"
    tile: bool = False
    scale: float = 0.6  # points per board unit when tiling: the smallest card text at 6 pt
    landscape: bool | None = None  # None: whichever fits best
    detail: float | None = None  # None: from the print scale
    author: str = ""  # for the title block; default: who created the case
    date: str = ""  # default: today


@dataclass(slots=True)
class PdfResult:
    path: Path
    pages: int
    board_pages: int
    appendix_pages: int
    quote_links: int
    layout: PageLayout = field(repr=False)
    smallest_text: float | None = None  # points, on the board pages that are read (the tiles, if tiled)
    warnings: list[str] = field(default_factory=list)


def plan_layout(scope: ExportScope, options: PdfOptions) -> PageLayout:
    """The page layout an export with these options would use (also for a preview)."""
    page = page_size_name(options.page_size)
    bounds = scope.bounds(BOARD_MARGIN)
    if options.tile:
        cards = [TileCard(card.id, (p.x, p.y, p.x + p.width, p.y + p.height), card.kind is CardKind.GROUP)
                 for card, p in scope.cards()]
        return tile_layout(bounds, page, options.scale, options.landscape, cards)
    return fit_layout(bounds, page, options.landscape)


def reading_scale(layout: PageLayout) -> float:
    """The print scale of the pages a reader reads: the tiles, or the one page."""
    return next((p.scale for p in layout.pages if p.cards is not None), layout.pages[0].scale)


def text_size_warning(scope: ExportScope, layout: PageLayout) -> str | None:
    """Why the cards of this layout are too small to read, and what would print them at 6 pt; None if they are not."""
    scale = reading_scale(layout)
    readable = readable_scale()
    tiles = f"tile the board across pages at {math.ceil(readable * 100):.0f} % or more"
    if layout.tiles:
        return small_text_warning(smallest_text_points(scale), f"on tiles at {scale:.0%}", tiles)
    page_w, page_h = PAGE_SIZES[layout.page_name]
    bigger = [name for name, (w, h) in PAGE_SIZES.items()
              if w * h > page_w * page_h and fit_layout(scope.bounds(BOARD_MARGIN), name).pages[0].scale >= readable]
    advice = f"print it on {bigger[0]} or {tiles}" if bigger else tiles
    return small_text_warning(smallest_text_points(scale), f"on one {layout.page_name} page", advice)


def export_warnings(scope: ExportScope, layout: PageLayout) -> list[str]:
    """What the export dialog and the command line tell the user before and after a PDF export."""
    return [w for w in (text_size_warning(scope, layout), missing_characters_warning(scope)) if w]


def export_pdf(scope: ExportScope, path: str | os.PathLike[str], options: PdfOptions | None = None,
               progress: Progress | None = None) -> PdfResult:
    options = options or PdfOptions()
    path = Path(path)
    layout = plan_layout(scope, options)
    result: list[PdfResult] = []

    def write(final_tmp: Path) -> None:
        handle, qt_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".qt.pdf", dir=path.parent)
        os.close(handle)
        qt_pdf = Path(qt_name)
        try:
            appendix = _write_pages(scope, options, layout, qt_pdf, progress)
            links = _finish(qt_pdf, final_tmp, scope, options, layout, appendix)
        finally:
            qt_pdf.unlink(missing_ok=True)
        total = len(layout.pages) + appendix.pages
        result.append(PdfResult(path, total, len(layout.pages), appendix.pages, links, layout,
                                smallest_text_points(reading_scale(layout)), export_warnings(scope, layout)))

    atomic_write(path, write)
    if progress:
        progress(1, 1)
    return result[0]


def _writer(path: Path, layout: PageLayout, title: str) -> QPdfWriter:
    writer = QPdfWriter(str(path))
    writer.setResolution(72)  # painter units are PDF points
    writer.setCreator("Evidence Board")
    writer.setTitle(title)
    page_layout = QPageLayout(QPageSize(QT_PAGE_SIZES[layout.page_name]),
                              QPageLayout.Orientation.Landscape if layout.landscape
                              else QPageLayout.Orientation.Portrait,
                              QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Point)
    writer.setPageLayout(page_layout)
    return writer


def _write_pages(scope: ExportScope, options: PdfOptions, layout: PageLayout, qt_pdf: Path,
                 progress: Progress | None) -> AppendixResult:
    writer = _writer(qt_pdf, layout, f"{scope.case.title}: {scope.board.name}")
    largest_scale = max(p.scale for p in layout.pages)
    context = ExportRenderContext(scope.case, image_edge_for(scope, largest_scale))
    contents = scope.visible_contents()
    # The appendix is laid out first so every page can say how many there are.
    width, height = sorted((layout.width, layout.height))  # the appendix reads best upright
    appendix = plan_appendix(scope, context, width, height, len(layout.pages))
    total_pages = len(layout.pages) + appendix.result.pages
    labels = board_label_placer(contents, context)  # one for every page: a label across two tiles matches
    tiles = [i for i, page in enumerate(layout.pages) if page.cards is not None]
    per_page = dict(zip(tiles, contents_per_rect(contents, [layout.pages[i].source for i in tiles])))
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"cannot write a PDF to {qt_pdf.parent}")
    try:
        total = len(layout.pages) + 1
        for index, page in enumerate(layout.pages):
            if index:
                writer.newPage()
            detail = options.detail if options.detail is not None else detail_for_scale(page.scale)
            _title_block(painter, scope, options, layout, page)
            painter.save()
            painter.setClipRect(QRectF(*_rect(page.target)))
            if page.cards is None:
                paint_board(painter, contents, QRectF(*_rect(page.source)), context,
                            target_rect=QRectF(*_rect(page.target)), detail=detail, numbers=scope.numbers,
                            labels=labels)
            else:
                _paint_tile(painter, per_page[index], page, layout, scope, context, detail, labels)
            painter.restore()
            painter.setPen(QPen(RULE, 0.6))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(*_rect(page.target)))
            if page.overview:
                _tile_grid(painter, layout, page)
            _footer(painter, layout, page)
            _page_number(painter, layout.width, layout.height, index, total_pages)
            if progress:
                progress(index + 1, total)
        writer.setPageLayout(QPageLayout(QPageSize(QT_PAGE_SIZES[layout.page_name]),
                                         QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0),
                                         QPageLayout.Unit.Point))
        paint_appendix(writer, painter, appendix,
                       lambda index: _page_number(painter, width, height, index, total_pages))
        return appendix.result
    finally:
        painter.end()


def _paint_tile(painter: QPainter, contents: BoardContents, page: BoardPage, layout: PageLayout,
                scope: ExportScope, context: ExportRenderContext, detail: float, labels: LabelPlacer) -> None:
    """One tile: its own cards whole, the cards of other tiles that show here as outlines naming their tile."""
    hidden = {card_id for card_id in contents.placements if card_id not in page.cards and card_id not in layout.cut}
    source, target = QRectF(*_rect(page.source)), QRectF(*_rect(page.target))
    painter.save()
    s = page.scale
    painter.setTransform(QTransform(s, 0, 0, s, target.x() - source.x() * s, target.y() - source.y() * s), True)
    painter.setClipRect(source, Qt.ClipOperation.IntersectClip)
    painter.fillRect(source, context.palette.board)
    pen = QPen(context.palette.card_border.darker(125), 1.2, Qt.PenStyle.DashLine)
    note_font = context.fonts.small
    for card_id in sorted(hidden):
        p = contents.placements[card_id]
        rect = QRectF(p.x, p.y, p.width, p.height)
        if not rect.intersects(source):
            continue
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(rect, RADIUS, RADIUS)
        where = layout.home.get(card_id)
        number = scope.numbers.get(card_id)
        shown = rect.intersected(source).adjusted(8, 6, -8, -6)
        if where and shown.width() > 40 and shown.height() > 14:
            text = f"{number} · on page {where}" if number is not None else f"on page {where}"
            painter.setFont(note_font)
            painter.setPen(context.palette.muted)
            painter.drawStaticText(shown.topLeft(), context.elided(text, note_font, shown.width()))
    painter.restore()
    paint_board(painter, contents, source, context, target_rect=target, detail=detail, numbers=scope.numbers,
                background=False, hidden=hidden, labels=labels)


def _page_number(painter: QPainter, width: float, height: float, index: int, total: int) -> None:
    painter.setFont(font(7))
    painter.setPen(MUTED)
    painter.drawText(QRectF(width / 2, height - MARGIN - FOOTER + 4, width / 2 - MARGIN, 12),
                     Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"Page {index + 1} of {total}")


def _rect(r: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) as QRectF's (x, y, width, height)."""
    return r[0], r[1], r[2] - r[0], r[3] - r[1]


def _title_block(painter: QPainter, scope: ExportScope, options: PdfOptions, layout: PageLayout,
                 page: BoardPage) -> None:
    left, right, top = MARGIN, layout.width - MARGIN, MARGIN
    cards = len(scope.numbers)  # every card but group frames
    author = options.author or scope.case.case_info().get("created_by", "")
    when = options.date or date.today().isoformat()
    if page.overview:
        where = f"Overview of {layout.tiles} pages"
    elif page.title == "Board":
        where = f"Whole board on one {layout.page_name} page"
    else:
        where = f"Page {page.title} of {layout.tiles}"
    # The date, author and page label keep their room on the right; the case
    # and board names on the left are cut short with an ellipsis if they must.
    right_lines = (f"{when}" + (f" · {author}" if author else ""), where)
    right_width = max(QFontMetricsF(font(9)).horizontalAdvance(line) for line in right_lines)
    left_width = max(60.0, right - left - right_width - 18)
    points = smallest_text_points(page.scale)
    size = f" · smallest text {points:.1f} pt" if points is not None else " · cards as blocks, no text"
    summary = (f"Board: {scope.board.name} · {cards} cards · {len(scope.link_ids)} links · "
               f"scale {page.scale:.0%}{size}")
    for text, f, colour, y, h in ((scope.case.title or "Untitled case", font(15, bold=True), TEXT, top, 20),
                                  (summary, font(10), MUTED, top + 21, 14)):
        painter.setFont(f)
        painter.setPen(colour)
        painter.drawText(QRectF(left, y, left_width, h), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         QFontMetricsF(f).elidedText(text, Qt.TextElideMode.ElideRight, left_width))
    painter.setFont(font(9))
    painter.setPen(MUTED)
    for i, line in enumerate(right_lines):
        painter.drawText(QRectF(right - right_width - 2, top + 4 + i * 15, right_width + 2, 14),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, line)
    painter.setPen(QPen(QColor("#2f3b48"), 1.2))
    painter.drawLine(QPointF(left, top + HEADER - 8), QPointF(right, top + HEADER - 8))


def _footer(painter: QPainter, layout: PageLayout, page: BoardPage) -> None:
    y = layout.height - MARGIN - FOOTER + 4
    painter.setFont(font(8))
    painter.setPen(MUTED)
    if page.neighbours or page.cards is not None:
        names = {"left": "left", "right": "right", "up": "above", "down": "below"}
        text = " · ".join([f"Page {page.title}"] + [f"{names[k]}: {v}" for k, v in page.neighbours.items()])
        if layout.tiles > 1:
            text += " · dashed outlines: cards printed on another page"
    elif page.overview:
        text = "Dashed frames show the pages that follow, labelled by column and row."
        points = smallest_text_points(reading_scale(layout))
        if points is not None:
            text += f" Their text prints at {points:.1f} pt."
    else:
        text = "Numbers on the cards refer to the appendix."
    painter.drawText(QRectF(MARGIN, y, layout.width * 0.75, 12),
                     Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)


def _tile_grid(painter: QPainter, layout: PageLayout, overview: BoardPage) -> None:
    pen = QPen(QColor("#2f6fd6"), 0.8, Qt.PenStyle.DashLine)
    label_font = font(9, bold=True)
    for label, source in layout.tile_lines:
        x0, y0, x1, y1 = map_rect(overview, source)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        plate = QRectF(x0 + 2, y0 + 2, 8 + 6 * len(label), 13)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(47, 111, 214, 220))
        painter.drawRoundedRect(plate, 3, 3)
        painter.setPen(QColor("#ffffff"))
        painter.setFont(label_font)
        painter.drawText(plate, Qt.AlignmentFlag.AlignCenter, label)


# -- after Qt: links, bookmarks, metadata -----------------------------------------


def _finish(qt_pdf: Path, out: Path, scope: ExportScope, options: PdfOptions, layout: PageLayout,
            appendix: AppendixResult) -> int:
    doc = pymupdf.open(qt_pdf)
    try:
        links = _quote_links(doc, scope, layout, appendix)
        toc = [[1, "Board" if len(layout.pages) == 1 else "Board pages", 1]]
        if len(layout.pages) > 1:
            toc += [[2, "Overview" if p.overview else f"Page {p.title}", i + 1] for i, p in enumerate(layout.pages)]
        toc += [[1, "Appendix", appendix.first_page + 1], [2, "A · Sources", appendix.first_page + 1],
                [2, "B · Quotes", appendix.quotes_page + 1]]
        for card_id, anchor in list(appendix.quote_anchors.items())[:5000]:
            card = scope.contents.cards[card_id]
            title = card.title or " ".join(card.text.split())[:60]
            toc.append([3, f"[{scope.numbers[card_id]}] {title}", anchor.page + 1])
        toc += [[2, "C · Entities", appendix.entities_page + 1], [2, "D · Links", appendix.links_page + 1]]
        doc.set_toc(toc)
        author = options.author or scope.case.case_info().get("created_by", "")
        doc.set_metadata({"title": f"{scope.case.title}: {scope.board.name}", "author": author,
                          "subject": f"Evidence board {scope.board.name!r}", "creator": "Evidence Board",
                          "producer": "Evidence Board (Qt, PyMuPDF)", "keywords": "evidence board"})
        doc.save(out, garbage=3, deflate=True)
    finally:
        doc.close()
    return links


def _quote_links(doc: pymupdf.Document, scope: ExportScope, layout: PageLayout, appendix: AppendixResult) -> int:
    """Quote card -> its appendix entry on every board page it shows on; entry number -> the card."""
    placements = scope.contents.placements
    links: dict[int, list[tuple[tuple, int, float, float]]] = {}  # page -> (rect, target page, x, y)
    home: dict[str, tuple[int, float, float, bool]] = {}  # where the link back goes: the card, whole if possible
    quotes = [(card_id, anchor, placements[card_id]) for card_id, anchor in appendix.quote_anchors.items()]
    for index, page in enumerate(layout.pages):
        tx0, ty0, tx1, ty1 = page.target
        sx0, sy0, sx1, sy1 = page.source
        for card_id, anchor, p in quotes:
            if page.cards is not None and card_id not in page.cards and card_id not in layout.cut:
                continue  # an outline on this tile: the card itself is on another
            if p.x > sx1 or p.y > sy1 or p.x + p.width < sx0 or p.y + p.height < sy0:
                continue  # not on this page (a cheap test before mapping to points)
            x0, y0, x1, y1 = map_rect(page, (p.x, p.y, p.x + p.width, p.y + p.height))
            clipped = (max(x0, tx0), max(y0, ty0), min(x1, tx1), min(y1, ty1))
            if clipped[2] - clipped[0] < 2 or clipped[3] - clipped[1] < 2:
                continue
            links.setdefault(index, []).append((clipped, anchor.page, MARGIN, max(0.0, anchor.y - 6)))
            whole = clipped == (x0, y0, x1, y1)
            better = card_id not in home or (whole and not home[card_id][3]) or (
                whole == home[card_id][3] and layout.pages[home[card_id][0]].overview and not page.overview)
            if better:
                home[card_id] = (index, max(0.0, x0 - 20), max(0.0, y0 - 20), whole)
    for card_id, anchor in appendix.quote_anchors.items():
        if card_id in home:
            target, x, y, _ = home[card_id]
            links.setdefault(anchor.page, []).append((anchor.rect, target, x, y))
    for index, page_links in links.items():
        _add_goto_links(doc, index, page_links)
    return sum(len(v) for i, v in links.items() if i < len(layout.pages))


def _add_goto_links(doc: pymupdf.Document, index: int, page_links: list) -> None:
    """Add many internal links to one page at once.

    ``Page.insert_link`` looks through every link already on the page to name
    the new one, which is quadratic: 2,000 quote links took a minute. The
    annotation text is what it would write (PyMuPDF's "goto1" skeleton) with
    our own unique names, added in one call.
    """
    page = doc[index]
    if not hasattr(page, "_addAnnot_FromString"):  # a PyMuPDF without the bulk call: the slow, public way
        for rect, target, x, y in page_links:
            page.insert_link({"kind": pymupdf.LINK_GOTO, "from": pymupdf.Rect(rect), "page": target,
                              "to": pymupdf.Point(x, y), "zoom": 0})
        return
    to_pdf = ~page.transformation_matrix
    pdf_of_page: dict[int, tuple[int, pymupdf.Matrix]] = {}
    annots = []
    for n, (rect, target, x, y) in enumerate(page_links):
        if target not in pdf_of_page:
            pdf_of_page[target] = (doc.page_xref(target), ~doc[target].transformation_matrix)
        xref, target_to_pdf = pdf_of_page[target]
        r = pymupdf.Rect(rect) * to_pdf
        point = pymupdf.Point(x, y) * target_to_pdf
        annots.append(f"<</A<</S/GoTo/D[{xref} 0 R/XYZ {point.x:g} {point.y:g} 0]>>"
                      f"/Rect[{r.x0:g} {r.y0:g} {r.x1:g} {r.y1:g}]/BS<</W 0>>/Subtype/Link/NM(evb-L{n})>>")
    page._addAnnot_FromString(tuple(annots))
