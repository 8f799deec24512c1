"""File > Export...: options, the page preview, progress, the files written, errors."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pymupdf
import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QDialog

from evidence_board.ui import export_dialog
from evidence_board.ui.export_dialog import ExportDialog


@pytest.fixture
def dialog(qtbot, window):
    view = window.current_view()
    cards = [c for c in window.case.cards() if c.title in ("Captain Song Man-sun", "Pong Su Shipping Co.")]
    made = ExportDialog(window.case, view.board_scene.board_id, [c.id for c in cards], window)
    qtbot.addWidget(made)
    return made


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """A folder of its own: the case, its lock and settings live in out_dir."""
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


def _choose(dialog: ExportDialog, fmt: str) -> None:
    dialog.format.setCurrentIndex(dialog.format.findData(fmt))


def test_pdf_export_writes_the_board_with_progress_to_the_end(dialog, out_dir, monkeypatch):
    seen: list[tuple[int, int]] = []
    real = export_dialog.QProgressDialog.setValue
    monkeypatch.setattr(export_dialog.QProgressDialog, "setValue",
                        lambda self, v: (seen.append((v, self.maximum())), real(self, v)))
    out = out_dir / "board.pdf"
    dialog.path.setText(str(out))
    dialog.page_size.setCurrentText("A3")
    dialog.fit.setChecked(True)
    assert dialog.export_now() == out
    assert dialog.result() == QDialog.DialogCode.Accepted
    with pymupdf.open(out) as pdf:
        text = "".join(page.get_text() for page in pdf)
        assert pdf[0].rect.width in (pytest.approx(841.89, abs=1), pytest.approx(1190.55, abs=1))
    assert "Captain Song" in text and "Port of Nampo" in text and "A3 page" in text
    assert seen[-1][0] == seen[-1][1] >= 1  # the bar reached its end
    assert sorted(p.name for p in out_dir.iterdir()) == ["board.pdf"]


def test_the_preview_follows_fit_and_tile_and_the_page_size(dialog, qtbot):
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.tile.isChecked()  # one A4 page would print the cards too small to read: tiles by default
    dialog.fit.setChecked(True)
    assert dialog.preview.layout_ is not None and len(dialog.preview.layout_.pages) == 1
    assert dialog.plan_label.text().startswith("1 board page, A4")
    single = dialog.preview.grab().toImage()
    dialog.tile.setChecked(True)
    dialog.tile_scale.setValue(150)
    layout = dialog.preview.layout_
    assert len(layout.pages) > 2 and len(layout.tile_lines) == len(layout.pages) - 1
    assert f"{len(layout.pages) - 1} tile page(s)" in dialog.plan_label.text()
    tiled = dialog.preview.grab().toImage()
    assert tiled != single
    dialog.page_size.setCurrentText("Tabloid")
    assert len(dialog.preview.layout_.pages) < len(layout.pages)  # bigger paper, fewer tiles
    dialog.tile_scale.setValue(5)
    dialog.fit.setChecked(True)
    dialog.orientation.setCurrentIndex(dialog.orientation.findData(False))
    assert not dialog.preview.layout_.landscape


def test_a_tiling_that_needs_too_many_pages_is_explained_and_cannot_be_exported(dialog, monkeypatch):
    from evidence_board.exporters import pdf_layout

    monkeypatch.setattr(pdf_layout, "MAX_TILES", 2)
    dialog.tile.setChecked(True)
    dialog.tile_scale.setValue(300)
    assert dialog.preview.layout_ is None and "choose a smaller scale" in dialog.plan_label.text()
    assert not dialog.export_button.isEnabled()
    dialog.fit.setChecked(True)
    assert dialog.export_button.isEnabled()


def test_png_of_the_selection_is_smaller_than_of_the_board_and_follows_the_dpi(dialog, out_dir):
    _choose(dialog, "png")
    assert dialog.path.text().endswith(".png")
    assert not dialog.page_size.isEnabled() and dialog.dpi.isEnabled()
    dialog.dpi.setValue(96)
    whole = out_dir / "whole.png"
    dialog.path.setText(str(whole))
    assert dialog.export_now() == whole
    dialog.scope_selection.setChecked(True)
    part = out_dir / "part.png"
    dialog.path.setText(str(part))
    dialog.export_now()
    a, b = QImage(str(whole)), QImage(str(part))
    assert b.width() < a.width() and not b.isNull()
    dialog.dpi.setValue(192)
    sharp = out_dir / "sharp.png"
    dialog.path.setText(str(sharp))
    dialog.export_now()
    assert QImage(str(sharp)).width() == pytest.approx(2 * b.width(), abs=2)


@pytest.mark.parametrize("fmt, name", [("svg", "b.svg"), ("graphml", "b.graphml"), ("gexf", "b.gexf"),
                                        ("canvas", "b.canvas"), ("csv", "tables")])
def test_every_format_writes_its_file(dialog, out_dir, fmt, name):
    _choose(dialog, fmt)
    out = out_dir / name
    dialog.path.setText(str(out))
    assert dialog.export_now() == out
    if fmt == "csv":
        assert sorted(p.name for p in out.iterdir()) == ["cards.csv", "links.csv"]
    elif fmt == "canvas":
        assert '"nodes"' in out.read_text()
    else:
        assert ET.parse(out).getroot() is not None


def test_a_failed_export_is_one_message_and_leaves_nothing(dialog, out_dir, monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(export_dialog.QMessageBox, "exec", lambda self: shown.append(self.text()) or 0)
    out = out_dir / "missing folder" / "board.pdf"
    dialog.path.setText(str(out))
    assert dialog.export_now() is None
    assert len(shown) == 1 and "\n" not in shown[0] and "missing folder" in shown[0]
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert not out.parent.exists()


def test_cancel_during_a_pdf_export_leaves_no_file(dialog, out_dir, monkeypatch):
    monkeypatch.setattr(export_dialog.QProgressDialog, "wasCanceled", lambda self: True)
    out = out_dir / "board.pdf"
    dialog.path.setText(str(out))
    assert dialog.export_now() is None
    assert list(out_dir.iterdir()) == []


def test_file_export_opens_on_the_current_board_with_the_selection(window, monkeypatch):
    opened: list[ExportDialog] = []
    monkeypatch.setattr(ExportDialog, "exec", lambda self: opened.append(self) or 0)
    view = window.current_view()
    ids = list(view.board_scene.cards)[:3]
    view.commands.select(ids)
    window.actions_.export.trigger()
    assert len(opened) == 1
    assert sorted(opened[0].selection) == sorted(ids) and opened[0].scope_selection.isEnabled()


def test_the_preview_draws_paper_and_cards(dialog, qtbot):
    dialog.show()
    qtbot.waitExposed(dialog)
    preview = dialog.preview.grab().toImage()
    colours = {preview.pixel(x, y) for x in range(0, preview.width(), 5) for y in range(0, preview.height(), 5)}
    assert len(colours) >= 4  # background, paper, title strip, cards (and the outline)


def test_the_dialog_says_how_small_one_page_prints_the_text_and_tiles_it_readably(dialog, out_dir):
    dialog.fit.setChecked(True)
    size = re.search(r"smallest card text ([0-9.]+) pt", dialog.plan_label.text())
    assert size and float(size.group(1)) < 6
    assert not dialog.warning_label.isHidden() and f"prints at {size.group(1)} pt" in dialog.warning_label.text()
    assert not dialog.readable_button.isHidden()
    dialog.readable_button.click()
    assert dialog.tile.isChecked() and dialog.tile_scale.value() == 60
    assert "smallest card text 6.0 pt" in dialog.plan_label.text()
    assert dialog.warning_label.isHidden() and dialog.readable_button.isHidden()
    out = out_dir / "tiles.pdf"
    dialog.path.setText(str(out))
    assert dialog.export_now() == out
    with pymupdf.open(out) as pdf:  # what the dialog said: no card text under 6 pt on the tiles
        sizes = [span["size"] for page in list(pdf)[1:] for block in page.get_text("dict")["blocks"]
                 for line in block.get("lines", []) for span in line["spans"] if span["text"].strip()]
    assert sizes and min(sizes) >= 5.95
