"""Imported cards, quotes and clips land in free space: real PDFs and images on a crowded board."""

from __future__ import annotations

import math

import pytest
from samples import png_bytes, report_pdf, write

from evidence_board.importers import create_page_clip, create_quote, import_files
from evidence_board.model.placement import conflicts
from evidence_board.store import CaseFile


def _rect(p) -> tuple[float, float, float, float]:
    return (p.x, p.y, p.width, p.height)


def _crowd(service, board_id, left: float = -400.0, top: float = -300.0, columns: int = 6, rows: int = 5) -> list[str]:
    """Notes packed edge to edge over the area where new work is asked to go."""
    specs = [{"kind": "note", "title": f"note {c},{r}", "x": left + c * 205, "y": top + r * 125,
              "width": 200, "height": 120} for c in range(columns) for r in range(rows)]
    return service.create_cards(specs, board_id).created


def _overlaps(case, board_id, new_ids, old_ids) -> list[tuple[str, str]]:
    placements = case.board_placements(board_id)
    return [(n, o) for n in new_ids for o in [*old_ids, *new_ids]
            if n != o and conflicts(_rect(placements[n]), _rect(placements[o]))]


def test_many_files_imported_onto_a_crowded_board_land_in_a_grid_in_free_space(tmp_path, case_path, service,
                                                                            board_id):
    crowd = _crowd(service, board_id)
    colours = ["darkred", "navy", "olive", "teal", "purple", "maroon", "gold", "grey", "black"]
    files = [write(tmp_path, f"photo {n}.png", png_bytes((90 + n, 60), colour)) for n, colour in enumerate(colours)]
    files.append(write(tmp_path, "report.pdf", report_pdf()))
    report = import_files(service, files, board_id, x=0.0, y=0.0, centred=True)

    new = report.card_ids
    assert len(new) == 10
    with CaseFile.open(case_path, read_only=True) as on_disk:  # what another program reads from the file
        assert _overlaps(on_disk, board_id, new, crowd) == []
        placements = on_disk.board_placements(board_id)
    spots = [placements[c] for c in new]
    # A tidy grid: a few columns and rows, each card at a column's left and a row's top.
    lefts, tops = sorted({p.x for p in spots}), sorted({p.y for p in spots})
    assert 3 <= len(lefts) <= 5 and 2 <= len(tops) <= 4 and len(lefts) * len(tops) >= 10
    # The grid as a whole is clear of the crowd, and as near as the crowd allows:
    # just past one of its edges (the crowd spans 1,225 x 745 around the asked-for point).
    grid = (min(lefts), min(tops), max(p.x + p.width for p in spots) - min(lefts),
            max(p.y + p.height for p in spots) - min(tops))
    assert not any(conflicts(grid, _rect(placements[c])) for c in crowd)
    centre = (grid[0] + grid[2] / 2, grid[1] + grid[3] / 2)
    assert math.dist(centre, (0.0, 0.0)) < 1500


def test_an_import_onto_free_board_goes_exactly_where_asked(tmp_path, service, case, board_id):
    report = import_files(service, [write(tmp_path, "a.png", png_bytes())], board_id, x=300.0, y=-40.0)
    p = case.placement(board_id, report.card_ids[0])
    assert (p.x, p.y) == (300.0, -40.0)


@pytest.fixture
def document(tmp_path, service, board_id) -> tuple[str, str]:
    imported = import_files(service, [write(tmp_path, "cuba.pdf", report_pdf())], board_id, x=0.0, y=0.0).files[0]
    return imported.source_id, imported.card_id


def test_quotes_gather_beside_their_document_and_never_cover_a_card(service, case, board_id, document):
    source_id, doc_card = document
    doc = case.placement(board_id, doc_card)
    # Someone already put a note just where the first quote would go, right of the document.
    blocker = service.create_card("note", board_id=board_id, title="in the way", x=doc.x + doc.width + 20, y=doc.y,
                                  width=200, height=120).created[0]
    quotes = [create_quote(service, source_id, 1, words, board_id).created[0]
              for words in ("independent journalists", "ministry of the interior", "new measures")]
    assert _overlaps(case, board_id, quotes, [doc_card, blocker]) == []
    for card_id in quotes:
        p = case.placement(board_id, card_id)
        # Beside the document: within a quote card's size of its edges.
        assert p.x < doc.x + doc.width + 2 * 260 + 40 and p.x + p.width > doc.x - 2 * 260
        assert p.y < doc.y + doc.height + 2 * 150 + 40 and p.y + p.height > doc.y - 2 * 150


def test_a_page_clip_lands_beside_the_document_clear_of_its_quotes(service, case, board_id, document):
    source_id, doc_card = document
    quote = create_quote(service, source_id, 2, "international community", board_id).created[0]
    clip = create_page_clip(service, source_id, 1, (60, 60, 360, 160), board_id).created[0]
    assert _overlaps(case, board_id, [clip], [doc_card, quote]) == []
    doc, p = case.placement(board_id, doc_card), case.placement(board_id, clip)
    assert math.dist((p.x, p.y), (doc.x + doc.width, doc.y)) < 400
