"""A specimen board: every card kind, labeled links of each strength, a group.

Built through the services like any user's board. The render and board
tests, the export tests, the screenshot in docs/ and the bench use it, so all
of them look at the same thing.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QLinearGradient, QPainter, QPainterPath

from evidence_board.services import CaseService


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def specimen_photo(width: int = 480, height: int = 320) -> QImage:
    """A made-up harbour photo: sky, water, a quay and a ship's hull."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    sky = QLinearGradient(0, 0, 0, height * 0.55)
    sky.setColorAt(0, QColor("#9fb8cf"))
    sky.setColorAt(1, QColor("#dfe6ea"))
    painter.fillRect(QRectF(0, 0, width, height * 0.55), sky)
    water = QLinearGradient(0, height * 0.55, 0, height)
    water.setColorAt(0, QColor("#5d7f95"))
    water.setColorAt(1, QColor("#2f4b5e"))
    painter.fillRect(QRectF(0, height * 0.55, width, height * 0.45), water)
    hull = QPainterPath()
    hull.moveTo(width * 0.18, height * 0.5)
    hull.lineTo(width * 0.82, height * 0.5)
    hull.lineTo(width * 0.76, height * 0.64)
    hull.lineTo(width * 0.24, height * 0.64)
    hull.closeSubpath()
    painter.fillPath(hull, QColor("#3a3f44"))
    painter.fillRect(QRectF(width * 0.5, height * 0.36, width * 0.16, height * 0.14), QColor("#e9ecef"))
    painter.fillRect(QRectF(width * 0.3, height * 0.42, width * 0.14, height * 0.08), QColor("#b5533c"))
    painter.fillRect(QRectF(0, height * 0.7, width * 0.35, height * 0.3), QColor("#7b7467"))
    painter.end()
    return image


def specimen_page(width: int = 300, height: int = 400, title: str = "REPORT") -> QImage:
    """A made-up first page: a heading and lines of text, as a thumbnail."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    font = QFont()
    font.setPixelSize(int(height * 0.06))
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("#222222"))
    painter.drawText(QRectF(0, height * 0.06, width, height * 0.1), Qt.AlignmentFlag.AlignCenter, title)
    y = height * 0.22
    row = 0
    while y < height * 0.92:
        right = width * (0.6 if row % 7 == 6 else 0.88)
        painter.fillRect(QRectF(width * 0.12, y, right - width * 0.12, height * 0.012), QColor("#9aa0a6"))
        y += height * 0.035
        row += 1
    painter.end()
    return image


def build_specimen_board(service: CaseService, board_id: str) -> dict[str, str]:
    """Fill ``board_id`` with the specimen cards and links; return their ids by role."""
    case = service.case
    with service.batch("Specimen board"):
        source = service.add_source(
            b"%PDF-1.4 specimen report\n", "iccas-report.pdf", "application/pdf",
            title="ICCAS report", author="ICCAS", page_count=14,
            page_texts=["The vessel left Nampo on 12 March.", "Cargo was declared as sugar."],
            thumbnail=png_bytes(specimen_page(title="ICCAS REPORT")),
        ).created[0]
        photo = case.add_attachment(png_bytes(specimen_photo()), "image/png")
        specs = [
            dict(role="group", kind="group", title="Shipment, March 2003", text="What reached the port",
                 x=-40, y=-70, width=1110, height=400),
            dict(role="document", kind="document", title="ICCAS report", source_id=source, x=0, y=0,
                 reliability="B", credibility=2),
            dict(role="quote", kind="quote", text="The vessel left Nampo on 12 March with a declared cargo of "
                 "sugar; the manifest lists no other goods.", source_id=source, page=2, x=330, y=20),
            dict(role="photo", kind="photo", title="Pong Su at the quay", text="Port photo, 14 March",
                 attachment_id=photo, x=780, y=0, width=240, height=190),
            dict(role="person", kind="entity", entity_type="person", title="Captain Song Man-sun",
                 attributes={"nationality": "DPRK", "role": "master"}, date_start="2003-03-12",
                 x=0, y=470, width=230, height=110, tags=["crew"]),
            dict(role="org", kind="entity", entity_type="organisation", title="Pong Su Shipping Co.",
                 attributes={"registered": "Tuvalu"}, x=400, y=600, width=220, height=96),
            dict(role="place", kind="entity", entity_type="place", title="Port of Nampo",
                 attributes={"country": "DPRK"}, x=800, y=480, width=200, height=90),
            dict(role="event", kind="entity", entity_type="event", title="Boarding off Wollongong",
                 date_start="2003-04-20", x=400, y=420, width=220, height=96),
            dict(role="note", kind="note", title="Open question", text="Who chartered the ship between January "
                 "and March? Check the Tuvalu registry.", x=1150, y=640, width=210, height=140,
                 tags=["to check"]),
        ]
        roles = [spec.pop("role") for spec in specs]
        ids = dict(zip(roles, service.create_cards(specs, board_id).created))
        service.set_group(board_id, [ids["document"], ids["quote"], ids["photo"]], ids["group"])
        service.create_links([
            dict(from_card=ids["quote"], to_card=ids["document"], label="quoted from"),
            dict(from_card=ids["person"], to_card=ids["org"], label="employed by", strength="unconfirmed"),
            dict(from_card=ids["org"], to_card=ids["place"], label="operates from"),
            dict(from_card=ids["person"], to_card=ids["event"], label="arrested at", direction="forward"),
            dict(from_card=ids["photo"], to_card=ids["place"], label="taken at", strength="tentative"),
            dict(from_card=ids["org"], to_card=ids["place"], label="ship registered", direction="both",
                 strength="unconfirmed"),
            dict(from_card=ids["note"], to_card=ids["org"], label="asks about", strength="tentative"),
        ])
    return ids
