"""Count what hides link labels on a board as the painters really draw it (JSON).

    python bench/label_bench.py [--case CASE.evb] [--board N]

The board is painted once through ``paint_board`` (what the PDF, PNG and
SVG exports and the README picture use) into a painter that records every
call in order. Label plates are the rounded rectangles of the plate's
height and radius; cards are what ``paint_card`` drew; group titles the text
drawn for a group. Counted, in board units:

- ``plate_plate``: pairs of plates that overlap;
- ``plate_card``: plates that overlap a card (``covered_by_card``: the card
  was drawn after, so it hides part of the plate);
- ``plate_title``: plates that overlap a group's title;
- ``struck_by_line``: plates a line was drawn across after the plate;
- ``labels_missing``: labels whose whole text is not drawn on a plate;
- ``title_covered``: group titles a card was drawn over.

It reads only ``paint_board``'s public arguments, so the same script runs
against older code: ``PYTHONPATH=/path/to/old/checkout python bench/label_bench.py``.
Opens the case read-only (the packaged sample by default).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from itertools import combinations
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PLATE_HEIGHT = 20.0


def _meets(a, b, shrink: float = 0.5) -> bool:
    """Whether two (x, y, w, h) rectangles overlap by more than ``shrink`` on each side."""
    return (a[0] + shrink < b[0] + b[2] - shrink and b[0] + shrink < a[0] + a[2] - shrink
            and a[1] + shrink < b[1] + b[3] - shrink and b[1] + shrink < a[1] + a[3] - shrink)


def _crosses(line, rect, shrink: float = 2.0) -> bool:
    x0, y0, x1, y1 = line
    left, top = rect[0] + shrink, rect[1] + shrink
    right, bottom = rect[0] + rect[2] - shrink, rect[1] + rect[3] - shrink
    dx, dy = x1 - x0, y1 - y0
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, x0 - left), (dx, right - x0), (-dy, y0 - top), (dy, bottom - y0)):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return False
    return True


def record_board(case_path: Path, board_index: int = 0) -> dict:
    """Paint the board through a recording painter; return what was drawn, in order."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QGuiApplication, QImage, QPainter

    import evidence_board.render.board_painter as board_painter
    from evidence_board.model import CardKind
    from evidence_board.render.context import RenderContext
    from evidence_board.store import CaseFile

    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 - fonts need an application
    events: list[tuple] = []
    state = {"group": 0}

    class RecordingPainter(QPainter):
        # Board coordinates: paint_board is called without a target, at scale 1.
        def drawRoundedRect(self, rect, xr, yr, *args):  # noqa: N802 - Qt's name
            r = QRectF(rect)
            if abs(r.height() - PLATE_HEIGHT) < 0.01 and abs(xr - PLATE_HEIGHT / 2) < 0.01:
                events.append(("plate", r.getRect()))
            return super().drawRoundedRect(rect, xr, yr, *args)

        def drawStaticText(self, point, static):  # noqa: N802
            size = static.size()
            rect = (point.x(), point.y(), size.width(), size.height())
            events.append(("title" if state["group"] else "text", rect, static.text()))
            return super().drawStaticText(point, static)

        def drawLine(self, *args):  # noqa: N802
            line = args[0] if len(args) == 1 else None
            if line is not None and hasattr(line, "p1"):
                events.append(("line", (line.x1(), line.y1(), line.x2(), line.y2())))
            return super().drawLine(*args)

    real_paint_card = board_painter.paint_card
    real_title = getattr(board_painter, "paint_group_title", None)

    def paint_card(painter, card, rect, **kwargs):
        is_group = card.kind is CardKind.GROUP
        state["group"] += is_group
        try:
            real_paint_card(painter, card, rect, **kwargs)
        finally:
            state["group"] -= is_group
        if not is_group:
            events.append(("card", QRectF(rect).getRect(), card.title))

    def paint_group_title(*args, **kwargs):
        state["group"] += 1
        try:
            real_title(*args, **kwargs)
        finally:
            state["group"] -= 1

    board_painter.paint_card = paint_card
    if real_title is not None:
        board_painter.paint_group_title = paint_group_title
    try:
        with CaseFile.open(case_path, read_only=True) as case:
            contents = case.load_board(case.boards()[board_index].id)
            bounds = board_painter.board_bounds(contents)
            image = QImage(int(bounds.width()) + 1, int(bounds.height()) + 1, QImage.Format.Format_RGB32)
            painter = RecordingPainter(image)
            painter.translate(-bounds.left(), -bounds.top())
            try:
                board_painter.paint_board(painter, contents, bounds, RenderContext(case))
            finally:
                painter.end()
            labels = sorted(" ".join(link.label.split()) for link in contents.links.values() if link.label)
    finally:
        board_painter.paint_card = real_paint_card
        if real_title is not None:
            board_painter.paint_group_title = real_title
    return {"events": events, "labels": labels}


def count(recorded: dict) -> dict:
    events = recorded["events"]
    plates = [(i, e[1]) for i, e in enumerate(events) if e[0] == "plate"]
    cards = [(i, e[1]) for i, e in enumerate(events) if e[0] == "card"]
    titles = [(i, e[1]) for i, e in enumerate(events) if e[0] == "title"]
    lines = [(i, e[1]) for i, e in enumerate(events) if e[0] == "line"]
    drawn = []
    for index, _plate in plates:
        following = events[index + 1] if index + 1 < len(events) else None
        if following is not None and following[0] == "text":
            drawn.append(following[2])
    plate_plate = sum(1 for (_i, a), (_j, b) in combinations(plates, 2) if _meets(a, b))
    plate_card = sum(1 for _i, p in plates if any(_meets(p, c) for _j, c in cards))
    covered = sum(1 for i, p in plates if any(j > i and _meets(p, c) for j, c in cards))
    plate_title = sum(1 for _i, p in plates if any(_meets(p, t) for _j, t in titles))
    struck = sum(1 for i, p in plates if any(j > i and _crosses(line, p) for j, line in lines))
    title_covered = sum(1 for i, t in titles if any(j > i and _meets(t, c) for j, c in cards))
    missing = [label for label in recorded["labels"] if label not in drawn]
    for label in recorded["labels"]:
        if label in drawn:
            drawn.remove(label)
    return {
        "labels": len(recorded["labels"]), "plates": len(plates),
        "plate_plate": plate_plate, "plate_card": plate_card, "covered_by_card": covered,
        "plate_title": plate_title, "struck_by_line": struck, "labels_missing": len(missing),
        "title_covered": title_covered,
        "total": plate_plate + plate_card + plate_title + struck + len(missing) + title_covered,
        "missing": missing,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--case", type=Path, help="a case file (default: the packaged sample)")
    parser.add_argument("--board", type=int, default=0, help="which board, from 0")
    args = parser.parse_args(argv)
    if args.case is None:
        from evidence_board.sample import sample_case_path

        args.case = sample_case_path()
    if not args.case.is_file():
        print(f"error: no case file at {args.case}", file=sys.stderr)
        return 2
    result = {"benchmark": "label", **count(record_board(args.case, args.board))}
    result["case"] = args.case.name
    result["targets"] = {"total": 0}  # nothing hides a label
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
