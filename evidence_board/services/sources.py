"""Service calls on sources: the imported files a case is built from."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from evidence_board.errors import InvalidInput, UnknownId
from evidence_board.model import new_id
from evidence_board.model.grading import validate_reliability
from evidence_board.services.changes import Changes
from evidence_board.services.validation import MAX_PAGE_TEXT, MAX_SHORT_TEXT, text
from evidence_board.services.operations import OperationRunner
from evidence_board.store import now_iso, queries
from evidence_board.store.rows import dumps
from evidence_board.store.writer import RowWriter

_EDITABLE = ("title", "author", "reliability", "file_name")
# The text of one source, its pages together, as UTF-8: three times a
# 5,000-page legal bundle (22 MB). A PDF whose pages share one huge content
# stream can make gigabytes of text out of a few KB; the importer stops
# such a file at this limit while it is parsed (importers/pdf.py).
MAX_SOURCE_TEXT = 64 << 20


def _clip(value: str | None, limit: int) -> str:
    return (value or "")[:limit]


class SourceInUse(InvalidInput):
    """A source that cards still cite, deleted without them; ``card_ids`` names those cards."""

    def __init__(self, message: str, card_ids: list[str]) -> None:
        super().__init__(message)
        self.card_ids = card_ids


def _titles(titles: list[str], shown: int = 5) -> str:
    named = ", ".join(repr(t) for t in titles[:shown])
    return named + (f" and {len(titles) - shown} more" if len(titles) > shown else "")


class SourceOperations(OperationRunner):
    def add_source(self, data: bytes, file_name: str, media_type: str, *, title: str = "",
                   author: str = "", created: str | None = None, modified: str | None = None,
                   page_count: int | None = None, metadata: dict[str, Any] | None = None,
                   reliability: str | None = None, page_texts: Sequence[str] | None = None,
                   thumbnail: bytes | None = None, thumbnail_type: str = "image/png") -> Changes:
        """Store a file byte-exact. The same bytes twice give the same source:
        ``changes.created`` or ``changes.reused`` holds its id."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise InvalidInput("a source is stored from bytes")
        data = bytes(data)
        if not data:
            raise InvalidInput(f"{file_name}: the file is empty")
        if not file_name or not file_name.strip():
            raise InvalidInput("a source needs its original file name")
        try:
            reliability = validate_reliability(reliability)
        except ValueError as exc:
            raise InvalidInput(str(exc)) from None
        digest = hashlib.sha256(data).hexdigest()
        # What a file says about itself is clipped, not refused: a real report
        # with absurd metadata is still a source (see validation's limits).
        file_name, title, author = (_clip(v, v_limit) for v, v_limit in
                                    ((file_name, MAX_SHORT_TEXT), (title, MAX_SHORT_TEXT), (author, MAX_SHORT_TEXT)))
        metadata = {_clip(str(k), 200): _clip(v, MAX_SHORT_TEXT) if isinstance(v, str) else v
                    for k, v in list((metadata or {}).items())[:200]}
        page_texts = [_clip(t, MAX_PAGE_TEXT) for t in (page_texts or ())]
        if sum(len(t.encode("utf-8", "surrogatepass")) for t in page_texts) > MAX_SOURCE_TEXT:
            raise InvalidInput(f"refused: {file_name}: its text passes {MAX_SOURCE_TEXT >> 20} MiB, "
                               "the limit for one source")

        def work(w: RowWriter, ch: Changes) -> None:
            existing = self.case.source_by_sha256(digest)
            if existing is not None:
                ch.reused.append(existing.id)
                return
            source_id = new_id()
            attachment = self.case.add_attachment(data, media_type, digest)
            thumb = self.case.add_attachment(thumbnail, thumbnail_type) if thumbnail else None
            w.insert("sources", {
                "id": source_id, "sha256": digest, "size": len(data), "media_type": media_type,
                "file_name": file_name.strip(), "attachment_id": attachment, "title": title or "",
                "author": author or "", "created": created, "modified": modified,
                "page_count": page_count, "metadata": dumps(metadata),
                "reliability": reliability, "thumbnail_id": thumb,
                "imported_at": now_iso(), "imported_by": self.author,
            })
            # One statement for all pages (and one for their FTS entries):
            # a 1,000-page PDF is written in a fraction of the per-row time.
            w.insert_many("source_pages", [{"source_id": source_id, "page": number, "text": text or ""}
                                           for number, text in enumerate(page_texts, start=1)])
            ch.created.append(source_id)

        return self.run(f"Add source {file_name}", "add_source", work)

    def update_source(self, source_id: str, **fields: Any) -> Changes:
        """Edit what a person may correct about a source: title, author, file name, reliability."""
        unknown = set(fields) - set(_EDITABLE)
        if unknown:
            raise InvalidInput(f"cannot change a source's {', '.join(sorted(unknown))}")
        if "reliability" in fields:
            try:
                fields["reliability"] = validate_reliability(fields["reliability"])
            except ValueError as exc:
                raise InvalidInput(str(exc)) from None
        for name in ("title", "author", "file_name"):
            if name in fields:
                fields[name] = text(fields[name], name.replace("_", " "), MAX_SHORT_TEXT)

        def work(w: RowWriter, ch: Changes) -> None:
            self._require(w, "sources", (source_id,), "source")
            w.update("sources", (source_id,), fields)

        return self.run("Edit source", "update_source", work)

    def delete_source(self, source_id: str, *, with_cards: bool = False) -> Changes:
        """Delete a source: its record and the text of its pages.

        Cards that cite it (its document card, quotes, clips, pictures) are
        deleted too, with their links, if ``with_cards``; otherwise the call
        is refused with SourceInUse naming them. One undo step brings all of
        it back: the stored bytes stay in the case, unreferenced, as a
        deleted card's earlier values stay in the audit trail, until a
        scrubbed copy (``copy --scrub``, Share) leaves all of it out.
        """
        source = self.case.source(source_id)
        if source is None:
            raise UnknownId(f"no source with id {source_id}")
        name = source.title or source.file_name
        citing = self.case.cards_citing(source_id)
        if citing and not with_cards:
            titles = [c.title or f"({c.kind.value})" for c in citing]
            raise SourceInUse(f"{name}: {len(citing)} card(s) cite this source ({_titles(titles)}); "
                              "delete them first, or delete them with it", [c.id for c in citing])

        def work(w: RowWriter, ch: Changes) -> None:
            if w.fetch("sources", (source_id,)) is None:
                raise UnknownId(f"no source with id {source_id}")
            # Read again inside the transaction: what cites it now goes with it.
            cards = queries.cards_citing(w.conn, source_id)
            if cards and not with_cards:
                raise SourceInUse(f"{name}: {len(cards)} card(s) cite this source; nothing was deleted", cards)
            if cards:
                self._delete_card_rows(w, cards)  # type: ignore[attr-defined] - CardOperations, same service
            pages = queries.source_page_keys(w.conn, source_id)
            w.delete_many("source_pages", pages)
            w.delete("sources", (source_id,))

        extra = f" and {len(citing)} card(s)" if citing else ""
        return self.run(f"Delete source {name}{extra}", "delete_source", work)

    def add_attachment(self, data: bytes, media_type: str) -> int:
        """Store bytes a card shows (an image, a page clip) and return their id.

        Attachments are content-addressed and never change, so storing one
        is not an undo step by itself; the card that points at it is. Inside
        a batch it is part of the batch's transaction.
        """
        if not isinstance(data, (bytes, bytearray, memoryview)) or not data:
            raise InvalidInput("an attachment is stored from non-empty bytes")
        return self.case.add_attachment(bytes(data), media_type)
