"""What painting needs besides the records: colours, fonts, images and caches.

One RenderContext lives as long as a board view or one export. Images are
read from the case file only when a card is first drawn close enough to show
them, then kept (scaled once) in caches keyed by attachment id; wrapped text
is kept keyed by its text, font and width, so a repaint recomputes nothing.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QStaticText, QTextLayout, QTextOption, QTransform

from evidence_board.model import CARD_KINDS, ENTITY_LOOKS, Card, CardKind, EntityType, Placement, Source

if TYPE_CHECKING:
    from evidence_board.store import CaseFile

# z order shared by the scene and paint_board: groups under links under cards.
GROUP_Z_BASE = -2_000_000.0
LINK_Z = -1_000_000.0


def stacking_z(card: Card, placement: Placement) -> float:
    """The z value a card is drawn at: group frames always sit under links and cards."""
    return placement.z + (GROUP_Z_BASE if card.kind is CardKind.GROUP else 0.0)


@dataclass(slots=True)
class Palette:
    """Calm colours: a light board, white cards, one muted accent per kind."""

    board: QColor = field(default_factory=lambda: QColor("#eef0f3"))
    grid: QColor = field(default_factory=lambda: QColor("#e1e5ea"))
    card: QColor = field(default_factory=lambda: QColor("#ffffff"))
    card_border: QColor = field(default_factory=lambda: QColor("#cfd5dd"))
    shadow: QColor = field(default_factory=lambda: QColor(20, 30, 50, 28))
    text: QColor = field(default_factory=lambda: QColor("#1f2933"))
    muted: QColor = field(default_factory=lambda: QColor("#65717e"))
    selection: QColor = field(default_factory=lambda: QColor("#2f6fd6"))
    note: QColor = field(default_factory=lambda: QColor("#fdf6d8"))
    note_border: QColor = field(default_factory=lambda: QColor("#e6d89a"))
    group_fill: QColor = field(default_factory=lambda: QColor(120, 135, 155, 22))
    group_border: QColor = field(default_factory=lambda: QColor("#a9b4c2"))
    link: QColor = field(default_factory=lambda: QColor("#56616e"))
    overview_link: QColor = field(default_factory=lambda: QColor("#b9c1cb"))
    label_plate: QColor = field(default_factory=lambda: QColor("#ffffff"))
    label_border: QColor = field(default_factory=lambda: QColor("#c9d0d8"))
    image_placeholder: QColor = field(default_factory=lambda: QColor("#dde2e8"))
    badge: QColor = field(default_factory=lambda: QColor("#37474f"))
    # One accent per kind and per entity type, from the kind descriptors (model/card_kinds.py).
    kinds: dict[CardKind, QColor] = field(default_factory=lambda: {
        kind: QColor(descriptor.look.accent) for kind, descriptor in CARD_KINDS.items()})
    entities: dict[EntityType, QColor] = field(default_factory=lambda: {
        entity_type: QColor(look.accent) for entity_type, look in ENTITY_LOOKS.items()})

    def accent(self, card: Card) -> QColor:
        """A card's own colour if it has one, else its kind's (or entity type's)."""
        if card.colour:
            colour = QColor(card.colour)
            if colour.isValid():
                return colour
        if card.kind is CardKind.ENTITY and card.entity_type is not None:
            return self.entities.get(card.entity_type, self.kinds[CardKind.ENTITY])
        return self.kinds[card.kind]

    def paper(self, paper: str) -> tuple[QColor, QColor]:
        """The fill and border of a card drawn on ``paper`` (a descriptor's ``look.paper``);
        a group's "frame" is tinted from its accent by the group painter instead."""
        if paper == "card":
            return self.card, self.card_border
        if paper == "note":
            return self.note, self.note_border
        raise KeyError(paper)


LIGATURE_FEATURES = ("liga", "clig")


def without_ligatures(font: QFont) -> QFont:
    """``font`` with ligatures off, so the text it draws keeps its own characters.

    A PDF maps every glyph back to characters for copy and search; a ligature
    glyph maps to a ligature code point (U+FB01 for "fi"), so "fight" copied
    from an exhibit would not be "fight" and a reader's search would miss it.
    """
    for tag in LIGATURE_FEATURES:
        font.setFeature(QFont.Tag(tag), 0)
    return font


def _font(pixel_size: int, weight: QFont.Weight = QFont.Weight.Normal, italic: bool = False) -> QFont:
    # A generic family resolved from locally installed fonts (fontconfig);
    # nothing is ever downloaded. Characters the family lacks (Hangul, Han)
    # come from another installed font through Qt's fallback. Sizes are in
    # pixels = board units, so text keeps its size relative to the card on
    # screens and in PDFs of any DPI.
    font = QFont()
    font.setStyleHint(QFont.StyleHint.SansSerif)
    font.setPixelSize(pixel_size)
    font.setWeight(weight)
    font.setItalic(italic)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return without_ligatures(font)


@dataclass(slots=True)
class Fonts:
    title: QFont = field(default_factory=lambda: _font(14, QFont.Weight.DemiBold))
    body: QFont = field(default_factory=lambda: _font(12))
    quote: QFont = field(default_factory=lambda: _font(13, italic=True))
    small: QFont = field(default_factory=lambda: _font(11))
    label: QFont = field(default_factory=lambda: _font(11, QFont.Weight.Medium))
    badge: QFont = field(default_factory=lambda: _font(10, QFont.Weight.Bold))
    group_title: QFont = field(default_factory=lambda: _font(17, QFont.Weight.DemiBold))
    quote_mark: QFont = field(default_factory=lambda: _font(40, QFont.Weight.Bold))


@dataclass(slots=True)
class TextBlock:
    """Wrapped lines of a text, each a QStaticText at its top-left offset.

    QStaticText keeps the glyph layout, so a repaint does no text shaping; a
    PDF or SVG paint engine still receives it as text, not as an image.
    """

    lines: list[tuple[QStaticText, QPointF]]
    height: float


class _LruCache:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._items: OrderedDict[Hashable, object] = OrderedDict()

    def get(self, key: Hashable) -> object | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: Hashable, value: object) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.limit:
            self._items.popitem(last=False)

    def discard_where(self, test: Callable[[Hashable], bool]) -> None:
        for key in [k for k in self._items if test(k)]:
            del self._items[key]

    def clear(self) -> None:
        self._items.clear()


class RenderContext:
    """Palette, fonts and caches for painting cards and links of one case.

    ``case`` may be None (records drawn without their images). The caches are
    bounded; ``forget_source``/``forget_attachment`` drop stale entries when
    the services report a change.
    """

    # Largest edge an image is kept at; bigger originals are scaled down once.
    IMAGE_EDGE = 720

    def __init__(self, case: CaseFile | None = None, palette: Palette | None = None,
                 fonts: Fonts | None = None) -> None:
        self.case = case
        self.palette = palette or Palette()
        self.fonts = fonts or Fonts()
        self._images = _LruCache(256)
        self._missing_images: set[int] = set()
        self._sources: dict[str, Source | None] = {}
        self._text = _LruCache(4000)
        self._metrics: dict[int, QFontMetricsF] = {}
        self._sized_fonts: dict[tuple[int, int], QFont] = {}

    # -- records ---------------------------------------------------------

    def source(self, source_id: str | None) -> Source | None:
        if not source_id or self.case is None:
            return None
        if source_id not in self._sources:
            self._sources[source_id] = self.case.source(source_id)
        return self._sources[source_id]

    def forget_source(self, source_id: str) -> None:
        self._sources.pop(source_id, None)

    def citation(self, card: Card) -> str:
        """Where a quote comes from, e.g. "ICCAS report, p. 2"."""
        source = self.source(card.source_id)
        name = (source.title or source.file_name) if source else ""
        if card.page is not None:
            return f"{name}, p. {card.page}" if name else f"p. {card.page}"
        return name

    # -- images ----------------------------------------------------------

    def image(self, attachment_id: int | None) -> QImage | None:
        """The image stored as this attachment, decoded once and kept; None if unreadable."""
        if attachment_id is None or self.case is None or attachment_id in self._missing_images:
            return None
        cached = self._images.get(attachment_id)
        if cached is not None:
            return cached  # type: ignore[return-value]
        image = self.decode_image(attachment_id, self.IMAGE_EDGE)
        if image is None:
            # A damaged or non-image attachment draws as a placeholder, never raises.
            self._missing_images.add(attachment_id)
            return None
        image = image.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
        self._images.put(attachment_id, image)
        return image

    def decode_image(self, attachment_id: int, edge: int) -> QImage | None:
        """Decode an attachment's image, scaled down to ``edge`` pixels at most; None if unreadable."""
        image = QImage()
        try:
            data = self.case.attachment(attachment_id) if self.case is not None else b""
        except KeyError:
            data = b""
        if not data or not image.loadFromData(data):
            return None
        if max(image.width(), image.height()) > edge:
            image = image.scaled(QSize(edge, edge), Qt.AspectRatioMode.KeepAspectRatio,
                                 Qt.TransformationMode.SmoothTransformation)
        return image

    def forget_attachment(self, attachment_id: int) -> None:
        self._missing_images.discard(attachment_id)
        self._images.discard_where(lambda key: key == attachment_id)

    # -- text ------------------------------------------------------------

    def font_at(self, font: QFont, pixel_size: int) -> QFont:
        """``font`` at another pixel size, kept so its caches stay warm."""
        key = (id(font), pixel_size)
        sized = self._sized_fonts.get(key)
        if sized is None:
            sized = self._sized_fonts[key] = QFont(font)
            sized.setPixelSize(pixel_size)
        return sized

    def metrics(self, font: QFont) -> QFontMetricsF:
        key = id(font)
        metrics = self._metrics.get(key)
        if metrics is None:
            metrics = self._metrics[key] = QFontMetricsF(font)
        return metrics

    def wrapped(self, text: str, font: QFont, width: float, max_lines: int,
                narrow: tuple[float, int] = (0.0, 0)) -> TextBlock:
        """``text`` wrapped to ``width``, at most ``max_lines`` lines (the last one elided).

        ``narrow`` = (by, lines): the first ``lines`` lines are ``by`` shorter,
        leaving room at their right end (for a badge in the card's corner).
        """
        key = (text, id(font), round(width, 1), max_lines, narrow)
        cached = self._text.get(key)
        if cached is not None:
            return cached  # type: ignore[return-value]
        block = self._layout(text, font, width, max_lines, narrow)
        self._text.put(key, block)
        return block

    def _layout(self, text: str, font: QFont, width: float, max_lines: int,
                narrow: tuple[float, int] = (0.0, 0)) -> TextBlock:
        metrics = self.metrics(font)
        lines: list[tuple[QStaticText, QPointF]] = []
        y = 0.0
        if width <= 4 or max_lines <= 0 or not text:
            return TextBlock(lines, 0.0)
        paragraphs = text.replace("\r\n", "\n").split("\n")
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        line_height = metrics.lineSpacing()
        for p_index, paragraph in enumerate(paragraphs):
            # QTextLayout counts UTF-16 code units: a character outside the
            # BMP (an emoji) is two of them but one Python character.
            units = _utf16_offsets(paragraph)
            layout = QTextLayout(paragraph, font)
            layout.setTextOption(option)
            layout.beginLayout()
            while True:
                line = layout.createLine()
                if not line.isValid():
                    break
                line_width = max(4.0, width - narrow[0]) if len(lines) < narrow[1] else width
                line.setLineWidth(line_width)
                start, end = units(line.textStart()), units(line.textStart() + line.textLength())
                length = end - start
                piece = paragraph[start:start + length].rstrip()
                last_allowed = len(lines) == max_lines - 1
                rest_exists = start + length < len(paragraph) or p_index < len(paragraphs) - 1
                if last_allowed and rest_exists:
                    piece = metrics.elidedText(paragraph[start:].replace("\n", " ") + " …",
                                               Qt.TextElideMode.ElideRight, line_width)
                lines.append((self.static_text(piece, font), QPointF(0.0, y)))
                y += line_height
                if len(lines) >= max_lines:
                    break
            layout.endLayout()
            if len(lines) >= max_lines:
                break
        return TextBlock(lines, y)

    def elided(self, text: str, font: QFont, width: float) -> QStaticText:
        """One line of ``text``, cut with an ellipsis to fit ``width``."""
        key = ("elided", text, id(font), round(width, 1))
        cached = self._text.get(key)
        if cached is None:
            line = self.metrics(font).elidedText(" ".join(text.split()), Qt.TextElideMode.ElideRight,
                                                 max(0.0, width))
            cached = self.static_text(line, font)
            self._text.put(key, cached)
        return cached  # type: ignore[return-value]

    def line(self, text: str, font: QFont) -> QStaticText:
        """``text`` as one line, exactly as given (no wrapping, no eliding)."""
        key = ("line", text, id(font))
        cached = self._text.get(key)
        if cached is None:
            cached = self.static_text(text, font)
            self._text.put(key, cached)
        return cached  # type: ignore[return-value]

    def static_text(self, text: str, font: QFont) -> QStaticText:
        """A laid-out line (wrapped, elided or whole) as the painters get it: a prepared QStaticText."""
        return static_text(text, font)

    def text_width(self, text: str, font: QFont) -> float:
        key = ("width", text, id(font))
        cached = self._text.get(key)
        if cached is None:
            cached = self.metrics(font).horizontalAdvance(text)
            self._text.put(key, cached)
        return cached  # type: ignore[return-value]


def _utf16_offsets(text: str) -> Callable[[int], int]:
    """A function from a UTF-16 offset in ``text`` to the Python string index."""
    if text.isascii() or len(text.encode("utf-16-le")) == 2 * len(text):
        return lambda unit: unit
    index_of: dict[int, int] = {}
    unit = 0
    for index, char in enumerate(text):
        index_of[unit] = index
        unit += 2 if ord(char) >= 0x10000 else 1
    index_of[unit] = len(text)
    return lambda u: index_of.get(u, index_of[max(k for k in index_of if k <= u)])


def static_text(text: str, font: QFont) -> QStaticText:
    static = QStaticText(text)
    static.setTextFormat(Qt.TextFormat.PlainText)
    static.prepare(QTransform(), font)
    return static


def fit_rect(size: QSize, into: QRectF, cover: bool = False) -> QRectF:
    """The rect an image of ``size`` takes inside ``into``, aspect kept (contain or cover)."""
    if size.width() <= 0 or size.height() <= 0:
        return QRectF(into)
    sx, sy = into.width() / size.width(), into.height() / size.height()
    scale = max(sx, sy) if cover else min(sx, sy)
    w, h = size.width() * scale, size.height() * scale
    return QRectF(into.center().x() - w / 2, into.center().y() - h / 2, w, h)
