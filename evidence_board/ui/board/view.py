"""The view onto a board: zoom, pan, gestures, keys, drops and the context menu."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QContextMenuEvent, QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeyEvent, QMouseEvent, QPainter, QPen, QPolygonF,
    QTransform, QWheelEvent,
)
from PySide6.QtWidgets import QGraphicsView, QLineEdit, QMenu, QMessageBox, QWidget

from evidence_board.model import CARD_KINDS, CardKind
from evidence_board.render.link_painter import LABEL_DETAIL
from evidence_board.ui.board.commands import NUDGE, BoardCommands
from evidence_board.ui.board.items import CardItem, LinkItem
from evidence_board.ui.board.placing import add_card_menu_entries, paste_same_cards
from evidence_board.ui.board.scene import BoardScene
from evidence_board.ui.board.interactions import Interaction, MoveDrag, NewLinkDrag, Pan, ResizeDrag, RubberBand
from evidence_board.ui.board.overview_layer import OVERVIEW_SCALE
from evidence_board.ui.operation import run_change

MIN_SCALE, MAX_SCALE = 0.01, 4.0
DRAG_THRESHOLD = 4
DOT_BLOCK = 32  # grid dots per side of the block drawBackground stamps
EMPTY_BOARD_HINT = "Drop PDFs and images here to import them\nor double-click to add a note"


class BoardView(QGraphicsView):
    """Shows one BoardScene. ``zoom_changed`` reports the scale (1.0 = 100%)."""

    zoom_changed = Signal(float)
    card_activated = Signal(str)  # double-click on a card that has nothing to open
    show_in_source_requested = Signal(str)  # a card's source in the reader (its page and regions, if any)
    error = Signal(str)
    notice = Signal(str)  # a sentence for the status bar (what a placement did)
    GRID = 20.0

    def __init__(self, scene: BoardScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.board_scene = scene
        self.commands = BoardCommands(scene)
        self.commands.reveal = self.show_cards  # new cards are brought into view
        self.commands.report = self.report_error  # a refused import of pasted files
        self.snap_to_grid = False
        self.read_only = False
        self._gesture: Interaction | None = None
        self._press: tuple[QPoint, QPointF, CardItem | None, Qt.KeyboardModifier] | None = None
        self._space_down = False
        self._label_editor: QLineEdit | None = None
        self._dot_block: QPolygonF | None = None
        # Cards in the order the user clicked them (Ctrl+L links first to second):
        # Qt's selectedItems() has no order.
        self._picked: list[str] = []
        self._was_empty = not scene.cards
        scene.contents_changed.connect(self._contents_changed)
        # No SmoothPixmapTransform here: the card painter asks for it where it
        # scales an image. On the view's painter it sends every blit of a
        # cached card, plate and layer picture down Qt's slow path, although
        # none is scaled: a 100% frame of bench/board_bench.py's 10,000-card
        # board took 5.6 ms with it and 2.9 ms without (same run).
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        # No CacheBackground either: scrolling Qt's background pixmap (twice in
        # a diagonal pan) cost more than filling and dotting the two strips a pan
        # exposes: 0.6-1.2 ms more per pan step on the same board.
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontAdjustForAntialiasing, True)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setDragMode(QGraphicsView.DragMode.NoDrag)
        self.setAcceptDrops(True)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    # -- zoom -----------------------------------------------------------------

    @property
    def scale_factor(self) -> float:
        return self.transform().m11()

    def set_scale(self, scale: float) -> None:
        scale = max(MIN_SCALE, min(MAX_SCALE, scale))
        self.setTransform(QTransform.fromScale(scale, scale))
        self._scale_changed()

    def zoom_by(self, factor: float) -> None:
        self.set_scale(self.scale_factor * factor)

    def fit_all(self) -> None:
        bounds = self.board_scene.cards_bounds()
        if bounds.isEmpty():
            self.set_scale(1.0)
            self.centerOn(0, 0)
            return
        bounds = bounds.adjusted(-40, -40, 40, 40)
        self.fitInView(bounds, Qt.AspectRatioMode.KeepAspectRatio)
        if self.scale_factor > 1.0:
            self.set_scale(1.0)
            self.centerOn(bounds.center())
        self._scale_changed()

    def _scale_changed(self) -> None:
        far = self.scale_factor < OVERVIEW_SCALE
        self.board_scene.set_overview_mode(far)
        wanted = self.board_scene.overview_scene if far else self.board_scene
        if self.scene() is not wanted:
            centre = self.visible_scene_rect().center()
            self.setScene(wanted)
            self.centerOn(centre)
        self.zoom_changed.emit(self.scale_factor)

    def visible_scene_rect(self) -> QRectF:
        return self.mapToScene(self.viewport().rect()).boundingRect()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            super().wheelEvent(event)  # scroll
            return
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom_by(1.15 ** steps)
        event.accept()

    # -- background -------------------------------------------------------------

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        painter.fillRect(rect, self.board_scene.context.palette.board)
        if self.scale_factor < 0.45:
            return
        # A faint dot grid, so a board reads as a surface and snapping makes sense.
        # The dots of one block are made once and stamped where the rect needs them.
        grid = self.GRID * 2
        block = grid * DOT_BLOCK
        if self._dot_block is None:
            self._dot_block = QPolygonF([QPointF(i * grid, j * grid)
                                         for j in range(DOT_BLOCK) for i in range(DOT_BLOCK)])
        pen = QPen(self.board_scene.context.palette.grid, 2.0 / self.scale_factor)
        painter.setPen(pen)
        for by in range(int(rect.top() // block), int(rect.bottom() // block) + 1):
            for bx in range(int(rect.left() // block), int(rect.right() // block) + 1):
                painter.translate(bx * block, by * block)
                painter.drawPoints(self._dot_block)
                painter.translate(-bx * block, -by * block)

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        if self.board_scene.cards:
            return
        # An empty board says how to start, in the middle of the view at any zoom;
        # it is drawn, not a card, so nothing in the case changes.
        painter.save()
        painter.resetTransform()
        font = painter.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        painter.setFont(font)
        painter.setPen(self.board_scene.context.palette.muted)
        text = "This board is empty" if self.read_only else EMPTY_BOARD_HINT
        painter.drawText(self.viewport().rect(), Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()

    def _contents_changed(self) -> None:
        empty = not self.board_scene.cards
        if empty != self._was_empty:  # the hint comes or goes: the whole viewport, not just the new card
            self._was_empty = empty
            self.viewport().update()

    # -- mouse ------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._finish_label_edit(commit=True)
        pos = self.mapToScene(event.position().toPoint())
        modifiers = event.modifiers()
        if event.button() == Qt.MouseButton.MiddleButton or (
                event.button() == Qt.MouseButton.LeftButton and self._space_down):
            self.cancel_gesture()  # a pan in the middle of a drag puts the drag back first
            self._gesture = Pan(self, event.position())
            return
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        scene = self.board_scene
        item = scene.card_at(pos)
        # A label plate is drawn above the cards, so it is picked before a card under it.
        link = self._link_at(pos) if item is None or item.is_group else self._label_at(pos)
        if link is not None:
            item = None
        if item is not None and not self.read_only:
            handle = item.handle_at(item.mapFromScene(pos), self.scale_factor)
            if handle == "resize":
                self._gesture = ResizeDrag(self, pos, item)
                return
            if handle == "link":
                self._gesture = NewLinkDrag(self, pos, item)
                return
        if link is not None:
            if not modifiers & Qt.KeyboardModifier.ControlModifier:
                scene.clearSelection()
            link.setSelected(not link.isSelected() if modifiers & Qt.KeyboardModifier.ControlModifier else True)
            return
        if item is None:
            self._gesture = RubberBand(self, pos, modifiers)
            if not modifiers & Qt.KeyboardModifier.ControlModifier:
                scene.clearSelection()
                scene.selection_changed_in_overview()
            return
        if modifiers & Qt.KeyboardModifier.ControlModifier:
            item.setSelected(not item.isSelected())
            self._pick(item.card_id, item.isSelected())
            scene.selection_changed_in_overview()
            return
        if not item.isSelected():
            scene.clearSelection()
            item.setSelected(True)
            self._picked = [item.card_id]
            scene.selection_changed_in_overview()
        self._press = (event.position().toPoint(), pos, item, modifiers)

    def _pick(self, card_id: str, selected: bool) -> None:
        if card_id in self._picked:
            self._picked.remove(card_id)
        if selected:
            self._picked.append(card_id)

    def selected_cards_in_order(self) -> list[CardItem]:
        """The selected cards, those the user clicked last in click order (after
        any selected otherwise, by a rectangle or a search)."""
        picked = {card_id: n for n, card_id in enumerate(self._picked)}
        return sorted(self.board_scene.selected_cards(), key=lambda item: picked.get(item.card_id, -1))

    def _label_at(self, pos: QPointF) -> LinkItem | None:
        """The link whose label is drawn under ``pos`` (labels show from LABEL_DETAIL)."""
        if self.board_scene.overview_mode or self.scale_factor < LABEL_DETAIL:
            return None
        return self.board_scene.label_at(pos)

    def _link_at(self, pos: QPointF) -> LinkItem | None:
        if self.board_scene.overview_mode:
            return None
        label = self._label_at(pos)
        if label is not None:
            return label
        for item in self.board_scene.items(pos):
            if isinstance(item, LinkItem):
                return item
        return None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if isinstance(self._gesture, Pan):
            self._gesture.move_view(event.position())
            return
        pos = self.mapToScene(event.position().toPoint())
        if self._press is not None and self._gesture is None:
            start_view, start_scene, _item, _mods = self._press
            if (event.position().toPoint() - start_view).manhattanLength() >= DRAG_THRESHOLD and not self.read_only:
                self._gesture = MoveDrag(self, start_scene)
        if self._gesture is not None:
            self._gesture.move(pos, event.modifiers())
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        gesture, press = self._gesture, self._press
        self._gesture, self._press = None, None
        pos = self.mapToScene(event.position().toPoint())
        if gesture is not None:
            gesture.release(pos, event.modifiers())
            return
        if press is not None and press[2] is not None:
            # A click (no drag) on one card of a multiple selection selects just that card.
            item = press[2]
            if len(self.board_scene.selectedItems()) > 1:
                self.board_scene.clearSelection()
                item.setSelected(True)
                self.board_scene.selection_changed_in_overview()
            return
        super().mouseReleaseEvent(event)

    def cancel_gesture(self) -> bool:
        """Esc: stop the gesture in progress, putting things back. False if there was none."""
        if self._label_editor is not None:
            self._finish_label_edit(commit=False)
            return True
        if self._gesture is None:
            return False
        self._gesture.cancel()
        self._gesture, self._press = None, None
        return True

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        pos = self.mapToScene(event.position().toPoint())
        link = self._link_at(pos)
        if link is not None and not self.read_only:
            self.edit_link_label(link)
            return
        item = self.board_scene.card_at(pos)
        if item is not None:
            if CARD_KINDS[item.card.kind].double_click == "read_source" and item.card.source_id:
                self.show_in_source_requested.emit(item.card_id)  # read what the card shows
            else:
                self.card_activated.emit(item.card_id)
            return
        if not self.read_only:
            self.run(lambda: self.commands.add_card(CardKind.NOTE, pos))
            self.card_activated.emit(self.commands.selected_ids()[0] if self.commands.selected_ids() else "")

    # -- keys -------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Escape:
            if not self.cancel_gesture():
                self.board_scene.clearSelection()
                self.board_scene.selection_changed_in_overview()
            return
        if key == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_down = True
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            return
        arrows = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0), Qt.Key.Key_Up: (0, -1),
                  Qt.Key.Key_Down: (0, 1)}
        if key in arrows and self.board_scene.selected_cards() and not self.read_only:
            step = 1.0 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else NUDGE
            dx, dy = arrows[key]
            self.run(lambda: self.commands.nudge(dx * step, dy * step))
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_down = False
            self.viewport().unsetCursor()
            return
        super().keyReleaseEvent(event)

    # -- label editing in place ---------------------------------------------------

    def edit_link_label(self, link: LinkItem) -> None:
        """Put a line editor over the link's label (or its middle); Enter keeps, Esc drops."""
        self._finish_label_edit(commit=True)
        editor = QLineEdit(self.viewport())
        editor.setText(link.link.label)
        editor.setPlaceholderText("label")
        editor.setAlignment(Qt.AlignmentFlag.AlignCenter)
        editor.setProperty("link_id", link.link_id)
        centre = self.mapFromScene(link.label_rect().center() if link.link.label
                                   else link.mapToScene(link.geometry.middle))
        editor.resize(180, editor.sizeHint().height())
        editor.move(centre.x() - 90, centre.y() - editor.height() // 2)
        editor.returnPressed.connect(lambda: self._finish_label_edit(commit=True))
        editor.editingFinished.connect(lambda: self._finish_label_edit(commit=True))
        editor.show()
        editor.setFocus()
        editor.selectAll()
        self._label_editor = editor

    def _finish_label_edit(self, commit: bool) -> None:
        editor, self._label_editor = self._label_editor, None
        if editor is None:
            return
        link_id, text = editor.property("link_id"), editor.text()
        editor.hide()
        editor.deleteLater()
        self.setFocus()
        link = self.board_scene.links.get(link_id)
        if commit and link is not None and " ".join(text.split()) != link.link.label:
            self.run(lambda: self.board_scene.service.update_link(link_id, label=text))

    # -- context menu ---------------------------------------------------------------

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        pos = self.mapToScene(event.pos())
        menu = QMenu(self)
        link = self._link_at(pos)
        item = self.board_scene.card_at(pos) if link is None else None
        writable = not self.read_only
        if link is not None:
            if not link.isSelected():
                self.board_scene.clearSelection()
                link.setSelected(True)
            menu.addAction("Edit label", lambda: self.edit_link_label(link)).setEnabled(writable)
            menu.addAction("Reverse direction",
                           lambda: self.run(lambda: self.board_scene.service.reverse_link(link.link_id))
                           ).setEnabled(writable)
            menu.addAction("Delete link", lambda: self.run(self.commands.delete_selection)).setEnabled(writable)
        elif item is not None:
            if not item.isSelected():
                self.board_scene.clearSelection()
                item.setSelected(True)
            if item.card.source_id:
                # A quote shows its own region of the source; other cards open the source at its start.
                in_source = "show_in_source" in CARD_KINDS[item.card.kind].inspector
                text = "Show in source" if in_source else "Open source"
                menu.addAction(text, lambda: self.show_in_source_requested.emit(item.card_id))
                menu.addSeparator()
            for text, call in (("Duplicate", self.commands.duplicate_selection),
                               ("Bring to front", lambda: self.commands.restack(True)),
                               ("Send to back", lambda: self.commands.restack(False))):
                menu.addAction(text, lambda call=call: self.run(call)).setEnabled(writable)
            menu.addSeparator()
            add_card_menu_entries(self, menu)
        else:
            for kind in [kind for kind, d in CARD_KINDS.items() if d.made == "by_hand"]:  # note, entity, group
                menu.addAction(f"Add {CARD_KINDS[kind].label.lower()} here",
                               lambda kind=kind: self.run(lambda: self.commands.add_card(kind, pos))
                               ).setEnabled(writable)
            menu.addSeparator()
            menu.addAction("Paste here", lambda: self.run(lambda: self.commands.paste(pos))).setEnabled(writable)
            menu.addAction("Paste as the same card here", lambda: self.notify(self.run(
                lambda: paste_same_cards(self.board_scene, pos)))).setEnabled(writable)
        menu.exec(event.globalPos())

    # -- drops ----------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and not self.read_only:
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if not paths:
            return
        event.acceptProposedAction()
        pos = self.mapToScene(event.position().toPoint())
        self.import_files(paths, pos)

    def import_files(self, paths: list[Path], pos: QPointF) -> None:
        try:
            from evidence_board.ui.importing import import_paths
        except ImportError:
            QMessageBox.information(self, "Import not available",
                                    "Importing PDFs and images is not available in this version yet; "
                                    "the files were not added.")
            return
        # Through the importer table: PDFs and images land here, a .canvas file becomes a new board.
        done = import_paths(self, self.board_scene.service, paths, self.board_scene.board_id, pos,
                            report=self.report_error)
        if done is not None and done.card_ids:
            self.show_cards(done.card_ids)

    def show_cards(self, card_ids: list[str]) -> None:
        """Scroll (zooming out if need be) to show these cards: what an import or a paste made."""
        from evidence_board.ui.board.framing import show_cards

        show_cards(self, card_ids)

    def dispose(self) -> None:
        """This view and its scene go, in that order, through Qt's event loop.

        The scene has no Qt parent: left to Python it is deleted whenever the
        cycle collector reaches it, possibly before the view's own deferred
        delete, which then runs on a view whose scene is gone (the crash
        pyqtgraph #1628 reports in ~QGraphicsView). Detached first, both are
        deleted by Qt, and Python only lets go of wrappers.
        """
        scene = self.board_scene
        scene.close()
        self.setScene(None)
        self.deleteLater()
        scene.deleteLater()

    # -- errors ----------------------------------------------------------------------

    def run(self, call: Callable[[], object]) -> object:
        """Run an edit (a menu, key or context-menu command) on the window's one
        path to the services (ui/operation): a refused change is one message,
        not a crash, and the cards it was about show as the file holds them."""
        scene = self.board_scene
        return run_change(self.report_error, call, after_refusal=lambda: scene.show_what_the_file_holds(
            [item.card_id for item in scene.with_members(scene.selected_cards())]))

    def report_error(self, message: str) -> None:
        self.error.emit(message)

    def notify(self, message: object) -> None:
        if isinstance(message, str) and message:
            self.notice.emit(message)
