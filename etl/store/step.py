"""The one write step every write goes through (folder load, upload, hand entry, correction,
restore, rebuild): the load lock, then whatever must start before the database opens (the
analyser's worker processes), a working copy of the database with today's schema, the archive
and a journal to fill. On success the copy's touched records are settled and its read models
refreshed (files.working_copy), the copy swapped in, then the journal recorded; on any failure
nothing is swapped in and nothing journaled.

Every write says who does it (`actor`, etl.store.access; the operating-system user when not
given) and which role it needs (`role`). The step checks the role against the database's own
role rows once the copy is open, before anything is written: a refusal raises Refused, is logged
(refusals.jsonl) and writes nothing. A write that needs the role per department (a 填报 user's
upload) asks `Write.allowed` for each document. Every journal entry records who and when."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from etl.store import access
from etl.store.access import Actor, Refused, Role
from etl.store.archive import Archive
from etl.store.files import load_lock, working_copy
from etl.store.schema import apply_schema


@dataclass
class Write:
    """An open write: the working copy, the archive, and the journal entries to record."""

    con: duckdb.DuckDBPyConnection
    archive: Archive
    journal: list[dict[str, Any]] = field(default_factory=list)
    ready: Any = None  # what `before_open` gave when entered
    actor: Actor = field(default_factory=access.os_actor)  # roles as the database holds them
    db: Path | None = None
    what: str = ""

    def allowed(self, role: Role, department: str | None) -> Refused | None:
        """None when the actor may act as `role` for `department` (its canonical name is
        checked, aliases applied); else the refusal, logged."""
        canonical = department
        if department is not None:
            row = self.con.execute("SELECT canonical_department(?)", [department]).fetchone()
            canonical = row[0] if row else department
        refused = access.check(self.actor, role, canonical)
        if refused is not None and self.db is not None:
            access.log_refusal(self.db, refused, self.what)
        return refused

    def require(self, role: Role, department: str | None) -> None:
        """Raise the refusal (logged) unless the actor may act as `role` for `department`."""
        refused = self.allowed(role, department)
        if refused is not None:
            raise refused


@contextlib.contextmanager
def write_step(
    db: Path,
    *,
    wait: bool,
    fresh: bool = False,
    before_open: AbstractContextManager[Any] | None = None,
    actor: Actor | None = None,
    role: Role,
    what: str,
) -> Iterator[Write]:
    """Open the write of `actor` (default: the operating-system user), which needs `role` (for
    some department; per-document checks are the write's own, Write.allowed), `what` naming it
    in the refusal log; `fresh` starts from an empty database instead of a copy of `db` (its
    roles are then checked against `db`'s); `before_open` is entered under the lock before the
    database opens (and left after the swap), for work that must not start with a DuckDB thread
    in the process (a fork)."""
    actor = actor or access.os_actor()
    if actor.source != "oidc":  # roles by construction: refused before any work
        refused = access.check(actor, role)
        if refused is not None:
            access.log_refusal(db, refused, what)
            raise refused
    db.parent.mkdir(parents=True, exist_ok=True)
    archive = Archive(db)
    with load_lock(db, wait=wait), before_open or contextlib.nullcontext() as ready:
        with working_copy(db, fresh=fresh) as con:
            apply_schema(con)
            # A fresh start (a rebuild) has no roles yet: the file it replaces holds them.
            held = access.resolve_live(db, actor) if fresh else access.resolve(con, actor)
            write = Write(con, archive, ready=ready, actor=held, db=db, what=what)
            write.require(role, None)
            yield write
            for entry in write.journal:
                for key, value in access.by_entry(write.actor).items():
                    entry.setdefault(key, value)
            access.record_by(con, write.journal)
        archive.record(write.journal)
