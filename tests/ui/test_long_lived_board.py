"""A big open board's items stay out of the cycle collector's full walks
(services/collector.keep_long_lived), are still freed when deleted, and are
handed back to the collector when the board closes."""

from __future__ import annotations

import gc

import pytest

from evidence_board.render.context import RenderContext
from evidence_board.ui.board import scene as board_scene
from evidence_board.ui.board.scene import BoardScene


@pytest.fixture
def big_board(case, service, board_id, monkeypatch):
    """A board over the threshold (lowered, so the test stays quick): 400 cards, 800 links."""
    monkeypatch.setattr(board_scene, "LONG_LIVED_ITEMS", 1000)
    monkeypatch.setattr(board_scene, "EAGER_LINKS", 100)
    cards = 400
    with service.batch("Import"):
        ids = service.create_cards([dict(kind="note", title=f"Shipment {n}", x=(n % 20) * 260, y=(n // 20) * 170)
                                    for n in range(cards)], board_id).created
        service.create_links([dict(from_card=ids[n], to_card=ids[(n + k) % cards]) for n in range(cards)
                              for k in (1, 2)])
    gc.unfreeze()
    yield ids
    gc.unfreeze()


def _frozen(objects) -> int:
    """How many of these objects the collector no longer tracks in its generations."""
    tracked = {id(o) for o in gc.get_objects()}
    return sum(id(o) not in tracked for o in objects)


def test_a_big_board_is_kept_out_of_full_collections_once_its_links_are_made(qtbot, case, service, board_id,
                                                                                big_board):
    scene = BoardScene(service, board_id, RenderContext(case))
    try:
        assert scene.pending_links and gc.get_freeze_count() == 0  # links still to come: nothing frozen yet
        qtbot.waitUntil(lambda: not scene.pending_links, timeout=5000)
        items = list(scene.cards.values()) + list(scene.links.values())
        assert len(items) == 1200
        assert gc.get_freeze_count() > 0 and _frozen(items) == len(items)
        # Deleting frozen cards frees them (nothing refers to them); the freeze does not keep them.
        frozen_before = gc.get_freeze_count()
        del items
        service.delete_cards(big_board)
        assert not scene.cards and not scene.links
        assert gc.get_freeze_count() < frozen_before - 1200
    finally:
        scene.close()
    assert gc.get_freeze_count() == 0  # a closed board gives everything back to the collector


def test_a_small_board_leaves_the_collector_alone(qtbot, case, service, board_id, monkeypatch):
    gc.unfreeze()
    service.create_cards([dict(kind="note", title=f"Note {n}", x=n * 260, y=0) for n in range(20)], board_id)
    scene = BoardScene(service, board_id, RenderContext(case))
    try:
        assert len(scene.cards) == 20 and gc.get_freeze_count() == 0
    finally:
        scene.close()


def test_a_big_board_closed_while_its_links_are_made_leaves_nothing_frozen(qtbot, case, service, board_id,
                                                                           big_board, monkeypatch):
    """The slice of link items still due when the board closes must not freeze
    what the closed board leaves behind (close has thawed it already)."""
    monkeypatch.setattr(board_scene, "LINK_SLICE", 100)
    monkeypatch.setattr(board_scene, "LONG_LIVED_ITEMS", 450)  # big once the first slice is made
    scene = BoardScene(service, board_id, RenderContext(case))
    qtbot.waitUntil(lambda: len(scene.links) >= 100, timeout=5000)
    assert scene.pending_links and gc.get_freeze_count() == 0  # big, and closing while links are still made
    scene.close()
    qtbot.wait(100)  # the slice that was due runs
    assert gc.get_freeze_count() == 0


def test_a_board_closed_beside_another_big_one_is_not_frozen_by_the_next_bulk_change(
        qtbot, case, service, board_id, big_board):
    """Card and link items refer to each other, so only the collector frees a
    closed board's: the next freeze (the other board's next bulk change) runs a
    collection first instead of freezing them."""
    import weakref

    from PySide6.QtCore import QCoreApplication, QEvent

    from evidence_board.ui.board.view import BoardView

    other = service.create_board("Second board").created[0]
    with service.batch("Import"):
        ids = service.create_cards([dict(kind="note", title=f"Crate {n}", x=(n % 20) * 260, y=(n // 20) * 170)
                                    for n in range(400)], other).created
        service.create_links([dict(from_card=ids[n], to_card=ids[(n + k) % 400]) for n in range(400) for k in (1, 2)])
    first = BoardScene(service, board_id, RenderContext(case))
    second = BoardScene(service, other, RenderContext(case))
    qtbot.waitUntil(lambda: not first.pending_links and not second.pending_links, timeout=5000)
    view = BoardView(first)
    probe = weakref.ref(next(iter(first.cards.values())))
    view.dispose()
    first = view = None  # nothing of ours refers to the closed board now
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    service.move_cards(other, {card_id: (item.geometry[0] + 10, item.geometry[1]) for card_id, item in
                               second.cards.items()})  # a bulk change: the second board freezes again
    try:
        assert gc.get_freeze_count() > 0
        gc.collect()
        assert probe() is None  # the closed board's card was collected, not frozen
    finally:
        second.close()
