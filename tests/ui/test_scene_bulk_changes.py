"""Large changes reaching an open board (an import, its undo and redo) end
with the same items a freshly opened board shows."""

from __future__ import annotations

import pytest

from evidence_board.render.context import RenderContext
from evidence_board.ui.board import scene as board_scene
from evidence_board.ui.board.scene import BoardScene


def _layout(scene: BoardScene) -> dict:
    """What a user sees of the items: card rectangles, and each link's ends and lane."""
    cards = {card_id: item.geometry for card_id, item in scene.cards.items()}
    links = {}
    for link_id, item in scene.links.items():
        g = item.geometry
        links[link_id] = (item.source.card_id, item.target.card_id, round(item.lane_offset, 6),
                          round(g.start.x() + item.pos().x(), 3), round(g.start.y() + item.pos().y(), 3),
                          round(g.end.x() + item.pos().x(), 3), round(g.end.y() + item.pos().y(), 3))
    return {"cards": cards, "links": links}


def _fresh(case, service, board_id) -> dict:
    scene = BoardScene(service, board_id, RenderContext(case))
    scene.flush_pending_links()
    try:
        return _layout(scene)
    finally:
        scene.close()


def _import(service, board_id, cards: int = 300) -> list[str]:
    """Cards in a grid, each linked to the next two, and every tenth pair linked twice."""
    with service.batch("Import"):
        ids = service.create_cards([dict(kind="note", title=f"Shipment {n}", x=(n % 30) * 260, y=(n // 30) * 170)
                                    for n in range(cards)], board_id).created
        specs = [dict(from_card=ids[n], to_card=ids[(n + k) % cards], label=f"via {k}")
                 for n in range(cards) for k in (1, 2)]
        specs += [dict(from_card=ids[n + 1], to_card=ids[n], label="back") for n in range(0, cards - 1, 10)]
        service.create_links(specs)
    return ids


@pytest.fixture
def scene(qtbot, case, service, board_id, monkeypatch):
    monkeypatch.setattr(board_scene, "EAGER_LINKS", 100)
    scene = BoardScene(service, board_id, RenderContext(case))
    yield scene
    scene.close()


def test_an_import_shows_its_cards_at_once_and_its_links_while_idle(scene, qtbot, case, service, board_id):
    ids = _import(service, board_id)
    assert set(ids) <= set(scene.cards)
    assert scene.link_count() == 630 and len(scene.pending_links) == 630
    qtbot.waitUntil(lambda: not scene.pending_links, timeout=5000)
    assert _layout(scene) == _fresh(case, service, board_id)


def test_undo_right_after_an_import_and_redo_leave_the_board_as_a_fresh_one_shows_it(scene, qtbot, case,
                                                                                     service, board_id):
    before = _fresh(case, service, board_id)
    _import(service, board_id)
    assert scene.pending_links  # undone before its link items were made
    service.undo()
    assert not scene.pending_links and _layout(scene) == before
    service.redo()
    qtbot.waitUntil(lambda: not scene.pending_links, timeout=5000)
    assert _layout(scene) == _fresh(case, service, board_id)


def test_a_link_added_beside_older_ones_moves_them_into_lanes(scene, case, service, board_id):
    ids = service.create_cards([dict(kind="note", title=t, x=x) for t, x in (("Ship", 0), ("Port", 900))],
                               board_id).created
    first = service.create_link(ids[0], ids[1], "sailed to").created[0]
    alone = scene.links[first].lane_offset
    second = service.create_link(ids[1], ids[0], "returned from").created[0]
    assert scene.links[first].lane_offset != alone
    # Drawn apart: the second line (the other way) does not lie on the first.
    a, b = scene.links[first].geometry, scene.links[second].geometry
    assert (round(a.start.y(), 3), round(a.end.y(), 3)) != (round(b.end.y(), 3), round(b.start.y(), 3))
    assert _layout(scene) == _fresh(case, service, board_id)


def _qt_items(scene: BoardScene) -> set:
    """The card and link items Qt's scene holds (what it draws and hit-tests)."""
    from evidence_board.ui.board.items import CardItem, LinkItem

    return {id(item) for item in scene.items() if isinstance(item, (CardItem, LinkItem))}


@pytest.mark.parametrize("which", ["every card", "every other card", "the first half"])
def test_deleting_many_cards_takes_exactly_their_items_out_of_qt(scene, qtbot, case, service, board_id, which):
    """Removed items leave Qt's scene in one pass at the end of the change (the
    last made first); nothing removed stays drawable, nothing kept goes."""
    ids = _import(service, board_id)
    qtbot.waitUntil(lambda: not scene.pending_links, timeout=5000)
    doomed = {"every card": ids, "every other card": ids[::2], "the first half": ids[:len(ids) // 2]}[which]
    service.delete_cards(doomed)
    kept = {id(item) for item in [*scene.cards.values(), *scene.links.values()]}
    assert not set(doomed) & set(scene.cards)
    assert _qt_items(scene) == kept
    assert _layout(scene) == _fresh(case, service, board_id)
    service.undo()
    qtbot.waitUntil(lambda: not scene.pending_links, timeout=5000)
    assert _qt_items(scene) == {id(item) for item in [*scene.cards.values(), *scene.links.values()]}
    assert _layout(scene) == _fresh(case, service, board_id)
