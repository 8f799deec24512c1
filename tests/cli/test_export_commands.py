"""`evidence-board export` as a user runs it."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pymupdf
import pytest
from click.testing import CliRunner

from evidence_board.cli import main
from evidence_board.services import CaseService
from evidence_board.store import CaseFile


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def case_file(tmp_path: Path) -> Path:
    path = tmp_path / "aurora.evb"
    with CaseFile.create(path, "Aurora inquiry", "Jane Analyst") as case:
        service = CaseService(case, "Jane Analyst")
        board = case.boards()[0].id
        ship, owner = service.create_cards([
            {"kind": "entity", "title": "MV Aurora", "entity_type": "vehicle", "x": 0, "y": 0},
            {"kind": "entity", "title": "Castell Shipping", "entity_type": "organisation", "x": 400, "y": 0},
        ], board).created
        service.create_link(owner, ship, "operates")
        service.create_board("Timeline")
    return path


def test_export_picks_the_format_from_the_extension(case_file: Path, tmp_path: Path) -> None:
    for name in ("board.pdf", "board.png", "board.svg", "board.canvas", "board.graphml", "board.gexf", "tables"):
        code, out = run("export", case_file, tmp_path / name)
        assert code == 0, out
        assert out.startswith(f"wrote {tmp_path / name}")
    doc = pymupdf.open(tmp_path / "board.pdf")
    assert "MV Aurora" in doc[0].get_text() and "Aurora inquiry" in doc[0].get_text()
    with open(tmp_path / "tables" / "links.csv", newline="", encoding="utf-8") as handle:
        assert next(csv.DictReader(handle))["label"] == "operates"
    assert json.loads((tmp_path / "board.canvas").read_text(encoding="utf-8"))["edges"][0]["label"] == "operates"


def test_export_pdf_options_and_json_report(case_file: Path, tmp_path: Path) -> None:
    code, out = run("--author", "Desk Editor", "export", case_file, tmp_path / "t.pdf", "--page-size", "a3",
                    "--tile", "--scale", "2", "--json")
    assert code == 0, out
    report = json.loads(out)
    assert report["format"] == "pdf" and report["board_pages"] >= 2 and report["cards"] == 2
    doc = pymupdf.open(tmp_path / "t.pdf")
    assert doc.page_count == report["pages"] and "Desk Editor" in doc[0].get_text()
    assert round(max(doc[0].rect.width, doc[0].rect.height)) == 1191  # A3


def test_export_of_another_board_and_forced_format(case_file: Path, tmp_path: Path) -> None:
    code, out = run("export", case_file, tmp_path / "timeline.data", "--board", "timeline", "--format", "graphml")
    assert code == 0 and "Timeline" in out and "(0 cards, 0 groups, 0 links)" in out


@pytest.mark.parametrize("args, message", [
    (["x.docx"], "unknown export format"),
    (["x.csv"], "writes a folder"),
    (["x.png", "--scale", "500"], "megapixels"),
    (["x.pdf", "--board", "nope"], "no board named"),
    (["x.pdf", "--dpi", "300"], "--dpi is for PNG"),
    (["x.pdf", "--scale", "2"], "add --tile"),
    (["x.pdf", "--card", "not-a-card"], "not on board"),
])
def test_refused_exports_are_one_line_and_exit_1(case_file: Path, tmp_path: Path, args, message) -> None:
    result = CliRunner().invoke(main, ["export", str(case_file), str(tmp_path / args[0]), *args[1:]])
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert not (tmp_path / args[0]).exists()
