"""Keep ``None`` alive under PySide6 6.12 on Python 3.11.

PySide6/shiboken 6.12.0 returns ``None`` from every void method (``setPos``,
``setPen``, ``update``...) and from ``paint()`` overrides without taking a
reference, as if ``None`` were immortal (it is from Python 3.12 on, PEP 683).
On Python 3.11 each such call lowers ``None``'s reference count by one, and
after a few thousand calls the interpreter aborts with "none_dealloc:
deallocating None". A board paints thousands of items per second, so we do
what Python 3.12 does: give ``None`` a reference count no program can use up.

This module is Qt-free and idempotent; ``evidence_board.render`` and
``evidence_board.ui`` import it before PySide6.
"""

from __future__ import annotations

import ctypes
import sys

# 2**60 references: at a billion leaked references a second this lasts 36 years.
_IMMORTAL = 1 << 60


def make_none_immortal() -> None:
    if sys.version_info >= (3, 12):
        return  # None is immortal already
    refcount = ctypes.c_ssize_t.from_address(id(None))  # ob_refcnt is the first field
    if refcount.value < _IMMORTAL // 2:
        refcount.value += _IMMORTAL


make_none_immortal()
