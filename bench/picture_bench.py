"""Picture export benchmark: SVG (with its target), PDF and PNG of the board bench's big board. Prints JSON.

The case is the one ``bench/board_bench.py`` measures the window on (its
``build_case``: 10,000 cards of five kinds, 20,000 links, a third of them
labelled), built once. Each export then runs in a fresh process, through the
same path as ``evidence_board export``: the format table
(``exporters/formats.py``) and that format's writer, the case opened and
read as the CLI does. Per format:

- ``<fmt>_s`` / ``<fmt>_cpu_s``: wall and CPU time of the writer alone, the CPU
  of a child it forks included (``read_s``: opening the case and reading the
  board, once per process);
- ``<fmt>_mb``: the file written; ``<fmt>_peak_rss_mb``: that process's peak memory.

``baseline_svg_s`` (and ``_cpu_s``, ``_mb``), measured in a fresh process of
the same run: QPainter on a QSvgGenerator drawing the same number of plain
rectangles, the floor of any SVG written through Qt; ``ratio_to_baseline``
(per target) is ``svg_s`` over it.

    python bench/picture_bench.py [--cards 10000] [--formats svg,pdf,png] [--case FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from board_bench import build_case  # noqa: E402  (a sibling script: the same board the window is measured on)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TARGETS = {"svg_s": 5.0}


def _cpu() -> float:
    """CPU seconds of this process and of its children it has waited for (a label-placing fork)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run_export(case_path: Path, fmt: str, out: Path) -> dict:
    """The child: open the case and export its board as ``evidence_board export`` does."""
    from evidence_board.exporters.formats import ExportOptions, export_format
    from evidence_board.exporters.scope import board_scope
    from evidence_board.store import CaseFile

    start = time.perf_counter()
    with CaseFile.open(case_path, read_only=True) as case:
        scope = board_scope(case)
        read_s = time.perf_counter() - start
        writer = export_format(fmt)
        wall, cpu = time.perf_counter(), _cpu()
        written = writer.write(scope, out, ExportOptions(), None)
        wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    return {f"{fmt}_s": round(wall, 3), f"{fmt}_cpu_s": round(cpu, 3), f"{fmt}_mb": round(out.stat().st_size / 1e6, 2),
            f"{fmt}_peak_rss_mb": _peak_rss_mb(), f"{fmt}_read_s": round(read_s, 3),
            f"{fmt}_facts": written.facts, "cards": len(scope.card_ids), "links": len(scope.link_ids)}


def run_baseline(case_path: Path, out: Path) -> dict:
    """The child: as many plain rectangles as the board has cards, drawn by QPainter into a QSvgGenerator."""
    from PySide6.QtCore import QRectF, QSize
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgGenerator

    from evidence_board.exporters.painting import ensure_gui_application
    from evidence_board.exporters.scope import board_scope
    from evidence_board.store import CaseFile

    ensure_gui_application()
    with CaseFile.open(case_path, read_only=True) as case:
        scope = board_scope(case)
        rects = [QRectF(p.x, p.y, p.width, p.height) for _, p in scope.cards()]
        x0, y0, x1, y1 = scope.bounds(30)
    wall, cpu = time.perf_counter(), time.process_time()
    generator = QSvgGenerator()
    generator.setFileName(str(out))
    generator.setSize(QSize(int(x1 - x0), int(y1 - y0)))
    generator.setViewBox(QRectF(0, 0, x1 - x0, y1 - y0))
    painter = QPainter(generator)
    painter.translate(-x0, -y0)
    for rect in rects:
        painter.drawRect(rect)
    painter.end()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"baseline_svg_s": round(wall, 3), "baseline_svg_cpu_s": round(cpu, 3),
            "baseline_svg_mb": round(out.stat().st_size / 1e6, 2)}


def _child(args: list[str]) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True)
    if proc.returncode != 0:
        return {f"{args[1]}_error": (proc.stderr.strip().splitlines() or ["no output"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--formats", default="svg,pdf,png")
    parser.add_argument("--case", type=Path, help="use (or build and keep) this case file")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)  # case, format or 'baseline', out
    args = parser.parse_args()
    if args.child:
        case_path, fmt, out = Path(args.child[0]), args.child[1], Path(args.child[2])
        result = run_baseline(case_path, out) if fmt == "baseline" else run_export(case_path, fmt, out)
        print(json.dumps(result))
        return
    with tempfile.TemporaryDirectory() as tmp:
        case_path = args.case or Path(tmp) / "board.evb"
        result: dict = {"cards": args.cards}
        if not case_path.exists():
            start = time.perf_counter()
            build_case(case_path, args.cards)
            result["build_case_s"] = round(time.perf_counter() - start, 1)
        result.update(_child([str(case_path), "baseline", str(Path(tmp) / "baseline.svg")]))
        for fmt in args.formats.split(","):
            result.update(_child([str(case_path), fmt, str(Path(tmp) / f"board.{fmt}")]))
    result["load_average"] = round(os.getloadavg()[0], 2)
    met = {"svg_s": result["svg_s"] <= TARGETS["svg_s"]} if "svg_s" in result else {}
    ratios = ({"svg_s": round(result["svg_s"] / max(result["baseline_svg_s"], 1e-3), 1)}
              if "svg_s" in result and "baseline_svg_s" in result else {})
    print(json.dumps({"benchmark": "picture", "results": [result], "targets": TARGETS, "meets_targets": met,
                      "ratio_to_baseline": ratios}, indent=2))

if __name__ == "__main__":
    main()
