"""Render the application icon's PNG sizes from its SVG, with PyMuPDF.

    python resources/make_icons.py

Desktops pick a PNG of the size they need from the hicolor icon theme; the
SVG stays the one drawing we edit. The same SVG gives the same PNG bytes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pymupdf

HERE = Path(__file__).resolve().parent
SVG = HERE / "icons" / "evidence-board.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def png_path(size: int) -> Path:
    return HERE / "icons" / f"evidence-board-{size}.png"


def render_png(svg: Path, size: int) -> bytes:
    with pymupdf.open(svg) as doc:
        page = doc[0]
        zoom = size / max(page.rect.width, page.rect.height)
        return page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=True).tobytes("png")


def main() -> int:
    for size in SIZES:
        png_path(size).write_bytes(render_png(SVG, size))
        print(f"wrote {png_path(size).relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
