"""Subcommand: export a board in any format of the export table (:mod:`evidence_board.exporters.formats`)."""

from __future__ import annotations

from pathlib import Path

import click
from click.core import ParameterSource

from evidence_board.cli import main
from evidence_board.cli.case_commands import CASE, open_case
from evidence_board.cli.output import echo, emit_json
from evidence_board.errors import InvalidInput
from evidence_board.exporters.formats import (
    EXPORT_FORMATS, FORMATS, ExportOptions, export_format, format_for_path, formats_taking,
)
from evidence_board.exporters.pdf_layout import PAGE_SIZES
from evidence_board.exporters.scope import board_scope

# The export options, as the command line spells them (names are ExportOptions fields).
_FLAGS = {"page_size": "--page-size", "landscape": "--landscape/--portrait", "tile": "--tile", "scale": "--scale",
          "dpi": "--dpi", "numbers": "--numbers"}


def _formats_help() -> str:
    return "; ".join(f"{f.name}: {f.help}" for f in EXPORT_FORMATS)


@main.command("export", help=f"""Export a board (or some of its cards) to OUT.

\b
{_formats_help()}.
""".replace("; ", ";\n"))
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
    chosen = export_format(fmt or format_for_path(out))
    ctx = click.get_current_context()
    for option, flag in _FLAGS.items():
        if option not in chosen.options and ctx.get_parameter_source(option) is ParameterSource.COMMANDLINE:
            names = " and ".join(name.upper() for name in formats_taking(option))
            raise InvalidInput(f"{flag.split('/')[0]} is for {names} exports")
    options = ExportOptions(page_size=page_size, landscape=landscape, tile=tile, scale=scale, dpi=dpi,
                            numbers=numbers, author=ctx.find_root().obj.get("author") or "")
    with open_case(case, read_only=True) as opened:
        scope = board_scope(opened, board, cards or None)
        written = chosen.write(scope, out, options, None)
    count, links = len(scope.numbers), len(scope.link_ids)  # numbered cards: every card but group frames
    groups = len(scope.card_ids) - count
    for warning in written.warnings:  # on stderr, with --json too: the JSON lists them as well
        echo(f"evidence-board: warning: {warning}", err=True)
    if as_json:
        emit_json({"path": str(out), "format": chosen.name, "board": scope.board.name, "cards": count,
                   "groups": groups, "links": links, **written.facts, "warnings": written.warnings})
        return
    what = f"board {scope.board.name!r} ({count} cards, {groups} groups, {links} links)"
    echo(f"wrote {out}: {what}" + (f", {written.detail}" if written.detail else ""))
