"""An SVG export holds each image once, however many cards show it, and a photo stays inside its frame."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtGui import QImage

from evidence_board.exporters.pictures import export_svg
from evidence_board.exporters.scope import board_scope

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}href"


def test_one_photo_on_three_cards_is_embedded_once_and_cropped_to_each_frame(qapp, case, sample, service, board_id,
                                                                             tmp_path: Path) -> None:
    photo = case.source(sample.sources["photo"]).attachment_id
    service.create_cards([{"kind": "photo", "title": f"Copy {n}", "attachment_id": photo, "x": 2000 + 400 * n,
                           "y": 0, "width": 300, "height": 225} for n in range(2)], board_id)
    result = export_svg(board_scope(case), tmp_path / "b.svg")
    data = result.path.read_text("utf-8")
    root = ET.fromstring(data)
    images = [i.get(XLINK) for i in root.iter(f"{SVG}image")]
    photos = [href for href in images if QImage.fromData(base64.b64decode(href.split(",", 1)[1])).width() > 100]
    assert len(photos) == len(set(photos))  # no image written twice
    symbols = {s.get("id"): s for s in root.iter(f"{SVG}symbol")}
    uses = [u for u in root.iter(f"{SVG}use")]
    by_symbol: dict[str, int] = {}
    for use in uses:
        by_symbol[use.get(XLINK)] = by_symbol.get(use.get(XLINK), 0) + 1
    assert 3 in by_symbol.values()  # the three photo cards show one symbol
    photo_symbol = next(name for name, count in by_symbol.items() if count == 3)
    assert photo_symbol.lstrip("#") in symbols
    # Each photo covers its picture area and is cropped to it: a viewport narrower or
    # shorter than the image drawn in it, no wider than the 300-unit card.
    frames = [svg for svg in root.iter(f"{SVG}svg") if any(u.get(XLINK) == photo_symbol for u in svg.iter(f"{SVG}use"))
              and svg is not root]
    assert len(frames) == 3
    for frame in frames:
        use = frame.find(f"{SVG}use")
        assert float(frame.get("width")) < 300
        assert (float(frame.get("width")) < float(use.get("width")) - 1
                or float(frame.get("height")) < float(use.get("height")) - 1)
