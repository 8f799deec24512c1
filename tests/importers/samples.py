"""Real PDFs and images for the import tests, built with PyMuPDF and Pillow."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pymupdf
from PIL import Image

REPORT_PAGES = [
    "Focus on Cuba. Issue 57, March 2004.\nThe ministry of the interior announced new measures\n"
    "against independent journalists in Havana.",
    "Seventy-five dissidents were sentenced in April 2003.\nThe trials lasted one day each, and the international\n"
    "community condemned the verdicts.",
    "Raúl Rivero received twenty years.\nHis wife says the prison conditions are inhumane.",
]


def report_pdf(pages: list[str] = REPORT_PAGES, *, title: str = "Focus on Cuba",
               author: str = "ICCAS", image: bool = False, icon: bool = False) -> bytes:
    doc = pymupdf.open()
    for text in pages:
        page = doc.new_page(width=595, height=842)
        page.insert_text((72, 90), text, fontsize=12, lineheight=1.6)
    if image:
        doc[1].insert_image(pymupdf.Rect(100, 300, 400, 500), stream=png_bytes((300, 200), "steelblue"))
    if icon:  # a bullet-sized image: skipped on extraction
        doc[1].insert_image(pymupdf.Rect(60, 600, 70, 610), stream=png_bytes((16, 16), "red"))
    doc.set_metadata({"title": title, "author": author, "producer": "test fixture",
                      "creationDate": "D:20040315120000+01'00'"})
    return doc.tobytes()


# Pages of a colour-management manual, typeset (HarfBuzz forms the ligatures
# "fi", "ffi", "fl" of the serif font, and the text layer keeps them as U+FB01...).
TYPESET_PAGES = [
    "<h1>Colour management</h1><p>Every device is described by an ICC profile.</p>",
    "<p>THE PROFILE OF THE PRINTER IS MEASURED ON THE FLOOR OF THE OFFICE.</p>",
    "<p>Profiles of scanners differ from one office to the next, as affine fittings do.</p>",
    "<p>Careful manip-<br>ulation of the pro-<br>file keeps the colours.</p>",
    "<p>Nothing relevant here: a profound filing of waffles.</p>",
    "<p>Raúl Castro approved the pro\ufb01le in Havana.</p>",
    "<p>North-<br>Korean fluffy <b>profiles</b>, in bold.</p>",
    "<p>The office keeps its files.</p>",
]


def typeset_pdf(pages: list[str] = TYPESET_PAGES) -> bytes:
    doc = pymupdf.open()
    for html in pages:
        page = doc.new_page(width=420, height=595)
        page.insert_htmlbox(pymupdf.Rect(40, 40, 380, 555), html, css="* {font-family: serif; font-size: 14px}")
    doc.set_metadata({"title": "GS9 Color Management", "producer": "test fixture"})
    return doc.tobytes()


def encrypted_pdf(password: str = "s3cret") -> bytes:
    doc = pymupdf.open(stream=report_pdf(), filetype="pdf")
    return doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw=password, owner_pw=password + "-owner")


def zero_page_pdf() -> bytes:
    """PyMuPDF will not save a PDF without pages, so write one by hand."""
    objects = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[]/Count 0>>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def png_bytes(size: tuple[int, int] = (120, 80), colour: str = "darkred", fmt: str = "PNG", **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, fmt, **save)
    return out.getvalue()


def bomb_png(width: int = 60000, height: int = 60000) -> bytes:
    """A tiny PNG whose header claims billions of pixels."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path
