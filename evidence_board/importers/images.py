"""Reading an image file with Pillow: allow-listed formats, bomb limit on.

Pillow only ever tries the one decoder the file's magic bytes named, and
its decompression-bomb limit (``Image.MAX_IMAGE_PIXELS``) stays in force:
we even treat its warning (over the limit, under twice it) as a refusal.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from typing import Any

from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from evidence_board.importers.detect import PILLOW_FORMATS
from evidence_board.importers.errors import DamagedImage, ImageTooLarge

THUMBNAIL_PX = 400
DISPLAY_PX = 2048  # longest side of the copy a photo card shows
# Formats a photo card can show as stored; others (TIFF, WebP, GIF) get a
# normalised PNG copy so every renderer can draw them.
_SHOWN_AS_STORED = ("image/jpeg", "image/png")


@dataclass(slots=True)
class ImageRecord:
    width: int  # after EXIF orientation
    height: int
    thumbnail: bytes  # PNG
    display: bytes | None  # normalised copy when the stored bytes will not do
    display_type: str = "image/png"
    exif: dict[str, str] = field(default_factory=dict)  # taken, camera, gps, ...
    taken: str | None = None  # ISO date-time from EXIF


def read_image(data: bytes, media_type: str, file_name: str) -> ImageRecord:
    """Decode an allow-listed image; raise ImageTooLarge or DamagedImage."""
    upright, exif, orientation = _decode(data, media_type, file_name)
    display, display_type = None, "image/png"
    if (media_type not in _SHOWN_AS_STORED or orientation not in (None, 1)
            or max(upright.size) > DISPLAY_PX):
        display, display_type = _display_copy(upright, media_type)
    thumb = upright.copy()
    thumb.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
    facts = exif_facts(exif)
    return ImageRecord(upright.width, upright.height, _png(thumb), display, display_type, facts,
                       facts.get("taken"))


def _display_copy(upright: Image.Image, media_type: str) -> tuple[bytes, str]:
    """What a photo card shows: upright, at most DISPLAY_PX, a photo stays
    JPEG (a PNG of a 12-megapixel photo is tens of MB). The original is
    kept byte-exact in the source either way."""
    image = upright.copy()
    image.thumbnail((DISPLAY_PX, DISPLAY_PX))
    if media_type == "image/jpeg" and image.mode in ("RGB", "L"):
        out = io.BytesIO()
        image.save(out, "JPEG", quality=90)
        return out.getvalue(), "image/jpeg"
    return _png(image), "image/png"


def upright_png(data: bytes, media_type: str, file_name: str) -> bytes:
    """The image (first frame), EXIF orientation applied, as PNG."""
    return _png(_decode(data, media_type, file_name)[0])


def _decode(data: bytes, media_type: str, file_name: str) -> tuple[Image.Image, Image.Exif, int | None]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[PILLOW_FORMATS[media_type]]) as opened:
                opened.seek(0)  # GIF, TIFF: the first frame
                exif = opened.getexif()
                orientation = exif.get(ExifTags.Base.Orientation, 1)
                upright = ImageOps.exif_transpose(opened)
                upright.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageTooLarge(f"{file_name}: the image is too large to open safely "
                            f"(over {Image.MAX_IMAGE_PIXELS:,} pixels)") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise DamagedImage(f"{file_name}: damaged image, cannot be read ({exc})") from None
    return upright, exif, orientation


def _png(image: Image.Image) -> bytes:
    if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def exif_facts(exif: Image.Exif) -> dict[str, str]:
    """What an investigator wants from EXIF: when, with what, where."""
    facts: dict[str, str] = {}
    try:
        sub = exif.get_ifd(ExifTags.IFD.Exif)
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    except Exception:  # noqa: BLE001 - a broken EXIF block is no reason to refuse a photo
        sub, gps = {}, {}
    taken = _exif_date(sub.get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTime))
    if taken:
        facts["taken"] = taken
    make = _text(exif.get(ExifTags.Base.Make))
    model = _text(exif.get(ExifTags.Base.Model))
    if make or model:
        facts["camera"] = model if make and model.startswith(make) else " ".join(p for p in (make, model) if p)
    position = _gps(gps)
    if position:
        facts["gps"] = f"{position[0]:.6f}, {position[1]:.6f}"
    return facts


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return " ".join(str(value or "").replace("\x00", "").split())


def _exif_date(value: Any) -> str | None:
    """EXIF writes ``2004:03:15 12:30:00``; we store ISO ``2004-03-15T12:30:00``."""
    text = _text(value)
    if len(text) < 19 or text[4] != ":" or text[7] != ":":
        return None
    iso = f"{text[0:4]}-{text[5:7]}-{text[8:10]}T{text[11:19]}"
    from datetime import datetime
    try:
        datetime.fromisoformat(iso)
    except ValueError:
        return None
    return iso


def _gps(gps: dict[int, Any]) -> tuple[float, float] | None:
    try:
        lat = _degrees(gps[ExifTags.GPS.GPSLatitude], gps.get(ExifTags.GPS.GPSLatitudeRef, "N"))
        lon = _degrees(gps[ExifTags.GPS.GPSLongitude], gps.get(ExifTags.GPS.GPSLongitudeRef, "E"))
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def _degrees(dms: Any, ref: Any) -> float:
    d, m, s = (float(v) for v in dms)
    value = d + m / 60 + s / 3600
    return -value if _text(ref).upper() in ("S", "W") else value
