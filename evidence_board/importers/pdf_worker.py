"""The PDF parser process: ``python -m evidence_board.importers.pdf_worker``.

PyMuPDF (MuPDF, C code) parses files we did not write. It runs here, in a
child process with a memory cap, so a crash, a runaway allocation or an
endless loop in MuPDF kills only this process: the parent notices (exit
code, silence past its time limit), kills it and refuses the file, and the
case file is never touched by this process at all.

Protocol: stdin carries one JSON line of options, then the PDF bytes to EOF.
stdout carries JSON lines, each a plain record with a "type":
``opened`` (page_count, metadata, repaired), ``page`` (page, text),
``image`` (page, bbox, width, height, media_type, data as base64),
``thumbnail`` (data as base64), then ``done``; or ``error`` (kind, message).
"""

from __future__ import annotations

import base64
import json
import sys
import time
from collections.abc import Iterator
from typing import Any

THUMBNAIL_PX = 400  # longest side of the first-page thumbnail
MIN_IMAGE_PX = 64  # smaller embedded images are icons, bullets or rules
MIN_IMAGE_PT = 36  # ... and so are images drawn smaller than half an inch
MAX_IMAGES = 500
FLUSH_EVERY = 0.1  # seconds


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
    seen_xrefs: set[int] = set()
    images = 0
    for number in range(page_count):
        try:
            page = doc.load_page(number)
            text = page.get_text("text")
        except Exception as exc:  # noqa: BLE001
            raise WorkerError("damaged", f"damaged PDF: page {number + 1} cannot be read ({exc})") from None
        yield {"type": "page", "page": number + 1, "text": text}
        if number == 0:
            yield {"type": "thumbnail", "data": _b64(_thumbnail(page))}
        if extract and images < MAX_IMAGES:
            for record in _page_images(doc, page, number + 1, seen_xrefs):
                yield record
                images += 1
                if images >= MAX_IMAGES:
                    break
    yield {"type": "done"}


def _thumbnail(page: Any) -> bytes:
    import pymupdf

    rect = page.rect
    zoom = THUMBNAIL_PX / max(rect.width, rect.height, 1.0)
    return page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False).tobytes("png")


def _page_images(doc: Any, page: Any, page_number: int, seen_xrefs: set[int]) -> Iterator[dict[str, Any]]:
    """Embedded images worth a card: each once (logos repeat on every
    page), no icons or rules, with where it sits on the page."""
    import pymupdf

    for info in page.get_image_info(xrefs=True):
        xref = info.get("xref", 0)
        if xref <= 0 or xref in seen_xrefs:  # inline images are decoration in practice
            continue
        x0, y0, x1, y1 = info["bbox"]
        if min(info["width"], info["height"]) < MIN_IMAGE_PX or min(x1 - x0, y1 - y0) < MIN_IMAGE_PT:
            continue
        seen_xrefs.add(xref)
        try:
            extracted = doc.extract_image(xref)
            if (extracted and extracted.get("ext") in ("png", "jpeg", "jpg") and not extracted.get("smask")
                    and extracted.get("colorspace") in (1, 3)):  # grey or RGB: shown as stored
                data = extracted["image"]
                media_type = "image/png" if extracted["ext"] == "png" else "image/jpeg"
            else:  # JPX, JBIG2, CMYK, soft masks...: normalise to an RGB PNG
                pix = pymupdf.Pixmap(doc, xref)
                if pix.n - pix.alpha >= 4:
                    pix = pymupdf.Pixmap(pymupdf.csRGB, pix)
                data, media_type = pix.tobytes("png"), "image/png"
        except Exception:  # noqa: BLE001 - one broken image is skipped, not fatal
            continue
        yield {"type": "image", "page": page_number, "bbox": [x0, y0, x1, y1],
               "width": info["width"], "height": info["height"], "media_type": media_type,
               "data": _b64(data)}


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
