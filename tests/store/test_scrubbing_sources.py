"""Issue 12 item 20: a scrubbed copy holds nothing of a source no card refers to.

Before, ``copy --scrub`` kept the PDF of a deleted document card: its bytes,
its page text and its author were all in the copy meant for outsiders. The
checks read the copy's raw file, not only its tables, so a leftover in a
free page, an index or an orphaned row would show.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "importers"))
from samples import report_pdf, write  # noqa: E402

from evidence_board.importers import create_quote, import_files  # noqa: E402
from evidence_board.store.copying import copy_open_case  # noqa: E402

SECRET_PAGES = ["Informant Quillowhisk met the captain at the quay.", "Second page, nothing more."]
SECRET_AUTHOR = "Marguerite Vantablack-Oyelaran"
KEPT_PAGES = ["The cargo manifest lists sugar only.", "Signed by the port authority."]


@pytest.fixture
def two_sources(tmp_path, service, board_id):
    """A secret PDF (with a picture made a card) and a kept PDF quoted on the board."""
    secret = report_pdf(SECRET_PAGES, title="Informant file", author=SECRET_AUTHOR, image=True)
    kept = report_pdf(KEPT_PAGES, title="Manifest", author="Port of Mariel")
    report = import_files(service, [write(tmp_path, "informant.pdf", secret), write(tmp_path, "manifest.pdf", kept)],
                          board_id, extract_images=True)
    secret_file, kept_file = report.files
    picture = service.case.card(secret_file.image_cards[0])
    create_quote(service, kept_file.source_id, 1, "sugar only", board_id)
    return {"secret": secret, "kept": kept, "secret_id": secret_file.source_id,
            "secret_cards": [secret_file.card_id, *secret_file.image_cards],
            "picture_bytes": service.case.attachment(picture.attachment_id),
            "thumbnail_id": service.case.source(secret_file.source_id).thumbnail_id,
            "kept_id": kept_file.source_id}


def _needles(two_sources) -> dict[str, bytes]:
    data = two_sources["secret"]
    third = len(data) // 3
    return {
        "a stretch of the PDF's own bytes": data[third:third + 48],
        "another stretch of them": data[2 * third:2 * third + 48],
        "a word of its page text": b"Quillowhisk",
        "that word as the search index folds it": b"quillowhisk",
        "its author": SECRET_AUTHOR.encode(),
        "its title": b"Informant file",
        "its file name": b"informant.pdf",
        "the picture taken from it": two_sources["picture_bytes"],
    }


def _assert_nothing_of_the_secret_source(out: Path, two_sources) -> None:
    assert [what for what, needle in _needles(two_sources).items() if needle in two_sources["kept"]] == []
    raw = out.read_bytes()
    found = [what for what, needle in _needles(two_sources).items() if needle in raw]
    assert found == []
    conn = sqlite3.connect(out)
    try:
        assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0  # vacuumed: no free pages
        ids = [r[0] for r in conn.execute("SELECT id FROM sources")]
        assert ids == [two_sources["kept_id"]]
        assert conn.execute("SELECT count(*) FROM source_pages WHERE source_id = ?",
                            (two_sources["secret_id"],)).fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM attachments WHERE id = ?",
                            (two_sources["thumbnail_id"],)).fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM audit_changes").fetchone()[0] == 0
    finally:
        conn.close()


def test_scrub_leaves_out_the_source_of_a_deleted_document_card(tmp_path, case, service, two_sources):
    service.delete_cards(two_sources["secret_cards"])  # the cards only: the source stays in the case
    out = copy_open_case(case, tmp_path / "shared.evb", scrub=True)
    _assert_nothing_of_the_secret_source(out, two_sources)
    # The case itself keeps it (what the Share dialog lists): it is only left out of the copy.
    assert [s.id for s in case.sources_without_cards()] == [two_sources["secret_id"]]


def test_scrub_leaves_out_a_deleted_source_though_the_case_keeps_it_for_undo(tmp_path, case, case_path, service,
                                                                             two_sources):
    service.delete_source(two_sources["secret_id"], with_cards=True)
    # Until scrubbed, the case can give it back: the bytes stay (unreferenced)
    # and the deletion's audit images hold its rows.
    assert _needles(two_sources)["a stretch of the PDF's own bytes"] in case_path.read_bytes()
    out = copy_open_case(case, tmp_path / "shared.evb", scrub=True)
    _assert_nothing_of_the_secret_source(out, two_sources)
    service.undo()
    assert case.attachment(case.source(two_sources["secret_id"]).attachment_id) == two_sources["secret"]


def test_scrub_keeps_every_source_a_card_refers_to_whole(tmp_path, case, service, two_sources):
    kept = case.source(two_sources["kept_id"])
    out = copy_open_case(case, tmp_path / "shared.evb", scrub=True)
    conn = sqlite3.connect(out)
    try:
        assert {r[0] for r in conn.execute("SELECT id FROM sources")} == {two_sources["kept_id"],
                                                                            two_sources["secret_id"]}
        data = conn.execute("SELECT data FROM attachments WHERE id = ?", (kept.attachment_id,)).fetchone()[0]
        assert conn.execute("SELECT text FROM source_pages WHERE source_id = ? AND page = 1",
                            (kept.id,)).fetchone()[0] == KEPT_PAGES[0] + "\n"
    finally:
        conn.close()
    assert data == case.attachment(kept.attachment_id)
