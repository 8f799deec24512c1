"""PDFs that amplify: a few KB whose every page draws one huge content stream.

The stream is written once (compressed, it is tiny: the same line again and
again) and every page's /Contents names that same object, so a file of
``pages`` pages holds ``pages`` times the stream's text for a reader.
"""

from __future__ import annotations

import pymupdf

LINE = "The quick brown fox jumps over the lazy dog 0123456789"  # 54 characters and a line end


def shared_stream_pdf(pages: int, lines: int, *, author: str = "") -> bytes:
    """``pages`` pages, each drawing the same stream of ``lines`` text lines (all
    at one spot: a leading of 0, so none falls off the page)."""
    doc = pymupdf.open()
    for _ in range(pages):
        doc.new_page(width=595, height=842)
    font = doc.get_new_xref()
    doc.update_object(font, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    resources = doc.get_new_xref()
    doc.update_object(resources, f"<< /Font << /F1 {font} 0 R >> >>")
    stream = doc.get_new_xref()
    doc.update_object(stream, "<< >>")
    body = f"({LINE}) Tj T* ".encode() * lines
    doc.update_stream(stream, b"BT /F1 4 Tf 0 TL 10 830 Td " + body + b"ET", compress=True)
    for number in range(pages):
        page = doc[number]
        doc.xref_set_key(page.xref, "Contents", f"{stream} 0 R")
        doc.xref_set_key(page.xref, "Resources", f"{resources} 0 R")
    if author:
        doc.set_metadata({"author": author})
    return doc.tobytes(garbage=1, deflate=True)


def text_per_page(lines: int) -> int:
    """The bytes of text one page of :func:`shared_stream_pdf` gives (a line end each)."""
    return lines * (len(LINE) + 1)
