"""Subcommands that read and edit a case file through the services."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from evidence_board.cli import main
from evidence_board.cli.output import echo, emit_json, emit_table, plain, shorten
from evidence_board.errors import InvalidInput
from evidence_board.model import DEFAULT_SIZES, Board, CardKind, Direction, EntityType, Strength
from evidence_board.model.grading import grade_label
from evidence_board.services import CaseService
from evidence_board.store import CaseFile, queries

CASE = click.argument("case", type=click.Path(dir_okay=False, path_type=Path))
JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")


def open_case(case: Path, read_only: bool = False) -> CaseFile:
    take_over = not read_only and take_over_lock()
    opened = CaseFile.open(case, read_only=read_only, take_over_lock=take_over)
    taken = opened.lock.taken_from if opened.lock is not None else None
    if taken is not None:
        echo(f"evidence-board: took over the lock of {case}, held {taken.describe()}", err=True)
    return opened


def take_over_lock() -> bool:
    """Whether ``evidence-board --take-over-lock`` was given."""
    return bool((click.get_current_context().find_root().obj or {}).get("take_over_lock"))


def service_for(case: CaseFile) -> CaseService:
    return CaseService(case, click.get_current_context().find_root().obj.get("author"))


def board_or_fail(case: CaseFile, name: str | None) -> Board:
    if name is None:
        return case.boards()[0]
    board = case.find_board(name)
    if board is None:
        raise InvalidInput(f"no board named {name!r} (boards: {', '.join(b.name for b in case.boards())})")
    return board


@main.command("new")
@CASE
@click.option("--title", help="Case title (default: the file name).")
def new_case(case: Path, title: str | None) -> None:
    """Create an empty case file with one board."""
    author = click.get_current_context().find_root().obj.get("author") or ""
    from evidence_board.services import default_author

    with CaseFile.create(case, title or "", author or default_author()) as created:
        echo(f"created {case} ({created.title})")


@main.command("info")
@CASE
@JSON
def info(case: Path, as_json: bool) -> None:
    """Schema version and counts of boards, cards by kind, links and sources."""
    with open_case(case, read_only=True) as opened:
        data = {
            "path": str(case), "title": opened.title, "schema_version": opened.schema_version,
            **opened.counts(), "size_bytes": os.path.getsize(case),
            "boards_list": [b.name for b in opened.boards()],
        }
    if as_json:
        emit_json(data)
        return
    echo(f"{data['title']}  ({case}, schema {data['schema_version']}, {data['size_bytes']:,} bytes)")
    echo(f"boards:  {data['boards']} ({', '.join(data['boards_list'])})")
    kinds = ", ".join(f"{n} {k}" for k, n in data["cards_by_kind"].items())
    echo(f"cards:   {data['cards']}" + (f" ({kinds})" if kinds else ""))
    echo(f"links:   {data['links']}")
    echo(f"sources: {data['sources']}")


@main.command("boards")
@CASE
@JSON
def boards(case: Path, as_json: bool) -> None:
    """List the boards of a case."""
    with open_case(case, read_only=True) as opened:
        rows = opened.boards()
        counts = queries.placement_counts_by_board(opened.conn)
    if as_json:
        emit_json([{**plain(b), "cards": counts.get(b.id, 0)} for b in rows])
    else:
        emit_table([[b.id, counts.get(b.id, 0), b.name] for b in rows], ["id", "cards", "name"])


@main.command("cards")
@CASE
@click.option("--kind", type=click.Choice([k.value for k in CardKind]), help="Only cards of this kind.")
@click.option("--tag", help="Only cards with this tag.")
@JSON
def cards(case: Path, kind: str | None, tag: str | None, as_json: bool) -> None:
    """List the cards of a case."""
    with open_case(case, read_only=True) as opened:
        found = opened.cards(kind=kind, tag=tag)
    if as_json:
        emit_json(found)
        return
    emit_table(
        [[c.id, c.kind.value, grade_label(c.reliability, c.credibility), shorten(c.title or c.text)]
         for c in found],
        ["id", "kind", "grade", "title"],
    )


@main.command("links")
@CASE
@JSON
def links(case: Path, as_json: bool) -> None:
    """List the links of a case."""
    with open_case(case, read_only=True) as opened:
        found = opened.links()
        titles = queries.card_labels(opened.conn)
    if as_json:
        emit_json(found)
        return
    arrows = {"forward": "->", "both": "<->", "none": "--"}
    emit_table(
        [[l.id, shorten(titles.get(l.from_card, "?"), 30), arrows[l.direction.value],
          shorten(titles.get(l.to_card, "?"), 30), l.strength.value, l.label] for l in found],
        ["id", "from", "", "to", "strength", "label"],
    )


@main.command("add-card")
@CASE
@click.option("--kind", type=click.Choice([k.value for k in CardKind]), default="note", show_default=True)
@click.option("--title", default="", help="Title (an entity's name).")
@click.option("--text", default="", help="Body text.")
@click.option("--entity-type", type=click.Choice([e.value for e in EntityType]), help="For --kind entity.")
@click.option("--tag", "tags", multiple=True, help="A tag (repeat for more).")
@click.option("--date", "date_start", help="Date (2004, 2004-11 or 2004-11-28) of an entity or event.")
@click.option("--date-end", help="End of a date range.")
@click.option("--reliability", help="Source reliability A-F.")
@click.option("--credibility", help="Information credibility 1-6.")
@click.option("--colour", help="Colour as #rrggbb.")
@click.option("--board", help="Board name or id (default: the first board).")
@click.option("--x", type=float, default=0.0, show_default=True)
@click.option("--y", type=float, default=0.0, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the new card as JSON.")
def add_card(case: Path, kind: str, board: str | None, x: float, y: float, as_json: bool, **fields: Any) -> None:
    """Add a card (a note unless --kind says otherwise) and place it on a board."""
    fields = {k: v for k, v in fields.items() if v not in (None, ())}
    if kind == "entity":
        fields.setdefault("entity_type", "other")
    with open_case(case) as opened:
        target = board_or_fail(opened, board)
        changes = service_for(opened).create_card(kind, board_id=target.id, x=x, y=y, **fields)
        card = opened.card(changes.created[0])
    if as_json:
        emit_json(card)
    else:
        echo(card.id)


@main.command("place")
@CASE
@click.argument("card_ids", metavar="CARD_ID...", nargs=-1, required=True)
@click.option("--board", required=True, help="Board name or id to put the cards on.")
@click.option("--x", type=float, help="Left edge (default: where the card sits on its other board).")
@click.option("--y", type=float, help="Top edge (default: as --x).")
def place(case: Path, card_ids: tuple[str, ...], board: str, x: float | None, y: float | None) -> None:
    """Put existing cards on another board too: the same cards, not copies.

    An edit on any board shows on all of them. Several cards keep their
    layout: by default in the free space nearest where they sit on their
    other board, or with --x/--y the first card's top-left exactly there.
    One undo step.
    """
    if (x is None) != (y is None):
        raise InvalidInput("give both --x and --y, or neither")
    with open_case(case) as opened:
        target = board_or_fail(opened, board)
        service = service_for(opened)
        rects: dict[str, tuple[float, float, float, float]] = {}
        for card_id in card_ids:
            card = opened.card(card_id)
            if card is None:
                raise InvalidInput(f"no card with id {card_id}")
            elsewhere = opened.placements_of(card_id)
            p = elsewhere[0] if elsewhere else None
            rects[card_id] = (p.x, p.y, p.width, p.height) if p else (0.0, 0.0, *DEFAULT_SIZES[card.kind])
        if x is None:
            where = service.block_in_free_space(target.id, rects)
        else:
            first_x, first_y = rects[card_ids[0]][:2]
            where = {card_id: (px - first_x + x, py - first_y + y) for card_id, (px, py, _w, _h) in rects.items()}
        service.place_cards(target.id, where)
        names = ", ".join(b.name for b in opened.boards_of(card_ids[0]))
    echo(f"placed {len(where)} card(s) on {target.name}" + (f"; it is now on {names}" if len(where) == 1 else ""))


@main.command("link")
@CASE
@click.argument("from_id")
@click.argument("to_id")
@click.option("--label", default="", help="What the link says, e.g. 'met with'.")
@click.option("--direction", type=click.Choice([d.value for d in Direction]), default="forward", show_default=True)
@click.option("--strength", type=click.Choice([s.value for s in Strength]), default="confirmed", show_default=True)
@click.option("--colour", default="", help="Colour as #rrggbb.")
def link(case: Path, from_id: str, to_id: str, label: str, direction: str, strength: str, colour: str) -> None:
    """Link two cards by id; prints the new link's id."""
    with open_case(case) as opened:
        changes = service_for(opened).create_link(from_id, to_id, label, direction=direction,
                                                  strength=strength, colour=colour)
    echo(changes.created[0])


@main.command("search")
@CASE
@click.argument("query")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@JSON
def search(case: Path, query: str, limit: int, as_json: bool) -> None:
    """Full-text search over card text and source pages, best hits first."""
    with open_case(case, read_only=True) as opened:
        hits = opened.search(query, limit)
    if as_json:
        emit_json(hits)
        return
    emit_table(
        [[h.kind if h.page is None else f"p. {h.page}", h.id, shorten(h.title, 30), " ".join(h.snippet.split())]
         for h in hits],
        ["where", "id", "title", "match"],
    )


@main.command("log")
@CASE
@click.option("--card", "card_id", help="Only the history of this card.")
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True)
@JSON
def log(case: Path, card_id: str | None, limit: int, as_json: bool) -> None:
    """The audit trail: who changed what, when (newest first)."""
    with open_case(case, read_only=True) as opened:
        if card_id:
            # Only the newest --limit events are read (a busy card's whole history took 0.34 s at 24,000 steps).
            events = opened.audit_page(card_id=card_id, limit=limit, changes_per_event=1 << 30)
        else:
            events = opened.audit_events(limit=limit, with_changes=as_json)
    if as_json:
        emit_json(events)
    else:
        emit_table([[e.id, e.at, e.author, e.summary] for e in events], ["#", "when", "who", "what"])
