"""The only way to change a case.

Every call runs in one transaction, records one audit event, becomes one
undo step and returns a Changes naming what it touched.
"""

from evidence_board.services.boards import BoardOperations
from evidence_board.services.cards import CardOperations
from evidence_board.services.changes import Changes
from evidence_board.services.links import LinkOperations
from evidence_board.services.operations import default_author
from evidence_board.services.placement import PlacementOperations
from evidence_board.services.sources import SourceOperations


class CaseService(CardOperations, LinkOperations, BoardOperations, PlacementOperations, SourceOperations):
    """All service calls on one open case file, with its undo history."""


__all__ = ["CaseService", "Changes", "default_author"]
