"""Telling what a file is from its first bytes, never from its name.

Only these formats are ever handed to a parser; anything else is refused
before PyMuPDF or Pillow sees it.
"""

from __future__ import annotations

from evidence_board.importers.errors import UnsupportedFile

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
WEBP = "image/webp"
TIFF = "image/tiff"
GIF = "image/gif"

IMAGE_TYPES = (JPEG, PNG, WEBP, TIFF, GIF)
# Pillow's format names for the allowed image types: Image.open(formats=...)
# then never tries any other decoder on untrusted bytes.
PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP", TIFF: "TIFF", GIF: "GIF"}

# PDF readers accept up to 1 KB of junk before the header; so do we.
_PDF_HEADER_WINDOW = 1024


def sniff(data: bytes) -> str | None:
    """The media type of these bytes, or None if not an allowed format."""
    head = data[:16]
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return WEBP
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if b"%PDF-" in data[:_PDF_HEADER_WINDOW]:
        return PDF
    return None


def media_type_of(data: bytes, file_name: str) -> str:
    """Like :func:`sniff`, but refuses with a message naming the file."""
    if not data:
        raise UnsupportedFile(f"{file_name}: the file is empty")
    media_type = sniff(data)
    if media_type is None:
        raise UnsupportedFile(
            f"{file_name}: not a PDF or a supported image (JPEG, PNG, WebP, TIFF, GIF)"
        )
    return media_type
