"""File > Export...: choose a format, the paper and the scope, see the pages, write the file.

The exporters run in the GUI thread. They read the case through its
connection and paint with the board's own painters (``render/``), whose
image caches are made for the GUI thread; moving them to a worker would mean
a second connection and thread-safe painters for no gain in a dialog the
user waits on anyway. Instead the PDF exporter's ``progress`` callback
drives a window-modal QProgressDialog and processes events, so the window
repaints and Cancel works between pages; the other formats are one quick
pass and show a busy dialog while they run.
"""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, QStandardPaths, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QApplication, QButtonGroup, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog,
    QFormLayout, QHBoxLayout, QLineEdit, QMessageBox, QProgressDialog, QPushButton, QRadioButton,
    QSpinBox, QVBoxLayout, QWidget,
)

from evidence_board.errors import EvidenceBoardError
from evidence_board.exporters.formats import EXPORT_FORMATS, ExportFormat, ExportOptions, export_format, pdf_options
from evidence_board.exporters.painting import (
    READABLE_POINTS, missing_characters_warning, readable_scale, smallest_text_points,
)
from evidence_board.exporters.pdf_layout import PAGE_SIZES, PageLayout
from evidence_board.exporters.scope import ExportScope, board_scope
from evidence_board.model import CardKind, count_cards
from evidence_board.store import CaseFile
from evidence_board.ui.operation import refusal_text
from evidence_board.ui.plain_text import plain_label
from evidence_board.ui.window_parts import WindowParts

SCREEN_DPI = 96.0  # a board unit is 1/96 inch (pictures.SCREEN_DPI)


class ExportCancelled(Exception):
    """Raised from the progress callback when the user presses Cancel."""


class LayoutPreview(QWidget):
    """The page plan of a PDF export: for one page, the paper with the board
    fitted on it; for tiles, the board with the grid of pages over it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layout_: PageLayout | None = None
        self.cards: list[tuple[QRectF, bool]] = []  # board rect, is a group frame
        self.bounds = QRectF()
        self.message = ""
        self.setMinimumSize(360, 300)

    def sizeHint(self) -> QSize:
        return QSize(380, 340)

    def show_plan(self, layout: PageLayout | None, cards: list[tuple[QRectF, bool]], bounds: QRectF,
                  message: str = "") -> None:
        """A PDF's pages (``layout``), else the picture's area, else ``message`` (why there is no plan)."""
        self.layout_, self.cards, self.bounds, self.message = layout, cards, bounds, message
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: ANN001
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#d9dce1"))
        area = QRectF(self.rect()).adjusted(14, 14, -14, -14)
        if self.layout_ is None and not self.message:
            self._paint_picture(painter, area)
        elif self.layout_ is None:
            painter.setPen(QColor("#444"))
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.message)
        elif len(self.layout_.pages) == 1:
            self._paint_single(painter, area)
        else:
            self._paint_tiles(painter, area)
        painter.end()

    @staticmethod
    def _fit(source: QRectF, area: QRectF) -> tuple[float, QRectF]:
        scale = min(area.width() / max(source.width(), 1e-6), area.height() / max(source.height(), 1e-6))
        w, h = source.width() * scale, source.height() * scale
        return scale, QRectF(area.center().x() - w / 2, area.center().y() - h / 2, w, h)

    def _paint_cards(self, painter: QPainter, source: QRectF, target: QRectF) -> None:
        sx, sy = target.width() / max(source.width(), 1e-6), target.height() / max(source.height(), 1e-6)
        for card, group in self.cards:
            painter.setPen(QPen(QColor("#b7c2ce"), 1) if group else Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#eef1f4") if group else QColor("#9fb3c8"))
            painter.drawRect(QRectF(target.x() + (card.x() - source.x()) * sx,
                                    target.y() + (card.y() - source.y()) * sy,
                                    max(card.width() * sx, 0.6), max(card.height() * sy, 0.6)))

    def _paint_picture(self, painter: QPainter, area: QRectF) -> None:
        _scale, target = self._fit(self.bounds, area)
        painter.setPen(QPen(QColor("#8a8f98"), 1))
        painter.setBrush(QColor("white"))
        painter.drawRect(target)
        self._paint_cards(painter, self.bounds, target)

    def _paint_single(self, painter: QPainter, area: QRectF) -> None:
        layout = self.layout_
        scale, paper = self._fit(QRectF(0, 0, layout.width, layout.height), area)
        painter.setPen(QPen(QColor("#8a8f98"), 1))
        painter.setBrush(QColor("white"))
        painter.drawRect(paper)
        page = layout.pages[0]
        # The title block strip, then the board where the PDF draws it.
        x0, y0, x1, _y1 = layout.board_area
        painter.fillRect(QRectF(paper.x() + x0 * scale, paper.y() + (y0 - 36) * scale, (x1 - x0) * scale, 22 * scale),
                         QColor("#e4e7eb"))
        t = page.target
        target = QRectF(paper.x() + t[0] * scale, paper.y() + t[1] * scale,
                        (t[2] - t[0]) * scale, (t[3] - t[1]) * scale)
        s = page.source
        self._paint_cards(painter, QRectF(s[0], s[1], s[2] - s[0], s[3] - s[1]), target)
        painter.setPen(QPen(QColor("#3b6ea5"), 1, Qt.PenStyle.DashLine))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(target)

    def _paint_tiles(self, painter: QPainter, area: QRectF) -> None:
        layout = self.layout_
        grid = layout.pages[0].source  # the overview shows the whole grid of pages
        source = QRectF(grid[0], grid[1], grid[2] - grid[0], grid[3] - grid[1])
        _scale, target = self._fit(source, area)
        painter.fillRect(target, QColor("white"))
        self._paint_cards(painter, source, target)
        sx = target.width() / source.width()

        def mapped(r: tuple[float, float, float, float]) -> QRectF:
            return QRectF(target.x() + (r[0] - source.x()) * sx, target.y() + (r[1] - source.y()) * sx,
                          (r[2] - r[0]) * sx, (r[3] - r[1]) * sx)

        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(QColor("#3b6ea5"), 1, Qt.PenStyle.DashLine))
        painter.drawRect(QRectF(target.x() + (self.bounds.x() - source.x()) * sx,
                                target.y() + (self.bounds.y() - source.y()) * sx,
                                self.bounds.width() * sx, self.bounds.height() * sx))
        painter.setPen(QPen(QColor("#c0392b"), 1))
        font = painter.font()
        font.setPixelSize(max(8, min(14, int(min(target.width() / layout.columns, target.height() / layout.rows) / 3))))
        painter.setFont(font)
        for label, rect in layout.tile_lines:
            tile = mapped(rect)
            painter.drawRect(tile)
            painter.drawText(tile.adjusted(3, 2, -3, -2), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, label)


class ExportDialog(QDialog):
    """The export options, a page preview, the output file; Export writes it."""

    def __init__(self, case: CaseFile, board_id: str, selection: list[str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.case, self.board_id, self.selection = case, board_id, list(selection or [])
        self.whole = board_scope(case, board_id)
        self._scopes: dict[bool, ExportScope] = {False: self.whole}
        self.written: Path | None = None
        self.summary = ""

        self.format = QComboBox()
        for row in EXPORT_FORMATS:  # the export table (exporters/formats.py), in its order
            self.format.addItem(row.label, row.name)
        kinds = {card_id: card.kind for card_id, card in self.whole.contents.cards.items()}
        self.scope_board = QRadioButton(f"The whole board ({count_cards(kinds.values())})")
        self.scope_selection = QRadioButton(
            f"The selection ({count_cards(kinds[i] for i in self.selection if i in kinds)})")
        self.scope_board.setChecked(True)
        self.scope_selection.setEnabled(bool(self.selection))
        scope_group = QButtonGroup(self)
        scope_group.addButton(self.scope_board)
        scope_group.addButton(self.scope_selection)
        self.page_size = QComboBox()
        self.page_size.addItems(list(PAGE_SIZES))
        self.orientation = QComboBox()
        for label, value in (("Whichever fits best", None), ("Portrait", False), ("Landscape", True)):
            self.orientation.addItem(label, value)
        self.fit = QRadioButton("Fit on one page")
        self.tile = QRadioButton("Tile across pages at")
        self.fit.setChecked(True)
        layout_group = QButtonGroup(self)
        layout_group.addButton(self.fit)
        layout_group.addButton(self.tile)
        self.tile_scale = QSpinBox()
        self.tile_scale.setRange(5, 400)
        self.tile_scale.setValue(math.ceil(readable_scale() * 100))  # the smallest card text at 6 pt
        self.tile_scale.setSuffix(" %")
        self.tile_scale.setToolTip("Printed size: 100 % prints a board unit as one point (1/72 inch)")
        self.dpi = QDoubleSpinBox()
        self.dpi.setRange(24, 1200)
        self.dpi.setDecimals(0)
        self.dpi.setValue(192)
        self.dpi.setSuffix(" dpi")
        self.dpi.setToolTip("96 dpi draws the board at its size on screen; 192 dpi twice as sharp")
        self.numbers = QCheckBox("Number the cards as in the PDF")
        self.path = QLineEdit()
        browse = QPushButton("Choose…")
        browse.clicked.connect(self.choose_path)
        self.preview = LayoutPreview()
        self.plan_label = plain_label()  # a refusal quotes case text
        self.plan_label.setWordWrap(True)
        # What the export would print too small or cannot draw, said before it is written.
        self.warning_label = plain_label()  # the warnings name cards and fonts
        self.warning_label.setWordWrap(True)
        self.warning_label.setStyleSheet("color: #9a4b00;")
        self.readable_button = QPushButton()
        self.readable_button.clicked.connect(self.make_readable)
        self._missing: dict[bool, str | None] = {}

        form = QFormLayout()
        form.addRow("Format:", self.format)
        scope_box = QVBoxLayout()
        scope_box.addWidget(self.scope_board)
        scope_box.addWidget(self.scope_selection)
        form.addRow("Export:", scope_box)
        form.addRow("Page size:", self.page_size)
        form.addRow("Orientation:", self.orientation)
        tile_row = QHBoxLayout()
        tile_row.addWidget(self.tile)
        tile_row.addWidget(self.tile_scale)
        tile_row.addStretch(1)
        pages_box = QVBoxLayout()
        pages_box.addWidget(self.fit)
        pages_box.addLayout(tile_row)
        form.addRow("Pages:", pages_box)
        form.addRow("Resolution:", self.dpi)
        form.addRow("", self.numbers)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(browse)
        form.addRow("Save as:", file_row)
        self.form = form
        side = QVBoxLayout()
        side.addWidget(self.preview, 1)
        side.addWidget(self.plan_label)
        side.addWidget(self.warning_label)
        side.addWidget(self.readable_button)
        body = QHBoxLayout()
        body.addLayout(form, 3)
        body.addLayout(side, 2)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.export_now)
        buttons.rejected.connect(self.reject)
        outer = QVBoxLayout(self)
        outer.addLayout(body)
        outer.addWidget(buttons)

        for signal in (self.format.currentIndexChanged, self.page_size.currentIndexChanged,
                       self.orientation.currentIndexChanged, self.tile_scale.valueChanged,
                       self.fit.toggled, self.scope_board.toggled):
            signal.connect(self.update_options)
        self.format.currentIndexChanged.connect(self._follow_format)
        folder = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation))
        self.path.setText(str(folder / self._file_stem()) + ".pdf")
        self.update_options()
        if self._text_warning is not None:  # one page would be too small to read: tiles by default
            self.make_readable()

    # -- options -------------------------------------------------------------------

    @property
    def fmt(self) -> str:
        return self.format.currentData()

    @property
    def format_row(self) -> ExportFormat:
        return export_format(self.fmt)

    def _file_stem(self) -> str:
        name = f"{self.case.title} - {self.whole.board.name}"
        return "".join(c if c.isalnum() or c in " -_.,()" else "_" for c in name).strip() or "board"

    def scope(self) -> ExportScope:
        selected = self.scope_selection.isChecked() and bool(self.selection)
        if selected not in self._scopes:
            self._scopes[selected] = board_scope(self.case, self.board_id, self.selection)
        return self._scopes[selected]

    def export_options(self) -> ExportOptions:
        """The options the widgets set, for those the chosen format takes (its row says which)."""
        tiled = self.tile.isChecked() and "tile" in self.format_row.options  # the tile scale is the PDF's
        values = {"page_size": self.page_size.currentText(), "landscape": self.orientation.currentData(),
                  "tile": tiled, "scale": self.tile_scale.value() / 100 if tiled else None,
                  "dpi": self.dpi.value(), "numbers": self.numbers.isChecked()}
        return ExportOptions(**{name: value for name, value in values.items() if name in self.format_row.options})

    def pdf_options(self):  # noqa: ANN201 - PdfOptions, imported late (Qt PDF writer)
        return pdf_options(self.export_options())

    def _follow_format(self) -> None:
        """Keep the file name's extension in step with the format."""
        text = self.path.text().strip()
        if not text:
            return
        path = Path(text)
        if path.suffix.lower() in {row.extension for row in EXPORT_FORMATS if row.extension}:
            path = path.with_suffix("")
        self.path.setText(str(path) + self.format_row.extension)

    def update_options(self) -> None:
        takes = self.format_row.options
        self.page_size.setEnabled("page_size" in takes)
        self.orientation.setEnabled("landscape" in takes)
        for widget in (self.fit, self.tile):
            widget.setEnabled("tile" in takes)
        self.tile_scale.setEnabled("tile" in takes and self.tile.isChecked())
        self.dpi.setEnabled("dpi" in takes)
        self.numbers.setEnabled("numbers" in takes)
        self._update_preview()

    def _update_preview(self) -> None:
        from evidence_board.exporters.pdf import plan_layout, reading_scale, text_size_warning

        scope = self.scope()
        cards = [(QRectF(p.x, p.y, p.width, p.height), card.kind is CardKind.GROUP) for card, p in scope.cards()]
        x0, y0, x1, y1 = scope.bounds(30.0)
        bounds = QRectF(x0, y0, x1 - x0, y1 - y0)
        self._text_warning = None
        if self.fmt != "pdf":
            self.preview.show_plan(None, cards, bounds)
            self.plan_label.setText(self._picture_note(scope))
            self._show_warnings(scope)
            self.export_button.setEnabled(bool(scope.card_ids))
            return
        try:
            layout = plan_layout(scope, self.pdf_options())
        except EvidenceBoardError as exc:
            self.preview.show_plan(None, cards, bounds, str(exc))
            self.plan_label.setText(str(exc))
            self._show_warnings(scope)
            self.export_button.setEnabled(False)
            return
        self.preview.show_plan(layout, cards, bounds)
        way = "landscape" if layout.landscape else "portrait"
        if len(layout.pages) == 1:
            text = f"1 board page, {layout.page_name} {way}, printed at {layout.pages[0].scale * 100:.0f} %"
        else:
            text = (f"{layout.tiles} tile page(s) in {layout.rows} row(s) after an overview page, "
                    f"{layout.page_name} {way}")
        points = smallest_text_points(reading_scale(layout))
        size = f"smallest card text {points:.1f} pt" if points is not None else "cards drawn as blocks, without text"
        self.plan_label.setText(f"{text}; {size}; then the appendix of sources, quotes, entities and links.")
        self._text_warning = text_size_warning(scope, layout)
        self._show_warnings(scope)
        self.export_button.setEnabled(True)

    def _show_warnings(self, scope: ExportScope) -> None:
        selected = scope is not self.whole
        if selected not in self._missing:
            self._missing[selected] = missing_characters_warning(scope)
        lines = [w for w in ((self._text_warning if self.fmt == "pdf" else None), self._missing[selected]) if w]
        self.warning_label.setText("\n".join(f"Warning: {w[0].upper()}{w[1:]}." for w in lines))
        self.warning_label.setVisible(bool(lines))
        readable = math.ceil(readable_scale() * 100)
        self.readable_button.setText(f"Tile across pages at {readable} % (card text at {READABLE_POINTS:g} pt)")
        self.readable_button.setVisible(self.fmt == "pdf" and self._text_warning is not None)

    def make_readable(self) -> None:
        """Tiles at the scale that prints the smallest card text at 6 pt (or larger, if already chosen)."""
        readable = math.ceil(readable_scale() * 100)
        if self.tile_scale.value() < readable:
            self.tile_scale.setValue(readable)
        self.tile.setChecked(True)

    def _picture_note(self, scope: ExportScope) -> str:
        if self.fmt != "png":
            return ""
        x0, y0, x1, y1 = scope.bounds(30.0)
        scale = self.dpi.value() / SCREEN_DPI
        return f"About {round((x1 - x0) * scale):,} × {round((y1 - y0) * scale):,} pixels."

    def choose_path(self) -> None:
        suffix = self.format_row.extension
        path, _ = QFileDialog.getSaveFileName(self, "Export to", self.path.text(), self.format_row.file_filter)
        if path:
            if suffix and not path.lower().endswith(suffix):
                path += suffix
            self.path.setText(path)

    # -- exporting ---------------------------------------------------------------------

    def export_now(self) -> Path | None:
        """Write the export; on success the dialog closes, on failure one message box says why."""
        text = self.path.text().strip()
        if not text:
            self.choose_path()
            text = self.path.text().strip()
            if not text:
                return None
        out = Path(text).expanduser()
        if not self.format_row.writes_folder and out.is_dir():
            self._fail(f"{out}: is a folder; give a file name")
            return None
        progress = QProgressDialog("Exporting…", "Cancel", 0, 0, self)
        progress.setWindowTitle("Export")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        progress.setAutoReset(False)
        progress.setValue(0)
        QApplication.processEvents()

        def report(done: int, total: int) -> None:
            progress.setMaximum(max(total, 1))
            progress.setValue(min(done, total))
            progress.setLabelText(f"Exporting page {min(done, total)} of {total}…")
            QApplication.processEvents()
            if progress.wasCanceled():
                raise ExportCancelled

        failure: str | None = None
        QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        try:
            self.summary = self._write(out, report)
        except ExportCancelled:
            failure = ""
        except (EvidenceBoardError, OSError, sqlite3.Error, MemoryError) as exc:
            failure = str(exc) or type(exc).__name__
        except Exception as exc:  # noqa: BLE001 - a bug in an exporter is still one message, not a traceback
            failure = f"the export failed ({type(exc).__name__}: {exc})"
        finally:
            QApplication.restoreOverrideCursor()
            progress.close()
        if failure is not None:
            if failure:
                self._fail(failure)
            return None
        self.written = out
        self.accept()
        return out

    def _fail(self, message: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "Export failed", message.splitlines()[0] if message else "",
                          QMessageBox.StandardButton.Ok, self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.exec()

    def _write(self, out: Path, progress) -> str:  # noqa: ANN001
        row = self.format_row
        progress(0, 1)  # show the dialog before the export starts; the PDF then reports its pages
        written = row.write(self.scope(), out, self.export_options(), progress)
        return f"Exported to {out}" + (f": {written.detail}" if written.detail else "")


def show_export_dialog(parts: WindowParts) -> ExportDialog | None:
    """File > Export...: the current board, the selection on it if any."""
    view, case = parts.current_view(), parts.case()
    if case is None or view is None:
        return None
    selection = [item.card_id for item in view.board_scene.selected_cards()]
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # reading a board of 10,000 cards takes a second
    try:
        dialog = ExportDialog(case, view.board_scene.board_id, selection, parts.parent)
    except (EvidenceBoardError, sqlite3.Error) as exc:
        QApplication.restoreOverrideCursor()
        parts.report(refusal_text(exc))
        return None
    QApplication.restoreOverrideCursor()
    if dialog.exec() == QDialog.DialogCode.Accepted and dialog.summary:
        parts.say(dialog.summary, 10000)
    return dialog
