"""Every link label of the sample board comes out whole in the PDF, SVG and PNG exports."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QTransform

from evidence_board.exporters import pictures
from evidence_board.exporters.pdf import PdfOptions, export_pdf
from evidence_board.exporters.pictures import export_png, export_svg
from evidence_board.exporters.scope import board_scope
from evidence_board.render.board_labels import board_label_placer
from evidence_board.render.context import RenderContext
from evidence_board.sample import sample_case_path
from evidence_board.store import CaseFile
from tests.render.label_checks import overdrawn_plates


@pytest.fixture
def sample_scope(qapp, tmp_path: Path):
    path = tmp_path / "sample.evb"
    shutil.copy(sample_case_path(), path)
    with CaseFile.open(path, read_only=True) as case:
        yield board_scope(case)


def _labels(scope) -> list[str]:
    return sorted(" ".join(link.label.split()) for link in scope.visible_contents().links.values() if link.label)


def test_pdf_text_has_every_label(sample_scope, tmp_path: Path):
    result = export_pdf(sample_scope, tmp_path / "board.pdf", PdfOptions(page_size="A3"))
    pages = [page for page in result.layout.pages]
    text = subprocess.run(["pdftotext", "-f", "1", "-l", str(len(pages)), str(result.path), "-"],
                          capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    missing = [label for label in _labels(sample_scope) if label not in flat]
    assert missing == []


def test_svg_has_every_label_as_text(sample_scope, tmp_path: Path):
    result = export_svg(sample_scope, tmp_path / "board.svg")
    texts = [" ".join("".join(node.itertext()).split()) for node in ET.parse(result.path).iter()
             if node.tag.endswith("text")]
    missing = [label for label in _labels(sample_scope) if label not in texts]
    assert missing == []


def test_png_shows_every_label_plate_uncovered(sample_scope, tmp_path: Path):
    result = export_png(sample_scope, tmp_path / "board.png", scale=1.5)
    image = QImage(str(result.path))
    contents = sample_scope.visible_contents()
    context = RenderContext(sample_scope.case)
    placer = board_label_placer(contents, context)  # as paint_board places them for this export
    source = pictures._source(sample_scope)
    placer.ensure(source.getRect())
    # paint_board's mapping of the board area onto the picture (aspect kept, centred).
    scale = min(result.width / source.width(), result.height / source.height())
    transform = (QTransform.fromTranslate(-source.center().x(), -source.center().y())
                 * QTransform.fromScale(scale, scale)
                 * QTransform.fromTranslate(result.width / 2, result.height / 2))
    spots = {link_id: (link, placer.spot(link_id), False) for link_id, link in contents.links.items()
             if link.label}
    assert all(spot is not None for _link, spot, _sel in spots.values())
    inside = QRectF(image.rect())
    assert all(inside.contains(transform.mapRect(QRectF(*spot.rect))) for _l, spot, _s in spots.values())
    assert overdrawn_plates(image, transform, spots, context) == []
