"""Issue 12 item 20: a source can be deleted from a case, in one audited step that undo takes back.

Before, there was no way to delete a source at all: deleting its document
card left the PDF, its page text and its author in the case for good.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "importers"))
from samples import report_pdf, write  # noqa: E402

from evidence_board.errors import UnknownId  # noqa: E402
from evidence_board.importers import create_quote, import_files  # noqa: E402
from evidence_board.services.sources import SourceInUse  # noqa: E402
from tests.services.test_undo import fts_is_consistent, snapshot  # noqa: E402

PAGES = ["The freighter Chong Chon Gang left Havana in July.",
         "Panama found two MiG-21 fighters under the sugar.",
         "The crew resisted the search."]


@pytest.fixture
def imported(tmp_path, service, board_id):
    """A PDF (with a picture) imported with its picture card, a quote from it linked to a note."""
    data = report_pdf(PAGES, title="Seizure report", author="Ana Investigadora", image=True)
    report = import_files(service, [write(tmp_path, "seizure.pdf", data)], board_id, extract_images=True)
    file = report.files[0]
    quote = create_quote(service, file.source_id, 2, "two MiG-21 fighters", board_id).created[0]
    note = service.create_card("note", board_id=board_id, title="Who loaded the ship?").created[0]
    link = service.create_link(quote, note, "raises").created[0]
    return {"data": data, "source": file.source_id, "document": file.card_id, "picture": file.image_cards[0],
            "quote": quote, "note": note, "link": link}


def test_a_source_cited_by_cards_is_refused_naming_them_and_nothing_changes(case, service, imported):
    before, undo_label = snapshot(case), service.undo_label
    with pytest.raises(SourceInUse) as refused:
        service.delete_source(imported["source"])
    message = str(refused.value)
    assert message.startswith("Seizure report: 3 card(s) cite this source (")
    assert "'Seizure report'" in message and "delete them with it" in message and "\n" not in message
    assert sorted(refused.value.card_ids) == sorted([imported["document"], imported["picture"], imported["quote"]])
    assert snapshot(case) == before and service.undo_label == undo_label


def test_deleting_with_its_cards_is_one_step_one_event_and_one_changes(case, service, imported):
    events_before = len(case.audit_events())
    heard = []
    service.subscribe(heard.append)
    changes = service.delete_source(imported["source"], with_cards=True)
    assert heard == [changes]
    assert changes.action == "delete_source" and changes.label == "Delete source Seizure report and 3 card(s)"
    assert changes.deleted("sources") == {imported["source"]}
    assert changes.deleted("cards") == {imported["document"], imported["picture"], imported["quote"]}
    assert changes.deleted("links") == {imported["link"]}
    assert case.sources() == [] and case.source(imported["source"]) is None
    assert [c.id for c in case.cards()] == [imported["note"]]  # the note stays, unlinked
    assert case.page_text(imported["source"], 2) is None
    assert case.search("MiG-21") == [] and case.search("freighter") == []
    events = case.audit_events()
    assert len(events) == events_before + 1 and events[0].action == "delete_source"
    assert service.undo_label == "Delete source Seizure report and 3 card(s)"
    assert fts_is_consistent(case)


def test_undo_brings_the_source_back_byte_exact_with_its_cards_and_redo_deletes_it_again(case, service, imported):
    before = snapshot(case)
    source = case.source(imported["source"])
    service.delete_source(imported["source"], with_cards=True)
    service.undo()
    assert snapshot(case) == before
    back = case.source(imported["source"])
    assert back == source and back.author == "Ana Investigadora"
    stored = case.attachment(back.attachment_id)
    assert stored == imported["data"] and hashlib.sha256(stored).hexdigest() == back.sha256
    assert [case.page_text(back.id, n) for n in (1, 2, 3)] == [t + "\n" for t in PAGES]
    assert ("page", imported["source"], 2) in {(h.kind, h.id, h.page) for h in case.search("MiG-21")}
    assert case.link(imported["link"]) is not None
    assert fts_is_consistent(case)
    service.redo()
    assert case.sources() == [] and case.search("MiG-21") == []


def test_a_source_whose_cards_were_deleted_goes_without_asking_for_them(case, service, imported):
    service.delete_cards([imported["document"], imported["picture"], imported["quote"]])
    assert case.cards_citing(imported["source"]) == []
    assert [s.id for s in case.sources_without_cards()] == [imported["source"]]
    changes = service.delete_source(imported["source"])
    assert changes.label == "Delete source Seizure report" and changes.deleted("cards") == set()
    assert case.sources() == [] and case.sources_without_cards() == []


def test_an_unknown_source_is_refused(service):
    with pytest.raises(UnknownId, match="no source with id nope"):
        service.delete_source("nope")
