"""Case text shown by widgets as the characters it is, never as markup.

Qt guesses. A QLabel, a QMessageBox, a QInputDialog's or QProgressDialog's
prompt and every tooltip take text whose first line looks like HTML
(``Qt::mightBeRichText``) as rich text, and rich text loads whatever an
``<img src>`` names: a local file, or ``/dev/zero``, which aborts the window.
Menus, buttons and tabs take ``&`` as a shortcut mark; window titles hide
``[*]``. Anything the window shows that can hold case text (titles, names,
file names, messages quoting them) goes through one of these; a test fills a
case with markup and walks every widget (tests/ui/test_plain_text.py).
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QLabel, QLineEdit, QMessageBox, QWidget

Icon = QMessageBox.Icon
Button = QMessageBox.StandardButton
TOOLTIP_LINE = 80  # characters: a longer line of a tooltip wraps


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A label that shows its text as typed, whatever is set on it later."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


def plain_tooltip(text: str) -> str:
    """A tooltip that shows ``text`` exactly, line breaks and spaces kept.

    Qt has no plain-text tooltips: it reads any tooltip that looks like HTML
    as HTML. So the text is escaped and wrapped in a paragraph that keeps
    its white space; what shows is the text itself."""
    if not text:
        return ""
    # Qt wraps a rich tooltip to a narrow block; short lines stay whole, long ones wrap at spaces.
    wrap = "pre-wrap" if max(len(line) for line in text.splitlines() or [text]) > TOOLTIP_LINE else "pre"
    return f"<p style='white-space:{wrap}'>" + html.escape(text, quote=False) + "</p>"


def menu_text(text: str) -> str:
    """Text for a menu item, button or tab that shows every ``&`` as typed."""
    return text.replace("&", "&&")


def window_title(text: str) -> str:
    """Text for ``setWindowTitle`` that shows ``[*]`` as typed (Qt shows
    ``[*][*]`` as ``[*]`` and hides a lone one, its "modified" mark)."""
    return text.replace("[*]", "[*][*]")


def message_box(parent: QWidget | None, icon: Icon, title: str, text: str,
                buttons: Button = Button.Ok) -> QMessageBox:
    """A message box whose text (and informative text) shows as plain text."""
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    return box


def warn(parent: QWidget | None, title: str, text: str) -> None:
    message_box(parent, Icon.Warning, title, text).exec()


def inform(parent: QWidget | None, title: str, text: str) -> None:
    message_box(parent, Icon.Information, title, text).exec()


def ask_yes_no(parent: QWidget | None, title: str, text: str) -> bool:
    """A plain-text question with Yes and No; True for Yes."""
    box = message_box(parent, Icon.Question, title, text, Button.Yes | Button.No)
    box.setDefaultButton(Button.Yes)
    return box.exec() == Button.Yes


def ask_text(parent: QWidget | None, title: str, prompt: str, text: str = "",
             echo: QLineEdit.EchoMode = QLineEdit.EchoMode.Normal) -> tuple[str, bool]:
    """``QInputDialog.getText`` with its prompt (which may name a file) as plain text."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(prompt)
    dialog.setTextValue(text)
    dialog.setTextEchoMode(echo)
    for label in dialog.findChildren(QLabel):
        label.setTextFormat(Qt.TextFormat.PlainText)
    accepted = dialog.exec() == QInputDialog.DialogCode.Accepted
    value = dialog.textValue()
    dialog.deleteLater()
    return value, accepted
