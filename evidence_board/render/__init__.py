"""How cards and links look: one painter shared by the board and every export.

The board window (``evidence_board.ui``) and the exporters (PDF, PNG, SVG)
draw with the same functions, so an export matches what the user saw:

- ``card_painter.paint_card(painter, card, rect, *, detail, context, number=None)``
  draws one card of any kind into ``rect`` (board coordinates). ``detail`` is
  the scale at which it is seen (device pixels per board unit, what
  ``QStyleOptionGraphicsItem.levelOfDetailFromTransform`` returns): below
  ``BLOCK_DETAIL`` a card is a coloured block, below ``TITLE_DETAIL`` a card
  with its title, above that everything. ``number`` draws a small numbered
  badge (exports that list cards by number). Text is drawn as text (never
  rasterised), so a PDF keeps it selectable and searchable.
- ``link_painter.paint_link(painter, link, from_rect, to_rect, *, detail,
  context, lane_offset=0.0, selected=False, geometry=None, visible=None)``
  draws a link border to border (``visible``: stroke only the part of a long
  line inside that rectangle),
  with arrowheads per direction and solid/dashed/dotted per strength; its
  label is drawn later by ``paint_label`` (and ``paint_leader``) at the spot
  ``label_placement.LabelPlacer`` found clear of cards, group titles,
  arrowheads and other plates. ``lane_offset`` (from
  ``link_lanes(links)``) puts several links between the same two cards side by side;
  ``link_geometry``, ``link_shape`` and ``link_bounds`` give the same geometry
  to hit-testing code.
- ``board_painter.paint_board(painter, contents, source_rect, context, *,
  target_rect=None, detail=1.0, numbers=None, background=True, labels=None)`` draws a whole
  ``BoardContents`` (groups, then links, then cards, each in z order, then group titles and link labels
  above them) without a QGraphicsScene; ``board_labels.board_label_placer(contents, context)`` makes
  the ``labels`` placer to share across the tiles of one export.
- ``context.RenderContext(case=None)`` holds what painting needs besides the
  records: the open CaseFile for lazy image loading (QImage cache keyed by
  attachment id), source lookups, text layout caches, the palette and fonts.
  It never touches the network and uses only locally installed fonts.
- ``context.stacking_z(card, placement)`` and ``LINK_Z``: the z order both
  the scene and ``paint_board`` use (groups under links under cards; titles and labels on top).

- ``specimen.build_specimen_board(service, board_id)``: one card of every kind,
  labeled links of each strength and a group, for tests, exports and benches
  (needs a QGuiApplication for its made-up pictures).

Import the submodules directly; this package itself imports no Qt.
"""
