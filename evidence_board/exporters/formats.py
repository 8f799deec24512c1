"""The export formats, in one table: the CLI's ``export``, File > Export… and the README test read it.

A row names the format (``--format``), its file extension ("" for a format
that writes a folder), the label File > Export… lists, a line for help, the
options that apply to it (fields of :class:`ExportOptions`) and the function
that writes it. Adding a format is its exporter module and one row here.

No Qt here: the writers import their exporter when called, so the CLI and
the Qt-free tests can read the table without loading PySide6.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evidence_board.errors import InvalidInput

if TYPE_CHECKING:
    from evidence_board.exporters.pdf import PdfOptions
    from evidence_board.exporters.scope import ExportScope

Progress = Callable[[int, int], None]  # (done, total) pages; may raise to cancel


@dataclass(slots=True)
class ExportOptions:
    """Every option an export can take; a format's row says which apply to it."""

    page_size: str = "A4"
    landscape: bool | None = None  # None: whichever fits best
    tile: bool = False
    scale: float | None = None  # PDF tiles: points per board unit; PNG: pixels per board unit
    dpi: float | None = None  # PNG
    numbers: bool = False  # PNG, SVG: draw the card numbers the PDF and CSV use
    author: str = ""  # PDF title block


@dataclass(slots=True)
class Written:
    """What an export wrote: a phrase for people, facts for ``--json``, and what it warns about."""

    detail: str = ""
    facts: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


Writer = Callable[["ExportScope", Path, ExportOptions, "Progress | None"], Written]


@dataclass(frozen=True, slots=True)
class ExportFormat:
    name: str
    extension: str  # with the dot; "" when the format writes a folder
    label: str
    help: str
    options: frozenset[str]
    write: Writer

    @property
    def writes_folder(self) -> bool:
        return not self.extension

    @property
    def file_filter(self) -> str:
        """The file dialog's filter for this format."""
        return f"{self.label} (*{self.extension})" if self.extension else "Folder name (*)"


# -- the writers: each imports its exporter only when it runs ----------------------------


def pdf_options(options: ExportOptions) -> PdfOptions:
    """The PDF exporter's options for these (the export dialog's preview plans with them too)."""
    from evidence_board.exporters.pdf import PdfOptions

    pdf = PdfOptions(page_size=options.page_size, tile=options.tile, landscape=options.landscape,
                     author=options.author)
    if options.scale is not None:
        pdf.scale = options.scale
    return pdf


def _write_pdf(scope: ExportScope, out: Path, options: ExportOptions, progress: Progress | None) -> Written:
    if options.scale is not None and not options.tile:
        raise InvalidInput("--scale sets the size of PDF tiles: add --tile (a single page is always fitted)")
    from evidence_board.exporters.painting import ensure_gui_application
    from evidence_board.exporters.pdf import export_pdf

    ensure_gui_application()
    result = export_pdf(scope, out, pdf_options(options), progress=progress)
    return Written(f"{result.board_pages} board page(s) and {result.appendix_pages} appendix page(s), "
                   f"{result.quote_links} quote link(s)",
                   dict(pages=result.pages, board_pages=result.board_pages, appendix_pages=result.appendix_pages,
                        quote_links=result.quote_links, smallest_text_pt=result.smallest_text),
                   list(result.warnings))


def _picture(kind: str) -> Writer:
    def write(scope: ExportScope, out: Path, options: ExportOptions, _progress: Progress | None) -> Written:
        from evidence_board.exporters.painting import ensure_gui_application
        from evidence_board.exporters.pictures import export_png, export_svg

        ensure_gui_application()
        result = (export_png(scope, out, scale=options.scale, dpi=options.dpi, numbers=options.numbers)
                  if kind == "png" else export_svg(scope, out, numbers=options.numbers))
        note = " (scale lowered to fit the pixel limit)" if result.reduced else ""
        return Written(f"{result.width:,} × {result.height:,} px{note}",
                       dict(width=result.width, height=result.height, scale=result.scale), list(result.warnings))

    return write


def _plain(module: str, function: str, detail: Callable[[Path], str] = lambda _out: "") -> Writer:
    """A writer for an exporter called as ``function(scope, out)`` that takes no options."""
    def write(scope: ExportScope, out: Path, _options: ExportOptions, _progress: Progress | None) -> Written:
        getattr(import_module(module), function)(scope, out)
        return Written(detail(out))

    return write


def _canvas_files(out: Path) -> str:
    files = out.with_name(out.stem + "_files")
    return f"attachments in {files}" if files.is_dir() else ""


PDF_OPTIONS = frozenset({"page_size", "landscape", "tile", "scale"})

EXPORT_FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat("pdf", ".pdf", "PDF: board pages and appendix",
                 "the board on one page (or tiled), cards numbered, then an appendix of sources, quotes, "
                 "entities and links", PDF_OPTIONS, _write_pdf),
    ExportFormat("png", ".png", "PNG picture", "a picture", frozenset({"scale", "dpi", "numbers"}),
                 _picture("png")),
    ExportFormat("svg", ".svg", "SVG drawing", "a drawing", frozenset({"numbers"}), _picture("svg")),
    ExportFormat("canvas", ".canvas", "JSON Canvas (Obsidian)", "JSON Canvas, attachments in OUT_files/ beside it",
                 frozenset(), _plain("evidence_board.exporters.jsoncanvas", "export_canvas", _canvas_files)),
    ExportFormat("graphml", ".graphml", "GraphML (yEd, Gephi, networkx)", "a graph for yEd, Gephi, networkx",
                 frozenset(), _plain("evidence_board.exporters.graphml", "export_graphml")),
    ExportFormat("gexf", ".gexf", "GEXF (Gephi)", "a graph for Gephi", frozenset(),
                 _plain("evidence_board.exporters.gexf", "export_gexf")),
    ExportFormat("csv", "", "CSV tables (a folder with cards.csv and links.csv)",
                 "a folder OUT holding cards.csv and links.csv", frozenset(),
                 _plain("evidence_board.exporters.tables", "export_csv", lambda _out: "cards.csv and links.csv")),
)

FORMATS = tuple(f.name for f in EXPORT_FORMATS)
_BY_NAME = {f.name: f for f in EXPORT_FORMATS}
_BY_EXTENSION = {f.extension: f for f in EXPORT_FORMATS if f.extension}
_FOLDER_FORMAT = next(f for f in EXPORT_FORMATS if f.writes_folder)


def export_format(name: str) -> ExportFormat:
    try:
        return _BY_NAME[name.lower()]
    except KeyError:
        raise InvalidInput(f"unknown export format {name!r}; use one of {', '.join(FORMATS)}") from None


def format_for_path(path: str | Path) -> str:
    """The export format a path asks for: its extension, or the folder format (csv) for a folder.

    CSV writes a folder holding cards.csv and links.csv, so an existing
    folder, a path ending in a slash or a path without an extension means csv.
    """
    text = str(path)
    p = Path(text)
    if text.endswith(("/", "\\")) or p.is_dir() or not p.suffix:
        return _FOLDER_FORMAT.name
    if p.suffix.lower() == ".csv":
        raise InvalidInput(f"{p.name}: CSV export writes a folder (cards.csv and links.csv); give a folder name")
    try:
        return _BY_EXTENSION[p.suffix.lower()].name
    except KeyError:
        raise InvalidInput(f"{p.name}: unknown export format {p.suffix!r}; "
                           f"use --format ({', '.join(FORMATS)})") from None


def formats_taking(option: str) -> list[str]:
    """The formats an option applies to, for a message such as '--dpi is for PNG exports'."""
    return [f.name for f in EXPORT_FORMATS if option in f.options]
