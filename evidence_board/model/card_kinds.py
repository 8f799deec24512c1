"""One descriptor per card kind: how it looks, what the inspector edits, what each export writes.

Plain data, no Qt: the painter and the palette (``render/``), the inspector
and the side panel (``ui/``) and the exporters read this table instead of
keeping their own per-kind tables, so a kind's colours, fields and export
shape are decided in one place. ``tests/model/test_card_kinds.py`` fails
when a kind the case file allows has no descriptor here, or a descriptor
leaves a part empty; the render and UI tests check that the painter and the
inspector know every style and field named here.

Adding a kind: its value in :class:`~evidence_board.model.records.CardKind`
and the schema, and one row here (plus a painter style in
``render/card_painter.py`` if none of the existing ones fits).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from evidence_board.model.records import CardKind, EntityType

# -- the parts of a descriptor ------------------------------------------------------

PAPERS = ("card", "note", "frame")
"""What a card is drawn on: white card stock, note paper, or (a group) a tinted frame."""

STYLES = ("document", "quote", "photo", "note", "entity", "frame")
"""How a card's contents are laid out; each is one painter in ``render/card_painter.py``."""

INSPECTOR_FIELDS = (
    "title", "text", "source", "show_in_source", "boards", "entity_type", "attributes",
    "date_start", "date_end", "tags", "reliability", "credibility", "colour",
)
"""Every row the inspector can show for a card, in its order; a kind shows some of them."""

CANVAS_NODES = ("text", "file", "link", "group")
"""JSON Canvas node types. A ``file`` kind falls back to ``text`` when it has no file
to point at, a ``link`` kind (a note) when it holds no ``url`` attribute."""

CANVAS_TEXTS = ("plain", "quote", "entity")
"""How a card written as a JSON Canvas text node reads in Markdown."""

MADE = ("by_hand", "from_source")
"""How a card of a kind comes to be: made from nothing on the board, or from a source."""

DOUBLE_CLICKS = ("read_source", "edit")
"""What double-clicking a card on the board does: open its source in the reader
(when it has one; else as ``edit``), or bring up the inspector to edit it."""

APPENDIX_SECTIONS = ("board", "quotes", "entities")
"""Where the PDF lists a card besides its number on the board pages: nowhere else
(``board``), in full in the quotes appendix, or in the entities appendix."""


@dataclass(frozen=True, slots=True)
class CardLook:
    """How a card of this kind is drawn on the board, in PNG, SVG and PDF alike."""

    accent: str  # "#rrggbb": the band across its top, its block when far away, its side-panel swatch
    paper: str  # one of PAPERS
    style: str  # one of STYLES


@dataclass(frozen=True, slots=True)
class KindExport:
    """What the exports write for a card of this kind, beyond the fields every card has.

    Every format writes ``kind`` (the descriptor's name): CSV and the graph
    formats as a column or attribute, JSON Canvas in its ``evidenceBoard``
    object. PNG, SVG and the PDF's board pages draw the card's look.
    """

    fill: str  # "#rrggbb": the node colour of GraphML and GEXF when the card has none of its own
    canvas_node: str  # one of CANVAS_NODES
    canvas_text: str  # one of CANVAS_TEXTS
    appendix: str  # one of APPENDIX_SECTIONS


@dataclass(frozen=True, slots=True)
class KindDescriptor:
    """Everything the program decides per card kind, in one row."""

    kind: CardKind
    label: str  # for people: the inspector's heading, the side panel's filter, a drawn card's fallback title
    size: tuple[float, float]  # a new card's width and height, in board units
    look: CardLook
    inspector: tuple[str, ...]  # the rows of INSPECTOR_FIELDS the inspector shows, in its order
    double_click: str  # one of DOUBLE_CLICKS
    # Made from nothing on the board (its menu, Insert): "by_hand"; or only from what
    # is imported (a PDF, an image, a marked passage): "from_source".
    made: str
    export: KindExport
    # What a card of this kind cannot do without, checked by the services on every write: each
    # tuple names Card fields of which one at least must be set (title and text not blank).
    needs: tuple[tuple[str, ...], ...]
    needs_message: str  # the one-line refusal when they are missing

    @property
    def name(self) -> str:
        """The kind as the case file, CSV and the graph formats spell it."""
        return self.kind.value


@dataclass(frozen=True, slots=True)
class EntityLook:
    """An entity type's own accent (an entity card's look depends on its type) and its label."""

    label: str
    accent: str  # "#rrggbb"


# -- the table ----------------------------------------------------------------------------

# Every kind has these rows; dates and grading apply to any card (an event's
# dates, a photo's reliability), so only the source button and the entity rows differ.
_COMMON_FIELDS = ("title", "text", "source", "boards", "date_start", "date_end", "tags", "reliability",
                  "credibility", "colour")


def _fields(*extra: str) -> tuple[str, ...]:
    """The common rows plus ``extra``, in the inspector's order."""
    chosen = set(_COMMON_FIELDS) | set(extra)
    return tuple(name for name in INSPECTOR_FIELDS if name in chosen)


_DESCRIPTORS = (
    KindDescriptor(
        CardKind.DOCUMENT, "Document", size=(200.0, 260.0),
        look=CardLook(accent="#4c6a92", paper="card", style="document"),
        inspector=_fields(), double_click="read_source", made="from_source",
        export=KindExport(fill="#f4f1ea", canvas_node="file", canvas_text="plain", appendix="board"),
        needs=(("source_id",),), needs_message="a document card needs a source"),
    KindDescriptor(
        CardKind.QUOTE, "Quote", size=(260.0, 150.0),
        look=CardLook(accent="#b7812e", paper="card", style="quote"),
        inspector=_fields("show_in_source"), double_click="edit", made="from_source",
        export=KindExport(fill="#fff4c2", canvas_node="text", canvas_text="quote", appendix="quotes"),
        needs=(("text",), ("source_id",)), needs_message="a quote card needs its text and its source"),
    KindDescriptor(
        CardKind.PHOTO, "Photo", size=(220.0, 200.0),
        look=CardLook(accent="#3f8a83", paper="card", style="photo"),
        inspector=_fields(), double_click="read_source", made="from_source",
        export=KindExport(fill="#e8eef4", canvas_node="file", canvas_text="plain", appendix="board"),
        needs=(("attachment_id", "source_id"),), needs_message="a photo card needs an image or a source"),
    KindDescriptor(
        CardKind.NOTE, "Note", size=(200.0, 120.0),
        look=CardLook(accent="#c9ad3c", paper="note", style="note"),
        inspector=_fields(), double_click="edit", made="by_hand",
        export=KindExport(fill="#fdf6b2", canvas_node="link", canvas_text="plain", appendix="board"),
        needs=(("title", "text"),), needs_message="a note needs a title or some text"),
    KindDescriptor(
        CardKind.ENTITY, "Entity", size=(200.0, 90.0),
        look=CardLook(accent="#6b5b95", paper="card", style="entity"),
        inspector=_fields("entity_type", "attributes"), double_click="edit", made="by_hand",
        export=KindExport(fill="#dcebfa", canvas_node="text", canvas_text="entity", appendix="entities"),
        needs=(("title",),), needs_message="an entity card needs a title"),
    KindDescriptor(
        CardKind.GROUP, "Group", size=(600.0, 400.0),
        look=CardLook(accent="#8a96a5", paper="frame", style="frame"),
        inspector=_fields(), double_click="edit", made="by_hand",
        export=KindExport(fill="#eeeeee", canvas_node="group", canvas_text="plain", appendix="board"),
        needs=(("title",),), needs_message="a group needs a title"),
)

CARD_KINDS: Mapping[CardKind, KindDescriptor] = MappingProxyType({d.kind: d for d in _DESCRIPTORS})
"""The descriptor of each card kind, in CardKind's order."""

ENTITY_LOOKS: Mapping[EntityType, EntityLook] = MappingProxyType({
    EntityType.PERSON: EntityLook("Person", "#6b5b95"),
    EntityType.ORGANISATION: EntityLook("Organisation", "#3c6e9f"),
    EntityType.PLACE: EntityLook("Place", "#3f8a5a"),
    EntityType.EVENT: EntityLook("Event", "#b5573b"),
    EntityType.VEHICLE: EntityLook("Vehicle", "#5d6d7e"),
    EntityType.ACCOUNT: EntityLook("Account", "#8a6d3b"),
    EntityType.OTHER: EntityLook("Other", "#7a7f87"),
})
"""An entity card's accent by its type (its icon is drawn in ``render/icons.py``)."""

DEFAULT_SIZES: Mapping[CardKind, tuple[float, float]] = MappingProxyType(
    {kind: d.size for kind, d in CARD_KINDS.items()})
"""A new card's size by kind (the descriptors' ``size``), for the services and importers."""
