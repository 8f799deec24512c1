"""The painter the SVG export draws with: the QPainter calls the board's painters make, written as SVG.

The export used QPainter on a QSvgGenerator. On the board bench's board
(10,000 cards, 20,000 links) that took 17 s and wrote 58 MB: the generator
writes every painter state (colours, pen, font and transform, ~400 bytes) as a
new ``<g>`` before almost every shape, PNG-encodes an image each time it is
drawn (1,500 photo and page cards showing two images: 8 s, 6 MB of base64),
and writes SVG Tiny, which cannot clip, so a photo drawn to cover its frame
spilled over the card's caption.

:class:`SvgPainter` takes the calls ``paint_board`` and the card, link and
icon painters make (``save``/``restore``, pens, brushes, fonts, transform,
clip, rectangles, rounded rectangles, lines, polygons, ellipses, paths, text
and images) and writes what the generator wrote for them, with the same
attributes: each shape in a group that says its pen and brush, opened only
when those change; text as ``<text>`` at the same baseline, in the same font
attributes; each distinct image once, as a ``<symbol>``, and a ``<use>`` of it
wherever a card shows it, in a nested ``<svg>`` viewport when the clip crops it.
Only clips that crop an image are kept (as the generator, which kept none).
A call it does not know raises AttributeError, so a painter that starts using
one fails the export tests instead of drawing nothing.
"""

from __future__ import annotations

import base64
import struct
from collections.abc import Callable
from html import escape

from PySide6.QtCore import QByteArray, QDataStream, QIODevice, QLineF, QPointF, QRect, QRectF, QSizeF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QImage, QPainter, QPainterPath, QPen, QPolygonF, \
    QStaticText, QTransform

from evidence_board.exporters.painting import ExportRenderContext
from evidence_board.exporters.xml_text import xml_text
from evidence_board.render.context import static_text
from evidence_board.render.specimen import png_bytes

_CAPS = {Qt.PenCapStyle.FlatCap: "butt", Qt.PenCapStyle.SquareCap: "square", Qt.PenCapStyle.RoundCap: "round"}
_JOINS = {Qt.PenJoinStyle.BevelJoin: "bevel", Qt.PenJoinStyle.RoundJoin: "round"}
_NO_PEN = 'stroke="none"'
_NO_BRUSH = 'fill="none"'
_DEFAULT_PEN = 'stroke="#000000" stroke-opacity="1" stroke-width="1" stroke-linecap="square" stroke-linejoin="bevel"'


def _n(value: float) -> str:
    """A number as QSvgGenerator writes one (six significant digits)."""
    return f"{value:g}"


_COLOURS: dict[int, tuple[str, str]] = {}  # rgba -> as written; the same strings each time
_COLOUR_PENS: dict[tuple[str, str], str] = {}
_COLOUR_BRUSHES: dict[tuple[str, str], str] = {}
_BRUSHES_BY_RGBA: dict[int, str] = {}
_NO_PEN_STYLE, _NO_BRUSH_STYLE = Qt.PenStyle.NoPen, Qt.BrushStyle.NoBrush


def _colour(colour: QColor) -> tuple[str, str]:
    """A colour as the generator writes it: its name and its opacity."""
    rgba = colour.rgba()
    written = _COLOURS.get(rgba)
    if written is None:
        written = _COLOURS[rgba] = (colour.name(), _n(colour.alphaF()))
    return written


def _pen_attributes(pen: QPen) -> str:
    style = pen.style()
    if style == Qt.PenStyle.NoPen:
        return _NO_PEN
    colour, opacity = _colour(pen.color())
    width = pen.widthF()
    parts = [f'stroke="{colour}" stroke-opacity="{opacity}"']
    if style != Qt.PenStyle.SolidLine:
        unit = width or 1.0
        dashes = ",".join(_n(d * unit) for d in pen.dashPattern())
        parts.append(f'stroke-dasharray="{dashes}" stroke-dashoffset="{_n(pen.dashOffset() * unit)}"')
    parts.append(f'stroke-width="{_n(width) if width else "1"}"')
    parts.append(f'stroke-linecap="{_CAPS.get(pen.capStyle(), "square")}"')
    join = pen.joinStyle()
    if join in _JOINS:
        parts.append(f'stroke-linejoin="{_JOINS[join]}"')
    else:
        parts.append(f'stroke-linejoin="miter" stroke-miterlimit="{_n(pen.miterLimit())}"')
    return " ".join(parts)


def _brush_attributes(brush: QBrush | QColor) -> str:
    if isinstance(brush, QBrush):
        if brush.style() == Qt.BrushStyle.NoBrush:
            return _NO_BRUSH
        brush = brush.color()  # the painters use solid brushes only
    colour = _colour(brush)
    written = _COLOUR_BRUSHES.get(colour)
    if written is None:
        written = _COLOUR_BRUSHES[colour] = f'fill="{colour[0]}" fill-opacity="{colour[1]}"'
    return written


class _State:
    __slots__ = ("pen", "pen_colour", "brush", "font", "transform", "matrix", "clip", "smooth")

    def __init__(self) -> None:
        self.pen = _DEFAULT_PEN
        self.pen_colour = ("#000000", "1")
        self.brush = _NO_BRUSH
        self.font: QFont | None = None
        self.transform = QTransform()
        self.matrix = "matrix(1,0,0,1,0,0)"  # the transform as written
        self.clip: QRectF | None = None  # in device coordinates
        self.smooth = False

    def copy(self) -> _State:
        other = _State.__new__(_State)
        other.pen, other.pen_colour, other.brush, other.font = self.pen, self.pen_colour, self.brush, self.font
        other.transform, other.matrix, other.clip, other.smooth = self.transform, self.matrix, self.clip, self.smooth
        return other


class SvgPainter:
    """Collects the SVG of what is painted on it; :meth:`svg` returns the document."""

    def __init__(self, width: float, height: float, resolution: float, title: str, description: str) -> None:
        self._size = (width, height, resolution)
        self._title, self._description = title, description
        self._state = _State()
        self._stack: list[_State] = []
        self._out: list[str] = []
        self._group: tuple[str, str, str] | None = None  # (transform, pen, brush) of the open <g>
        self._recent_pens: list[tuple[QPen, str, tuple[str, str]]] = []
        self._fonts: dict[int, tuple[QFont, str, float]] = {}  # id -> (font, attributes, ascent)
        self._images: list[QImage] = []
        self._image_index: dict[int, int] = {}  # QImage.cacheKey() -> index in _images

    # -- state ---------------------------------------------------------------

    def save(self) -> None:
        self._stack.append(self._state.copy())

    def restore(self) -> None:
        self._state = self._stack.pop()

    def setPen(self, pen: QPen | QColor | Qt.PenStyle) -> None:  # noqa: N802 - Qt's names, from here on
        if pen is _NO_PEN_STYLE:  # (an enum member is one object)
            self._state.pen = _NO_PEN
        elif isinstance(pen, QColor):
            colour = _colour(pen)
            written = _COLOUR_PENS.get(colour)
            if written is None:
                written = _COLOUR_PENS[colour] = (f'stroke="{colour[0]}" stroke-opacity="{colour[1]}" '
                                                  'stroke-width="1" stroke-linecap="square" stroke-linejoin="bevel"')
            self._state.pen = written
            self._state.pen_colour = colour
        elif isinstance(pen, QPen):
            # The painters make a new QPen for every card and link, from a handful of
            # kinds: comparing with the last few (in C++) is cheaper than reading one.
            recent = self._recent_pens
            if recent and recent[0][0] == pen:  # most often the last one: no search
                found: int | None = 0
            else:
                found = next((index for index, known in enumerate(recent) if known[0] == pen), None)
            if found is None:
                recent.insert(0, (QPen(pen), _pen_attributes(pen), _colour(pen.color())))
                del recent[8:]
            elif found:
                recent.insert(0, recent.pop(found))
            _known, self._state.pen, self._state.pen_colour = recent[0]
        elif pen == Qt.PenStyle.NoPen:
            self._state.pen = _NO_PEN
        else:
            raise AttributeError(f"SvgPainter.setPen({pen!r})")

    def setBrush(self, brush: QBrush | QColor | Qt.BrushStyle) -> None:  # noqa: N802
        if brush is _NO_BRUSH_STYLE:
            self._state.brush = _NO_BRUSH
        elif type(brush) is QColor:
            # A colour's fill attributes by its rgba, without _colour's tuple (70,000 calls an export).
            rgba = brush.rgba()
            written = _BRUSHES_BY_RGBA.get(rgba)
            if written is None:
                written = _BRUSHES_BY_RGBA[rgba] = _brush_attributes(brush)
            self._state.brush = written
        elif isinstance(brush, (QBrush, QColor)):
            self._state.brush = _brush_attributes(brush)
        elif brush == Qt.BrushStyle.NoBrush:
            self._state.brush = _NO_BRUSH
        else:
            raise AttributeError(f"SvgPainter.setBrush({brush!r})")

    def setFont(self, font: QFont) -> None:  # noqa: N802
        self._state.font = font

    def setRenderHint(self, hint: QPainter.RenderHint, on: bool = True) -> None:  # noqa: N802
        if hint == QPainter.RenderHint.SmoothPixmapTransform:
            self._state.smooth = on

    def setTransform(self, transform: QTransform, combine: bool = False) -> None:  # noqa: N802
        t = self._state.transform = transform * self._state.transform if combine else QTransform(transform)
        self._state.matrix = (f"matrix({_n(t.m11())},{_n(t.m12())},{_n(t.m21())},{_n(t.m22())},"
                              f"{_n(t.dx())},{_n(t.dy())})")

    def setClipRect(self, rect: QRectF, operation: Qt.ClipOperation = Qt.ClipOperation.ReplaceClip) -> None:  # noqa: N802
        device = self._state.transform.mapRect(QRectF(rect))
        if operation == Qt.ClipOperation.IntersectClip and self._state.clip is not None:
            device = device.intersected(self._state.clip)
        self._state.clip = device

    # -- shapes --------------------------------------------------------------

    def _shape(self, element: str) -> None:
        """``element`` stroked and filled with the current pen and brush."""
        state = self._state
        key = (state.matrix, state.pen, state.brush)
        if key != self._group:
            self._open(key)
        self._out.append(element)

    def _filled(self, element: str, brush: str) -> None:
        """``element`` filled with ``brush`` and not stroked (fillRect, fillPath)."""
        key = (self._state.matrix, _NO_PEN, brush)
        if key != self._group:
            self._open(key)
        self._out.append(element)

    def _placed(self, element: str) -> None:
        """``element`` that says its own paint (text): any open group with the current transform holds it."""
        state = self._state
        if self._group is None or self._group[0] != state.matrix:
            self._open((state.matrix, state.pen, state.brush))
        self._out.append(element)

    def _open(self, key: tuple[str, str, str]) -> None:
        if self._group is not None:
            self._out.append("</g>\n")
        self._out.append(f'<g transform="{key[0]}" {key[2]} {key[1]}>\n')
        self._group = key

    # (Numbers as {:g}, written out: these run a hundred thousand times an export.)

    def drawRect(self, rect: QRectF) -> None:  # noqa: N802
        x, y, w, h = rect.getRect()
        self._shape(f'<rect x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}"/>\n')

    def drawRoundedRect(self, rect: QRectF, rx: float, ry: float) -> None:  # noqa: N802
        x, y, w, h = rect.getRect()
        self._shape(f'<rect x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}" rx="{max(0.0, rx):g}" '
                    f'ry="{max(0.0, ry):g}"/>\n')

    def fillRect(self, rect: QRectF, colour: QColor | QBrush) -> None:  # noqa: N802
        x, y, w, h = rect.getRect()
        self._filled(f'<rect x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}"/>\n', _brush_attributes(colour))

    def drawLine(self, *args: object) -> None:  # noqa: N802
        line = args[0] if len(args) == 1 else QLineF(*args)  # type: ignore[arg-type]
        x1, y1, x2, y2 = line.x1(), line.y1(), line.x2(), line.y2()  # type: ignore[union-attr]
        self._shape(f'<line x1="{x1:g}" y1="{y1:g}" x2="{x2:g}" y2="{y2:g}"/>\n')

    def drawPolygon(self, polygon: QPolygonF) -> None:  # noqa: N802
        if polygon.isEmpty():
            return
        points = " ".join([f"{p.x():g},{p.y():g}" for p in polygon.toList()])
        self._shape(f'<polygon fill-rule="evenodd" points="{points}"/>\n')

    def drawEllipse(self, *args: object) -> None:  # noqa: N802
        if len(args) == 1:
            rect: QRectF = QRectF(args[0])  # type: ignore[arg-type]
            cx, cy, rx, ry = rect.center().x(), rect.center().y(), rect.width() / 2, rect.height() / 2
        else:
            centre, rx, ry = args  # type: ignore[assignment]
            cx, cy = centre.x(), centre.y()  # type: ignore[attr-defined]
        self._shape(f'<ellipse cx="{_n(cx)}" cy="{_n(cy)}" rx="{_n(rx)}" ry="{_n(ry)}"/>\n')

    def drawPath(self, path: QPainterPath) -> None:  # noqa: N802
        self._shape(_path_element(path))

    def fillPath(self, path: QPainterPath, brush: QColor | QBrush) -> None:  # noqa: N802
        self._filled(_path_element(path), _brush_attributes(brush))

    # -- text ----------------------------------------------------------------

    def _font(self) -> tuple[QFont, str, float]:
        font = self._state.font or QFont()
        cached = self._fonts.get(id(font))
        if cached is None or cached[0] is not font:
            size = font.pixelSize()
            if size <= 0:
                size = font.pointSizeF() * self._size[2] / 72
            family = escape(xml_text(font.family()), quote=True)
            attributes = (f'font-family="{family}" font-size="{_n(size)}" font-weight="{int(font.weight())}" '
                          f'font-style="{"italic" if font.italic() else "normal"}"')
            cached = self._fonts[id(font)] = (font, attributes, QFontMetricsF(font).ascent())
        return cached

    def _text(self, x: float, baseline: float, text: str, attributes: str | None = None) -> None:
        if not text:
            return
        attributes = attributes or self._font()[1]
        if not (text.isascii() and text.isprintable()):  # else nothing in it that XML cannot hold
            text = xml_text(text)
        colour, opacity = self._state.pen_colour
        self._placed(f'<text fill="{colour}" fill-opacity="{opacity}" stroke="none" xml:space="preserve" '
                     f'x="{x:g}" y="{baseline:g}" {attributes}>{escape(text, quote=False)}</text>\n')

    def drawStaticText(self, point: QPointF, static: QStaticText) -> None:  # noqa: N802
        _font, attributes, ascent = self._font()
        self._text(point.x(), point.y() + ascent, static.text(), attributes)

    def drawText(self, point: QPointF, text: str) -> None:  # noqa: N802
        if not isinstance(point, QPointF):
            raise AttributeError("SvgPainter.drawText takes a point and a text (the painters' one form)")
        self._text(point.x(), point.y(), text)

    # -- images --------------------------------------------------------------

    def drawImage(self, target: QRectF | QRect, image: QImage) -> None:  # noqa: N802
        if image.isNull():
            return
        target = QRectF(target)
        state = self._state
        crop = None
        if state.clip is not None:
            inverse, invertible = state.transform.inverted()
            clip = inverse.mapRect(state.clip) if invertible else target
            if not clip.contains(target):
                crop = clip.intersected(target)
                if crop.isEmpty():
                    return
        index = self._image_index.get(image.cacheKey())
        if index is None:
            index = self._image_index[image.cacheKey()] = len(self._images)
            self._images.append(image)  # kept: a freed image's cache key may be reused
        rendering = "" if state.smooth else ' image-rendering="optimizeSpeed"'
        element = (f'<use xlink:href="#evb-image-{index}" x="{_n(target.x())}" y="{_n(target.y())}" '
                   f'width="{_n(target.width())}" height="{_n(target.height())}"{rendering}/>')
        if crop is not None:
            box = f"{_n(crop.x())} {_n(crop.y())} {_n(crop.width())} {_n(crop.height())}"
            element = (f'<svg x="{_n(crop.x())}" y="{_n(crop.y())}" width="{_n(crop.width())}" '
                       f'height="{_n(crop.height())}" viewBox="{box}" preserveAspectRatio="none">{element}</svg>')
        self._shape(element + "\n")

    # -- pieces ----------------------------------------------------------------

    def fragment(self) -> str:
        """What was painted so far, as a piece of SVG that closes its own groups (see ``splice``)."""
        return "".join(self._out) + ("</g>\n" if self._group is not None else "")

    def splice(self, fragment: str) -> None:
        """Write ``fragment`` (another SvgPainter's) here, after closing the open group."""
        if self._group is not None:
            self._out.append("</g>\n")
            self._group = None
        self._out.append(fragment)

    # -- the document --------------------------------------------------------

    def svg(self) -> bytes:
        width, height, resolution = self._size
        title = escape(xml_text(self._title), quote=False)
        description = escape(xml_text(self._description), quote=False)
        head = (f'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
                f'<svg width="{_n(width / resolution * 25.4)}mm" height="{_n(height / resolution * 25.4)}mm"\n'
                f' viewBox="0 0 {_n(width)} {_n(height)}"\n'
                ' xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1">\n'
                f"<title>{title}</title>\n<desc>{description}</desc>\n<defs>\n")
        symbols = [
            f'<symbol id="evb-image-{i}" viewBox="0 0 {image.width()} {image.height()}" preserveAspectRatio="none">'
            f'<image width="{image.width()}" height="{image.height()}" preserveAspectRatio="none" '
            f'xlink:href="data:image/png;base64,{_png_base64(image)}"/></symbol>\n'
            for i, image in enumerate(self._images)]
        body = '</defs>\n<g fill="none" stroke="black" stroke-width="1" fill-rule="evenodd" ' \
               'stroke-linecap="square" stroke-linejoin="bevel">\n'
        tail = ("</g>\n" if self._group is not None else "") + "</g>\n</svg>\n"
        return "".join([head, *symbols, body, *self._out, tail]).encode("utf-8")

    def __getattr__(self, name: str) -> Callable[..., object]:
        raise AttributeError(f"SvgPainter has no {name}: the SVG export does not write that painter call yet")


class SvgText:
    """A laid-out line of text as the SVG export's context gives it to the painters, for this painter.

    The painter writes a line's text (``text()``); a painter that centres one asks its
    ``size()``, laid out then as a prepared QStaticText, the board's context's kind. Preparing
    every line at once (a glyph layout, about 10 us) was 0.2 s of the SVG export of the bench
    board (20,800 lines), of which the 6,700 centred ones (link labels, badges) still need it.
    """

    __slots__ = ("_text", "_font", "_size")

    def __init__(self, text: str, font: QFont) -> None:
        self._text, self._font = text, font
        self._size: QSizeF | None = None

    def text(self) -> str:
        return self._text

    def size(self) -> QSizeF:
        if self._size is None:
            self._size = static_text(self._text, self._font).size()
        return self._size


class SvgRenderContext(ExportRenderContext):
    """The SVG export's render context: its laid-out lines are :class:`SvgText`, not prepared QStaticTexts."""

    def static_text(self, text: str, font: QFont) -> QStaticText:
        return SvgText(text, font)  # type: ignore[return-value]  (what SvgPainter.drawStaticText reads of one)


_PATH_COMMANDS = ("M", "L", "C", "")  # by QPainterPath.ElementType: move, line, curve, curve data


def _path_element(path: QPainterPath) -> str:
    # The elements read in one go from the path's QDataStream form (int32 count, then
    # int32 type and two doubles each): elementAt() is a Python call per point.
    data = QByteArray()
    stream = QDataStream(data, QIODevice.OpenModeFlag.WriteOnly)
    stream << path  # noqa: B015 - QDataStream's operator writes it
    raw = bytes(data)
    count = struct.unpack_from(">i", raw)[0]
    d = " ".join(f"{_PATH_COMMANDS[kind]}{x:g},{y:g}"
                 for kind, x, y in struct.iter_unpack(">idd", raw[4:4 + 20 * count]))
    rule = "nonzero" if path.fillRule() == Qt.FillRule.WindingFill else "evenodd"
    return f'<path fill-rule="{rule}" d="{d}"/>\n'


def _png_base64(image: QImage) -> str:
    return base64.b64encode(png_bytes(image)).decode("ascii")
