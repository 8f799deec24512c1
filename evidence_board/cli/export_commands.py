"""Subcommands: export_commands (not built yet)."""

from __future__ import annotations

from evidence_board.cli import main  # noqa: F401
