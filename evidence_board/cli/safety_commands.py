"""Subcommands that keep case files safe: copy, backups, check, merge."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from evidence_board.cli import EXIT_REFUSED, main
from evidence_board.cli.case_commands import CASE, JSON, open_case, service_for, take_over_lock
from evidence_board.cli.output import echo, emit_json, emit_table
from evidence_board.services.merging import merge_case
from evidence_board.store.checking import check_case
from evidence_board.store.copying import copy_case, list_backups, make_backup, restore_backup

OUT = click.argument("out", type=click.Path(dir_okay=False, path_type=Path))


@main.command("copy")
@CASE
@OUT
@click.option("--scrub", is_flag=True,
              help="For sharing outside the team: remove the audit trail's author names and all deleted data.")
@click.option("--overwrite", is_flag=True, help="Replace OUT if it exists.")
def copy_command(case: Path, out: Path, scrub: bool, overwrite: bool) -> None:
    """Write a consistent, verified copy of CASE to OUT (the case may be open elsewhere)."""
    copy_case(case, out, scrub=scrub, overwrite=overwrite)
    echo(f"copied {case} to {out}" + (" (scrubbed: no author names, no deleted data)" if scrub else ""))


@main.command("backups")
@CASE
@click.option("--restore", "restore", type=click.IntRange(1), metavar="N",
              help="Put backup N (1 = newest) in place of the case; the current file is backed up first.")
@click.option("--now", "make_now", is_flag=True, help="Make a backup now.")
@JSON
def backups_command(case: Path, restore: int | None, make_now: bool, as_json: bool) -> None:
    """List the automatic backups of CASE (in the CASE-backups folder beside it)."""
    if restore is not None:
        restored, before = restore_backup(case, restore, take_over_lock=take_over_lock())
        kept = f"; the file as it was is kept as {before.name}" if before else ""
        echo(f"restored {restored.name}{kept}")
        return
    if make_now:
        # A backup only reads the case: it works while a window edits it.
        with open_case(case, read_only=True) as opened:
            made = make_backup(opened, min_interval=0)
        echo(f"backed up to {made}")
        return
    found = list_backups(case)
    if as_json:
        emit_json([{"number": b.number, "path": str(b.path), "made_at": b.made_at.isoformat(),
                    "size_bytes": b.size} for b in found])
        return
    emit_table([[b.number, b.label, f"{b.size:,}", b.path.name] for b in found],
               ["#", "made", "bytes", "file"])


@main.command("check")
@CASE
@JSON
def check_command(case: Path, as_json: bool) -> None:
    """Verify CASE: SQLite integrity, schema, full-text indexes, every source's
    SHA-256, references. Exit 0 when clean, 1 with the problems found."""
    report = check_case(case)
    if as_json:
        emit_json({"path": str(case), "ok": report.ok, "problems": report.problems, "checked": report.checked})
    else:
        for line in report.lines():
            echo(line)
    if not report.ok:
        sys.exit(EXIT_REFUSED)


@main.command("merge")
@click.argument("into", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("other", metavar="FROM", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Say what would be merged; open INTO read-only and change nothing.")
def merge_command(into: Path, other: Path, dry_run: bool) -> None:
    """Bring FROM's boards, cards, links and sources into INTO (one undoable step).

    FROM is opened read-only and checked like any case from someone else.
    Cards changed on both sides keep both versions: FROM's is added beside
    yours, tagged "merge conflict".
    """
    with open_case(into, read_only=dry_run) as opened:
        report, _changes = merge_case(service_for(opened), other, dry_run=dry_run)
    if dry_run:
        echo("dry run, nothing changed:")
    for line in report.lines():
        echo(line)
