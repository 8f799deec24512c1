"""Kill a writing process at random moments; nothing committed may be lost.

A child process makes random service edits (cards created in batches,
edited with short or long text, deleted with their links, links made and
removed, several edits in one ``service.batch``). Before each call it
writes ``B <edit as JSON>`` to a pipe and after the call returns ``D``,
so a ``D`` means "the service reported this committed". The parent kills
the child with SIGKILL after a random delay, then opens the file as the
user's next session would and checks: it opens, ``PRAGMA integrity_check``
and the full-text index check pass, and its cards and links are exactly the
committed edits, plus possibly the one edit that was in flight.

Children are forked from the test process (fast: no interpreter start-up)
or, with ``spawn="exec"``, started as ``python crash_harness.py CASE SEED``.
"""

from __future__ import annotations

import json
import os
import random
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

if __name__ == "__main__":  # started as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from evidence_board.services import CaseService  # noqa: E402
from evidence_board.store import CaseFile  # noqa: E402

Cards = dict[str, tuple[str, str]]  # id -> (title, text)
Links = dict[str, tuple[str, str]]  # id -> (from, to)


@dataclass
class Model:
    cards: Cards = field(default_factory=dict)
    links: Links = field(default_factory=dict)

    def copy(self) -> Model:
        return Model(dict(self.cards), dict(self.links))

    def apply(self, edit: dict) -> None:
        op = edit["op"]
        if op == "create":
            for card_id, title, text in edit["cards"]:
                self.cards[card_id] = (title, text)
        elif op == "update":
            self.cards[edit["id"]] = (edit["title"], edit["text"])
        elif op == "delete":
            del self.cards[edit["id"]]
            self.links = {k: v for k, v in self.links.items() if edit["id"] not in v}
        elif op == "link":
            self.links[edit["id"]] = (edit["from"], edit["to"])
        elif op == "unlink":
            del self.links[edit["id"]]
        elif op == "batch":
            for sub in edit["edits"]:
                self.apply(sub)


def read_model(case: CaseFile) -> Model:
    cards = {r[0]: (r[1], r[2]) for r in case.conn.execute("SELECT id, title, text FROM cards")}
    links = {r[0]: (r[1], r[2]) for r in case.conn.execute("SELECT id, from_card, to_card FROM links")}
    return Model(cards, links)


# -- the child ------------------------------------------------------------


def random_edit(rng: random.Random, model: Model, counter: list[int]) -> dict:
    def new_id() -> str:
        counter[0] += 1
        return f"{rng.getrandbits(48):012x}{counter[0]:06d}"

    def text() -> str:
        # Now and then a long text, so a transaction spans many pages.
        return ("lorem ipsum " * rng.choice([1, 5, 2000]))[: rng.choice([10, 60, 200, 20000])]

    choices = ["create", "create", "update", "update", "link", "batch"]
    if len(model.cards) > 6:
        choices += ["delete"]
    if model.links:
        choices += ["unlink"]
    op = rng.choice(choices) if model.cards else "create"
    if op == "create" or (op in ("update", "delete") and not model.cards):
        return {"op": "create", "cards": [(new_id(), f"card {counter[0]}-{i}", text())
                                          for i in range(rng.randint(1, 5))]}
    if op == "update":
        return {"op": "update", "id": rng.choice(sorted(model.cards)), "title": f"edited {counter[0]}",
                "text": text()}
    if op == "delete":
        return {"op": "delete", "id": rng.choice(sorted(model.cards))}
    if op == "link" and len(model.cards) >= 2:
        a, b = rng.sample(sorted(model.cards), 2)
        return {"op": "link", "id": new_id(), "from": a, "to": b}
    if op == "unlink":
        return {"op": "unlink", "id": rng.choice(sorted(model.links))}
    scratch, edits = model.copy(), []
    for _ in range(rng.randint(2, 4)):
        edit = random_edit(rng, scratch, counter)
        if edit["op"] == "batch":
            continue
        scratch.apply(edit)
        edits.append(edit)
    return {"op": "batch", "edits": edits}


def run_edit(service: CaseService, board_id: str, edit: dict) -> None:
    op = edit["op"]
    if op == "create":
        service.create_cards([{"kind": "note", "id": i, "title": t, "text": x, "x": n * 10.0, "y": 0.0}
                              for n, (i, t, x) in enumerate(edit["cards"])], board_id)
    elif op == "update":
        service.update_card(edit["id"], title=edit["title"], text=edit["text"])
    elif op == "delete":
        service.delete_cards(edit["id"])
    elif op == "link":
        service.create_links([{"id": edit["id"], "from_card": edit["from"], "to_card": edit["to"],
                               "label": "crash test"}])
    elif op == "unlink":
        service.delete_links(edit["id"])
    elif op == "batch":
        with service.batch("crash test batch"):
            for sub in edit["edits"]:
                run_edit(service, board_id, sub)


def child_main(path: Path, seed: int, out: int) -> None:
    """Edit forever, reporting each edit before (B) and after it committed (D)."""
    rng = random.Random(seed)
    case = CaseFile.open(path)
    service = CaseService(case, "Crash Test")
    board_id = case.boards()[0].id
    model, counter = read_model(case), [0]
    os.write(out, b"R\n")
    while True:
        edit = random_edit(rng, model, counter)
        os.write(out, b"B " + json.dumps(edit).encode() + b"\n")
        run_edit(service, board_id, edit)
        os.write(out, b"D\n")
        model.apply(edit)


# -- the parent -----------------------------------------------------------


@dataclass
class CrashResult:
    kills: int = 0
    committed_edits: int = 0
    in_flight_committed: int = 0  # the edit running at the kill turned out committed
    in_flight_lost: int = 0  # ... or rolled back (both are correct)
    hot_journals: int = 0  # kills that left a transaction to roll back
    failures: list[str] = field(default_factory=list)


def _start_child(path: Path, seed: int, spawn: str) -> tuple[int, int, subprocess.Popen | None]:
    read_end, write_end = os.pipe()
    if spawn == "fork":
        pid = os.fork()
        if pid == 0:
            os.close(read_end)
            try:
                child_main(path, seed, write_end)
            finally:
                os._exit(1)
        os.close(write_end)
        return pid, read_end, None
    proc = subprocess.Popen([sys.executable, __file__, str(path), str(seed)], stdout=write_end,
                            stderr=subprocess.DEVNULL)
    os.close(write_end)
    return proc.pid, read_end, proc


def _read_until(fd: int, deadline: float | None, buffer: bytearray) -> bool:
    """Read into buffer until the deadline (or EOF when deadline is None); False on EOF."""
    while True:
        timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            return True
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return False
        buffer += chunk


def one_kill(path: Path, model: Model, rng: random.Random, spawn: str, result: CrashResult) -> Model:
    pid, fd, proc = _start_child(path, rng.getrandbits(32), spawn)
    buffer = bytearray()
    # Wait until the child is ready (so the kill lands among edits, not start-up).
    limit = time.monotonic() + 30
    while b"R\n" not in buffer and time.monotonic() < limit:
        if not _read_until(fd, time.monotonic() + 0.05, buffer):
            break
    _read_until(fd, time.monotonic() + rng.uniform(0.002, 0.12), buffer)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0) if proc is None else proc.wait()
    _read_until(fd, None, buffer)
    os.close(fd)
    result.kills += 1
    if b"R\n" not in buffer:
        result.failures.append(f"kill {result.kills}: the child never became ready")
        return model
    pending = None
    for line in bytes(buffer).split(b"R\n", 1)[1].splitlines():
        if line.startswith(b"B "):
            pending = json.loads(line[2:])
        elif line == b"D" and pending is not None:
            model.apply(pending)
            result.committed_edits += 1
            pending = None
    result.hot_journals += Path(str(path) + "-journal").exists()
    return verify(path, model, pending, result)


def verify(path: Path, model: Model, pending: dict | None, result: CrashResult) -> Model:
    """Open as the next session would; the file must hold every committed edit."""
    where = f"after kill {result.kills}"
    try:
        with CaseFile.open(path) as case:
            integrity = case.conn.execute("PRAGMA integrity_check").fetchall()
            if integrity != [("ok",)]:
                result.failures.append(f"{where}: integrity_check says {integrity[:3]}")
            for fts in ("cards_fts", "pages_fts"):
                case.conn.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")
            found = read_model(case)
    except Exception as exc:  # noqa: BLE001 - any failure to open is the finding
        result.failures.append(f"{where}: cannot open: {type(exc).__name__}: {exc}")
        return model
    if found == model:
        if pending is not None:
            result.in_flight_lost += 1
        return model
    if pending is not None:
        after = model.copy()
        after.apply(pending)
        if found == after:
            result.in_flight_committed += 1
            return after
    lost = set(model.cards) - set(found.cards)
    result.failures.append(f"{where}: the file differs from the committed edits "
                           f"(missing cards {sorted(lost)[:3]}, {len(found.cards)} vs {len(model.cards)} cards)")
    return found


def run_crashes(folder: Path, kills: int, seed: int, spawn: str = "fork") -> CrashResult:
    path = folder / "crash.evb"
    CaseFile.create(path, "Crash test", "Crash Test").close()
    rng = random.Random(seed)
    model, result = Model(), CrashResult()
    for _ in range(kills):
        model = one_kill(path, model, rng, spawn, result)
    return result


if __name__ == "__main__":
    child_main(Path(sys.argv[1]), int(sys.argv[2]), sys.stdout.fileno())
