"""The one write step every write goes through (folder load, upload, hand entry, correction,
restore, rebuild): the load lock, then whatever must start before the database opens (the
analyser's worker processes), a working copy of the database with today's schema, the archive
and a journal to fill. On success the copy's touched records are settled and its read models
refreshed (files.working_copy), the copy swapped in, then the journal recorded; on any failure
nothing is swapped in and nothing journaled."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

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


@contextlib.contextmanager
def write_step(
    db: Path,
    *,
    wait: bool,
    fresh: bool = False,
    before_open: AbstractContextManager[Any] | None = None,
) -> Iterator[Write]:
    """Open the write; `fresh` starts from an empty database instead of a copy of `db`;
    `before_open` is entered under the lock before the database opens (and left after the
    swap), for work that must not start with a DuckDB thread in the process (a fork)."""
    db.parent.mkdir(parents=True, exist_ok=True)
    archive = Archive(db)
    with load_lock(db, wait=wait), before_open or contextlib.nullcontext() as ready:
        with working_copy(db, fresh=fresh) as con:
            apply_schema(con)
            write = Write(con, archive, ready=ready)
            yield write
        archive.record(write.journal)
