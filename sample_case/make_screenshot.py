"""Render the sample board to a PNG for the README, with the board's own painters.

    python sample_case/make_screenshot.py [--case CASE.evb] [--output PNG] [--width 1600]

Offscreen, no window: the same card and link painters the board window and
the exports use, so the picture is what a user sees on first start.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402

from evidence_board.render.board_painter import board_bounds, paint_board  # noqa: E402
from evidence_board.render.context import RenderContext  # noqa: E402
from evidence_board.sample import sample_case_path  # noqa: E402
from evidence_board.store import CaseFile  # noqa: E402

HERE = Path(__file__).resolve().parent


def render_board(case_path: Path, output: Path, width: int) -> tuple[int, int]:
    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 - fonts need an application
    with CaseFile.open(case_path, read_only=True) as case:
        contents = case.load_board(case.boards()[0].id)
        bounds = board_bounds(contents)
        height = round(width * bounds.height() / bounds.width())
        image = QImage(width, height, QImage.Format.Format_RGB32)
        painter = QPainter(image)
        try:
            paint_board(painter, contents, bounds, RenderContext(case), target_rect=QRectF(0, 0, width, height))
        finally:
            painter.end()
    if not image.save(str(output)):
        raise OSError(f"cannot write {output}")
    return width, height


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--case", type=Path, default=sample_case_path())
    parser.add_argument("--output", type=Path, default=HERE / "sample-board.png")
    parser.add_argument("--width", type=int, default=1600)
    args = parser.parse_args(argv)
    width, height = render_board(args.case, args.output, args.width)
    print(f"wrote {args.output} ({width} x {height})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
