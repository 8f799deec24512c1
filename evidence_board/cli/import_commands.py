"""Subcommands: import files (the importer table, :mod:`evidence_board.importers.formats`: PDFs and
images as sources, JSON Canvas files as new boards), and make quote cards from their pages."""

from __future__ import annotations

from pathlib import Path

import click

from evidence_board.cli import main
from evidence_board.cli.case_commands import CASE, board_or_fail, open_case, service_for
from evidence_board.cli.output import echo, emit_json
from evidence_board.errors import InvalidInput
from evidence_board.importers.formats import Imported
from evidence_board.model import Source
from evidence_board.store import CaseFile


@main.command("import")
@CASE
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--board", help="Board name or id (default: the first board); for .canvas files, "
                              "the name of the new board.")
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
    from evidence_board.importers.formats import ImportRequest, split_by_importer

    groups = split_by_importer(files)
    if len(groups) > 1:  # one step or none: a new board per canvas cannot be part of the sources' step
        apart = next(importer for importer, _paths in groups if importer.new_board)
        raise InvalidInput(f"import .{apart.name} files on their own: each becomes a new board")
    ((importer, paths),) = groups
    with open_case(case) as opened:
        request = ImportRequest(x=x, y=y, extract_images=extract_images, password=password)
        if importer.new_board:
            request.board_name = board
        else:
            request.board_id = board_or_fail(opened, board).id
        _report(importer.run(service_for(opened), paths, request), as_json)


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
    from evidence_board.importers.formats import ImportRequest, importer_named

    with open_case(case) as opened:
        done = importer_named("canvas").run(service_for(opened), [canvas], ImportRequest(board_name=board_name))
    _report(done, as_json)


def _report(done: list[Imported], as_json: bool) -> None:
    """Each step's facts as JSON, else its warnings on stderr and its lines."""
    for step in done:
        if as_json:
            emit_json(step.facts)
            continue
        for warning in step.warnings:
            echo(f"evidence-board: warning: {warning}", err=True)
        for line in step.lines:
            echo(line)


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
        echo(card.id)
