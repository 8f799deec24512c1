"""What the picture exports (PDF, PNG, SVG) share: a render context that keeps
photos at print resolution, and the level of detail for a print scale."""

from __future__ import annotations

import math
import os

from PySide6.QtGui import QImage

from evidence_board.exporters.scope import ExportScope
from evidence_board.model import CardKind
from evidence_board.render.card_painter import BLOCK_DETAIL, TITLE_DETAIL
from evidence_board.render.context import RenderContext

PRINT_DPI = 300
MAX_IMAGE_EDGE = 6000
FULL_DETAIL = max(1.0, TITLE_DETAIL)


class ExportRenderContext(RenderContext):
    """A RenderContext whose images are scaled to ``image_edge`` pixels (not the
    screen's size) and stay opaque when the original is, so a PDF can store
    them as JPEG instead of colour plus an alpha mask."""

    def __init__(self, case, image_edge: int) -> None:
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
    edge = max((max(p.width, p.height) for c, p in scope.cards() if c.kind in (CardKind.PHOTO, CardKind.DOCUMENT)),
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
