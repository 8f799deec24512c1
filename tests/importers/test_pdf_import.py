"""Importing PDFs: what is stored, what lands on the board, and what is refused."""

from __future__ import annotations

import hashlib

import pytest
from samples import REPORT_PAGES, encrypted_pdf, report_pdf, write, zero_page_pdf

from evidence_board.importers import (
    DamagedPdf, EmptyPdf, ImportCancelled, PasswordRequired, UnsupportedFile, import_files,
)
from evidence_board.model import CardKind


def snapshot(case) -> tuple:
    """Everything a failed import must leave as it was."""
    conn = case.conn
    return (case.counts(), conn.execute("SELECT count(*) FROM attachments").fetchone()[0],
            conn.execute("SELECT count(*) FROM source_pages").fetchone()[0],
            [(e.id, e.summary) for e in case.audit_events()])


def test_pdf_is_stored_byte_exact_with_metadata_text_and_thumbnail(tmp_path, case, service, board_id):
    data = report_pdf()
    path = write(tmp_path, "focus-on-cuba.pdf", data)

    report = import_files(service, [path], board_id, x=50, y=60)

    [imported] = report.files
    source = case.source(imported.source_id)
    assert case.attachment(source.attachment_id) == data
    assert source.sha256 == hashlib.sha256(data).hexdigest() and source.size == len(data)
    assert (source.title, source.author, source.page_count) == ("Focus on Cuba", "ICCAS", 3)
    assert source.created == "2004-03-15T12:00:00+01:00"
    assert source.metadata["producer"] == "test fixture"
    assert case.page_text(source.id, 2).split() == REPORT_PAGES[1].split()
    assert case.attachment(source.thumbnail_id).startswith(b"\x89PNG")
    card = case.card(imported.card_id)
    assert card.kind is CardKind.DOCUMENT and card.source_id == source.id and card.title == "Focus on Cuba"
    placement = case.placement(board_id, card.id)
    assert (placement.x, placement.y) == (50, 60)
    assert report.lines() == ["focus-on-cuba.pdf: imported (3 page(s))"]


def test_page_text_is_searchable_and_import_is_one_undo_step(tmp_path, case, service, board_id):
    before = case.counts()
    import_files(service, [write(tmp_path, "a.pdf", report_pdf())], board_id)

    hits = [h for h in case.search("Rivero") if h.kind == "page"]
    assert [h.page for h in hits] == [3]
    assert service.undo_label == "Import a.pdf"
    service.undo()
    assert case.counts()["cards"] == before["cards"] and case.counts()["sources"] == 0
    assert case.search("Rivero") == []


def test_same_file_twice_reuses_the_source_and_says_so(tmp_path, case, service, board_id):
    data = report_pdf()
    first = import_files(service, [write(tmp_path, "a.pdf", data)], board_id)
    second = import_files(service, [write(tmp_path, "copy-of-a.pdf", data)], board_id)

    assert second.files[0].reused and second.files[0].source_id == first.files[0].source_id
    assert second.files[0].card_id == first.files[0].card_id  # no second card on the same board
    assert "already in the case" in second.lines()[0]
    assert case.counts()["sources"] == 1 and case.counts()["cards"] == 1
    other = service.create_board("Second board").created[0]
    third = import_files(service, [write(tmp_path, "a.pdf", data)], other)
    assert case.placement(other, third.files[0].card_id) is not None  # same card, now on both boards
    assert case.counts()["cards"] == 1


def test_type_is_judged_by_content_not_by_name(tmp_path, case, service, board_id):
    with pytest.raises(UnsupportedFile, match="notes.pdf: not a PDF or a supported image"):
        import_files(service, [write(tmp_path, "notes.pdf", b"just some text, not a PDF\n")], board_id)
    report = import_files(service, [write(tmp_path, "scan.jpg", report_pdf())], board_id)
    assert report.files[0].media_type == "application/pdf"


@pytest.mark.parametrize("name, data, error, message", [
    ("truncated.pdf", report_pdf()[:1500], DamagedPdf, "truncated"),
    ("garbage.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 8, DamagedPdf, "damaged PDF"),
    ("empty.pdf", zero_page_pdf(), EmptyPdf, "no pages"),
    ("locked.pdf", encrypted_pdf(), PasswordRequired, "password-protected"),
    ("nothing.pdf", b"", UnsupportedFile, "empty"),
])
def test_bad_pdfs_are_refused_and_change_nothing(tmp_path, case, service, board_id, name, data, error, message):
    good = write(tmp_path, "good.pdf", report_pdf())
    before = snapshot(case)
    with pytest.raises(error, match=message) as raised:
        import_files(service, [good, write(tmp_path, name, data)], board_id)
    assert "\n" not in str(raised.value) and str(raised.value).startswith(name)
    assert snapshot(case) == before


def test_password_protected_pdf_opens_with_its_password(tmp_path, case, service, board_id):
    path = write(tmp_path, "locked.pdf", encrypted_pdf("s3cret"))
    with pytest.raises(PasswordRequired, match="wrong password") as raised:
        import_files(service, [path], board_id, password="guess")
    assert raised.value.wrong_password
    report = import_files(service, [path], board_id, password="s3cret")
    source = case.source(report.files[0].source_id)
    assert case.attachment(source.attachment_id) == path.read_bytes()  # still the encrypted original
    assert source.metadata["encrypted"] is True
    assert "Havana" in case.page_text(source.id, 1)


def test_embedded_images_become_photo_cards_with_page_and_position(tmp_path, case, service, board_id):
    path = write(tmp_path, "report.pdf", report_pdf(image=True, icon=True))
    report = import_files(service, [path], board_id, extract_images=True)

    [card_id] = report.files[0].image_cards  # the 16 px icon was skipped
    card = case.card(card_id)
    assert card.kind is CardKind.PHOTO and card.source_id == report.files[0].source_id
    assert card.page == 2 and card.regions == ((100.0, 300.0, 400.0, 500.0),)
    assert card.attributes["extracted from"] == "report.pdf, page 2"
    image = case.attachment(card.attachment_id)
    assert image.startswith(b"\x89PNG") or image.startswith(b"\xff\xd8")
    without = import_files(service, [write(tmp_path, "plain.pdf", report_pdf(image=True, title="Other"))], board_id)
    assert without.files[0].image_cards == []


def test_cancelled_import_leaves_the_case_and_file_unchanged(tmp_path, case, case_path, service, board_id):
    service.create_card("note", board_id=board_id, title="existing")
    before, file_before = snapshot(case), case_path.read_bytes()
    paths = [write(tmp_path, f"{n}.pdf", report_pdf(title=f"Report {n}")) for n in range(3)]
    calls = []

    def cancelled() -> bool:  # the user presses Cancel half-way through
        calls.append(1)
        return len(calls) > 12

    with pytest.raises(ImportCancelled):
        import_files(service, paths, board_id, cancelled=cancelled)
    assert snapshot(case) == before
    assert case_path.read_bytes() == file_before


def test_cancel_while_writing_rolls_back_the_batch(tmp_path, case, service, board_id):
    from evidence_board.importers import prepare_files, write_prepared

    prepared = prepare_files([write(tmp_path, f"{n}.pdf", report_pdf(title=f"R{n}")) for n in range(2)])
    before = snapshot(case)
    seen = iter([False, False, True])
    with pytest.raises(ImportCancelled):
        write_prepared(service, prepared, board_id, cancelled=lambda: next(seen))
    assert snapshot(case) == before
    assert not service.can_undo()


def test_cmyk_image_in_a_pdf_becomes_an_rgb_png(tmp_path, case, service, board_id):
    import io

    import pymupdf
    from PIL import Image

    cmyk = io.BytesIO()
    Image.new("CMYK", (200, 150), (0, 255, 255, 0)).save(cmyk, "JPEG")  # red, in print colours
    doc = pymupdf.open(stream=report_pdf(), filetype="pdf")
    doc[0].insert_image(pymupdf.Rect(50, 300, 350, 525), stream=cmyk.getvalue())
    report = import_files(service, [write(tmp_path, "print.pdf", doc.tobytes())], board_id, extract_images=True)
    shown = Image.open(io.BytesIO(case.attachment(case.card(report.files[0].image_cards[0]).attachment_id)))
    assert shown.format == "PNG" and shown.mode == "RGB"
    red, green, blue = shown.getpixel((100, 75))
    assert red > 180 and green < 90 and blue < 90
