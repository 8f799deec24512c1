"""Bringing source files into a case: PDFs (PyMuPDF, in a worker process)
and images (Pillow). Plain records in, service calls out; no Qt here."""

from evidence_board.importers.errors import (
    DamagedImage, DamagedPdf, EmptyPdf, ImageTooLarge, ImportCancelled, ImportRefused, ParserFailed,
    PasswordRequired, QuoteNotFound, UnsupportedFile,
)
from evidence_board.importers.files import (
    ImportedFile, ImportReport, PreparedFile, import_files, prepare_files, write_prepared,
)
from evidence_board.importers.quotes import create_page_clip, create_quote, find_quote

__all__ = [
    "DamagedImage", "DamagedPdf", "EmptyPdf", "ImageTooLarge", "ImportCancelled", "ImportRefused",
    "ImportReport", "ImportedFile", "ParserFailed", "PasswordRequired", "PreparedFile", "QuoteNotFound",
    "UnsupportedFile", "create_page_clip", "create_quote", "find_quote", "import_files", "prepare_files",
    "write_prepared",
]
