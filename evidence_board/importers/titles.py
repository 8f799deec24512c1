"""Naming imported material as a person would.

A document is called by its metadata title when that is a real title,
else by its first heading, else by its file name made readable. Text from
a PDF is untrusted: control and bidi characters are dropped, whitespace
collapsed and the length capped before any of it becomes a title.

Plain functions on strings, no PyMuPDF here: the parser process hands
over the page's lines, and this module only judges them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import PurePath
from urllib.parse import unquote

TITLE_MAX = 120  # characters; a card shows two lines of it, the inspector all of it
PHOTO_DOCUMENT_MAX = 32  # of a picture's name, so the page and number still show on its card
QUOTE_TITLE_WORDS = 8
QUOTE_TITLE_MAX = 64
HEADING_RATIO = 1.15  # a heading's type is this much larger than the page's body text
HEADING_LINES = 3  # a heading set over more lines than this is a paragraph

# Format characters that only hide or reorder text: bidi overrides and
# isolates, zero-width spaces, the byte-order mark, soft hyphens. Joiners
# (U+200C, U+200D) stay: Persian and Indic words need them.
_INVISIBLE = {0x00AD, 0x061C, 0x200B, 0x200E, 0x200F, 0x2060, 0xFEFF,
              *range(0x202A, 0x202F), *range(0x2066, 0x206A), *range(0xE0000, 0xE0080)}
# Typeset Latin ligatures (ﬁ ﬂ ﬀ ﬃ ﬄ ﬅ ﬆ) as the letters they stand for.
_LIGATURES = {cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0xFB00, 0xFB07)}
_DOCUMENT_SUFFIXES = {
    "pdf", "doc", "docx", "dot", "dotx", "odt", "ott", "rtf", "txt", "tex", "dvi", "ps", "eps", "md",
    "htm", "html", "xml", "indd", "qxd", "qxp", "pages", "wpd", "wps", "ppt", "pptx", "odp", "key",
    "xls", "xlsx", "ods", "csv", "pub", "vsd", "vsdx", "jpg", "jpeg", "jfif", "png", "tif", "tiff", "gif", "bmp",
    "webp", "heic", "heif", "jp2",
}
_OFFICE_PREFIX = re.compile(r"^microsoft\s+(?:office\s+)?(?:word|powerpoint|excel|publisher|visio)\s*-\s*",
                            re.IGNORECASE)
# Names a program gives a document nobody named: "Untitled", "Untitled-3",
# "Document1", "Title", "No title", "Presentation 2".
_PLACEHOLDER = re.compile(
    r"^(?:untitled|no\s+title|title|document|doc|presentation|book|workbook|new\s+document|slide)"
    r"(?:[\s_-]*\d*)?(?:\s*\(\d+\))?$", re.IGNORECASE)
_DIGIT_HYPHEN = re.compile(r"(?<=\d)-(?=\d)")


def clean_text(value: object, limit: int = TITLE_MAX) -> str:
    """``value`` as one safe line: no control or invisible characters,
    ligatures spelled out, runs of whitespace as one space, at most
    ``limit`` characters (cut at a word, with an ellipsis)."""
    if not isinstance(value, str):
        value = "" if value is None else str(value)
    kept = []
    for ch in value.translate(_LIGATURES):
        category = unicodedata.category(ch)
        if ch.isspace():
            kept.append(" ")  # a tab or a line break separates words
        elif category in ("Cc", "Cs") or ord(ch) in _INVISIBLE:
            continue
        else:
            kept.append(ch)
    return cap(" ".join("".join(kept).split()), limit)


def cap(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[:limit]  # the ellipsis takes the place of the space before the cut
    space = cut.rfind(" ")
    if space >= limit // 2:  # cut at a word unless that throws away half
        cut = cut[:space]
    else:
        cut = cut[:limit - 1]
    return cut.rstrip(" ,;:.-\u2013\u2014") + "\u2026"


def _is_file_name(text: str) -> bool:
    """A bare file name or path in the title field: "report_v2.pdf", "C:\\docs\\a.doc", "GS9_Manual"."""
    name = PurePath(text.replace("\\", "/")).name
    stem, dot, suffix = name.rpartition(".")
    if dot and stem and suffix.lower() in _DOCUMENT_SUFFIXES:
        return True
    if " " in text:
        return False
    separators = text.count("/") + text.count("\\")
    return "_" in text or separators >= 2 or re.match(r"^(?:[A-Za-z]:)?[\\/]", text) is not None


def metadata_title(raw: object, file_name: str = "") -> str:
    """The PDF's metadata title if it names the document, else "".

    Useless titles are dropped: empty, "untitled" and other placeholders,
    a bare file name, the imported file's own name. Office's prefix goes:
    "Microsoft Word - x.doc" is the document x.
    """
    title = clean_text(raw, limit=10 * TITLE_MAX)  # judge the whole title, cap what is kept
    office = _OFFICE_PREFIX.match(title)
    if office:
        title = title[office.end():]
        if _is_file_name(title):
            title = readable_file_name(PurePath(title.replace("\\", "/")).name)
    if not title or _PLACEHOLDER.match(title) or _is_file_name(title):
        return ""
    if not any(ch.isalnum() for ch in title):  # "-", "...", "?"
        return ""
    if file_name and title.casefold() in (file_name.casefold(), PurePath(file_name).stem.casefold()):
        return ""
    return cap(title, TITLE_MAX)


def readable_file_name(file_name: str) -> str:
    """A file name as words: "GS9_Color_Management.pdf" is "GS9 Color Management".

    Underscores, hyphens between words and %20 become spaces; the extension
    goes; a date's hyphens ("2004-03-15") stay.
    """
    name = PurePath(file_name.replace("\\", "/")).name or file_name
    stem, dot, suffix = name.rpartition(".")
    if not (dot and stem and suffix.lower() in _DOCUMENT_SUFFIXES):
        stem = name
    if re.search(r"%[0-9A-Fa-f]{2}", stem):
        stem = unquote(stem)
    stem = _DIGIT_HYPHEN.sub("\u2010", stem)  # hold date hyphens while the others go
    stem = stem.replace("_", " ").replace("-", " ").replace("\u2010", "-")
    return clean_text(stem) or clean_text(file_name) or "Document"


def first_heading(lines: Iterable[tuple[float, str]]) -> str:
    """The heading of a page from its lines in reading order, each as
    (font size, text): the first run of at most three lines set in the
    page's largest type, when the page has smaller text for it to stand
    out from; else ""."""
    kept = [(round(size, 1), text) for size, text in ((s, clean_text(t, 10 * TITLE_MAX)) for s, t in lines)
            if sum(ch.isalpha() for ch in text) >= 2]  # page numbers, rules and drop capitals are not headings
    if not kept:
        return ""
    top = max(size for size, _ in kept)
    if not any(size * HEADING_RATIO <= top for size, _ in kept):
        return ""  # one size throughout: nothing stands out as a heading
    first = next(i for i, (size, _) in enumerate(kept) if size >= top - 0.5)
    heading: list[str] = []
    for size, text in kept[first:first + HEADING_LINES + 1]:
        if size < top - 0.5:
            break
        heading.append(text)
    if len(heading) > HEADING_LINES:
        return ""  # a paragraph in large type (a slide, a poster): its first line names nothing
    return cap(_join_lines(heading), TITLE_MAX)


def _join_lines(lines: Sequence[str]) -> str:
    joined = ""
    for line in lines:
        # "Cuban-" / "North Korean" keeps its hyphen, without a space.
        joined += line if joined.endswith("-") or not joined else " " + line
    return joined


def document_title(raw_title: object, heading: str, file_name: str) -> str:
    """What a document card is called: metadata title, first heading, readable file name."""
    return metadata_title(raw_title, file_name) or clean_text(heading) or readable_file_name(file_name)


def photo_title(document: str, page: int, number: int) -> str:
    """A picture from a PDF: "<document>, p. 5, image 2", a long document
    name shortened at a word so the page and number stay in view."""
    return f"{cap(clean_text(document), PHOTO_DOCUMENT_MAX)}, p. {page}, image {number}"


def quote_title(text: str) -> str:
    """A quote's name: its first words, with an ellipsis when there are more."""
    words = clean_text(text, limit=10 * TITLE_MAX).split()
    title = " ".join(words[:QUOTE_TITLE_WORDS])
    if len(words) <= QUOTE_TITLE_WORDS and len(title) <= QUOTE_TITLE_MAX:
        return title
    title = cap(title, QUOTE_TITLE_MAX)
    return title if title.endswith("\u2026") else title.rstrip(" ,;:.-\u2013\u2014") + "\u2026"


def page_list(pages: Iterable[int]) -> str:
    """Pages as a reader writes them: "2, 5, 9"; runs of three or more as "11–14"."""
    numbers = sorted(set(pages))
    parts: list[str] = []
    i = 0
    while i < len(numbers):
        j = i
        while j + 1 < len(numbers) and numbers[j + 1] == numbers[j] + 1:
            j += 1
        if j - i >= 2:
            parts.append(f"{numbers[i]}\u2013{numbers[j]}")
        else:
            parts.extend(str(n) for n in numbers[i:j + 1])
        i = j + 1
    return ", ".join(parts)
