"""A realistic board to export: sources (a real PDF and a real PNG), every kind of card, groups and links."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import pymupdf
import pytest
from PIL import Image

from evidence_board.services import CaseService


def make_pdf(lines: list[str]) -> bytes:
    doc = pymupdf.open()
    for text in lines:
        page = doc.new_page(width=595, height=842)
        page.insert_text((72, 100), text, fontsize=12)
    data = doc.tobytes()
    doc.close()
    return data


def make_png(width: int = 1600, height: int = 1200) -> bytes:
    image = Image.new("RGB", (width, height), (40, 90, 160))
    for x in range(0, width, 100):
        for y in range(0, height, 100):
            if (x + y) // 100 % 2:
                image.paste((230, 180, 60), (x, y, x + 100, y + 100))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@dataclass
class SampleBoard:
    board_id: str
    cards: dict[str, str] = field(default_factory=dict)  # name -> card id
    links: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # name -> source id
    quotes: dict[str, str] = field(default_factory=dict)  # card id -> quote text


@pytest.fixture
def sample(service: CaseService, board_id: str) -> SampleBoard:
    s = SampleBoard(board_id)
    report = make_pdf(["Harbour master's log, 12 March.", "The Aurora left at 02:40 without lights."])
    memo = make_pdf(["Internal memo: payments to Castell Shipping Ltd."])
    s.sources["report"] = service.add_source(report, "harbour-log.pdf", "application/pdf", title="Harbour log",
                                             page_count=2, reliability="B").created[0]
    s.sources["memo"] = service.add_source(memo, "memo.pdf", "application/pdf", page_count=1).created[0]
    s.sources["photo"] = service.add_source(make_png(), "quay.png", "image/png", title="Quay at night").created[0]
    photo_attachment = service.case.source(s.sources["photo"]).attachment_id
    specs = {
        "group": dict(kind="group", title="The night of 12 March", x=-40, y=-60, width=1000, height=520),
        "doc": dict(kind="document", title="Harbour log", source_id=s.sources["report"], x=0, y=0),
        "quote": dict(kind="quote", title="Left without lights", text="The Aurora left at 02:40 without lights.",
                      source_id=s.sources["report"], page=2, regions=[[72, 88, 320, 104]], x=260, y=0,
                      reliability="B", credibility=2, tags=["vessel", "timeline"]),
        "photo": dict(kind="photo", title="Quay at night", attachment_id=photo_attachment, x=600, y=0,
                      width=300, height=225),
        "ship": dict(kind="entity", title="MV Aurora", entity_type="vehicle", x=0, y=300,
                     attributes={"IMO": "9123456", "flag": "Panama"}, colour="#ffcc00"),
        "company": dict(kind="entity", title="Castell Shipping Ltd", entity_type="organisation", x=1200, y=300,
                        date_start="2019-04"),
        "memo_quote": dict(kind="quote", text="Payments of €40,000 to Castell Shipping Ltd.",
                           source_id=s.sources["memo"], page=1, x=1200, y=0),
        "note": dict(kind="note", title="Open question", text="Who paid the harbour pilot?", x=600, y=300,
                     width=240, height=130),
        "url": dict(kind="note", title="Registry entry", text="https://example.org/registry/9123456",
                    attributes={"url": "https://example.org/registry/9123456"}, x=1200, y=600),
    }
    names = list(specs)
    ids = service.create_cards([specs[n] for n in names], board_id).created
    s.cards = dict(zip(names, ids))
    service.set_group(board_id, [s.cards[n] for n in ("doc", "quote", "photo", "ship", "note")], s.cards["group"])
    s.quotes = {s.cards["quote"]: specs["quote"]["text"], s.cards["memo_quote"]: specs["memo_quote"]["text"]}
    link_specs = {
        "says": dict(from_card=s.cards["quote"], to_card=s.cards["ship"], label="describes"),
        "paid": dict(from_card=s.cards["company"], to_card=s.cards["ship"], label="operates",
                     direction="both", strength="unconfirmed", colour="#cc0000"),
        "memo": dict(from_card=s.cards["memo_quote"], to_card=s.cards["company"], label="names",
                     direction="none", strength="tentative"),
        "doc": dict(from_card=s.cards["doc"], to_card=s.cards["quote"], label="source of"),
    }
    lnames = list(link_specs)
    s.links = dict(zip(lnames, service.create_links([link_specs[n] for n in lnames]).created))
    return s
