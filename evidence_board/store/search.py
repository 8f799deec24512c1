"""Turning what a user types into a safe FTS5 query.

Users type things like ``"North Korean" missiles Raúl``; FTS5's own syntax
treats quotes, hyphens, colons and brackets as operators, so raw input would
raise syntax errors. We keep quoted phrases, quote every other word, join them
with AND, and let the last bare word match as a prefix (search as you type).
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r'"([^"]*)"|(\S+)')


def to_fts_query(text: str) -> str | None:
    parts: list[str] = []
    last_bare = -1
    for match in _TOKEN.finditer(text):
        phrase, word = match.group(1), match.group(2)
        raw = phrase if phrase is not None else word
        # Keep letters and digits only: FTS5's tokenizer drops the rest anyway.
        cleaned = " ".join(re.findall(r"\w+", raw))
        if not cleaned:
            continue
        parts.append('"' + cleaned.replace('"', '""') + '"')
        if phrase is None:
            last_bare = len(parts) - 1
    if not parts:
        return None
    if last_bare == len(parts) - 1:
        parts[-1] += "*"
    return " AND ".join(parts)
