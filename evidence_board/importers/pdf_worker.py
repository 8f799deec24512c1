"""The PDF parser process: ``python -m evidence_board.importers.pdf_worker``.

PyMuPDF (MuPDF, C code) parses files we did not write. It runs here, in a
child process with a memory cap, so a crash, a runaway allocation or an
endless loop in MuPDF kills only this process: the parent notices (exit
code, silence past its time limit), kills it and refuses the file, and the
case file is never touched by this process at all.

Protocol: stdin carries one JSON line of options, then the PDF bytes to EOF.
stdout carries JSON lines, each a plain record with a "type":
``opened`` (page_count, metadata, repaired), ``page`` (page, text),
``heading`` (text: page 1's heading, or ""),
``image`` (page, number on that page, bbox, width, height, media_type, data as base64),
``image_page`` (index of an image already sent, another page it is on),
``thumbnail`` (data as base64), then ``done``; or ``error`` (kind, message).
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

THUMBNAIL_PX = 400  # longest side of the first-page thumbnail
MIN_IMAGE_PX = 64  # smaller embedded images are icons, bullets or rules
MIN_IMAGE_PT = 36  # ... and so are images drawn smaller than half an inch
MAX_IMAGES = 500
FLUSH_EVERY = 0.1  # seconds


@dataclass(slots=True)
class _ImagesSeen:
    """Images already sent, by xref and by content: one PDF may embed the
    same picture once per page under new xrefs, and it comes in once."""

    by_xref: dict[int, int] = field(default_factory=dict)  # xref -> index of the image sent
    by_digest: dict[str, int] = field(default_factory=dict)
    pages: list[set[int]] = field(default_factory=list)  # per image sent, the pages it is on


class WorkerError(Exception):
    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def _limit_memory(data_size: int) -> None:
    """Cap the address space so a decompression bomb inside a PDF ends in
    a MemoryError here instead of swapping the analyst's machine to death."""
    try:
        import resource
    except ImportError:  # not on Windows; the time limit still applies
        return
    limit = 2 * 1024**3 + 4 * data_size
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError):
        pass


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _has_end_marker(data: bytes) -> bool:
    # Readers look for %%EOF in the last KB; a download cut short has none.
    return b"%%EOF" in data[-1024:]


def parse(data: bytes, options: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Yield the records of one PDF; raise WorkerError for a file we refuse."""
    import pymupdf

    pymupdf.TOOLS.mupdf_display_errors(False)
    pymupdf.TOOLS.mupdf_display_warnings(False)
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # noqa: BLE001 - MuPDF raises many types
        raise WorkerError("damaged", f"damaged PDF, cannot be read ({exc})") from None
    if not _has_end_marker(data):
        raise WorkerError("damaged", "damaged PDF: the file is truncated (no end-of-file marker)")
    if doc.needs_pass:
        password = options.get("password")
        if not password:
            raise WorkerError("password", "the PDF is password-protected; give its password")
        if not doc.authenticate(password):
            raise WorkerError("wrong_password", "wrong password for this PDF")
    try:
        page_count = doc.page_count
    except Exception as exc:  # noqa: BLE001
        raise WorkerError("damaged", f"damaged PDF: cannot count its pages ({exc})") from None
    if page_count < 1:
        raise WorkerError("empty", "the PDF has no pages")
    metadata = {k: v for k, v in (doc.metadata or {}).items() if v}
    yield {"type": "opened", "page_count": page_count, "metadata": metadata,
           "repaired": bool(doc.is_repaired), "encrypted": bool(doc.is_encrypted or options.get("password"))}

    extract = bool(options.get("extract_images"))
    seen = _ImagesSeen()
    for number in range(page_count):
        try:
            page = doc.load_page(number)
            text = page.get_text("text")
        except Exception as exc:  # noqa: BLE001
            raise WorkerError("damaged", f"damaged PDF: page {number + 1} cannot be read ({exc})") from None
        yield {"type": "page", "page": number + 1, "text": text}
        if number == 0:
            yield {"type": "heading", "text": _heading(page)}
            yield {"type": "thumbnail", "data": _b64(_thumbnail(page))}
        if extract:
            yield from _page_images(doc, page, number + 1, seen)
    yield {"type": "done"}


def _heading(page: Any) -> str:
    """Page 1's heading: its lines with their type size go to the judge in
    :mod:`titles`; a page that cannot be laid out has none."""
    import pymupdf

    from evidence_board.importers.titles import first_heading

    try:
        blocks = page.get_text("dict", sort=True, flags=pymupdf.TEXTFLAGS_DICT & ~pymupdf.TEXT_PRESERVE_IMAGES)
    except Exception:  # noqa: BLE001 - no heading is no reason to refuse the file
        return ""
    lines = []
    for block in blocks.get("blocks", ()):
        for line in block.get("lines", ()):
            dx, dy = line.get("dir", (1.0, 0.0))
            spans = [s for s in line.get("spans", ()) if s.get("text", "").strip()]
            if spans and dx > 0.99 and abs(dy) < 0.01:  # across the page: vertical text is a margin note
                lines.append((max(float(s.get("size", 0.0)) for s in spans), "".join(s["text"] for s in spans)))
    return first_heading(lines)


def _thumbnail(page: Any) -> bytes:
    import pymupdf

    rect = page.rect
    zoom = THUMBNAIL_PX / max(rect.width, rect.height, 1.0)
    return page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False).tobytes("png")


def _page_images(doc: Any, page: Any, page_number: int, seen: _ImagesSeen) -> Iterator[dict[str, Any]]:
    """Embedded images worth a card, with where each sits and its number
    on the page (top to bottom, left to right); no icons or rules. An image
    already sent (a logo on every page) is only reported on this page too."""
    infos = []
    for info in page.get_image_info(xrefs=True):
        x0, y0, x1, y1 = info["bbox"]
        if info.get("xref", 0) <= 0:  # inline images are decoration in practice
            continue
        if min(info["width"], info["height"]) < MIN_IMAGE_PX or min(x1 - x0, y1 - y0) < MIN_IMAGE_PT:
            continue
        infos.append(info)
    infos.sort(key=lambda i: (round(i["bbox"][1]), i["bbox"][0]))
    for number, info in enumerate(infos, start=1):
        xref = info["xref"]
        index = seen.by_xref.get(xref)
        if index is None:
            extracted = _image_bytes(doc, xref)
            if extracted is None:
                continue
            data, media_type = extracted
            digest = hashlib.sha256(data).hexdigest()
            index = seen.by_digest.get(digest)
            if index is None:
                if len(seen.pages) >= MAX_IMAGES:
                    continue
                seen.by_xref[xref] = seen.by_digest[digest] = len(seen.pages)
                seen.pages.append({page_number})
                yield {"type": "image", "page": page_number, "number": number, "bbox": list(info["bbox"]),
                       "width": info["width"], "height": info["height"], "media_type": media_type,
                       "data": _b64(data)}
                continue
            seen.by_xref[xref] = index
        if page_number not in seen.pages[index]:
            seen.pages[index].add(page_number)
            yield {"type": "image_page", "index": index, "page": page_number}


def _image_bytes(doc: Any, xref: int) -> tuple[bytes, str] | None:
    """An image as stored when every renderer can show it, else as an RGB PNG; None if broken."""
    import pymupdf

    try:
        extracted = doc.extract_image(xref)
        if (extracted and extracted.get("ext") in ("png", "jpeg", "jpg") and not extracted.get("smask")
                and extracted.get("colorspace") in (1, 3)):  # grey or RGB: shown as stored
            return extracted["image"], "image/png" if extracted["ext"] == "png" else "image/jpeg"
        # JPX, JBIG2, CMYK, soft masks...: normalise to an RGB PNG
        pix = pymupdf.Pixmap(doc, xref)
        if pix.n - pix.alpha >= 4:
            pix = pymupdf.Pixmap(pymupdf.csRGB, pix)
        return pix.tobytes("png"), "image/png"
    except Exception:  # noqa: BLE001 - one broken image is skipped, not fatal
        return None


def main() -> int:
    stdin = sys.stdin.buffer
    options = json.loads(stdin.readline() or b"{}")
    data = stdin.read()
    _limit_memory(len(data))
    out = sys.stdout
    last_flush = 0.0

    def emit(record: dict[str, Any]) -> None:
        # Flush a few times a second, not per page: the parent needs news
        # to know we are alive and to show progress, not a syscall per page.
        nonlocal last_flush
        out.write(json.dumps(record) + "\n")
        now = time.monotonic()
        if now - last_flush > FLUSH_EVERY or record["type"] in ("opened", "done", "error"):
            out.flush()
            last_flush = now

    try:
        for record in parse(data, options):
            emit(record)
    except WorkerError as exc:
        emit({"type": "error", "kind": exc.kind, "message": str(exc)})
    except MemoryError:
        emit({"type": "error", "kind": "memory", "message": "the PDF needs more memory than allowed"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
