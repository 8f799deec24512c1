"""Subcommands: export a board (PDF, PNG, SVG, JSON Canvas, GraphML, GEXF, CSV)
and import a JSON Canvas file as a new board."""

from __future__ import annotations

from pathlib import Path

import click

from evidence_board.cli import main
from evidence_board.cli.case_commands import CASE, open_case, service_for
from evidence_board.cli.output import emit_json
from evidence_board.errors import InvalidInput
from evidence_board.exporters import FORMATS, format_for_path
from evidence_board.exporters.pdf_layout import PAGE_SIZES
from evidence_board.exporters.scope import ExportScope, board_scope


@main.command("export")
@CASE
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--board", help="Board name or id (default: the first board).")
@click.option("--format", "fmt", type=click.Choice(FORMATS, case_sensitive=False),
              help="Output format (default: from OUT's extension; a folder or a name without one means csv).")
@click.option("--card", "cards", multiple=True, metavar="ID",
              help="Export only these cards (a selection); repeat for several.")
@click.option("--page-size", type=click.Choice(list(PAGE_SIZES), case_sensitive=False), default="A4",
              show_default=True, help="PDF page size.")
@click.option("--landscape/--portrait", default=None, help="PDF orientation (default: whichever fits best).")
@click.option("--tile", is_flag=True, help="PDF: tile the board across pages at --scale, after an overview page "
                                         "(no card cut in two, no page for empty board).")
@click.option("--scale", type=float,
              help="PDF tiles: points per board unit (default 0.6: the smallest card text at 6 pt). "
                   "PNG: pixels per board unit (default 1).")
@click.option("--dpi", type=float, help="PNG resolution, a board unit being 1/96 inch (--dpi 192 = --scale 2).")
@click.option("--numbers", is_flag=True, help="PNG/SVG: draw the card numbers the PDF and CSV use.")
@click.option("--json", "as_json", is_flag=True, help="Print what was written as JSON.")
def export_command(case: Path, out: Path, board: str | None, fmt: str | None, cards: tuple[str, ...],
                   page_size: str, landscape: bool | None, tile: bool, scale: float | None, dpi: float | None,
                   numbers: bool, as_json: bool) -> None:
    """Export a board (or some of its cards) to OUT.

    pdf: the board on one page (or tiled), cards numbered, then an appendix of
    sources, quotes, entities and links (with a warning if card text prints
    under 6 pt); png, svg: a picture; canvas: JSON Canvas (Obsidian),
    attachments in OUT_files/ beside it; graphml, gexf: a graph for yEd, Gephi,
    networkx; csv: a folder OUT holding cards.csv and links.csv.
    """
    fmt = (fmt or format_for_path(out)).lower()
    if dpi is not None and fmt != "png":
        raise InvalidInput("--dpi is for PNG exports")
    if tile and fmt != "pdf":
        raise InvalidInput("--tile is for PDF exports")
    if scale is not None and fmt not in ("png", "pdf"):
        raise InvalidInput("--scale is for PDF tiles and PNG exports")
    if scale is not None and fmt == "pdf" and not tile:
        raise InvalidInput("--scale sets the size of PDF tiles: add --tile (a single page is always fitted)")
    with open_case(case, read_only=True) as opened:
        scope = board_scope(opened, board, cards or None)
        report = _export(scope, out, fmt, page_size, landscape, tile, scale, dpi, numbers)
    for warning in report.get("warnings", []):  # on stderr, with --json too: the JSON lists them as well
        click.echo(f"evidence-board: warning: {warning}", err=True)
    if as_json:
        emit_json(report)
    else:
        click.echo(report["summary"])


def _export(scope: ExportScope, out: Path, fmt: str, page_size: str, landscape: bool | None, tile: bool,
            scale: float | None, dpi: float | None, numbers: bool) -> dict:
    cards, links = len(scope.numbers), len(scope.link_ids)  # numbered cards: every card but group frames
    groups = len(scope.card_ids) - cards
    report = {"path": str(out), "format": fmt, "board": scope.board.name, "cards": cards, "groups": groups,
              "links": links}
    what = f"board {scope.board.name!r} ({cards} cards, {groups} groups, {links} links)"
    if fmt in ("pdf", "png", "svg"):
        from evidence_board.exporters.painting import ensure_gui_application

        ensure_gui_application()
    if fmt == "pdf":
        from evidence_board.exporters.pdf import PdfOptions, export_pdf

        options = PdfOptions(page_size=page_size, tile=tile, landscape=landscape,
                             author=click.get_current_context().find_root().obj.get("author") or "")
        if scale is not None:
            options.scale = scale
        result = export_pdf(scope, out, options)
        report.update(pages=result.pages, board_pages=result.board_pages, appendix_pages=result.appendix_pages,
                      quote_links=result.quote_links, smallest_text_pt=result.smallest_text,
                      warnings=result.warnings)
        report["summary"] = (f"wrote {out}: {what} on {result.board_pages} page(s) and "
                             f"{result.appendix_pages} appendix page(s), {result.quote_links} quote link(s)")
    elif fmt in ("png", "svg"):
        from evidence_board.exporters.pictures import export_png, export_svg

        result = (export_png(scope, out, scale=scale, dpi=dpi, numbers=numbers) if fmt == "png"
                  else export_svg(scope, out, numbers=numbers))
        report.update(width=result.width, height=result.height, scale=result.scale, warnings=result.warnings)
        note = " (scale lowered to fit the pixel limit)" if getattr(result, "reduced", False) else ""
        report["summary"] = f"wrote {out}: {what}, {result.width} × {result.height} px{note}"
    else:
        from evidence_board.exporters.gexf import export_gexf
        from evidence_board.exporters.graphml import export_graphml
        from evidence_board.exporters.jsoncanvas import export_canvas
        from evidence_board.exporters.tables import export_csv

        writer = {"canvas": export_canvas, "graphml": export_graphml, "gexf": export_gexf, "csv": export_csv}[fmt]
        writer(scope, out)
        files = out.with_name(out.stem + "_files")
        extra = {"canvas": f", attachments in {files}" if files.is_dir() else "",
                 "csv": ": cards.csv and links.csv"}.get(fmt, "")
        report["summary"] = f"wrote {out}{extra} ({what})"
    return report


@main.command("import-canvas")
@CASE
@click.argument("canvas", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--board", "board_name", help="Name of the new board (default: the canvas file's name).")
@click.option("--json", "as_json", is_flag=True, help="Print what was imported as JSON.")
def import_canvas_command(case: Path, canvas: Path, board_name: str | None, as_json: bool) -> None:
    """Import a JSON Canvas file (.canvas, Obsidian) as a new board, in one undo step.

    Files its nodes name are read from beside the canvas (or from its
    Obsidian vault); what cannot be imported is reported as a warning.
    """
    from evidence_board.importers.jsoncanvas import import_canvas

    warnings: list[str] = []
    with open_case(case) as opened:
        changes = import_canvas(service_for(opened), canvas, board_name, warnings)
        board = opened.board(changes.created[0])
        contents = opened.load_board(board.id)
    report = {"board_id": board.id, "board": board.name, "cards": len(contents.cards),
              "links": len(contents.links), "warnings": warnings}
    if as_json:
        emit_json(report)
        return
    for warning in warnings:
        click.echo(f"evidence-board: warning: {warning}", err=True)
    click.echo(f"imported {canvas.name} as board {board.name!r}: {report['cards']} cards, {report['links']} links")
