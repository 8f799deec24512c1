"""Why an import was refused: each a one-line message, and nothing was written.

All are InvalidInput, so the CLI exits 1 with the message and the window
shows it in a dialog.
"""

from __future__ import annotations

from evidence_board.errors import InvalidInput


class ImportRefused(InvalidInput):
    """A file that cannot be imported as it is."""


class UnsupportedFile(ImportRefused):
    """Not a PDF or an allowed image format (judged by content, not name)."""


class DamagedPdf(ImportRefused):
    pass


class EmptyPdf(ImportRefused):
    """A PDF with no pages."""


class PasswordRequired(ImportRefused):
    """An encrypted PDF and no password (or the wrong one) was given."""

    def __init__(self, message: str, file_name: str = "", wrong_password: bool = False) -> None:
        super().__init__(message)
        self.file_name = file_name
        self.wrong_password = wrong_password


class ImageTooLarge(ImportRefused):
    """Over Pillow's decompression-bomb limit."""


class DamagedImage(ImportRefused):
    pass


class ParserFailed(ImportRefused):
    """The PDF parser crashed, ran out of memory or took too long on a file."""


class OverLimit(ImportRefused):
    """A file past one of the limits of an import: its text, the time to read
    it, or what its parser sent (see ``pdf.PdfLimits``)."""


class ImportCancelled(InvalidInput):
    """The user cancelled; nothing was written."""


class QuoteNotFound(InvalidInput):
    """The words of a quote are not on the page named."""
