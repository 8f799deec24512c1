"""Mouse gestures on a board, one small class each.

The view starts a gesture on a mouse press and forwards moves and the
release to it; Esc cancels it. A gesture shows its effect live by moving
items, and only at the end makes one service call, so a whole drag is one
transaction and one undo step. The echo of that call through the scene's
subscription then finds the items already where the file says they are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsLineItem, QGraphicsRectItem

from evidence_board.ui.board.items import CardItem
from evidence_board.ui.board.scene import BULK_ITEMS
from evidence_board.ui.operation import run_change

T = TypeVar("T")

if TYPE_CHECKING:
    from evidence_board.ui.board.view import BoardView

MIN_SIZE = 40.0
LIVE_SELECTION_LIMIT = 3000  # above this many cards the rubber band selects on release only


class Interaction:
    """A gesture in progress on ``view``."""

    def __init__(self, view: BoardView, start: QPointF) -> None:
        self.view = view
        self.scene = view.board_scene
        self.start = start

    def move(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        pass

    def release(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        pass

    def cancel(self) -> None:
        pass

    def commit(self, write: Callable[[], T], card_ids: Iterable[str]) -> T | None:
        """Make the gesture's one service call; if the file refuses it, report
        that once and show these cards where the file has them (None).
        The same path as every other edit of the window (ui/operation)."""
        return run_change(self.view.report_error, write,
                          after_refusal=lambda: self.scene.show_what_the_file_holds(card_ids))


class MoveDrag(Interaction):
    """Drag the selected cards (and everything inside selected groups)."""

    def __init__(self, view: BoardView, start: QPointF) -> None:
        super().__init__(view, start)
        self.items = self.scene.with_members(self.scene.selected_cards())
        # Where each card was, as floats (its geometry is pos() as floats): a
        # QPointF each cost 25 ms at the start of dragging 10,000 cards.
        self.origins = {item.card_id: item.geometry[:2] for item in self.items}
        self.delta = QPointF()
        self._ids = frozenset(self.origins)
        self._previewing = False
        self._placed = False  # the items stand away from their origins
        # A big drag moves its items with Qt's index off, and turns it on once at the end
        # (links between two dragged cards count twice: near enough for the choice).
        self.bulk = (len(self.items) >= BULK_ITEMS
                     or len(self.items) + sum(len(item.links) for item in self.items) >= BULK_ITEMS)
        if self.bulk:
            self.scene.begin_bulk()

    def _end_bulk(self) -> None:
        if self.bulk:
            self.bulk = False
            self.scene.end_bulk()

    def move(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        delta = pos - self.start
        if self.view.snap_to_grid and self.items:
            ax, ay = self.origins[self.items[0].card_id]
            grid = self.view.GRID
            tx, ty = ax + delta.x(), ay + delta.y()
            delta = QPointF(round(tx / grid) * grid - ax, round(ty / grid) * grid - ay)
        if delta == self.delta:
            return
        self.delta = delta
        if self.scene.overview_mode:
            if self._placed:  # zoomed out during the drag: the preview starts from the origins
                self._place_at(0.0, 0.0)
            self._previewing = True
            # Far away only the overview's picture moves (see overview_layer); the
            # items move once, when the service's change comes back.
            self.scene.overview.preview_drag(self._ids, delta.x(), delta.y())
            return
        self._end_preview()
        self._place_at(delta.x(), delta.y())

    def _end_preview(self) -> None:
        if self._previewing:
            self._previewing = False
            self.scene.overview.preview_drag(frozenset(), 0.0, 0.0)

    def _place_at(self, dx: float, dy: float) -> None:
        """Every dragged card at its origin plus (dx, dy); their links follow (see following)."""
        self._placed = bool(dx or dy)
        with self.scene.follower.batch(len(self.items)):
            origins = self.origins
            for item in self.items:
                x, y = origins[item.card_id]
                item.setPos(x + dx, y + dy)

    def release(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        try:
            self._release(pos, modifiers)
        finally:
            self._end_preview()
            self._end_bulk()

    def _release(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        self.move(pos, modifiers)
        if self.delta.manhattanLength() < 0.5 or not self.items:
            if self._placed:
                self._place_at(0.0, 0.0)  # too small to keep: back where the file has them
            return
        dx, dy = self.delta.x(), self.delta.y()
        positions = {card_id: (x + dx, y + dy) for card_id, (x, y) in self.origins.items()}
        regroup = self._regroup()
        service, board_id = self.scene.service, self.scene.board_id

        def write() -> None:
            if not regroup:
                service.move_cards(board_id, positions)
                return
            label = "Move card" if len(positions) == 1 else f"Move {len(positions)} cards"
            with service.batch(label):
                service.move_cards(board_id, positions)
                for group_id, card_ids in regroup.items():
                    service.set_group(board_id, card_ids, group_id)

        self.commit(write, self.origins)

    def _regroup(self) -> dict[str | None, list[str]]:
        """Dropping cards into (or out of) a group frame changes what the group holds."""
        moved = self._ids
        groups = [g for g in self.scene.groups() if g.card_id not in moved]
        changes: dict[str | None, list[str]] = {}
        dx, dy = self.delta.x(), self.delta.y()
        for item in self.items:
            group_id = item.placement.group_id
            if group_id in moved:
                continue  # it travels with its group
            if not groups:
                if group_id is not None:  # its group stayed behind: it leaves it
                    changes.setdefault(None, []).append(item.card_id)
                continue
            x, y = self.origins[item.card_id]
            centre = QPointF(x + item.geometry[2] / 2 + dx, y + item.geometry[3] / 2 + dy)
            group = self.scene.group_at(centre, exclude=moved, groups=groups)
            group_id = group.card_id if group is not None else None
            if group_id != item.placement.group_id:
                changes.setdefault(group_id, []).append(item.card_id)
        return changes

    def cancel(self) -> None:
        self._end_preview()
        self._place_at(0.0, 0.0)
        self._end_bulk()


class ResizeDrag(Interaction):
    """Drag a card's bottom-right handle."""

    def __init__(self, view: BoardView, start: QPointF, item: CardItem) -> None:
        super().__init__(view, start)
        self.item = item
        self.origin = QRectF(item.card_rect())

    def move(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        delta = pos - self.start
        width = max(MIN_SIZE, self.origin.width() + delta.x())
        height = max(MIN_SIZE, self.origin.height() + delta.y())
        if self.view.snap_to_grid:
            grid = self.view.GRID
            width = max(MIN_SIZE, round((self.origin.left() + width) / grid) * grid - self.origin.left())
            height = max(MIN_SIZE, round((self.origin.top() + height) / grid) * grid - self.origin.top())
        self.item.set_size(width, height)  # its links follow (see following)

    def release(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        self.move(pos, modifiers)
        rect = self.item.card_rect()
        if rect.size() == self.origin.size():
            return
        self.commit(lambda: self.scene.service.set_geometry(self.scene.board_id, self.item.card_id, rect.x(),
                                                            rect.y(), rect.width(), rect.height()),
                    [self.item.card_id])

    def cancel(self) -> None:
        self.item.set_size(self.origin.width(), self.origin.height())


class NewLinkDrag(Interaction):
    """Drag from a card's link handle onto another card to link them."""

    def __init__(self, view: BoardView, start: QPointF, source: CardItem) -> None:
        super().__init__(view, start)
        self.source = source
        pen = QPen(view.board_scene.context.palette.selection, 2, Qt.PenStyle.DashLine)
        pen.setCosmetic(True)
        self.line = QGraphicsLineItem(QLineF(source.card_rect().center(), start))
        self.line.setPen(pen)
        self.line.setZValue(1e9)
        self.scene.addItem(self.line)
        self.target: CardItem | None = None

    def move(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        self.line.setLine(QLineF(self.source.card_rect().center(), pos))
        target = self.scene.card_at(pos)
        self.target = target if target is not None and target is not self.source else None

    def release(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        self.move(pos, modifiers)
        self.scene.removeItem(self.line)
        if self.target is None:
            return
        changes = self.commit(lambda: self.scene.service.create_link(self.source.card_id, self.target.card_id, ""),
                              [])
        if changes is None:
            return
        link_item = self.scene.links.get(changes.created[0])
        if link_item is not None:
            self.scene.clearSelection()
            link_item.setSelected(True)
            self.view.edit_link_label(link_item)

    def cancel(self) -> None:
        if self.line.scene() is not None:
            self.scene.removeItem(self.line)


class RubberBand(Interaction):
    """Drag on empty board to select the cards the rectangle touches (Ctrl adds)."""

    def __init__(self, view: BoardView, start: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        super().__init__(view, start)
        self.adding = bool(modifiers & Qt.KeyboardModifier.ControlModifier)
        self.before = set(self.scene.selectedItems()) if self.adding else set()
        colour = QColor(view.board_scene.context.palette.selection)
        pen = QPen(colour, 1)
        pen.setCosmetic(True)
        colour.setAlpha(30)
        self.band = QGraphicsRectItem(QRectF(start, start))
        self.band.setPen(pen)
        self.band.setBrush(colour)
        self.band.setZValue(1e9)
        view.scene().addItem(self.band)  # the scene on screen (the overview's, far away)
        self.live = len(self.scene.cards) <= LIVE_SELECTION_LIMIT and not self.scene.overview_mode

    def rect(self, pos: QPointF) -> QRectF:
        return QRectF(self.start, pos).normalized()

    def move(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        self.band.setRect(self.rect(pos))
        if self.live:
            self.select(self.rect(pos))

    def release(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        self.band.scene().removeItem(self.band)
        self.select(self.rect(pos))

    def select(self, rect: QRectF) -> None:
        scene = self.scene
        if not scene.overview_mode and not self.adding:
            # One C++ call: Qt selects every card and link the rectangle touches.
            path = QPainterPath()
            path.addRect(rect)
            scene.setSelectionArea(path, Qt.ItemSelectionOperation.ReplaceSelection,
                                   Qt.ItemSelectionMode.IntersectsItemBoundingRect)
            for item in scene.selectedItems():
                if isinstance(item, CardItem) and not item.card_rect().intersects(rect):
                    item.setSelected(False)  # touched only its margin
            return
        wanted = set(scene.cards_in(rect)) | self.before
        for item in scene.selectedItems():
            if item not in wanted:
                item.setSelected(False)
        for item in wanted:
            if not item.isSelected():
                item.setSelected(True)
        scene.selection_changed_in_overview()

    def cancel(self) -> None:
        if self.band.scene() is not None:
            self.band.scene().removeItem(self.band)


class Pan(Interaction):
    """Drag the board with the middle button (or Space + drag)."""

    def __init__(self, view: BoardView, start_view_pos: QPointF) -> None:
        super().__init__(view, start_view_pos)
        self.last = start_view_pos
        view.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)

    def move_view(self, view_pos: QPointF) -> None:
        delta = view_pos - self.last
        self.last = view_pos
        h, v = self.view.horizontalScrollBar(), self.view.verticalScrollBar()
        h.setValue(h.value() - round(delta.x()))
        v.setValue(v.value() - round(delta.y()))

    def cancel(self) -> None:
        self.view.viewport().unsetCursor()

    def release(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        self.cancel()
