"""Board to PDF: vector pages drawn by the board's own painters, a title block,
numbered cards, an appendix of sources and quotes, internal links and bookmarks.

Qt's QPdfWriter writes the pages (text stays text, lines stay vectors, photos
are embedded at about 300 dpi of their printed size). QPdfWriter cannot make
internal links or an outline, so the written file is then opened with PyMuPDF,
which adds a link from every quote card to its appendix entry (and back), the
bookmarks, page numbers and the document metadata, and saves the final file.
The output path only ever holds a complete PDF: everything is written beside
it first and moved into place at the end.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pymupdf
from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen

from evidence_board.exporters.files import atomic_write
from evidence_board.exporters.painting import ExportRenderContext, detail_for_scale, image_edge_for
from evidence_board.exporters.pdf_appendix import MUTED, RULE, TEXT, AppendixResult, font, write_appendix
from evidence_board.exporters.pdf_layout import (
    FOOTER, HEADER, MARGIN, BoardPage, PageLayout, fit_layout, map_rect, page_size_name, tile_layout,
)
from evidence_board.exporters.scope import ExportScope, contents_per_rect
from evidence_board.render.board_labels import board_label_placer
from evidence_board.render.board_painter import paint_board

Progress = Callable[[int, int], None]
QT_PAGE_SIZES = {"A4": QPageSize.PageSizeId.A4, "A3": QPageSize.PageSizeId.A3,
                 "Letter": QPageSize.PageSizeId.Letter, "Tabloid": QPageSize.PageSizeId.Tabloid}
BOARD_MARGIN = 30.0  # board units around the cards


@dataclass(slots=True)
class PdfOptions:
    page_size: str = "A4"
    tile: bool = False
    scale: float = 0.5  # points per board unit when tiling
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


def plan_layout(scope: ExportScope, options: PdfOptions) -> PageLayout:
    """The page layout an export with these options would use (also for a preview)."""
    page = page_size_name(options.page_size)
    bounds = scope.bounds(BOARD_MARGIN)
    if options.tile:
        return tile_layout(bounds, page, options.scale, options.landscape)
    return fit_layout(bounds, page, options.landscape)


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
        result.append(PdfResult(path, total, len(layout.pages), appendix.pages, links, layout))

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
    tiles = [i for i, page in enumerate(layout.pages) if not page.overview and len(layout.pages) > 1]
    per_page = dict(zip(tiles, contents_per_rect(contents, [layout.pages[i].source for i in tiles])))
    # One placement for every page: a label across two tiles is drawn alike on both.
    labels = board_label_placer(contents, context)
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
            paint_board(painter, per_page.get(index, contents), QRectF(*_rect(page.source)), context,
                        target_rect=QRectF(*_rect(page.target)), detail=detail, numbers=scope.numbers,
                        labels=labels)
            painter.restore()
            painter.setPen(QPen(RULE, 0.6))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(*_rect(page.target)))
            if page.overview:
                _tile_grid(painter, layout, page)
            _footer(painter, layout, page)
            if progress:
                progress(index + 1, total)
        # The appendix reads best upright, whatever the board pages needed.
        writer.setPageLayout(QPageLayout(QPageSize(QT_PAGE_SIZES[layout.page_name]),
                                         QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0),
                                         QPageLayout.Unit.Point))
        width, height = sorted((layout.width, layout.height))
        return write_appendix(writer, painter, scope, context, width, height, len(layout.pages))
    finally:
        painter.end()


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
        where = f"Overview of {layout.columns * layout.rows} pages ({layout.columns} × {layout.rows})"
    elif page.title == "Board":
        where = f"Whole board on one {layout.page_name} page"
    else:
        where = f"Page {page.title} of {layout.columns} × {layout.rows}"
    # The date, author and page label keep their room on the right; the case
    # and board names on the left are cut short with an ellipsis if they must.
    right_lines = (f"{when}" + (f" · {author}" if author else ""), where)
    right_width = max(QFontMetricsF(font(9)).horizontalAdvance(line) for line in right_lines)
    left_width = max(60.0, right - left - right_width - 18)
    summary = f"Board: {scope.board.name} · {cards} cards · {len(scope.link_ids)} links · scale {page.scale:.0%}"
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
    if page.neighbours:
        names = {"left": "left", "right": "right", "up": "above", "down": "below"}
        text = f"Page {page.title} · " + " · ".join(f"{names[k]}: {v}" for k, v in page.neighbours.items())
    elif page.overview:
        text = "Dashed frames show the pages that follow, labelled by column and row."
    else:
        text = "Numbers on the cards refer to the appendix."
    painter.drawText(QRectF(MARGIN, y, layout.width * 0.6, 12),
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


# -- after Qt: links, bookmarks, page numbers, metadata -------------------------


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
        doc.set_toc(toc)
        total = doc.page_count
        for index, page in enumerate(doc):
            rect = page.rect
            page.insert_text((rect.width - MARGIN - 60, rect.height - MARGIN + 10), f"Page {index + 1} of {total}",
                             fontsize=7, color=(0.36, 0.4, 0.45))
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
