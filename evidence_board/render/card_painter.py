"""How a card looks, per kind and per level of detail.

``paint_card`` draws into ``rect`` in board coordinates. ``detail`` is the
scale the card is seen at (device pixels per board unit):

- below ``BLOCK_DETAIL``: one coloured block (thousands of cards in a frame);
- below ``TITLE_DETAIL``: the card, its accent band, picture and title;
- above: everything (text, citation, attributes, dates, tags, grading).

A group card draws its frame; ``paint_group_title`` draws its title later,
above the cards, so a card pushed under it never hides it.

Text is drawn with drawStaticText, so PDF and SVG exports keep it as text.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainter, QPainterPath, QPen

from evidence_board.model import CARD_KINDS, Card
from evidence_board.model.grading import grade_label
from evidence_board.render.context import RenderContext, fit_rect
from evidence_board.render.icons import draw_entity_icon

BLOCK_DETAIL = 0.22
TITLE_DETAIL = 0.5
RADIUS = 6.0
PAD = 10.0
BAND = 4.0  # the accent band across a card's top edge


def paint_card(painter: QPainter, card: Card, rect: QRectF, *, detail: float, context: RenderContext,
               number: int | None = None, selected: bool = False) -> None:
    """Draw ``card`` into ``rect`` at the given level of detail (see the module docstring)."""
    palette = context.palette
    look = CARD_KINDS[card.kind].look
    if look.style == "frame":
        _paint_group(painter, card, rect, detail, context)
    elif detail < BLOCK_DETAIL:
        painter.fillRect(rect, palette.accent(card))
    else:
        full = detail >= TITLE_DETAIL
        _paint_body(painter, card, look.paper, rect, context, full)
        body = rect.adjusted(PAD, BAND + PAD - 2, -PAD, -PAD + 2)
        STYLE_PAINTERS[look.style](painter, card, body, context, full)
    if number is not None and detail >= BLOCK_DETAIL:
        _paint_number(painter, number, rect, context)
    if selected:
        pen = QPen(palette.selection, 2.5 if detail >= BLOCK_DETAIL else 0)
        pen.setCosmetic(detail < BLOCK_DETAIL)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(rect.adjusted(-2, -2, 2, 2), RADIUS + 2, RADIUS + 2)


# -- the card itself -----------------------------------------------------


def _paint_body(painter: QPainter, card: Card, paper: str, rect: QRectF, context: RenderContext,
                full: bool) -> None:
    palette = context.palette
    painter.setPen(Qt.PenStyle.NoPen)
    if full:
        painter.setBrush(palette.shadow)
        painter.drawRoundedRect(rect.translated(0, 2).adjusted(-0.5, 0, 0.5, 1), RADIUS, RADIUS)
    painter.setBrush(palette.accent(card))
    painter.drawRoundedRect(rect, RADIUS, RADIUS)
    fill, border = palette.paper(paper)
    painter.setBrush(fill)
    painter.setPen(QPen(border, 1))
    painter.drawRoundedRect(rect.adjusted(0, BAND, 0, 0), RADIUS, RADIUS)
    if full:
        grade = grade_label(card.reliability, card.credibility)
        if grade:
            _paint_grade(painter, grade, rect, context)


def _grade_plate(grade: str, rect: QRectF, context: RenderContext) -> QRectF:
    """Where the grade badge sits: the top right corner of the card ``rect``."""
    width = context.text_width(grade, context.fonts.badge) + 10
    return QRectF(rect.right() - width - 6, rect.top() + BAND + 6, width, 16)


def _paint_grade(painter: QPainter, grade: str, rect: QRectF, context: RenderContext) -> None:
    font = context.fonts.badge
    plate = _grade_plate(grade, rect, context)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(context.palette.badge))
    painter.drawRoundedRect(plate, 8, 8)
    _text_line(painter, grade, font, QColor("#ffffff"), plate.adjusted(5, 0, 0, 0), context, centred=True)


def _paint_number(painter: QPainter, number: int, rect: QRectF, context: RenderContext) -> None:
    text = str(number)
    font = context.fonts.badge
    side = max(20.0, context.text_width(text, font) + 10)
    disc = QRectF(rect.left() - side / 3, rect.top() - side / 3, side, 20)
    painter.setPen(QPen(QColor("#ffffff"), 1.5))
    painter.setBrush(context.palette.selection)
    painter.drawRoundedRect(disc, 10, 10)
    _text_line(painter, text, font, QColor("#ffffff"), disc, context, centred=True)


# -- text helpers ----------------------------------------------------------


def _text_line(painter: QPainter, text: str, font: QFont, colour: QColor, box: QRectF,
               context: RenderContext, centred: bool = False) -> float:
    """One elided line at the top of ``box`` (vertically centred if ``centred``); returns its height."""
    if not text or box.width() <= 4:
        return 0.0
    static = context.elided(text, font, box.width())
    metrics = context.metrics(font)
    height = metrics.height()
    x = box.left()
    y = box.top()
    if centred:
        x = box.center().x() - static.size().width() / 2
        y = box.center().y() - height / 2
    if y + height > box.bottom() + 2 and not centred:
        return 0.0
    painter.setFont(font)
    painter.setPen(colour)
    painter.drawStaticText(QPointF(x, y), static)
    return height


def _text_block(painter: QPainter, text: str, font: QFont, colour: QColor, box: QRectF,
                context: RenderContext, max_lines: int = 50, keep_clear: QRectF | None = None) -> float:
    """Wrapped text from the top of ``box``, as many lines as fit; returns the height used.

    Lines that would run into ``keep_clear`` (a badge) end before it.
    """
    if not text or box.height() <= 0:
        return 0.0
    metrics = context.metrics(font)
    lines_fit = int((box.height() + metrics.leading()) // metrics.lineSpacing())
    narrow = (0.0, 0)
    if keep_clear is not None and keep_clear.bottom() > box.top() and keep_clear.left() < box.right():
        lines = math.ceil((keep_clear.bottom() - box.top()) / metrics.lineSpacing())
        narrow = (round(box.right() - keep_clear.left() + 4, 1), lines)
    block = context.wrapped(text, font, box.width(), min(max_lines, lines_fit), narrow)
    if not block.lines:
        return 0.0
    painter.setFont(font)
    painter.setPen(colour)
    for static, offset in block.lines:
        painter.drawStaticText(box.topLeft() + offset, static)
    return block.height


def _tags_line(card: Card) -> str:
    return "  ".join(f"#{tag}" for tag in card.tags)


def _footer(painter: QPainter, text: str, box: QRectF, context: RenderContext,
            colour: QColor | None = None) -> QRectF:
    """Draw one small line at the bottom of ``box``; return what is left above it."""
    if not text:
        return box
    font = context.fonts.small
    height = context.metrics(font).height()
    if box.height() < height * 2:
        return box
    line = QRectF(box.left(), box.bottom() - height, box.width(), height)
    _text_line(painter, text, font, colour or context.palette.muted, line, context)
    return box.adjusted(0, 0, 0, -height - 4)


def _image(painter: QPainter, image: QImage, target: QRectF, full: bool, cover: bool) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, full)
    if cover:
        painter.setClipRect(target, Qt.ClipOperation.IntersectClip)
    painter.drawImage(fit_rect(image.size(), target, cover=cover), image)
    painter.restore()


def _placeholder(painter: QPainter, target: QRectF, context: RenderContext) -> None:
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(context.palette.image_placeholder)
    painter.drawRoundedRect(target, 3, 3)


# -- per look style (model/card_kinds.py names each kind's) ----------------


def _fallback_title(card: Card) -> str:
    """What a card without a title (and, for a document, without a named source) is called."""
    return CARD_KINDS[card.kind].label


def _paint_document(painter: QPainter, card: Card, body: QRectF, context: RenderContext, full: bool) -> None:
    palette = context.palette
    source = context.source(card.source_id)
    title = card.title or (source.title or source.file_name if source else _fallback_title(card))
    meta_parts = []
    if source is not None:
        if source.page_count:
            meta_parts.append(f"{source.page_count} page{'s' if source.page_count != 1 else ''}")
        meta_parts.append(source.file_name)
    body = _footer(painter, " · ".join(meta_parts) if full else "", body, context)
    title_h = context.metrics(context.fonts.title).lineSpacing() * 2
    thumb_box = QRectF(body.left(), body.top(), body.width(), max(0.0, body.height() - title_h - 6))
    image = context.image(source.thumbnail_id if source else None) if thumb_box.height() > 20 else None
    if image is not None:
        page = fit_rect(image.size(), thumb_box)
        painter.setPen(QPen(palette.card_border, 1))
        painter.setBrush(QColor("#ffffff"))
        painter.drawRect(page.adjusted(-1, -1, 1, 1))
        _image(painter, image, page, full, cover=False)
    elif thumb_box.height() > 20:
        _placeholder(painter, thumb_box, context)
        _paint_page_lines(painter, thumb_box, context)
    text_box = QRectF(body.left(), thumb_box.bottom() + 6, body.width(), body.bottom() - thumb_box.bottom() - 6)
    _text_block(painter, title, context.fonts.title, palette.text, text_box, context, max_lines=2)


def _paint_page_lines(painter: QPainter, box: QRectF, context: RenderContext) -> None:
    """A schematic page when a document has no thumbnail."""
    page_w = min(box.width() * 0.55, box.height() * 0.75)
    page = QRectF(box.center().x() - page_w / 2, box.top() + 8, page_w, box.height() - 16)
    painter.setBrush(QColor("#ffffff"))
    painter.setPen(QPen(context.palette.card_border, 1))
    painter.drawRect(page)
    painter.setPen(QPen(context.palette.image_placeholder, 2))
    y = page.top() + 10
    while y < page.bottom() - 8:
        painter.drawLine(QPointF(page.left() + 8, y), QPointF(page.right() - 8, y))
        y += 7


OPENING_MARKS = "\u201c\u201e\"\u00ab"
CLOSING_MARKS = "\u201d\"\u00bb"


def quoted_excerpt(excerpt: str) -> str:
    """The excerpt as drawn after the big opening mark: closed once, never twice.

    A mark the text already opens with is the big one's place; a closing
    mark is added only when the text does not already end with one.
    """
    text = excerpt.strip()
    if text[:1] in OPENING_MARKS and text:
        text = text[1:].lstrip()
    if not text:
        return ""
    return text if text[-1] in CLOSING_MARKS else text + "\u201d"


def _grade_of(card: Card, body: QRectF, context: RenderContext) -> QRectF | None:
    """The grade badge's plate when the card has one (``body`` as the kind painters get it)."""
    grade = grade_label(card.reliability, card.credibility)
    if not grade:
        return None
    return _grade_plate(grade, body.adjusted(-PAD, -(BAND + PAD - 2), PAD, 0), context)


def _paint_quote(painter: QPainter, card: Card, body: QRectF, context: RenderContext, full: bool) -> None:
    palette, fonts = context.palette, context.fonts
    accent = palette.accent(card)
    citation = context.citation(card)
    excerpt = card.text or card.title
    if not full:
        _text_block(painter, excerpt, fonts.title, palette.text, body, context, max_lines=2)
        return
    badge = _grade_of(card, body, context)
    body = _footer(painter, f"— {citation}" if citation else "", body, context, accent.darker(115))
    mark_font = fonts.quote_mark
    painter.setFont(mark_font)
    painter.setPen(accent)
    painter.drawText(QPointF(body.left() - 2, body.top() + context.metrics(mark_font).ascent() * 0.72), "\u201c")
    inner = body.adjusted(22, 2, 0, 0)
    _text_block(painter, quoted_excerpt(excerpt), fonts.quote, palette.text, inner, context, keep_clear=badge)


def _paint_photo(painter: QPainter, card: Card, body: QRectF, context: RenderContext, full: bool) -> None:
    palette, fonts = context.palette, context.fonts
    title = card.title or _fallback_title(card)
    # A name too long for one line gets two, so "<document>, p. 5, image 2"
    # still shows which page and image it is, not just the document's name.
    title_lines = 1 if context.text_width(title, fonts.title) <= body.width() else 2
    title_h = context.metrics(fonts.title).lineSpacing() * title_lines
    caption_h = title_h
    if full and card.text:
        caption_h += context.metrics(fonts.small).lineSpacing()
    picture = QRectF(body.left(), body.top(), body.width(), max(0.0, body.height() - caption_h - 6))
    image = context.image(card.attachment_id) if picture.height() > 10 else None
    if image is not None:
        _image(painter, image, picture, full, cover=True)
    elif picture.height() > 10:
        _placeholder(painter, picture, context)
    y = picture.bottom() + 6
    y += _text_block(painter, title, fonts.title, palette.text, QRectF(body.left(), y, body.width(), title_h),
                     context, max_lines=title_lines)
    if full and card.text:
        _text_line(painter, card.text, fonts.small, palette.muted,
                   QRectF(body.left(), y, body.width(), body.bottom() - y), context)


def _paint_note(painter: QPainter, card: Card, body: QRectF, context: RenderContext, full: bool) -> None:
    palette, fonts = context.palette, context.fonts
    if full:
        body = _footer(painter, _tags_line(card), body, context)
    badge = _grade_of(card, body, context) if full else None
    used = _text_block(painter, card.title, fonts.title, palette.text, body, context, max_lines=2, keep_clear=badge)
    if full and card.text:
        gap = 4 if used else 0
        _text_block(painter, card.text, fonts.body, palette.text, body.adjusted(0, used + gap, 0, 0), context,
                    keep_clear=badge)


def _date_range(card: Card) -> str:
    if card.date_start and card.date_end:
        return f"{card.date_start} – {card.date_end}"
    return card.date_start or (f"until {card.date_end}" if card.date_end else "")


def _paint_entity(painter: QPainter, card: Card, body: QRectF, context: RenderContext, full: bool) -> None:
    palette, fonts = context.palette, context.fonts
    accent = palette.accent(card)
    side = min(40.0, body.height())
    disc = QRectF(body.left(), body.top() + 1, side, side)
    tint = QColor(accent)
    tint.setAlpha(38)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(tint)
    painter.drawEllipse(disc)
    draw_entity_icon(painter, card.entity_type, disc.adjusted(side * 0.2, side * 0.2, -side * 0.2, -side * 0.2),
                     accent)
    text_box = body.adjusted(side + 10, 0, 0, 0)
    if full and (card.reliability or card.credibility is not None):
        text_box.setRight(text_box.right() - 30)  # room for the grade badge
    y = text_box.top()
    y += _text_block(painter, card.title, fonts.title, palette.text,
                     QRectF(text_box.left(), y, text_box.width(), text_box.bottom() - y), context, max_lines=2)
    if not full:
        return
    lines = []
    date = _date_range(card)
    if date:
        lines.append(date)
    lines += [f"{key}: {value}" for key, value in card.attributes.items() if value]
    if card.text and not card.attributes:
        lines.append(card.text)
    small_h = context.metrics(fonts.small).lineSpacing()
    y += 2
    for index, line in enumerate(lines):
        if y + small_h > body.bottom() + 2:
            break
        colour = accent.darker(120) if index == 0 and date else palette.muted
        box = QRectF(text_box.left(), y, body.right() - text_box.left(), small_h)
        y += _text_line(painter, line, fonts.small, colour, box, context)
    if card.tags and y + small_h <= body.bottom() + 2:
        _text_line(painter, _tags_line(card), fonts.small, palette.muted,
                   QRectF(text_box.left(), y, body.right() - text_box.left(), small_h), context)


def _paint_group(painter: QPainter, card: Card, rect: QRectF, detail: float, context: RenderContext) -> None:
    """The frame only: its title is drawn above the cards (paint_group_title), so no card hides it."""
    accent = context.palette.accent(card)
    fill = QColor(accent)
    fill.setAlpha(GROUP_FILL_ALPHA)
    border = QColor(accent)
    border.setAlpha(190)
    pen = QPen(border, 1.5)
    pen.setCosmetic(detail < BLOCK_DETAIL)
    painter.setPen(pen)
    painter.setBrush(QBrush(fill))
    painter.drawRoundedRect(rect, RADIUS * 2, RADIUS * 2)


GROUP_FILL_ALPHA = 34


def _group_title_font(rect: QRectF, detail: float, context: RenderContext) -> QFont:
    # Seen from afar a group's title grows, so the board's regions stay readable.
    base = context.fonts.group_title.pixelSize()
    size = int(min(max(base, 13 / max(detail, 0.01)), rect.height() * 0.22, base * 6))
    return context.font_at(context.fonts.group_title, max(base, size))


def group_title_rect(card: Card, rect: QRectF, detail: float, context: RenderContext) -> QRectF:
    """Where a group's title (and the line under it) is drawn at ``detail``: its words, not the frame's width."""
    font = _group_title_font(rect, detail, context)
    title = " ".join((card.title or _fallback_title(card)).split())
    width = min(rect.width() - 28, context.text_width(title, font))
    height = context.metrics(font).height()
    if detail >= TITLE_DETAIL and card.text:
        width = max(width, min(rect.width() - 28, context.text_width(" ".join(card.text.split()),
                                                                      context.fonts.small)))
        height += 2 + 18
    return QRectF(rect.left() + 14, rect.top() + 10, max(0.0, width), height)


def paint_group_title(painter: QPainter, card: Card, rect: QRectF, detail: float, context: RenderContext,
                      backing: QColor | None = None) -> None:
    """A group's title (and description, close up), drawn after the cards.

    ``backing`` fills the words' box first: the board and the frame's tint
    as one opaque colour, so the title looks the same where it sits on the
    frame and hides a card pushed under it.
    """
    if detail < BLOCK_DETAIL:
        return
    palette, fonts = context.palette, context.fonts
    accent = palette.accent(card)
    font = _group_title_font(rect, detail, context)
    height = context.metrics(font).height()
    if backing is not None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(backing)
        painter.drawRoundedRect(group_title_rect(card, rect, detail, context).adjusted(-6, -3, 6, 3), 4, 4)
    title_box = QRectF(rect.left() + 14, rect.top() + 10, rect.width() - 28, height)
    height = _text_line(painter, card.title or _fallback_title(card), font, accent.darker(135), title_box, context)
    if detail >= TITLE_DETAIL and card.text:
        _text_line(painter, card.text, fonts.small, palette.muted,
                   QRectF(title_box.left(), title_box.top() + height + 2, title_box.width(), 18), context)


def group_backing(card: Card, context: RenderContext) -> QColor:
    """The opaque colour a group's frame shows on the board (see paint_group_title)."""
    board, accent = context.palette.board, context.palette.accent(card)
    alpha = GROUP_FILL_ALPHA / 255
    return QColor(round(board.red() + (accent.red() - board.red()) * alpha),
                  round(board.green() + (accent.green() - board.green()) * alpha),
                  round(board.blue() + (accent.blue() - board.blue()) * alpha))


# The contents of a card by its descriptor's look.style ("frame", a group, is drawn apart:
# its frame under the cards, its title above them).
STYLE_PAINTERS = {
    "document": _paint_document,
    "quote": _paint_quote,
    "photo": _paint_photo,
    "note": _paint_note,
    "entity": _paint_entity,
}
PICTURE_STYLES = frozenset({"document", "photo"})  # the styles that draw an image (a thumbnail, a photo)


def card_shape(rect: QRectF) -> QPainterPath:
    """The outline a card occupies (for hit testing and export clipping)."""
    path = QPainterPath()
    path.addRoundedRect(rect, RADIUS, RADIUS)
    return path
