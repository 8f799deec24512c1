"""Importing images: allow-listed formats, EXIF facts and orientation, bombs refused."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from samples import bomb_png, png_bytes, write

from evidence_board.importers import DamagedImage, ImageTooLarge, UnsupportedFile, import_files
from evidence_board.model import CardKind


def exif_jpeg(orientation: int = 6) -> bytes:
    """A 60x40 photo taken 2004-03-15 on a Canon, in Havana, stored sideways."""
    image = Image.new("RGB", (60, 40), "white")
    image.paste((200, 0, 0), (0, 0, 20, 40))  # red strip on the left edge as stored
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    exif[0x0110] = "Canon PowerShot A70"
    exif[0x0112] = orientation
    exif.get_ifd(0x8769)[0x9003] = "2004:03:15 10:20:30"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (23.0, 8.0, 0.0), 3: "W", 4: (82.0, 21.0, 36.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=95)
    return out.getvalue()


def test_photo_keeps_exif_facts_and_is_shown_upright(tmp_path, case, service, board_id):
    data = exif_jpeg(orientation=6)
    report = import_files(service, [write(tmp_path, "havana.jpg", data)], board_id)

    card = case.card(report.files[0].card_id)
    source = case.source(card.source_id)
    assert card.kind is CardKind.PHOTO and source.media_type == "image/jpeg"
    assert case.attachment(source.attachment_id) == data  # original byte-exact
    assert card.attributes["taken"] == "2004-03-15T10:20:30" and card.date_start == "2004-03-15T10:20:30"
    assert card.attributes["camera"] == "Canon PowerShot A70"
    assert card.attributes["gps"] == "23.133333, -82.360000"
    shown = Image.open(io.BytesIO(case.attachment(card.attachment_id)))
    assert shown.size == (40, 60)  # rotated upright for display
    assert shown.getpixel((20, 2))[0] > 150  # the red strip is now on top
    assert case.attachment(source.thumbnail_id).startswith(b"\x89PNG")


def test_large_photo_is_shown_from_a_smaller_copy(tmp_path, case, service, board_id):
    data = png_bytes((3000, 1000), fmt="JPEG")
    report = import_files(service, [write(tmp_path, "wide.jpg", data)], board_id)
    card = case.card(report.files[0].card_id)
    assert case.attachment(case.source(card.source_id).attachment_id) == data
    shown = Image.open(io.BytesIO(case.attachment(card.attachment_id)))
    assert (shown.format, shown.size) == ("JPEG", (2048, 683))
    assert card.attributes["pixels"] == "3000 x 1000"


def test_upright_png_is_shown_from_its_stored_bytes(tmp_path, case, service, board_id):
    report = import_files(service, [write(tmp_path, "chart.png", png_bytes())], board_id)
    card = case.card(report.files[0].card_id)
    assert card.attachment_id == case.source(card.source_id).attachment_id
    assert card.attributes["pixels"] == "120 x 80"


@pytest.mark.parametrize("fmt, name, media_type", [
    ("WEBP", "a.webp", "image/webp"), ("TIFF", "a.tif", "image/tiff"), ("GIF", "a.gif", "image/gif"),
])
def test_other_formats_get_a_png_copy_to_show(tmp_path, case, service, board_id, fmt, name, media_type):
    report = import_files(service, [write(tmp_path, name, png_bytes(fmt=fmt))], board_id)
    card = case.card(report.files[0].card_id)
    assert case.source(card.source_id).media_type == media_type
    assert case.attachment(card.attachment_id).startswith(b"\x89PNG")


def test_animated_gif_shows_its_first_frame(tmp_path, case, service, board_id):
    frames = [Image.new("RGB", (30, 30), c) for c in ("blue", "yellow")]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100)
    report = import_files(service, [write(tmp_path, "anim.gif", out.getvalue())], board_id)
    shown = Image.open(io.BytesIO(case.attachment(case.card(report.files[0].card_id).attachment_id)))
    assert shown.convert("RGB").getpixel((5, 5))[2] > 200  # blue


def test_decompression_bomb_is_refused(tmp_path, case, service, board_id):
    before = case.counts()
    with pytest.raises(ImageTooLarge, match="bomb.png: the image is too large"):
        import_files(service, [write(tmp_path, "bomb.png", bomb_png())], board_id)
    # Over the limit but under twice it: Pillow only warns; we still refuse.
    over = int((Image.MAX_IMAGE_PIXELS * 1.2) ** 0.5) + 1
    with pytest.raises(ImageTooLarge):
        import_files(service, [write(tmp_path, "big.png", bomb_png(over, over))], board_id)
    assert case.counts() == before


def test_unsupported_and_damaged_images_are_refused(tmp_path, case, service, board_id):
    bmp = io.BytesIO()
    Image.new("RGB", (4, 4)).save(bmp, "BMP")
    with pytest.raises(UnsupportedFile, match="photo.jpg: not a PDF or a supported image"):
        import_files(service, [write(tmp_path, "photo.jpg", bmp.getvalue())], board_id)
    with pytest.raises(DamagedImage, match="cut.jpg: damaged image"):
        import_files(service, [write(tmp_path, "cut.jpg", exif_jpeg()[:300])], board_id)
    assert case.counts()["sources"] == 0


def test_reimported_image_whose_card_was_deleted_gets_a_card_again(tmp_path, case, service, board_id):
    path = write(tmp_path, "street.webp", png_bytes(fmt="WEBP"))
    first = import_files(service, [path], board_id).files[0]
    service.delete_cards(first.card_id)
    again = import_files(service, [path], board_id).files[0]
    card = case.card(again.card_id)
    assert again.reused and again.source_id == first.source_id and card.kind is CardKind.PHOTO
    assert case.attachment(card.attachment_id).startswith(b"\x89PNG")  # shown from its PNG copy
