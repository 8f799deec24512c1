"""The reader's find and the case-wide search agree: same folding, same pages."""

from __future__ import annotations

from samples import typeset_pdf, write

from evidence_board.importers import import_files
from evidence_board.ui.reader import show_in_source

QUERIES = ["profile", "PROFILES", "office", "manipulation", "Raul", "raúl castro", '"north korean"',
           "fluffy profiles", "files", "ＯＦＦＩＣＥ", "nowhere"]


def test_find_in_a_typeset_document_gives_the_pages_the_case_search_gives(qtbot, tmp_path, case, service,
                                                                          board_id, found):
    path = write(tmp_path, "gs9.pdf", typeset_pdf())
    source_id = import_files(service, [path], board_id).files[0].source_id
    reader = show_in_source(None, case, service, source_id)
    qtbot.addWidget(reader)
    for query in QUERIES:
        count = found(reader, query)
        in_reader = {page for page, _ in reader.find_hits}
        in_case = {h.page for h in case.search(query, limit=1000) if h.kind == "page" and h.id == source_id}
        assert in_reader == in_case, query
        # Every hit is highlighted where its words are on the page.
        assert count == len(reader.find_hits) and all(match.regions for _, match in reader.find_hits), query
    assert found(reader, "manipulation") == 1
    [(page, match)] = reader.find_hits
    assert page == 4 and match.text == "manipulation" and len(match.regions) == 2  # both halves lit
    assert found(reader, "profile") == 6  # ﬁ, caps, plural, broken across lines, bold


def test_an_overlong_find_is_reported_as_such(qtbot, case, service, pdf_source, found):
    reader = show_in_source(None, case, service, pdf_source)
    qtbot.addWidget(reader)
    assert found(reader, " ".join(["the*"] * 200)) == 0  # refused before any thread
    assert "at most 16" in reader.hits_label.text()
