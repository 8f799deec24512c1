"""`evidence-board import`, `import-canvas` and `quote`, and `search` over imported pages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from evidence_board.cli import main
from evidence_board.store import CaseFile

sys.path.insert(0, str(Path(__file__).parents[1] / "importers"))
from samples import encrypted_pdf, png_bytes, report_pdf, write  # noqa: E402


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.fixture
def case_file(tmp_path: Path) -> Path:
    path = tmp_path / "cuba.evb"
    assert run("new", str(path))[0] == 0
    return path


def test_import_then_quote_then_search(tmp_path, case_file):
    pdf = write(tmp_path, "focus.pdf", report_pdf(image=True))
    photo = write(tmp_path, "street.png", png_bytes())
    code, out = run("import", str(case_file), str(pdf), str(photo), "--extract-images", "--json")
    assert code == 0, out
    report = json.loads(out)
    assert [f["file_name"] for f in report["files"]] == ["focus.pdf", "street.png"]
    assert len(report["files"][0]["image_cards"]) == 1
    source_id = report["files"][0]["source_id"]

    code, out = run("quote", str(case_file), "focus.pdf", "--page", "2", "--text", "the international community")
    assert code == 0, out
    with CaseFile.open(case_file, read_only=True) as case:
        card = case.card(out.strip())
        assert (card.source_id, card.page, card.text) == (source_id, 2, "the international community")
        assert len(card.regions) == 2  # the words run over a line break

    code, out = run("search", str(case_file), "sentenced", "--json")
    hits = json.loads(out)
    assert {(h["kind"], h["id"], h["page"]) for h in hits} == {("page", source_id, 2)}


def test_import_twice_says_it_reused_the_source(tmp_path, case_file):
    pdf = write(tmp_path, "focus.pdf", report_pdf())
    assert run("import", str(case_file), str(pdf))[1].strip() == "focus.pdf: imported (3 page(s))"
    code, out = run("import", str(case_file), str(pdf))
    assert code == 0 and "already in the case, reused its source" in out


def test_password_option_opens_a_protected_pdf(tmp_path, case_file):
    locked = write(tmp_path, "locked.pdf", encrypted_pdf("pw"))
    code, out = run("import", str(case_file), str(locked))
    assert code == 1 and "password-protected" in out
    code, out = run("import", str(case_file), str(locked), "--password", "pw")
    assert code == 0, out
    code, out = run("quote", str(case_file), "Focus on Cuba", "--page", "3", "--text", "twenty years")
    assert code == 0, out


def test_quote_of_words_not_on_the_page_fails_clearly(tmp_path, case_file):
    run("import", str(case_file), str(write(tmp_path, "focus.pdf", report_pdf())))
    code, out = run("quote", str(case_file), "focus.pdf", "--page", "1", "--text", "twenty years")
    assert code == 1 and "'twenty years' is not on page 1 of Focus on Cuba" in out
    code, out = run("quote", str(case_file), "nope.pdf", "--page", "1", "--text", "x")
    assert code == 1 and "no source with id, file name or title 'nope.pdf'" in out


def test_bad_file_is_one_line_and_exit_1_with_nothing_changed(tmp_path, case_file):
    before = case_file.read_bytes()
    bad = write(tmp_path, "report.pdf", report_pdf()[:900])
    proc = subprocess.run(
        [sys.executable, "-c", "from evidence_board.cli import run; run()", "import", str(case_file), str(bad)],
        capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        "evidence-board: error: report.pdf: damaged PDF: the file is truncated (no end-of-file marker)"]
    assert case_file.read_bytes() == before


def test_import_sends_canvas_files_to_the_canvas_importer(tmp_path: Path) -> None:
    case_file = tmp_path / "c.evb"
    CaseFile.create(case_file, "c").close()
    canvas = tmp_path / "wall.canvas"
    canvas.write_text(json.dumps({"nodes": [
        {"id": "a", "type": "text", "text": "Harbour master", "x": 0, "y": 0, "width": 200, "height": 80},
        {"id": "b", "type": "text", "text": "Ship agent", "x": 300, "y": 0, "width": 200, "height": 80}],
        "edges": [{"id": "e", "fromNode": "a", "toNode": "b", "label": "paid"}]}), encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(case_file), str(canvas)])
    assert result.exit_code == 0, result.output
    assert "as board 'wall': 2 cards, 1 links" in result.output
    mixed = CliRunner().invoke(main, ["import", str(case_file), str(canvas), str(tmp_path / "x.pdf")])
    assert mixed.exit_code == 1 and "on their own" in mixed.output


def test_import_canvas_makes_a_new_board(case_file: Path, tmp_path: Path) -> None:
    canvas = tmp_path / "from-obsidian.canvas"
    canvas.write_text(json.dumps({
        "nodes": [{"id": "a", "type": "text", "text": "# Pilot\nPaid in cash", "x": 0, "y": 0, "width": 200,
                   "height": 100},
                  {"id": "b", "type": "file", "file": "gone.pdf", "x": 300, "y": 0, "width": 200, "height": 100}],
        "edges": [{"id": "e", "fromNode": "a", "toNode": "b", "label": "signed"}],
    }), encoding="utf-8")
    result = CliRunner().invoke(main, ["import-canvas", str(case_file), str(canvas)])
    assert result.exit_code == 0, result.output
    assert "imported from-obsidian.canvas as board 'from-obsidian': 2 cards, 1 links" in result.output
    assert "warning: file not found beside the canvas: gone.pdf" in result.output
    with CaseFile.open(case_file, read_only=True) as case:
        board = case.find_board("from-obsidian")
        titles = {c.title for c in case.load_board(board.id).cards.values()}
    assert titles == {"Pilot", "gone.pdf"}


def test_import_canvas_refuses_a_broken_file(case_file: Path, tmp_path: Path) -> None:
    canvas = tmp_path / "broken.canvas"
    canvas.write_text("{nodes: [", encoding="utf-8")
    result = CliRunner().invoke(main, ["import-canvas", str(case_file), str(canvas)])
    assert result.exit_code == 1 and "not a JSON Canvas file" in result.output
