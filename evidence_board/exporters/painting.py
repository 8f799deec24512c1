"""What the picture exports (PDF, PNG, SVG) share: a render context that keeps
photos at print resolution, the level of detail and the size of text for a
print scale, and the characters no installed font can draw."""

from __future__ import annotations

import functools
import math
import os
import unicodedata
from collections.abc import Iterable

from PySide6.QtGui import QFontMetricsF, QImage

from evidence_board.exporters.scope import ExportScope
from evidence_board.model import CARD_KINDS
from evidence_board.render.card_painter import BLOCK_DETAIL, PICTURE_STYLES, TITLE_DETAIL
from evidence_board.render.context import Fonts, RenderContext
from evidence_board.store import CaseFile

PRINT_DPI = 300
READABLE_POINTS = 6.0  # the smallest card text a print may have without a warning
MAX_IMAGE_EDGE = 6000
FULL_DETAIL = max(1.0, TITLE_DETAIL)


class ExportRenderContext(RenderContext):
    """A RenderContext whose images are scaled to ``image_edge`` pixels (not the
    screen's size) and stay opaque when the original is, so a PDF can store
    them as JPEG instead of colour plus an alpha mask."""

    def __init__(self, case: CaseFile, image_edge: int) -> None:
        super().__init__(case)
        self.image_edge = image_edge
        self._export_images: dict[int, QImage | None] = {}

    def image(self, attachment_id: int | None) -> QImage | None:
        if attachment_id is None or self.case is None:
            return None
        if attachment_id in self._export_images:
            return self._export_images[attachment_id]
        image = self.decode_image(attachment_id, self.image_edge)
        result = None
        if image is not None:
            opaque = not image.hasAlphaChannel()
            result = image.convertToFormat(QImage.Format.Format_RGB32 if opaque
                                           else QImage.Format.Format_ARGB32_Premultiplied)
        if len(self._export_images) > 512:  # bounded: a 10,000-photo board must not hold every image
            self._export_images.pop(next(iter(self._export_images)))
        self._export_images[attachment_id] = result
        return result


def image_edge_for(scope: ExportScope, points_per_unit: float, dpi: float = PRINT_DPI) -> int:
    """Pixels an image needs for ``dpi`` at its largest printed size on this board.

    ``points_per_unit`` is the print scale; for a pixel image at ``s`` pixels
    per board unit pass ``s`` with ``dpi=72`` (a pixel counted as a point).
    """
    edge = max((max(p.width, p.height) for c, p in scope.cards() if CARD_KINDS[c.kind].look.style in PICTURE_STYLES),
               default=0.0)
    return int(min(MAX_IMAGE_EDGE, max(64, math.ceil(edge * points_per_unit / 72 * dpi))))


def detail_for_scale(points_per_unit: float) -> float:
    """How much of each card a print at this scale can show.

    Body text is 12 board units high: from 1.5 pt (readable with a zoom in a
    PDF viewer) everything is drawn; from 0.5 pt titles; below that the card
    would be a speck of text, so it is a coloured block.
    """
    text_points = 12 * points_per_unit
    if text_points >= 1.5:
        return FULL_DETAIL
    if text_points >= 0.5:
        return (BLOCK_DETAIL + TITLE_DETAIL) / 2
    return BLOCK_DETAIL / 2


@functools.cache
def card_text_units() -> int:
    """The smallest text on a card or link (its number badge), in board units."""
    fonts = Fonts()
    return min(f.pixelSize() for f in (fonts.title, fonts.body, fonts.quote, fonts.small, fonts.label, fonts.badge))


def smallest_text_points(points_per_unit: float) -> float | None:
    """The size, in points, of the smallest card text a print at this scale draws (None: no text, only blocks)."""
    if detail_for_scale(points_per_unit) < BLOCK_DETAIL:
        return None
    return card_text_units() * points_per_unit


def readable_scale() -> float:
    """The print scale (points per board unit) at which the smallest card text is ``READABLE_POINTS``."""
    return READABLE_POINTS / card_text_units()


def small_text_warning(points: float | None, where: str, advice: str) -> str | None:
    """The warning an export gives when ``where`` prints card text under ``READABLE_POINTS``."""
    if points is None or points >= READABLE_POINTS - 1e-9:
        return None
    return (f"card text prints at {points:.1f} pt {where}, under {READABLE_POINTS:g} pt: "
            f"readable only zoomed in; {advice}")


# -- characters no font has ------------------------------------------------------

_NOT_DRAWN = {"Cc", "Cf", "Zs", "Zl", "Zp", "Cs"}  # controls, format marks, spaces: nothing to draw


def scope_texts(scope: ExportScope) -> Iterable[tuple[str, str]]:
    """Every text a picture export of ``scope`` draws, with the card (or thing) it belongs to."""
    yield scope.case.title, "the case title"
    yield scope.board.name, "the board name"
    for card, _ in scope.cards():
        name = card.title or " ".join(card.text.split())[:40]
        for text in (card.title, card.text, *card.tags, *card.attributes.keys(), *card.attributes.values()):
            yield text, name
        source = scope.source(card.source_id)
        if source is not None:
            for text in (source.title, source.file_name, source.author):
                yield text, name
    cards = scope.contents.cards
    for link in scope.links():
        yield link.label, f"the link {cards[link.from_card].title} → {cards[link.to_card].title}"


def missing_characters(texts: Iterable[tuple[str, str]], context: RenderContext | None = None) -> dict[str, str]:
    """Characters that no installed font can draw (they print as boxes), each with where it is first used.

    Qt draws a character the card's font lacks with another installed font
    that has it (Hangul, Han, Arabic from their own fonts); only what no
    font has is missing.
    """
    fonts = (context.fonts if context is not None else Fonts())
    metrics = [QFontMetricsF(f) for f in (fonts.body, fonts.title)]
    seen: set[str] = set()
    missing: dict[str, str] = {}
    for text, where in texts:
        if not text or text.isascii():
            continue
        for char in set(text) - seen:
            seen.add(char)
            if unicodedata.category(char) in _NOT_DRAWN or "\ufe00" <= char <= "\ufe0f":
                continue
            if not all(m.inFontUcs4(ord(char)) for m in metrics):
                missing.setdefault(char, where)
    return missing


def missing_characters_warning(scope: ExportScope, context: RenderContext | None = None) -> str | None:
    """One line listing the characters of ``scope`` that print as boxes, or None."""
    missing = missing_characters(scope_texts(scope), context)
    if not missing:
        return None
    listed = ", ".join(f"U+{ord(c):04X} {c} (in {where!r})" for c, where in list(missing.items())[:12])
    more = f" and {len(missing) - 12} more" if len(missing) > 12 else ""
    return f"no installed font has {len(missing)} character(s), drawn as boxes: {listed}{more}"


def ensure_gui_application() -> None:
    """Fonts and painting need a QGuiApplication; a headless export gets an offscreen one.

    It is a QApplication, not a bare QGuiApplication: a process has one
    application object for life, and if a window (or pytest-qt) later needs
    widgets in the same process, a QGuiApplication would make them crash.
    """
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        global _APP
        _APP = QApplication([])


_APP = None  # kept alive for the rest of the process
