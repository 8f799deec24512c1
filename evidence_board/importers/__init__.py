"""Bringing source files into a case: PDFs (PyMuPDF, in a worker process)
and images (Pillow). Plain records in, service calls out; no Qt here.

Names are loaded on first use (PEP 562), so the PDF worker process, which
starts as ``python -m evidence_board.importers.pdf_worker``, does not pay
for importing the services, the store and Pillow on every file.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "evidence_board.importers.errors": (
        "DamagedImage", "DamagedPdf", "EmptyPdf", "ImageTooLarge", "ImportCancelled", "ImportRefused",
        "OverLimit", "ParserFailed", "PasswordRequired", "QuoteNotFound", "UnsupportedFile",
    ),
    "evidence_board.importers.files": (
        "ImportedFile", "ImportReport", "PreparedFile", "import_files", "prepare_files", "write_prepared",
    ),
    "evidence_board.importers.quotes": ("create_page_clip", "create_quote", "find_quote"),
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
