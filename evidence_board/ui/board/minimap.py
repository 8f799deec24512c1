"""The minimap: the whole board small, the visible area as a frame you can drag."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import QWidget

from evidence_board.ui.board.view import BoardView


class Minimap(QWidget):
    """Follows one BoardView; the board picture is redrawn only after the board changed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view: BoardView | None = None
        self._picture: QPixmap | None = None
        self._bounds = QRectF()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self._redraw)
        self.setMinimumSize(160, 110)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Overview: click or drag to move the visible area")

    def sizeHint(self) -> QSize:
        return QSize(240, 160)

    def follow(self, view: BoardView | None) -> None:
        if self.view is not None:
            for signal, slot in ((self.view.board_scene.contents_changed, self._timer.start),
                                 (self.view.horizontalScrollBar().valueChanged, self.update),
                                 (self.view.verticalScrollBar().valueChanged, self.update),
                                 (self.view.zoom_changed, self.update)):
                try:
                    signal.disconnect(slot)
                except (RuntimeError, TypeError):
                    pass
        self.view = view
        if view is not None:
            view.board_scene.contents_changed.connect(self._timer.start)
            view.horizontalScrollBar().valueChanged.connect(self.update)
            view.verticalScrollBar().valueChanged.connect(self.update)
            view.zoom_changed.connect(self.update)
        self._redraw()

    def _mapping(self) -> tuple[float, QPointF]:
        """Scale and offset from board to minimap coordinates."""
        bounds = self._bounds
        if bounds.isEmpty():
            return 1.0, QPointF()
        scale = min((self.width() - 8) / bounds.width(), (self.height() - 8) / bounds.height())
        offset = QPointF((self.width() - bounds.width() * scale) / 2 - bounds.left() * scale,
                         (self.height() - bounds.height() * scale) / 2 - bounds.top() * scale)
        return scale, offset

    def _redraw(self) -> None:
        self._render_picture()
        self.update()

    def _render_picture(self) -> None:
        self._picture = None
        if self.view is not None:
            scene = self.view.board_scene
            bounds = scene.cards_bounds()
            self._bounds = bounds.adjusted(-200, -200, 200, 200) if not bounds.isEmpty() else QRectF()
            picture = QPixmap(self.size())
            picture.fill(scene.context.palette.board)
            scale, offset = self._mapping()
            painter = QPainter(picture)
            painter.translate(offset)
            painter.scale(scale, scale)
            painter.setPen(Qt.PenStyle.NoPen)
            palette = scene.context.palette
            groups, cards = [], {}
            for item in scene.cards.values():
                rect = item.card_rect()
                if item.is_group:
                    groups.append(rect)
                else:
                    cards.setdefault(palette.accent(item.card).rgba(), []).append(rect)
            painter.setBrush(palette.group_fill)
            painter.drawRects(groups)
            for rgba, rects in cards.items():
                painter.setBrush(QColor.fromRgba(rgba))
                painter.drawRects(rects)
            painter.end()
            self._picture = picture

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#e4e8ed"))
        if self.view is not None and (self._picture is None or self._picture.size() != self.size()):
            self._render_picture()  # resized: the picture and the frame must share one mapping
        if self._picture is not None:
            painter.drawPixmap(0, 0, self._picture)
        if self.view is None or self._bounds.isEmpty():
            return
        scale, offset = self._mapping()
        visible = self.view.visible_scene_rect()
        frame = QRectF(visible.left() * scale + offset.x(), visible.top() * scale + offset.y(),
                       visible.width() * scale, visible.height() * scale)
        colour = QColor(self.view.board_scene.context.palette.selection)
        painter.setPen(QPen(colour, 1.5))
        colour.setAlpha(28)
        painter.setBrush(colour)
        painter.drawRect(frame.intersected(QRectF(self.rect()).adjusted(1, 1, -1, -1)))

    def _centre_on(self, pos: QPointF) -> None:
        if self.view is None or self._bounds.isEmpty():
            return
        scale, offset = self._mapping()
        self.view.centerOn(QPointF((pos.x() - offset.x()) / scale, (pos.y() - offset.y()) / scale))
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._centre_on(event.position())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._centre_on(event.position())
