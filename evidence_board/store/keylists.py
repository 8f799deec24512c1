"""Many keys in one statement: a JSON array bound once, read by json_each.

Deleting a big board's 10,000 cards with their 20,000 links reads and
deletes 40,000 rows by key. One statement run once per key (executemany),
or once per 500 keys with 500 parameters, pays SQLite's statement set-up
and the module's binding for every run; ``col IN (SELECT value FROM
json_each(?))`` binds one text and searches the same index for each key
(EXPLAIN QUERY PLAN: SEARCH ... USING INDEX, LIST SUBQUERY). Deleting those
40,000 rows: 0.19 s by executemany, 0.13 s this way (raw, on the board bench
case). Reading them costs about the same as 500 parameters at a time; what
saves there is reading each row once (RowWriter.fetch_where).

Only values SQLite's JSON hands back exactly go this way: text without a NUL
(json_each ends a string at "\\u0000", so "ab\\x00c" would find "ab") and
integers in 64 bits. Any other list returns None and the caller binds its
values as they are.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

_LIMIT = 1 << 63
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


def json_list(values: Iterable[Any]) -> str | None:
    """``values`` as one JSON array for json_each, or None when SQLite would
    not read every one of them back as the same value."""
    values = list(values)
    kinds = set(map(type, values))
    if kinds == {str}:
        text = _dumps(values)
        # A NUL is written as \u0000; a backslash before "u0000" in a value is
        # written doubled, so this can only err towards the slow path.
        return None if "\\u0000" in text else text
    if kinds == {int} and min(values) >= -_LIMIT and max(values) < _LIMIT:
        return _dumps(values)
    return None


def in_lists(values: list[Any], size: int = 500) -> Iterator[tuple[str, list[Any]]]:
    """What to write after IN, with its parameters, to cover all of ``values``:
    one JSON list, or (values it cannot carry) ``size`` bound values at a time."""
    if not values:
        return
    listed = json_list(values)
    if listed is not None:
        yield "(SELECT value FROM json_each(?))", [listed]
        return
    for start in range(0, len(values), size):
        chunk = values[start:start + size]
        yield f"({','.join('?' * len(chunk))})", chunk
