"""Every card kind the case file allows has one descriptor, and every descriptor fills every part.

Qt-free: the painter, the inspector and the exporters are checked against
the same table in tests/render, tests/ui and tests/exporters.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import fields, replace
from pathlib import Path

import pytest

from evidence_board.model import CARD_KINDS, DEFAULT_SIZES, ENTITY_LOOKS, Card, CardKind, EntityType, limits
from evidence_board.model import card_kinds
from evidence_board.model.card_kinds import KindDescriptor
from evidence_board.store import CaseFile
from evidence_board.store.value_checks import check_constraints


def schema_kinds(tmp_path: Path) -> set[str]:
    """The kinds a new case file's ``cards`` table accepts, read from its CHECK constraint."""
    path = tmp_path / "kinds.evb"
    CaseFile.create(path, "Kinds", "Test Analyst").close()
    with sqlite3.connect(path) as conn:
        (create_sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'cards'").fetchone()
    conn.close()
    kind_checks = [expr for expr in check_constraints(create_sql) if re.match(r"\(\s*kind\b", expr)]
    assert len(kind_checks) == 1, kind_checks
    return set(re.findall(r"'([^']*)'", kind_checks[0]))


def descriptor_problems(table: dict[CardKind, KindDescriptor]) -> list[str]:
    """What is missing or unknown in a table of descriptors (empty when every part is filled)."""
    problems = [f"{kind.value}: no descriptor" for kind in CardKind if kind not in table]
    for kind, d in table.items():
        where = kind.value
        if d.kind is not kind:
            problems.append(f"{where}: filed under the wrong kind ({d.kind.value})")
        if not d.label.strip():
            problems.append(f"{where}: no label")
        if len(d.size) != 2 or min(d.size) <= 0:
            problems.append(f"{where}: size {d.size}")
        for colour_name, colour in (("look.accent", d.look.accent), ("export.fill", d.export.fill)):
            if not limits.is_colour(colour):
                problems.append(f"{where}: {colour_name} {colour!r} is not #rrggbb")
        for part, value, allowed in (("look.paper", d.look.paper, card_kinds.PAPERS),
                                     ("look.style", d.look.style, card_kinds.STYLES),
                                     ("double_click", d.double_click, card_kinds.DOUBLE_CLICKS),
                                     ("made", d.made, card_kinds.MADE),
                                     ("export.canvas_node", d.export.canvas_node, card_kinds.CANVAS_NODES),
                                     ("export.canvas_text", d.export.canvas_text, card_kinds.CANVAS_TEXTS),
                                     ("export.appendix", d.export.appendix, card_kinds.APPENDIX_SECTIONS)):
            if value not in allowed:
                problems.append(f"{where}: {part} {value!r} is none of {allowed}")
        unknown = [f for f in d.inspector if f not in card_kinds.INSPECTOR_FIELDS]
        if unknown or "title" not in d.inspector:
            problems.append(f"{where}: inspector fields {d.inspector} (unknown: {unknown})")
        if list(d.inspector) != sorted(d.inspector, key=card_kinds.INSPECTOR_FIELDS.index):
            problems.append(f"{where}: inspector fields out of the inspector's order")
        card_fields = {f.name for f in fields(Card)}
        if not d.needs or not all(one_of and set(one_of) <= card_fields for one_of in d.needs):
            problems.append(f"{where}: needs {d.needs} are not Card fields")
        if not d.needs_message.strip():
            problems.append(f"{where}: no needs_message")
    return problems


def test_every_kind_the_case_file_allows_has_a_descriptor(tmp_path):
    allowed = schema_kinds(tmp_path)
    assert allowed == {"document", "quote", "photo", "note", "entity", "group"}
    assert {d.name for d in CARD_KINDS.values()} == allowed
    assert {kind.value for kind in CardKind} == allowed
    assert list(CARD_KINDS) == list(CardKind)  # the side panel lists kinds in this order


def test_every_descriptor_fills_every_part():
    assert descriptor_problems(dict(CARD_KINDS)) == []
    for d in CARD_KINDS.values():
        for part in (d.look, d.export):
            assert all(getattr(part, f.name) for f in fields(part)), (d.name, part)


def test_a_kind_without_a_descriptor_or_with_an_empty_part_is_caught():
    # The check above must be able to fail: drop a row, blank a part, name an unknown style.
    table = dict(CARD_KINDS)
    del table[CardKind.PHOTO]
    assert descriptor_problems(table) == ["photo: no descriptor"]
    note = CARD_KINDS[CardKind.NOTE]
    table = dict(CARD_KINDS) | {CardKind.NOTE: replace(note, look=replace(note.look, style="sticky"))}
    assert descriptor_problems(table) == [f"note: look.style 'sticky' is none of {card_kinds.STYLES}"]
    table = dict(CARD_KINDS) | {CardKind.NOTE: replace(note, export=replace(note.export, fill=""))}
    assert descriptor_problems(table) == ["note: export.fill '' is not #rrggbb"]


def test_every_entity_type_has_a_look():
    assert list(ENTITY_LOOKS) == list(EntityType)
    for entity_type, look in ENTITY_LOOKS.items():
        assert look.label.strip() and limits.is_colour(look.accent), entity_type


def test_the_kind_parts_users_see_are_the_ones_they_saw_before():
    # Spot checks of what the descriptors took over from the modules that held them.
    assert DEFAULT_SIZES[CardKind.DOCUMENT] == (200.0, 260.0)
    assert DEFAULT_SIZES[CardKind.GROUP] == (600.0, 400.0)
    assert CARD_KINDS[CardKind.QUOTE].export.appendix == "quotes"
    assert "show_in_source" in CARD_KINDS[CardKind.QUOTE].inspector
    assert [k for k, d in CARD_KINDS.items() if "entity_type" in d.inspector] == [CardKind.ENTITY]
    assert CARD_KINDS[CardKind.NOTE].look.paper == "note"


@pytest.mark.parametrize("kind", list(CardKind))
def test_descriptors_are_frozen(kind):
    with pytest.raises(AttributeError):
        CARD_KINDS[kind].look.accent = "#000000"  # type: ignore[misc]


def test_a_card_missing_what_its_kind_needs_is_refused_with_its_message(service, board_id):
    # The services check each kind's needs from its descriptor, and say its message.
    from evidence_board.errors import InvalidInput

    for kind, descriptor in CARD_KINDS.items():
        with pytest.raises(InvalidInput) as refused:
            service.create_card(kind, board_id=board_id, title="  ", text="")
        assert str(refused.value) == descriptor.needs_message
