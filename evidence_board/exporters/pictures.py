"""PNG and SVG of a board or of a selection, drawn by the board's own painters.

PNG: board units become pixels at ``scale`` (or at ``dpi``, a board unit being
1/96 inch as on a screen at 100 %). The pixel size is capped; asked for more,
the export stops with a message saying which scale would fit. Without a scale
or DPI, scale 1 is used, or less when that would pass 40 megapixels.

SVG: one SVG pixel per board unit, text as ``<text>``, links as lines, each
image once; written by ``svg_painter`` from the same painter calls.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter, QTransform

from evidence_board.errors import InvalidInput
from evidence_board.exporters.files import atomic_write
from evidence_board.exporters.painting import (
    FULL_DETAIL, ExportRenderContext, image_edge_for, missing_characters_warning,
)
from evidence_board.exporters.label_fork import svg_labels
from evidence_board.exporters.scope import ExportScope
from evidence_board.exporters.svg_painter import SvgPainter, SvgRenderContext
from evidence_board.render.board_labels import board_label_placer, link_geometries
from evidence_board.services.collector import collector_paused
from evidence_board.render.board_painter import board_transform, paint_board, paint_placed_labels

MAX_PIXELS = 100_000_000  # 400 MB of image memory
DEFAULT_PIXELS = 40_000_000  # without a scale, bigger boards are drawn smaller to stay under this
MAX_SIDE = 32_767  # QPainter's raster engine limit
SCREEN_DPI = 96.0
BOARD_MARGIN = 30.0


@dataclass(slots=True)
class PictureResult:
    path: Path
    width: int
    height: int
    scale: float  # pixels per board unit
    reduced: bool = False  # the default scale was lowered to fit the pixel cap
    warnings: list[str] = field(default_factory=list)  # characters no installed font has


def _source(scope: ExportScope) -> QRectF:
    x0, y0, x1, y1 = scope.bounds(BOARD_MARGIN)
    return QRectF(x0, y0, x1 - x0, y1 - y0)


def _largest_scale(source: QRectF, pixels: int | None = None) -> float:
    by_side = MAX_SIDE / max(source.width(), source.height())
    by_area = math.sqrt((pixels or MAX_PIXELS) / (source.width() * source.height()))
    return min(by_side, by_area)


def png_scale(scope: ExportScope, scale: float | None = None, dpi: float | None = None) -> tuple[float, bool]:
    """The pixels per board unit a PNG export uses, and whether the default was lowered to fit."""
    if scale is not None and dpi is not None:
        raise InvalidInput("give a scale or a DPI, not both")
    if dpi is not None:
        if not (dpi > 0 and math.isfinite(dpi)):
            raise InvalidInput(f"the DPI must be a positive number, not {dpi!r}")
        scale = dpi / SCREEN_DPI
    largest = _largest_scale(_source(scope))
    if scale is None:
        fits = _largest_scale(_source(scope), DEFAULT_PIXELS)
        return (1.0, False) if fits >= 1.0 else (fits * 0.999, True)
    if not (scale > 0 and math.isfinite(scale)):
        raise InvalidInput(f"the scale must be a positive number, not {scale!r}")
    if scale > largest:
        source = _source(scope)
        w, h = math.ceil(source.width() * scale), math.ceil(source.height() * scale)
        raise InvalidInput(f"the PNG would be {w:,} × {h:,} pixels ({w * h / 1e6:,.0f} megapixels), more than the "
                           f"limit of {MAX_PIXELS / 1e6:,.0f} megapixels and {MAX_SIDE:,} pixels a side; use a "
                           f"scale of at most {largest:.3g} (DPI {largest * SCREEN_DPI:.0f}), or a PDF")
    return scale, False


def export_png(scope: ExportScope, path: str | os.PathLike[str], scale: float | None = None,
               dpi: float | None = None, numbers: bool = False) -> PictureResult:
    path = Path(path)
    scale, reduced = png_scale(scope, scale, dpi)
    source = _source(scope)
    width, height = max(1, math.ceil(source.width() * scale)), max(1, math.ceil(source.height() * scale))
    image = QImage(width, height, QImage.Format.Format_RGB32)
    if image.isNull():
        raise InvalidInput(f"not enough memory for a {width:,} × {height:,} pixel image; use a smaller scale")
    context = ExportRenderContext(scope.case, image_edge_for(scope, scale, dpi=72))
    image.fill(context.palette.board)
    dots_per_metre = round(scale * SCREEN_DPI / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    image.setText("Title", f"{scope.case.title}: {scope.board.name}")
    image.setText("Software", "Evidence Board")
    painter = QPainter(image)
    try:
        paint_board(painter, scope.visible_contents(), source, context, target_rect=QRectF(0, 0, width, height),
                    detail=scale,  # what the board window shows at this zoom
                    numbers=scope.numbers if numbers else None)
    finally:
        painter.end()

    def write(tmp: Path) -> None:
        if not image.save(str(tmp), "PNG"):
            raise OSError(f"could not write the PNG {path}")

    atomic_write(path, write)
    return PictureResult(path, width, height, scale, reduced, _warnings(scope))


def export_svg(scope: ExportScope, path: str | os.PathLike[str], numbers: bool = False) -> PictureResult:
    path = Path(path)
    source = _source(scope)
    width, height = math.ceil(source.width()), math.ceil(source.height())
    # Two pixels per board unit (sharp on a high-DPI screen); each image is embedded once (svg_painter).
    context = SvgRenderContext(scope.case, image_edge_for(scope, 2.0, dpi=72))

    painter = SvgPainter(width, height, SCREEN_DPI, f"{scope.case.title}: {scope.board.name}",
                         "Exported by Evidence Board")
    contents = scope.visible_contents()
    target = QRectF(0, 0, width, height)
    transform = board_transform(source, target) if not source.isEmpty() else QTransform()

    def draw_labels(spots: dict) -> str:
        piece = SvgPainter(width, height, SCREEN_DPI, "", "")
        piece.setTransform(transform)
        paint_placed_labels(piece, contents, spots, context)  # type: ignore[arg-type]  (QPainter's calls)
        return piece.fragment()

    # Hundreds of thousands of painter calls make short-lived objects, none of them in a
    # cycle: with the cycle collector running, its walks (each full one over everything
    # alive, the board read included, in the label child too, where it copies the pages
    # it writes) took about 0.1 s of this process's CPU on the bench board (two full
    # walks, 0.07 s); export CPU, 6 alternating runs each, 3.73-4.16 -> 3.44-3.87 s.
    # Paused, the collector runs after it (the label child inherits the pause).
    with collector_paused():
        # A big board's labels are placed and drawn on the other core while this one paints (label_fork).
        # Every link's line, worked out once for the painting and the labels (before a fork: both get them).
        geometries = link_geometries(contents)
        labels = svg_labels(lambda: board_label_placer(contents, context, geometries), draw_labels,
                            source.getRect(), sum(1 for link in contents.links.values() if link.label))
        try:
            paint_board(painter, contents, source, context,  # type: ignore[arg-type]  (QPainter's calls)
                        target_rect=target, detail=FULL_DETAIL, numbers=scope.numbers if numbers else None,
                        labels=labels, geometries=geometries)  # type: ignore[arg-type]
        finally:
            labels.close()
        data = painter.svg()

    def write(tmp: Path) -> None:
        tmp.write_bytes(data)

    atomic_write(path, write)
    return PictureResult(path, width, height, 1.0, warnings=_warnings(scope))


def _warnings(scope: ExportScope) -> list[str]:
    missing = missing_characters_warning(scope)
    return [missing] if missing else []
