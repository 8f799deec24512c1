"""The export table is what the command line offers: its formats, their extensions, the options each takes."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from evidence_board.cli import main
from evidence_board.exporters.formats import EXPORT_FORMATS, FORMATS, format_for_path
from evidence_board.store import CaseFile

# Each export option as typed on the command line.
OPTION_ARGS = {"page_size": ["--page-size", "A3"], "landscape": ["--landscape"], "tile": ["--tile"],
               "scale": ["--scale", "2"], "dpi": ["--dpi", "100"], "numbers": ["--numbers"]}


def _option(name: str) -> click.Option:
    return next(p for p in main.commands["export"].params if p.name == name)


def test_the_command_offers_exactly_the_table_s_formats_and_options() -> None:
    assert list(_option("fmt").type.choices) == [row.name for row in EXPORT_FORMATS] == list(FORMATS)
    taken = set().union(*(row.options for row in EXPORT_FORMATS))
    assert taken == set(OPTION_ARGS)  # every option some format takes is on the command line
    help_text = main.commands["export"].help
    assert all(f"{row.name}: {row.help}" in " ".join(help_text.split()) for row in EXPORT_FORMATS)


def test_a_path_s_extension_picks_its_row(tmp_path: Path) -> None:
    for row in EXPORT_FORMATS:
        assert format_for_path(tmp_path / f"board{row.extension}") == row.name
    assert [row.name for row in EXPORT_FORMATS if row.writes_folder] == [format_for_path(tmp_path)]


@pytest.fixture(scope="module")
def case_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("table") / "c.evb"
    CaseFile.create(path, "Table").close()
    return path


@pytest.mark.parametrize("row", EXPORT_FORMATS, ids=lambda row: row.name)
def test_an_option_the_format_does_not_take_is_refused_in_one_line(row, case_file: Path, tmp_path: Path) -> None:
    out = tmp_path / f"board{row.extension or '_tables'}"
    for option in sorted(set(OPTION_ARGS) - row.options):
        result = CliRunner().invoke(main, ["export", str(case_file), str(out), "--format", row.name,
                                           *OPTION_ARGS[option]])
        assert result.exit_code == 1, (option, result.output)
        flag = OPTION_ARGS[option][0]
        assert f"{flag} is for " in result.output and "Traceback" not in result.output
        assert not out.exists()
