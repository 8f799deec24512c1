"""Images in an SVG export: each one embedded once, however many cards show it.

QSvgGenerator PNG-encodes an image every time it is drawn and writes it
inline: the board bench's 1,500 photo and page cards (two distinct images)
cost 8 of the export's 17 seconds and 6 MB of base64. It also writes SVG
Tiny 1.2, which has no clipping, so a photo drawn to cover its frame spilled
over the card's caption and border (the PNG and PDF clip it).

:class:`SvgImagePainter` is the painter the SVG export paints with. Its
``drawImage`` draws a 1×1 marker image instead (cheap to encode, its one
pixel numbering the call) and remembers which image went there and how the
clip cropped it. :func:`embed_images` then rewrites the file: each image once
in ``<defs>`` as a ``<symbol>``, each marker a ``<use>`` of it at the same
place (inside a nested ``<svg>`` viewport when the clip cropped it), the
root declared SVG 1.1, whose ``<symbol>``, ``<use>`` and nested viewports
every SVG reader has.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QRectF
from PySide6.QtGui import QImage, QPainter

Crop = tuple[float, float, float, float]  # x, y, width, height in the coordinates the image was drawn in

_MARKER = re.compile(rb'<image x="([^"]*)" y="([^"]*)" width="([^"]*)" height="([^"]*)" preserveAspectRatio="none"'
                     rb'( image-rendering="[^"]*")? xlink:href="data:image/png;base64,([A-Za-z0-9+/=]{1,200})" />')
_ROOT = re.compile(rb'version="1\.2" baseProfile="tiny"')


class SvgImagePainter(QPainter):
    """A QPainter for a QSvgGenerator that leaves a marker where each image goes (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list[QImage] = []  # distinct images, in order of first use
        self._index: dict[int, int] = {}  # QImage.cacheKey() -> index in ``images``
        self.marks: list[tuple[int, Crop | None]] = []  # per marker: image index, crop (None: whole)

    def drawImage(self, *args: object) -> None:  # noqa: N802 - Qt's name
        if len(args) != 2 or not isinstance(args[0], (QRectF, QRect)) or not isinstance(args[1], QImage) \
                or args[1].isNull():
            super().drawImage(*args)  # a form the painters do not use: as Qt writes it
            return
        target, image = QRectF(args[0]), args[1]
        crop = None
        if self.hasClipping():
            clip = self.clipBoundingRect()
            if not clip.contains(target):
                visible = clip.intersected(target)
                if visible.isEmpty():
                    return
                crop = (visible.x(), visible.y(), visible.width(), visible.height())
        index = self._index.get(image.cacheKey())
        if index is None:
            index = self._index[image.cacheKey()] = len(self.images)
            self.images.append(image)  # kept: a freed image's cache key may be reused
        self.marks.append((index, crop))
        marker = QImage(1, 1, QImage.Format.Format_RGB32)
        marker.setPixel(0, 0, 0xFF000000 | len(self.marks))  # numbered from 1: black is no marker
        super().drawImage(target, marker)


def _png_base64(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return base64.b64encode(bytes(data))


def _number(marker_base64: bytes) -> int:
    image = QImage.fromData(base64.b64decode(marker_base64), "PNG")
    if image.isNull() or image.width() != 1 or image.height() != 1:
        return 0
    return image.pixel(0, 0) & 0xFFFFFF


def embed_images(path: Path, painter: SvgImagePainter) -> None:
    """Rewrite the SVG at ``path`` (written through ``painter``): markers become uses of images defined once."""
    data = path.read_bytes()
    if not painter.marks:
        return
    marks = painter.marks

    def use(match: re.Match[bytes]) -> bytes:
        number = _number(match.group(6))
        if not 1 <= number <= len(marks):
            return match.group(0)  # not one of ours
        index, crop = marks[number - 1]
        x, y, w, h = match.group(1, 2, 3, 4)
        element = (b'<use xlink:href="#evb-image-%d" x="%s" y="%s" width="%s" height="%s"%s/>'
                   % (index, x, y, w, h, match.group(5) or b""))
        if crop is None:
            return element
        box = b"%g %g %g %g" % crop
        return (b'<svg x="%g" y="%g" width="%g" height="%g" viewBox="%s" preserveAspectRatio="none">%s</svg>'
                % (*crop, box, element))

    body = _MARKER.sub(use, data)
    symbols = b"".join(
        b'<symbol id="evb-image-%d" viewBox="0 0 %d %d" preserveAspectRatio="none">'
        b'<image width="%d" height="%d" preserveAspectRatio="none" xlink:href="data:image/png;base64,%s"/></symbol>\n'
        % (i, image.width(), image.height(), image.width(), image.height(), _png_base64(image))
        for i, image in enumerate(painter.images))
    body = _ROOT.sub(b'version="1.1"', body, count=1)
    end = body.rindex(b"</svg>")
    path.write_bytes(body[:end] + b"<defs>\n" + symbols + b"</defs>\n" + body[end:])
