"""Quotes found on a page, snapped to words, and page clips."""

from __future__ import annotations

import io

import pymupdf
import pytest
from PIL import Image
from samples import report_pdf, write

from evidence_board.importers import QuoteNotFound, create_page_clip, create_quote, find_quote, import_files
from evidence_board.importers.quotes import find_matches, select_words
from evidence_board.model import CardKind


@pytest.fixture
def source_id(tmp_path, service, board_id) -> str:
    return import_files(service, [write(tmp_path, "cuba.pdf", report_pdf())], board_id).files[0].source_id


def words_of(data: bytes, page: int) -> list:
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        return [tuple(w) for w in doc[page - 1].get_text("words", sort=False)]


def test_find_quote_on_one_line_matches_pymupdf_search():
    data = report_pdf()
    [region] = find_quote(data, 1, "independent journalists")
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        [hit] = doc[0].search_for("independent journalists")
    assert region == pytest.approx(tuple(hit), abs=0.6)


def test_find_quote_across_lines_gives_one_rectangle_per_line():
    regions = find_quote(report_pdf(), 2, "the international   community condemned")
    assert len(regions) == 2
    assert regions[0][1] < regions[1][1]  # second line below the first
    assert find_quote(report_pdf(), 2, "not on this page at all") == []


def test_quote_snaps_to_whole_words_and_ignores_case_and_typography():
    words = words_of(report_pdf(), 1)
    [match] = find_matches(words, "MINISTRY of the inter")
    assert match.text == "ministry of the interior"
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "the inter-\nnational community's view", fontsize=12)
    [match] = find_matches(words_of(doc.tobytes(), 1), "International community’s")
    assert match.text == "international community's" and len(match.regions) == 2


def test_selection_snaps_to_words_in_reading_order():
    words = words_of(report_pdf(), 2)
    # From inside "trials" (line 2) to the middle of "community" (line 3).
    trials = next(w for w in words if w[4] == "trials")
    community = next(w for w in words if w[4] == "community")
    match = select_words(words, (trials[0] + 3, trials[1] + 4), (community[0] + 10, community[3] - 2))
    assert match.text == "trials lasted one day each, and the international community"
    assert len(match.regions) == 2


def test_create_quote_stores_text_page_and_regions(case, service, source_id, board_id):
    changes = create_quote(service, source_id, 1, "new measures against independent journalists")
    card = case.card(changes.created[0])
    assert card.kind is CardKind.QUOTE and card.source_id == source_id and card.page == 1
    assert card.text == "new measures against independent journalists"
    assert card.title == "new measures against independent journalists"  # named by its words
    assert [list(r) for r in card.regions] == [list(r) for r in find_quote(
        case.attachment(case.source(source_id).attachment_id), 1, card.text)]
    doc_card = next(c for c in case.cards(kind="document"))
    assert case.placement(board_id, card.id).x > case.placement(board_id, doc_card.id).x


def test_quote_not_on_that_page_is_refused_and_changes_nothing(case, service, source_id):
    before = case.counts()
    with pytest.raises(QuoteNotFound, match="'Raúl Rivero' is not on page 1 of Focus on Cuba"):
        create_quote(service, source_id, 1, "Raúl Rivero")
    with pytest.raises(Exception, match="page 9 does not exist"):
        create_quote(service, source_id, 9, "Havana")
    assert case.counts() == before


def test_repeated_words_pick_the_selected_occurrence(tmp_path, case, service, board_id):
    data = report_pdf(["Havana said no.\nLater Havana said yes."])
    sid = import_files(service, [write(tmp_path, "h.pdf", data)], board_id).files[0].source_id
    first, second = (m.regions for m in find_matches(words_of(data, 1), "Havana said"))
    card = case.card(create_quote(service, sid, 1, "Havana said", regions=second).created[0])
    assert [tuple(r) for r in card.regions] == [tuple(r) for r in second] != [tuple(r) for r in first]


def test_page_clip_becomes_a_photo_card(case, service, source_id):
    changes = create_page_clip(service, source_id, 2, (72, 60, 372, 160))
    card = case.card(changes.created[0])
    assert card.kind is CardKind.PHOTO and card.page == 2 and card.regions == ((72, 60, 372, 160),)
    clip = Image.open(io.BytesIO(case.attachment(card.attachment_id)))
    assert clip.size == (600, 200)  # 300 x 100 points at 144 dpi
    assert service.undo_label.startswith("Clip of Focus on Cuba, p. 2")
