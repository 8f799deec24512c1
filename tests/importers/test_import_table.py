"""The importer table: each row recognises its sample file (and only its own), and the importer it names imports it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from samples import png_bytes, report_pdf, write

from evidence_board.errors import InvalidInput
from evidence_board.importers.formats import (
    DEFAULT_IMPORTER, IMPORT_FORMATS, ImportRequest, file_filters, format_of, split_by_importer,
)


def _canvas() -> bytes:
    return json.dumps({"nodes": [
        {"id": "a", "type": "text", "text": "# Harbour master\nmet the agent", "x": 0, "y": 0, "width": 240,
         "height": 90},
        {"id": "b", "type": "text", "text": "# Ship agent", "x": 320, "y": 0, "width": 240, "height": 90}],
        "edges": [{"id": "e", "fromNode": "a", "toNode": "b", "label": "paid"}]}).encode()


# One sample per row of the table: a row added without one fails the first test.
SAMPLES = {
    "pdf": ("report.pdf", report_pdf),
    "image": ("harbour.png", lambda: png_bytes((320, 200), "steelblue")),
    "canvas": ("wall.canvas", _canvas),
}


@pytest.fixture
def samples(tmp_path: Path) -> dict[str, Path]:
    return {row: write(tmp_path, name, make()) for row, (name, make) in SAMPLES.items()}


def test_every_row_recognises_its_sample_and_no_other_row_does(samples: dict[str, Path]) -> None:
    assert set(SAMPLES) == {row.name for row in IMPORT_FORMATS}
    for row in IMPORT_FORMATS:
        path = samples[row.name]
        head = path.read_bytes()[:1024]
        assert row.recognises(path, head), row.name
        assert [other.name for other in IMPORT_FORMATS if other.recognises(path, head)] == [row.name]
        assert format_of(path) is row
        assert path.suffix in row.extensions  # the file dialogs offer it
        assert f"*{path.suffix}" in file_filters().split(";;")[0]  # and the first filter takes it


def test_each_row_s_importer_imports_its_sample(samples: dict[str, Path], service, case, board_id) -> None:
    for row in IMPORT_FORMATS:
        before = {b.id for b in case.boards()}
        (step,) = row.importer.run(service, [samples[row.name]], ImportRequest(board_id=board_id))
        assert step.card_ids and step.lines
        assert step.new_board == row.importer.new_board == (step.board_id not in before)
        assert set(step.card_ids) <= set(case.load_board(step.board_id).cards)
    titles = {c.title for c in case.cards()}
    assert {"Harbour master", "Ship agent"} <= titles  # the canvas's notes, on a board of their own
    assert {b.name for b in case.boards()} == {case.boards()[0].name, "wall"}


def test_content_wins_over_the_name_and_files_keep_their_order(tmp_path: Path, samples: dict[str, Path]) -> None:
    disguised = write(tmp_path, "scan.png", report_pdf())  # a PDF named like an image
    assert format_of(disguised).name == "pdf"
    canvas_named_pdf = write(tmp_path, "notes.canvas.pdf", _canvas())  # JSON, no signature, wrong extension
    assert format_of(canvas_named_pdf) is None
    groups = split_by_importer([samples["canvas"], samples["image"], disguised, samples["pdf"]])
    assert [(importer.name, [p.name for p in paths]) for importer, paths in groups] == [
        ("sources", ["harbour.png", "scan.png", "report.pdf"]), ("canvas", ["wall.canvas"])]


def test_a_file_no_row_recognises_goes_to_the_default_importer_which_refuses_it_in_one_line(
        tmp_path: Path, service, case, board_id) -> None:
    odd = write(tmp_path, "minutes.docx", b"PK\x03\x04 not a format we import")
    missing = tmp_path / "gone.pdf"
    ((importer, paths),) = split_by_importer([odd, missing])
    assert importer is DEFAULT_IMPORTER and paths == [odd, missing]
    before = case.counts()
    with pytest.raises(InvalidInput) as refused:
        importer.run(service, paths, ImportRequest(board_id=board_id))
    assert "minutes.docx" in str(refused.value) and "\n" not in str(refused.value)
    assert case.counts() == before
