"""PySide6-Essentials 6.12.0 drops a reference to None on every Qt call that
returns nothing (under Python 3.11), and the interpreter aborts after a few
thousand calls. pyproject pins a version below it; this test catches an
install that slipped past the pin."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QGraphicsRectItem


def test_void_qt_calls_keep_none_alive(qapp) -> None:  # noqa: ANN001 - pytest-qt's fixture
    item = QGraphicsRectItem(0, 0, 10, 10)
    before = sys.getrefcount(None)
    for n in range(2000):
        item.setPos(n, n)
    assert sys.getrefcount(None) >= before - 10
