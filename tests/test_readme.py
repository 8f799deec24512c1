"""The README's promises: the test command CI runs, and every CLI command documented."""

from __future__ import annotations

import re
from pathlib import Path

from evidence_board.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```\n(.+?)\n```", section)


def test_quick_start_has_two_commands_and_ci_runs_the_test_one() -> None:
    commands = _quick_start_commands()
    assert len(commands) == 2
    app_command, test_command = commands
    assert "evidence-board" in app_command and "pytest" in test_command
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()


def test_every_cli_command_is_documented() -> None:
    missing = [name for name in main.commands if f"evidence-board {name}" not in README]
    assert missing == []


def test_every_export_format_in_the_table_is_documented() -> None:
    from evidence_board.exporters.formats import EXPORT_FORMATS

    (row,) = [line for line in README.splitlines() if line.startswith("| `evidence-board export CASE")]
    usage, description = row.split("` | ", 1)
    assert "--format " + r"\|".join(f.name for f in EXPORT_FORMATS) + "]" in usage
    undocumented = [f.name for f in EXPORT_FORMATS if f"**{f.name}**" not in description]
    assert undocumented == []
    (menu,) = [line for line in README.splitlines() if line.startswith("| File > Export…")]
    # The menu row names each format by the first word of the dialog's label ("PDF", "JSON", "GraphML").
    assert [f.label for f in EXPORT_FORMATS if f.label.split()[0].rstrip(":") not in menu] == []
