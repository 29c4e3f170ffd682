"""The database file a write works on. A DuckDB file takes one writing process or many readers,
never both. So a write never touches the live file: under a lock it copies it, writes the copy,
checkpoints, and renames the copy over the live file. A running dashboard keeps reading the old
file until it notices the new one (by inode and mtime); a write that dies leaves the live file
as it was."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import duckdb

from etl.store.records import settle


class LoadBusy(Exception):
    """Another process is loading into the same database."""


class DamagedDatabase(Exception):
    """The database (or a stray WAL beside it) could not be used; it was set aside, not deleted."""


@contextlib.contextmanager
def load_lock(db: Path, *, wait: bool) -> Iterator[None]:
    lock_path = db.with_name(db.name + ".lock")
    with open(lock_path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError as exc:
            raise LoadBusy(f"{db.name}: another load is running（另一个载入正在进行）") from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def working_copy(db: Path, *, fresh: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A writable copy of `db` that replaces it atomically on success and vanishes on failure.

    Runs under the load lock. A WAL beside the live file means something other than a load
    wrote it (loads never write the live file): it is set aside and reported, never replayed
    into or deleted from under the new file. A live file DuckDB cannot open is set aside too.
    """
    tmp = db.with_name(f"{db.name}.loading-{os.getpid()}")
    for stale in db.parent.glob(f"{db.name}.loading-*"):
        stale.unlink()  # left by a load that died; we hold the lock, so nobody else owns it
    wal = db.with_name(f"{db.name}.wal")
    if wal.exists():
        aside = _set_aside(wal)
        raise DamagedDatabase(
            f"{wal.name}: 发现未合并的预写日志（WAL），已移到 {aside.name}（未删除）；请重新运行载入"
        )
    if db.exists() and not fresh:
        shutil.copyfile(db, tmp)
    try:
        con = duckdb.connect(str(tmp))
        con.execute("SELECT count(*) FROM duckdb_tables()").fetchall()
    except duckdb.Error as exc:
        tmp.unlink(missing_ok=True)
        aside = _set_aside(db)
        raise DamagedDatabase(
            f"{db.name}: 数据库文件无法打开（{exc}），已移到 {aside.name}（未删除）；"
            "运行 python -m etl rebuild 从存档重建"
        ) from exc
    try:
        yield con
        settle(con)
        con.execute("CHECKPOINT")
        con.close()
        os.replace(tmp, db)
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
        raise


def _set_aside(path: Path) -> Path:
    aside = path.with_name(f"{path.name}.damaged-{datetime.now():%Y%m%d-%H%M%S}")
    os.replace(path, aside)
    return aside
