"""Subcommands on a case's sources: delete one (with the cards citing it, if asked)."""

from __future__ import annotations

from pathlib import Path

import click

from evidence_board.cli import main
from evidence_board.cli.case_commands import CASE, open_case, service_for
from evidence_board.cli.import_commands import find_source
from evidence_board.cli.output import echo, emit_json, shorten
from evidence_board.errors import InvalidInput

_NAMED = 5  # cards named in a refusal; more are counted


@main.command("delete-source")
@CASE
@click.argument("source")
@click.option("--with-cards", is_flag=True,
              help="Also delete the cards that cite it (its document card, quotes, clips, pictures) "
                   "and their links.")
@click.option("--json", "as_json", is_flag=True, help="Print what was deleted as JSON.")
def delete_source(case: Path, source: str, with_cards: bool, as_json: bool) -> None:
    """Delete SOURCE (its id, file name or title) from the case: its stored
    file, page text and metadata, in one step.

    Refused while cards cite it, naming them, unless --with-cards. The case's
    audit trail keeps what was deleted (the window's Undo brings it back in
    the session that deleted it); a scrubbed copy (copy --scrub) holds none
    of it.
    """
    with open_case(case) as opened:
        found = find_source(opened, source)
        citing = opened.cards_citing(found.id)
        if citing and not with_cards:
            named = ", ".join(f"{c.id} ({c.kind.value} {shorten(c.title or c.text, 40)!r})"
                              for c in citing[:_NAMED])
            more = f" and {len(citing) - _NAMED} more" if len(citing) > _NAMED else ""
            raise InvalidInput(f"{found.file_name}: {len(citing)} card(s) cite this source: {named}{more}; "
                               "delete them first, or give --with-cards to delete them with it; "
                               "nothing was deleted")
        service_for(opened).delete_source(found.id, with_cards=with_cards)
    if as_json:
        emit_json({"source_id": found.id, "file_name": found.file_name, "sha256": found.sha256,
                   "deleted_cards": [c.id for c in citing]})
        return
    cards = f" and {len(citing)} card(s) citing it" if citing else ""
    echo(f"deleted source {found.id} ({found.file_name}){cards}")
