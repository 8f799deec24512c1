"""Subcommands: import source files, and make quote cards from their pages."""

from __future__ import annotations

from pathlib import Path

import click

from evidence_board.cli import main
from evidence_board.cli.case_commands import CASE, board_or_fail, open_case, service_for
from evidence_board.cli.output import emit_json, plain
from evidence_board.errors import InvalidInput
from evidence_board.model import Source
from evidence_board.store import CaseFile


@main.command("import")
@CASE
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--board", help="Board name or id (default: the first board).")
@click.option("--extract-images", is_flag=True, help="Also make photo cards of the images inside PDFs.")
@click.option("--password", help="Password of a password-protected PDF.")
@click.option("--x", type=float, default=0.0, show_default=True,
              help="Top-left of the grid the cards go in (moved to the nearest free space).")
@click.option("--y", type=float, default=0.0, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print what was imported as JSON.")
def import_command(case: Path, files: tuple[Path, ...], board: str | None, extract_images: bool,
                   password: str | None, x: float, y: float, as_json: bool) -> None:
    """Import PDFs and images (JPEG, PNG, WebP, TIFF, GIF) as sources with cards,
    or JSON Canvas files (.canvas) as new boards.

    All files are imported as one step, or none is: a file that cannot be
    imported stops the whole import with a message and changes nothing.
    """
    from evidence_board.importers import import_files

    canvases = [f for f in files if f.suffix.lower() == ".canvas"]
    if canvases:
        # A JSON Canvas file becomes a new board of its own (see import-canvas).
        if len(canvases) != len(files):
            raise InvalidInput("import .canvas files on their own: each becomes a new board")
        from evidence_board.cli.export_commands import import_canvas_command

        ctx = click.get_current_context()
        for canvas in canvases:
            ctx.invoke(import_canvas_command, case=case, canvas=canvas, board_name=board, as_json=as_json)
        return
    with open_case(case) as opened:
        target = board_or_fail(opened, board)
        report = import_files(service_for(opened), files, target.id, x=x, y=y,
                              extract_images=extract_images, password=password)
    if as_json:
        emit_json({"board_id": report.board_id,
                   "files": [{**plain(f), "message": f.message} for f in report.files]})
    else:
        for line in report.lines():
            click.echo(line)


def find_source(case: CaseFile, name_or_id: str) -> Source:
    """A source by id, else by its file name or title (which must be unique)."""
    source = case.source(name_or_id)
    if source is not None:
        return source
    wanted = name_or_id.casefold()
    found = [s for s in case.sources() if wanted in (s.file_name.casefold(), s.title.casefold())]
    if len(found) == 1:
        return found[0]
    if not found:
        raise InvalidInput(f"no source with id, file name or title {name_or_id!r}")
    raise InvalidInput(f"{len(found)} sources are called {name_or_id!r}; give the id "
                       f"({', '.join(s.id for s in found)})")


@main.command("quote")
@CASE
@click.argument("source")
@click.option("--page", type=click.IntRange(1), required=True, help="Page number, from 1.")
@click.option("--text", required=True, help="The exact words, as on the page (line breaks do not matter).")
@click.option("--board", help="Board name or id (default: the board of the source's document card).")
@click.option("--json", "as_json", is_flag=True, help="Print the new card as JSON.")
def quote_command(case: Path, source: str, page: int, text: str, board: str | None, as_json: bool) -> None:
    """Make a quote card of words on a page of a PDF source.

    SOURCE is the source's id, file name or title. The card keeps the text,
    the page and the rectangles of the words, so the reader can show them.
    """
    from evidence_board.importers import create_quote

    with open_case(case) as opened:
        found = find_source(opened, source)
        board_id = board_or_fail(opened, board).id if board else None
        changes = create_quote(service_for(opened), found.id, page, text, board_id)
        card = opened.card(changes.created[0])
    if as_json:
        emit_json(card)
    else:
        click.echo(card.id)
