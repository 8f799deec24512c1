"""Printing records for people (aligned text) or programs (--json).

Everything a command prints goes through here: :func:`echo` for a line,
:func:`emit_table` for rows, :func:`emit_json` for ``--json``. Human output
has every control character escaped (``model.control_characters``), so a
title holding a terminal escape shows as ``\\x1b]0;...`` instead of
retitling or clearing the user's terminal; JSON stays exact JSON.
"""

from __future__ import annotations

import dataclasses
import enum
import json
from collections.abc import Iterable
from typing import Any

import click

from evidence_board.model.control_characters import escape_controls, escape_controls_in_json


def plain(value: Any) -> Any:
    """Dataclasses, enums and tuples as JSON-ready values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [plain(v) for v in value]
    return value


def echo(line: str, err: bool = False) -> None:
    """Print one line for a person (on stderr with ``err``): case text and
    file names in it may hold control characters, which are shown escaped."""
    click.echo(escape_controls(line), err=err)


def echo_lines(lines: Iterable[str], err: bool = False) -> None:
    for line in lines:
        echo(line, err=err)


def emit_json(value: Any) -> None:
    click.echo(escape_controls_in_json(json.dumps(plain(value), ensure_ascii=False, indent=2)))


def emit_table(rows: list[list[Any]], headers: list[str]) -> None:
    if not rows:
        click.echo("(none)")
        return
    cells = [[escape_controls(str(c)) if c is not None else "" for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    widths[-1] = 0  # the last column runs free
    click.echo("  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip())
    for row in cells:
        click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())


def shorten(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
