"""Export benchmark: PDF (fitted and tiled), PNG, SVG and the data formats for
boards of 100, 1,000 and 10,000 cards. Prints JSON.

Each board size runs in its own process so ``peak_rss_mb`` is that export's
peak memory. ``baseline_qt_pdf_s`` is the same number of cards drawn into a
QPdfWriter as a bare rectangle and a title each: the floor of any Qt PDF, so
``pdf_vs_baseline`` shows what the real card painting, appendix and link
post-processing cost on top.

    python bench/export_bench.py [--sizes 100,1000,10000]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("EVIDENCE_BOARD_AUTHOR", "Bench")

TARGETS = {"pdf_1000_s": 2.0, "pdf_10000_s": 20.0}


def build_case(path: Path, n_cards: int) -> None:
    import pymupdf
    from PIL import Image

    from evidence_board.services import CaseService
    from evidence_board.store import CaseFile

    rng = random.Random(n_cards)
    with CaseFile.create(path, f"Bench {n_cards}", "Bench") as case:
        service = CaseService(case, "Bench")
        board = case.boards()[0].id
        sources = []
        for i in range(max(2, n_cards // 100)):
            doc = pymupdf.open()
            doc.new_page().insert_text((72, 72), f"Report {i}: the vessel left at night.")
            sources.append(service.add_source(doc.tobytes(), f"report-{i}.pdf", "application/pdf",
                                              page_count=1, reliability="BC"[i % 2]).created[0])
        photos = []
        for i in range(5):
            image = Image.new("RGB", (1600, 1200), (rng.randrange(256), 90, 160))
            out = io.BytesIO()
            image.save(out, "JPEG", quality=85)
            source = service.add_source(out.getvalue(), f"photo-{i}.jpg", "image/jpeg").created[0]
            photos.append(case.source(source).attachment_id)
        columns = max(10, int(n_cards ** 0.5))
        specs = []
        for i in range(n_cards):
            x, y = (i % columns) * 300.0, (i // columns) * 220.0
            kind = ("quote", "entity", "note", "photo", "entity")[i % 5]
            spec = {"kind": kind, "x": x, "y": y}
            if kind == "quote":
                spec.update(text=f"Quote {i}: the harbour master saw the vessel leave at 02:{i % 60:02d} "
                                 "without lights, heading north.", source_id=sources[i % len(sources)], page=1,
                            reliability="B", credibility=2)
            elif kind == "entity":
                spec.update(title=f"Person {i}", entity_type="person", attributes={"role": "witness"})
            elif kind == "note":
                spec.update(title=f"Note {i}", text="Check the pilot's logbook against the AIS track.")
            else:
                spec.update(title=f"Photo {i}", attachment_id=photos[i % len(photos)], width=220, height=180)
            specs.append(spec)
        ids = service.create_cards(specs, board).created
        links = [{"from_card": ids[i], "to_card": ids[i + 1], "label": f"link {i}"}
                 for i in range(0, n_cards - 1, 2)]
        links += [{"from_card": ids[i], "to_card": ids[i + columns], "strength": "tentative"}
                  for i in range(0, n_cards - columns, 7)]
        service.create_links(links)


def baseline_pdf(scope, path: Path) -> float:
    from PySide6.QtCore import QMarginsF, QRectF
    from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter

    start = time.perf_counter()
    writer = QPdfWriter(str(path))
    writer.setResolution(72)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A3), QPageLayout.Orientation.Landscape,
                                     QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Point))
    x0, y0, x1, y1 = scope.bounds(30)
    scale = min(1150 / (x1 - x0), 800 / (y1 - y0))
    painter = QPainter(writer)
    painter.scale(scale, scale)
    painter.translate(-x0, -y0)
    for card, place in scope.cards():
        rect = QRectF(place.x, place.y, place.width, place.height)
        painter.drawRect(rect)
        painter.drawText(rect, card.title or card.text[:40])
    painter.end()
    return time.perf_counter() - start


def run_one(n_cards: int) -> dict:
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication([])  # noqa: F841 - fonts need it
    from evidence_board.exporters.gexf import export_gexf
    from evidence_board.exporters.graphml import export_graphml
    from evidence_board.exporters.jsoncanvas import export_canvas
    from evidence_board.exporters.pdf import PdfOptions, export_pdf
    from evidence_board.exporters.pictures import export_png, export_svg
    from evidence_board.exporters.scope import board_scope
    from evidence_board.exporters.tables import export_csv
    from evidence_board.store import CaseFile

    out: dict = {"cards": n_cards}
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        start = time.perf_counter()
        build_case(tmp_path / "case.evb", n_cards)
        out["build_case_s"] = round(time.perf_counter() - start, 2)
        with CaseFile.open(tmp_path / "case.evb", read_only=True) as case:
            start = time.perf_counter()
            scope = board_scope(case)
            out["read_board_s"] = round(time.perf_counter() - start, 3)
            out["links"] = len(scope.link_ids)
            out["baseline_qt_pdf_s"] = round(baseline_pdf(scope, tmp_path / "baseline.pdf"), 3)

            def timed(name: str, fn) -> object:
                begin = time.perf_counter()
                result = fn()
                out[f"{name}_s"] = round(time.perf_counter() - begin, 3)
                return result

            result = timed("pdf", lambda: export_pdf(scope, tmp_path / "fit.pdf", PdfOptions(page_size="A3")))
            out["pdf_mb"] = round(os.path.getsize(tmp_path / "fit.pdf") / 1e6, 2)
            out["pdf_pages"] = result.pages
            out["pdf_quote_links"] = result.quote_links
            out["pdf_vs_baseline"] = round(out["pdf_s"] / max(out["baseline_qt_pdf_s"], 1e-3), 1)
            result = timed("pdf_tiled", lambda: export_pdf(scope, tmp_path / "tiles.pdf",
                                                           PdfOptions(page_size="A3", tile=True, scale=0.5)))
            out["pdf_tiled_mb"] = round(os.path.getsize(tmp_path / "tiles.pdf") / 1e6, 2)
            out["pdf_tiled_pages"] = result.pages
            result = timed("png", lambda: export_png(scope, tmp_path / "board.png"))
            out["png_pixels"] = f"{result.width}x{result.height}"
            out["png_mb"] = round(os.path.getsize(tmp_path / "board.png") / 1e6, 2)
            timed("svg", lambda: export_svg(scope, tmp_path / "board.svg"))
            out["svg_mb"] = round(os.path.getsize(tmp_path / "board.svg") / 1e6, 2)
            timed("canvas", lambda: export_canvas(scope, tmp_path / "board.canvas"))
            timed("graphml", lambda: export_graphml(scope, tmp_path / "board.graphml"))
            timed("gexf", lambda: export_gexf(scope, tmp_path / "board.gexf"))
            timed("csv", lambda: export_csv(scope, tmp_path / "tables"))
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one)))
        return
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        proc = subprocess.run([sys.executable, __file__, "--one", str(size)], capture_output=True, text=True)
        if proc.returncode != 0:
            results.append({"cards": size, "error": proc.stderr.strip().splitlines()[-1:]})
        else:
            results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    by_size = {r["cards"]: r for r in results}
    checks = {
        "pdf_1000_under_2s": by_size.get(1000, {}).get("pdf_s", 1e9) < TARGETS["pdf_1000_s"]
        if 1000 in by_size else None,
        "pdf_10000_under_20s": by_size.get(10000, {}).get("pdf_s", 1e9) < TARGETS["pdf_10000_s"]
        if 10000 in by_size else None,
    }
    print(json.dumps({"benchmark": "export", "results": results, "targets": TARGETS, "checks": checks}, indent=2))


if __name__ == "__main__":
    main()
