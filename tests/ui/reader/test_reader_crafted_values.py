"""Show in source on values past what the services write (issue 12, items 11 and 13).

A file holding them is refused at opening (tests/store/test_values_readers_take.py);
these are the reader's own defences, for a file changed under an open case
and for regions at the very limits.
"""

from __future__ import annotations

import sqlite3

from samples import report_pdf, write

from evidence_board.importers import import_files
from evidence_board.ui import reader as reader_module
from evidence_board.ui.reader import show_in_source


def test_a_source_whose_stored_file_went_missing_is_a_message_not_a_crash(
        qtbot, tmp_path, case, service, board_id, monkeypatch) -> None:
    source_id = import_files(service, [write(tmp_path, "r.pdf", report_pdf())], board_id).files[0].source_id
    attachment = case.source(source_id).attachment_id
    # Another program deletes the bytes under the open case (opening would refuse the file now).
    other = sqlite3.connect(case.path)
    other.execute("PRAGMA foreign_keys = OFF")
    other.execute("DELETE FROM attachments WHERE id = ?", (attachment,))
    other.commit()
    other.close()
    messages: list[str] = []
    monkeypatch.setattr(reader_module, "warn", lambda parent, title, text: messages.append(text))
    assert show_in_source(None, case, service, source_id, page=1, regions=[(72, 72, 200, 90)]) is None
    assert len(messages) == 1 and "\n" not in messages[0]
    assert messages[0].startswith("Cannot open the source: the case holds no stored file")


def test_regions_at_the_limits_show_without_error(qtbot, tmp_path, case, service, board_id) -> None:
    from evidence_board.model import limits

    source_id = import_files(service, [write(tmp_path, "r.pdf", report_pdf())], board_id).files[0].source_id
    far = (limits.REGION_HIGH - 10, limits.REGION_HIGH - 10, limits.REGION_HIGH, limits.REGION_HIGH)
    whole = (limits.REGION_LOW, limits.REGION_LOW, limits.REGION_HIGH, limits.REGION_HIGH)
    card = service.create_card("quote", text="x", source_id=source_id, page=2, regions=[far, whole],
                               board_id=board_id).created[0]
    quote = case.card(card)
    reader = show_in_source(None, case, service, source_id, page=quote.page, regions=quote.regions)
    qtbot.addWidget(reader)
    qtbot.waitExposed(reader)
    reader.set_zoom(4.0)
    reader.show_regions(quote.page, quote.regions)
    assert reader.page == 2 and reader.page_widget.cited == quote.regions
    assert not reader.page_widget.grab().isNull()
