"""The data formats (JSON Canvas, GraphML, GEXF, CSV, page layout) and the
JSON Canvas reader work without Qt: importing them loads no PySide6."""

from __future__ import annotations

import subprocess
import sys

QT_FREE_MODULES = [
    "evidence_board.exporters", "evidence_board.exporters.scope", "evidence_board.exporters.files",
    "evidence_board.exporters.jsoncanvas", "evidence_board.exporters.graphml", "evidence_board.exporters.gexf",
    "evidence_board.exporters.tables", "evidence_board.exporters.pdf_layout", "evidence_board.importers.jsoncanvas",
]


def test_data_exporters_and_canvas_reader_load_no_qt() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {QT_FREE_MODULES!r}: importlib.import_module(name)\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
