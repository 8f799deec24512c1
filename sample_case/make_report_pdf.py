"""Typeset the ICCAS "Focus on Cuba, Issue 61" text as a newsletter PDF.

The sample case is built from a real source report. We have its text (the
web page "The Cuban-North Korean Connection": an introduction written when
Panama seized a North Korean ship, and the reproduced issue of December 20,
2004), not the original newsletter, so this script sets that text as a
two-column research newsletter with PyMuPDF alone: no network, no system
fonts, and the same bytes on every run.

The words are set exactly as the source has them, so a quote card can find
its text on the page. We place each glyph run ourselves with a TextWriter
instead of using PyMuPDF's HTML Story, because the Story shapes text with
ligatures ("ﬁ"), and a ligature would make "fight shoulder to shoulder"
unfindable in the page text.

    python sample_case/make_report_pdf.py [--source TEXT] [--output PDF]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import pymupdf

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = HERE.parent.parent / "shared" / "sources" / "iccas-cuba-north-korea-connection.txt"
DEFAULT_OUTPUT = HERE / "focus-on-cuba-61.pdf"

PAGE = pymupdf.paper_rect("letter")
MARGIN_X, TOP, BOTTOM = 54.0, 48.0, 732.0
GUTTER = 20.0
COLUMN_WIDTH = (PAGE.width - 2 * MARGIN_X - GUTTER) / 2

INK = (0.10, 0.10, 0.12)
ACCENT = (0.55, 0.09, 0.09)  # the masthead's dark red
GREY = (0.40, 0.40, 0.43)
SHADE = (0.94, 0.93, 0.90)

MASTHEAD = "Focus on Cuba"
ISSUE_LINE = "Issue 61 \u2014 December 20, 2004"
INSTITUTE = "Cuba Transition Project \u00b7 Institute for Cuban and Cuban-American Studies \u00b7 University of Miami"
METADATA = {
    "title": "Focus on Cuba, Issue 61 (December 20, 2004): The Cuban-North Korean Connection",
    "author": "Cuba Transition Project, Institute for Cuban and Cuban-American Studies, University of Miami",
    "subject": "Military cooperation between Cuba and North Korea",
    "keywords": "Cuba, North Korea, China, ICCAS, Evidence Board sample case",
    "creator": "Evidence Board sample_case/make_report_pdf.py",
    "producer": "PyMuPDF",
    # No dates: a fixed, honest choice. The file is a re-typesetting, so
    # neither "now" nor the 2004 issue date is its creation date.
    "creationDate": "",
    "modDate": "",
}


# -- the source text ------------------------------------------------------

@dataclass(frozen=True)
class Report:
    title: str
    subtitle: str
    publisher_lines: tuple[str, ...]
    introduction: tuple[str, ...]  # paragraphs written for the reprint
    issue: str  # "Focus on Cuba, Issue 61"
    date: str  # "December 20, 2004"
    body: tuple[str, ...]  # the 2004 issue's paragraphs


def parse_source(text: str) -> Report:
    """Split the web page's text into its parts; raise ValueError if it is not that text.

    The page ends with a comment section ("Author: Admin", "Leave a Reply")
    which is not part of the report and is left out.
    """
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    if len(paragraphs) < 6 or not paragraphs[0].startswith("The Cuban-North Korean Connection"):
        raise ValueError("not the ICCAS 'The Cuban-North Korean Connection' text")
    title, subtitle, publisher = paragraphs[0], paragraphs[1], paragraphs[2]
    if not publisher.startswith("From the Cuba Transition Project"):
        raise ValueError("the publisher lines are missing")
    issue_at = next((i for i, p in enumerate(paragraphs) if p.startswith("Focus on Cuba, Issue")), None)
    if issue_at is None:
        raise ValueError("the 'Focus on Cuba, Issue' heading is missing")
    issue, date, first = (paragraphs[issue_at].split("\n", 2) + ["", ""])[:3]
    end = next((i for i, p in enumerate(paragraphs) if p.startswith("Author:")), len(paragraphs))
    body = tuple(p for p in [first, *paragraphs[issue_at + 1:end]] if p)
    return Report(title, subtitle, tuple(publisher.splitlines()), tuple(paragraphs[3:issue_at]),
                  issue.strip(), date.strip(), body)


# -- a small typesetter -----------------------------------------------------

_FONTS: dict[str, pymupdf.Font] = {}


def font(name: str) -> pymupdf.Font:
    """PyMuPDF's built-in Base14 look-alikes: tiro, tibo, tiit, helv, hebo."""
    if name not in _FONTS:
        _FONTS[name] = pymupdf.Font(name)
    return _FONTS[name]


@dataclass(frozen=True)
class Style:
    font: str
    size: float
    leading: float
    colour: tuple[float, float, float] = INK
    after: float = 0.0  # space after the paragraph
    justify: bool = True

    def width(self, text: str) -> float:
        return font(self.font).text_length(text, fontsize=self.size)


@dataclass(frozen=True)
class Line:
    words: tuple[str, ...]
    style: Style
    last: bool  # the last line of its paragraph is never stretched

    @property
    def height(self) -> float:
        return self.style.leading


@dataclass(frozen=True)
class Gap:
    height: float


def wrap(text: str, style: Style, width: float) -> list[Line | Gap]:
    """Greedy line breaking; words are the source's whitespace-separated tokens."""
    words = text.split()
    lines: list[list[str]] = [[]]
    for word in words:
        trial = " ".join([*lines[-1], word])
        if lines[-1] and style.width(trial) > width:
            lines.append([word])
        else:
            lines[-1].append(word)
    out: list[Line | Gap] = [Line(tuple(ws), style, i == len(lines) - 1) for i, ws in enumerate(lines)]
    if style.after:
        out.append(Gap(style.after))
    return out


MAX_STRETCH = 1.2  # extra space between words, in spaces


def draw_line(writer: pymupdf.TextWriter, line: Line, x: float, baseline: float, width: float) -> None:
    style, words = line.style, line.words
    f = font(style.font)
    if not style.justify or line.last or len(words) < 2:
        writer.append((x, baseline), " ".join(words), font=f, fontsize=style.size)
        return
    # Each word keeps its own trailing space glyph, so text extraction sees
    # exactly one space between words however much the line is stretched.
    natural = style.width(" ".join(words))
    # A wide gap makes text extraction split the line into pieces, so a
    # loose line is stretched only so far and left ragged beyond that.
    extra = min((width - natural) / (len(words) - 1), MAX_STRETCH * style.width(" "))
    for word in words:
        writer.append((x, baseline), word + " ", font=f, fontsize=style.size)
        x += style.width(word + " ") + extra


def fits(items: list[Line | Gap], height: float, columns: int) -> bool:
    """Whether items fill at most ``columns`` columns of ``height``."""
    rest = items
    for _ in range(columns):
        _, rest = take_column(rest, height)
    return all(isinstance(item, Gap) for item in rest)


def take_column(items: list[Line | Gap], height: float) -> tuple[list[Line | Gap], list[Line | Gap]]:
    """Split off what fits in one column; a gap never opens a column."""
    taken: list[Line | Gap] = []
    used = 0.0
    rest = list(items)
    while rest:
        item = rest[0]
        if isinstance(item, Gap) and not taken:
            rest.pop(0)
            continue
        if used + item.height > height + 0.01:
            break
        taken.append(rest.pop(0))
        used += item.height
    return taken, rest


def draw_items(page: pymupdf.Page, items: list[Line | Gap], x: float, top: float, width: float) -> float:
    """Draw lines from ``top`` down; returns the y below the last line."""
    writers: dict[tuple[float, float, float], pymupdf.TextWriter] = {}
    y = top
    for item in items:
        if isinstance(item, Line):
            colour = item.style.colour
            writer = writers.setdefault(colour, pymupdf.TextWriter(page.rect, color=colour))
            draw_line(writer, item, x, y + item.style.size * 0.9, width)
        y += item.height
    for colour, writer in writers.items():
        writer.write_text(page, color=colour)
    return y


def draw_text(page: pymupdf.Page, text: str, style: Style, x: float, top: float, width: float) -> float:
    return draw_items(page, wrap(text, style, width), x, top, width)


# -- the newsletter ---------------------------------------------------------

BODY = Style("tiro", 10.2, 13.6, after=6.0)
INTRO = Style("tiro", 9.6, 12.6, after=4.0)
INTRO_TITLE = Style("tibo", 15.0, 18.0, after=2.0, justify=False)
INTRO_SUBTITLE = Style("tiit", 10.5, 13.0, after=3.0, justify=False)
SMALL = Style("helv", 7.4, 9.5, GREY, justify=False)
SMALL_BOLD = Style("hebo", 7.4, 9.5, ACCENT, justify=False)
ATTRIBUTION = Style("helv", 7.8, 10.0, INK, after=2.0, justify=False)
TYPESET_NOTE = Style("tiit", 7.8, 10.0, GREY, justify=False)


def draw_masthead(page: pymupdf.Page) -> float:
    right = PAGE.width - MARGIN_X
    draw_text(page, INSTITUTE, SMALL, MARGIN_X, TOP, right - MARGIN_X)
    mast = Style("tibo", 40.0, 44.0, ACCENT, justify=False)
    draw_text(page, MASTHEAD, mast, MARGIN_X - 1, TOP + 14, 400)
    issue = Style("hebo", 11.0, 13.0, INK, justify=False)
    draw_text(page, ISSUE_LINE, issue, right - issue.width(ISSUE_LINE), TOP + 40, 200)
    rule_y = TOP + 64
    page.draw_line((MARGIN_X, rule_y), (right, rule_y), color=ACCENT, width=2.4)
    page.draw_line((MARGIN_X, rule_y + 3.5), (right, rule_y + 3.5), color=ACCENT, width=0.6)
    return rule_y + 14


def draw_introduction(page: pymupdf.Page, report: Report, top: float) -> float:
    """The reprint's introduction, set apart in a shaded box above the issue."""
    pad = 12.0
    x, width = MARGIN_X + pad + 4, PAGE.width - 2 * MARGIN_X - 2 * pad - 4
    items: list[Line | Gap] = [*wrap("Introduction to the reprint", SMALL_BOLD, width), Gap(4)]
    items += wrap(report.title, INTRO_TITLE, width) + wrap(report.subtitle, INTRO_SUBTITLE, width)
    items += wrap(" \u00b7 ".join(report.publisher_lines), SMALL, width) + [Gap(6)]
    for paragraph in report.introduction:
        items += wrap(paragraph, INTRO, width)
    height = sum(i.height for i in items) + 2 * pad - INTRO.after
    box = pymupdf.Rect(MARGIN_X, top, PAGE.width - MARGIN_X, top + height)
    page.draw_rect(box, color=None, fill=SHADE)
    page.draw_rect(pymupdf.Rect(box.x0, box.y0, box.x0 + 3, box.y1), color=None, fill=ACCENT)
    draw_items(page, items, x, top + pad, width)
    return box.y1 + 16


def attribution_items(report: Report) -> list[Line | Gap]:
    width = PAGE.width - 2 * MARGIN_X
    credit = f"{report.issue}, {report.date}. {', '.join(report.publisher_lines)}."
    note = ("Typeset for the Evidence Board sample case from the text of the web page "
            f"\u201c{report.title}\u201d. The wording is the source\u2019s; the layout, masthead and "
            "page furniture are not the original\u2019s. The reference marks (11) and (12) stand as in "
            "the source, whose notes were not reproduced; the page\u2019s comment section is omitted.")
    return [Gap(8), *wrap(credit, ATTRIBUTION, width), *wrap(note, TYPESET_NOTE, width)]


def draw_footer(page: pymupdf.Page, number: int, count: int) -> None:
    y = BOTTOM + 22
    right = PAGE.width - MARGIN_X
    page.draw_line((MARGIN_X, y - 6), (right, y - 6), color=GREY, width=0.4)
    draw_text(page, f"{MASTHEAD} \u00b7 Issue 61 \u00b7 December 20, 2004", SMALL, MARGIN_X, y - 2, 300)
    label = f"Page {number} of {count}"
    draw_text(page, label, SMALL, right - SMALL.width(label), y - 2, 100)


def balanced_height(items: list[Line | Gap], limit: float) -> float:
    """The shortest column height that holds ``items`` in two columns."""
    height = max(i.height for i in items)
    while height < limit and not fits(items, height, 2):
        height += 1.0
    return height


def typeset(report: Report) -> pymupdf.Document:
    doc = pymupdf.open()
    body: list[Line | Gap] = []
    for paragraph in report.body:
        body += wrap(paragraph, BODY, COLUMN_WIDTH)
    ending = attribution_items(report)
    ending_height = sum(i.height for i in ending)
    page = doc.new_page(width=PAGE.width, height=PAGE.height)
    top = draw_introduction(page, report, draw_masthead(page))
    columns_x = (MARGIN_X, MARGIN_X + COLUMN_WIDTH + GUTTER)
    while True:
        room = BOTTOM - top
        if fits(body, room - ending_height, 2):
            # The last page: balance the two columns, then the attribution.
            height = balanced_height(body, room - ending_height)
            for x in columns_x:
                taken, body = take_column(body, height)
                draw_items(page, taken, x, top, COLUMN_WIDTH)
            y = top + height
            page.draw_line((MARGIN_X, y + 6), (PAGE.width - MARGIN_X, y + 6), color=GREY, width=0.4)
            draw_items(page, ending, MARGIN_X, y, PAGE.width - 2 * MARGIN_X)
            break
        for x in columns_x:
            taken, body = take_column(body, room)
            draw_items(page, taken, x, top, COLUMN_WIDTH)
        page.draw_line((columns_x[1] - GUTTER / 2, top), (columns_x[1] - GUTTER / 2, BOTTOM),
                       color=GREY, width=0.3)
        page = doc.new_page(width=PAGE.width, height=PAGE.height)
        top = TOP
    for number, each in enumerate(doc, start=1):
        draw_footer(each, number, doc.page_count)
    doc.set_metadata(METADATA)
    return doc


def make_report_pdf(source: Path = DEFAULT_SOURCE) -> bytes:
    """The newsletter PDF's bytes: the same for the same source text."""
    report = parse_source(source.read_text(encoding="utf-8"))
    doc = typeset(report)
    doc.subset_fonts()
    return doc.tobytes(garbage=4, deflate=True, no_new_id=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="the report's text")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where to write the PDF")
    args = parser.parse_args(argv)
    try:
        data = make_report_pdf(args.source)
    except (OSError, ValueError) as exc:
        print(f"make_report_pdf: {exc}", file=sys.stderr)
        return 1
    args.output.write_bytes(data)
    print(f"wrote {args.output} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
