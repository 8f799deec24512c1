"""The case file: one SQLite database per case (extension .evb)."""

from evidence_board.store.casefile import CaseFile, now_iso
from evidence_board.store.schema import APPLICATION_ID, SCHEMA_VERSION

__all__ = ["APPLICATION_ID", "SCHEMA_VERSION", "CaseFile", "now_iso"]
