"""``python -m evidence_board`` is the ``evidence-board`` command."""

from evidence_board.cli import run

run()
