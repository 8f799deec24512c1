"""Case text as a terminal may show it: control characters made visible.

A title can hold anything the API accepts, and a terminal obeys what it is
sent: ``ESC ] 0 ; ... BEL`` sets the window title, ``ESC [ 2 J`` clears the
screen, a C1 ``CSI`` (U+009B) does the same on terminals that read C1 in
UTF-8, a carriage return overwrites the line, and a bidi override
(U+202E) reverses what follows. Every human-readable line the CLI prints,
and every name read from a lock file, goes through :func:`escape_controls`,
which writes those characters as Python writes them in a literal
(``\\x1b``, ``\\x9b``, ``\\u202e``, ``\\n``) and leaves all other text,
accents, CJK, emoji and the like, as it is.
"""

from __future__ import annotations

import re

# C0 controls, DEL and C1 controls; the bidi marks, embeddings, overrides and
# isolates (U+061C, U+200E-U+200F, U+202A-U+202E, U+2066-U+2069); the line and
# paragraph separators (U+2028-U+2029).
_LAYOUT = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029"
_ONE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_LAYOUT}]")
_LINES = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_LAYOUT}]")  # keeps \t and \n


def escape_controls(text: str, *, keep_lines: bool = False) -> str:
    """``text`` with each control character written as its escape.

    One line by default (a table cell, a message): newlines and tabs are
    escaped too, so case text cannot start a line of its own. With
    ``keep_lines`` a newline and a tab stay what they are."""
    pattern = _LINES if keep_lines else _ONE_LINE
    return pattern.sub(lambda m: ascii(m.group())[1:-1], str(text))


def escape_controls_in_json(text: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``, which escapes
    C0 controls itself) with the C1 and bidi controls and the line separators
    written as ``\\uXXXX`` too: they can only stand inside JSON strings, so
    the JSON still reads back to exactly the same values."""
    return re.sub(f"[\x7f-\x9f{_LAYOUT}]", lambda m: f"\\u{ord(m.group()):04x}", text)
