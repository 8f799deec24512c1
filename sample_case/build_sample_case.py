"""Build the sample case file from the newsletter PDF, through the project's
own importer and services, as a new user would build it by hand.

    python sample_case/build_sample_case.py [--pdf PDF] [--output CASE.evb] [--force]

The content (cards, links, positions) lives in ``case_content.py``. Every
card and link made here gets an id derived from its name, so two builds give
the same ids and the same board; the cards the importer makes (the document
and the quotes) keep the random ids it gives them, and timestamps in the
audit trail are the build's own.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import uuid
from pathlib import Path
from types import ModuleType

from evidence_board.importers import create_quote, import_files
from evidence_board.services import CaseService
from evidence_board.store import CaseFile

HERE = Path(__file__).resolve().parent
DEFAULT_PDF = HERE / "focus-on-cuba-61.pdf"
DEFAULT_OUTPUT = HERE.parent / "evidence_board" / "sample" / "iccas-cuba-north-korea.evb"
_ID_NAMESPACE = uuid.UUID("5b1f3c4e-7a0d-4a43-9d1e-2f6b8c9e0a11")


def _load_content() -> ModuleType:
    """``case_content.py`` beside this script, whether run or imported by path."""
    spec = importlib.util.spec_from_file_location("evidence_board_sample_content", HERE / "case_content.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def stable_id(key: str) -> str:
    """The same id for the same name in every build (a uuid5, as hex like new_id())."""
    return uuid.uuid5(_ID_NAMESPACE, f"evidence-board-sample/{key}").hex


def build(output: Path, pdf: Path = DEFAULT_PDF) -> Path:
    """Write the sample case to ``output`` (which must not exist)."""
    content = _load_content()
    keys = [c.key for c in [*content.GROUPS, *content.PEOPLE_AND_ORGANISATIONS, *content.EVENTS,
                            *content.QUOTES, *content.NOTES]]
    repeated = sorted({k for k in keys if keys.count(k) > 1} | ({"document"} & set(keys)))
    if repeated:
        raise ValueError(f"case_content.py uses these card keys twice: {', '.join(repeated)}")
    case = CaseFile.create(output, content.CASE_TITLE, content.AUTHOR)
    try:
        service = CaseService(case, content.AUTHOR)
        board = case.boards()[0].id
        ids = _build_cards(service, content, board, pdf)
        _build_links(service, content, ids)
    finally:
        case.close()
    return output


def _build_cards(service: CaseService, content: ModuleType, board: str, pdf: Path) -> dict[str, str]:
    ids: dict[str, str] = {}
    with service.batch("Set up the sample board"):
        service.rename_board(board, content.BOARD_NAME)
        # Group frames first, so they stack under the cards they hold.
        service.create_cards([
            {"id": stable_id(g.key), "kind": "group", "title": g.title, "colour": g.colour,
             "x": g.rect[0], "y": g.rect[1], "width": g.rect[2], "height": g.rect[3]}
            for g in content.GROUPS
        ], board)
        ids.update({g.key: stable_id(g.key) for g in content.GROUPS})

    x, y = content.LAYOUT.document_at
    report = import_files(service, [pdf], board, x=x, y=y)
    imported = report.files[0]
    source_id, ids["document"] = imported.source_id, imported.card_id
    with service.batch("Grade the report"):
        service.update_source(source_id, title=content.SOURCE_TITLE, reliability=content.SOURCE_RELIABILITY)
        service.grade_cards(ids["document"], reliability=content.SOURCE_RELIABILITY)

    with service.batch("Add people, organisations and events"):
        specs = []
        for e in [*content.PEOPLE_AND_ORGANISATIONS, *content.EVENTS]:
            ids[e.key] = stable_id(e.key)
            width, height = content.LAYOUT.event_size if e.entity_type == "event" else content.LAYOUT.entity_size
            attributes = {"date in the report": e.date_words} if e.date_words else {}
            reliability, credibility = e.grade
            specs.append({"id": ids[e.key], "kind": "entity", "title": e.title, "text": e.text,
                          "entity_type": e.entity_type, "date_start": e.date, "attributes": attributes,
                          "reliability": reliability, "credibility": credibility,
                          "x": e.at[0], "y": e.at[1], "width": width, "height": height})
        service.create_cards(specs, board)

    with service.batch("Quote the report"):
        width, height = content.LAYOUT.quote_size
        for q in content.QUOTES:
            card = create_quote(service, source_id, q.page, q.text, board, x=q.at[0], y=q.at[1]).created[0]
            ids[q.key] = card
            service.set_geometry(board, card, q.at[0], q.at[1], width, height)
            service.update_card(card, title=q.title, reliability=content.SOURCE_RELIABILITY,
                                credibility=q.credibility,
                                attributes={"why this grade": q.why})

    with service.batch("Add the analyst's notes"):
        service.create_cards([
            {"id": stable_id(n.key), "kind": "note", "title": n.title, "text": n.text,
             "colour": content.NOTE_COLOUR, "tags": list(n.tags),
             "x": n.at[0], "y": n.at[1], "width": n.size[0], "height": n.size[1]}
            for n in content.NOTES
        ], board)
        ids.update({n.key: stable_id(n.key) for n in content.NOTES})

    with service.batch("Group by country"):
        members: dict[str, list[str]] = {}
        for e in [*content.PEOPLE_AND_ORGANISATIONS, *content.EVENTS]:
            if e.group:
                members.setdefault(e.group, []).append(ids[e.key])
        for group, cards in members.items():
            service.set_group(board, cards, ids[group])
    return ids


def _build_links(service: CaseService, content: ModuleType, ids: dict[str, str]) -> None:
    specs = [{"id": stable_id(f"link/{quote}->{card}"), "from_card": ids[quote], "to_card": ids[card],
              "label": "reports", "strength": "confirmed"}
             for quote, card in content.QUOTE_SUPPORTS.items()]
    specs += [{"id": stable_id(f"link/{l.source}->{l.target}/{l.label}"), "from_card": ids[l.source],
               "to_card": ids[l.target], "label": l.label, "strength": l.strength, "direction": l.direction}
              for l in content.LINKS]
    service.create_links(specs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pdf", type=Path, default=DEFAULT_PDF, help="the newsletter PDF")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="the case file to write")
    parser.add_argument("--force", action="store_true", help="replace the case file if it exists")
    args = parser.parse_args(argv)
    if args.output.exists() and not args.force:
        print(f"build_sample_case: {args.output} exists; use --force to replace it", file=sys.stderr)
        return 1
    # Build beside the target and move into place, so a failed build never
    # leaves a half-made sample where the package expects a whole one.
    partial = args.output.with_name(args.output.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        build(partial, args.pdf)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, args.output)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
