"""Reports -> DuckDB. Idempotent by content hash, one transaction per report, atomic swap-in.

A DuckDB file takes one writing process or many readers, never both. So a load never writes the
live file: it copies it, writes the copy (one transaction per report), checkpoints, and renames
the copy over the live file. A running dashboard keeps reading the old file until it notices the
new one (by inode and mtime); a load that dies leaves the live file as it was.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import duckdb

from etl.archive import Archive
from etl.checks import check_report
from etl.extract import extract_report
from etl.model import Report
from etl.readers import SUPPORTED_SUFFIXES, ReadError, read_bytes, read_text

SCHEMA = Path(__file__).with_name("schema.sql")
OnConflict = Literal["keep", "replace"]
Status = Literal["loaded", "unchanged", "replaced", "restored", "conflict", "failed"]


class LoadBusy(Exception):
    """Another process is loading into the same database."""


class DamagedDatabase(Exception):
    """The database (or a stray WAL beside it) could not be used; it was set aside, not deleted."""


@dataclass(frozen=True)
class LoadResult:
    path: Path
    status: Status
    message: str
    department: str | None = None
    year: int | None = None

    @property
    def ok(self) -> bool:
        return self.status != "failed"


def analyse_text(text: str) -> Report:
    """Extract a report's figures and run every check on them."""
    report = extract_report(text)
    report.checks = check_report(report)
    return report


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table and view (idempotent)."""
    con.execute(SCHEMA.read_text(encoding="utf-8"))


def report_files(paths: Iterable[Path | str]) -> list[Path]:
    """Report files under the given files or folders, sorted, supported types only in folders.

    In folders, Word's lock files (~$报告.docx, left while a report is open) are skipped.
    """
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file()
                    and p.suffix.lower() in SUPPORTED_SUFFIXES
                    and not p.name.startswith("~$")
                )
            )
        else:
            found.append(path)
    return found


def load_paths(
    paths: Iterable[Path | str],
    db: Path,
    *,
    on_conflict: OnConflict = "keep",
    wait: bool = False,
    progress: Callable[[int, int, LoadResult], None] | None = None,
) -> list[LoadResult]:
    """Load report files into `db`, one transaction per report, and swap the result in."""
    files = report_files(paths)
    db.parent.mkdir(parents=True, exist_ok=True)
    archive = Archive(db)
    results: list[LoadResult] = []
    journal: list[dict[str, Any]] = []
    with _load_lock(db, wait=wait):
        with _working_copy(db) as con:
            apply_schema(con)
            for index, path in enumerate(files, start=1):
                try:
                    data = read_bytes(path)
                except ReadError as exc:
                    result = LoadResult(path, "failed", exc.problem)
                else:
                    result = _load_bytes(con, path, data, on_conflict)
                    _archive(archive, journal, path, data, result, on_conflict)
                results.append(result)
                if progress:
                    progress(index, len(files), result)
        archive.record(journal)
    return results


def rebuild(
    db: Path, *, progress: Callable[[int, int, LoadResult], None] | None = None
) -> list[LoadResult]:
    """A new database from the archive, replaying the journal; replaces `db` atomically."""
    archive = Archive(db)
    entries = archive.entries()
    results: list[LoadResult] = []
    with _load_lock(db, wait=False), _working_copy(db, fresh=True) as con:
        apply_schema(con)
        for index, entry in enumerate(entries, start=1):
            source = archive.path(entry["sha256"], Path(entry["path"]).suffix)
            try:
                data = read_bytes(source)
            except ReadError as exc:
                result = LoadResult(Path(entry["path"]), "failed", f"存档缺失：{exc.problem}")
            else:
                result = _load_bytes(con, Path(entry["path"]), data, entry["on_conflict"])
            results.append(result)
            if progress:
                progress(index, len(entries), result)
    return results


def _archive(
    archive: Archive,
    journal: list[dict[str, Any]],
    path: Path,
    data: bytes,
    result: LoadResult,
    on_conflict: OnConflict,
) -> None:
    if result.status in ("failed", "unchanged"):
        return
    sha256 = hashlib.sha256(data).hexdigest()
    archive.put(data, sha256, path.suffix)
    journal.append(
        {
            "sha256": sha256,
            "path": str(path),
            "department": result.department,
            "year": result.year,
            "status": result.status,
            "on_conflict": on_conflict,
            "at": datetime.now().isoformat(timespec="seconds"),
        }
    )


def _load_bytes(
    con: duckdb.DuckDBPyConnection, path: Path, data: bytes, on_conflict: OnConflict
) -> LoadResult:
    try:
        text = read_text(path, data)
    except ReadError as exc:
        return LoadResult(path, "failed", exc.problem)
    report = analyse_text(text)
    if report.department is None or report.year is None:
        return LoadResult(
            path,
            "failed",
            "未能从标题识别部门名称或年度（应形如“2020年度XX局整体支出绩效自评报告”）",
        )
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        con.execute("BEGIN TRANSACTION")
        result = _store(con, path, sha256, len(text), report, on_conflict)
        con.execute("COMMIT")
    except Exception as exc:
        con.execute("ROLLBACK")
        return LoadResult(path, "failed", f"写入数据库失败：{exc}", report.department, report.year)
    return result


def _store(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    sha256: str,
    text_chars: int,
    report: Report,
    on_conflict: OnConflict,
) -> LoadResult:
    department, year = report.department, report.year
    assert department is not None and year is not None
    label = f"{department} {year} 年"
    same = con.execute(
        "SELECT document_id, is_current FROM documents WHERE sha256 = ?", [sha256]
    ).fetchone()
    current = con.execute(
        "SELECT document_id, file_name FROM documents"
        " WHERE department = ? AND year = ? AND is_current",
        [department, year],
    ).fetchone()
    if same is not None:
        if same[1]:
            return LoadResult(path, "unchanged", f"已载入过（内容相同）：{label}", department, year)
        if on_conflict == "keep":
            return LoadResult(
                path,
                "unchanged",
                f"已作为 {label} 的历史版本保存；用 --on-conflict replace 恢复为当前版本",
                department,
                year,
            )
        _set_current(con, department, year, same[0])
        return LoadResult(path, "restored", f"已恢复为 {label} 的当前版本", department, year)
    make_current = current is None or on_conflict == "replace"
    if make_current and current is not None:
        _set_current(con, department, year, None)
    document_id = _insert_report(con, path, sha256, text_chars, report, make_current)
    if current is None:
        return LoadResult(path, "loaded", f"已载入：{label}", department, year)
    if make_current:
        _set_current(con, department, year, document_id)
        return LoadResult(
            path,
            "replaced",
            f"已替换 {label} 的当前版本（原 {current[1]} 保留为历史版本）",
            department,
            year,
        )
    return LoadResult(
        path,
        "conflict",
        f"{label} 已有另一版本 {current[1]}，保留当前版本，新文件存为历史版本"
        "（用 --on-conflict replace 替换）",
        department,
        year,
    )


def _set_current(
    con: duckdb.DuckDBPyConnection, department: str, year: int, document_id: int | None
) -> None:
    con.execute(
        "UPDATE documents SET is_current = (document_id IS NOT DISTINCT FROM ?)"
        " WHERE department = ? AND year = ?",
        [document_id, department, year],
    )


def _insert_report(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    sha256: str,
    text_chars: int,
    report: Report,
    is_current: bool,
) -> int:
    title = report.department_source.sentence if report.department_source else None
    row = con.execute(
        "INSERT INTO documents (sha256, file_name, path, department, year, is_current,"
        " loaded_at, text_chars, title_sentence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " RETURNING document_id",
        [
            sha256,
            path.name,
            str(path),
            report.department,
            report.year,
            is_current,
            datetime.now(),
            text_chars,
            title,
        ],
    ).fetchone()
    assert row is not None
    document_id = int(row[0])
    _insert_many(
        con,
        "INSERT INTO figures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            [
                document_id,
                f.section,
                f.item,
                f.value,
                f.unit,
                f.wording,
                f.confidence,
                f.note,
                *_span(f.source),
            ]
            for f in report.figures.values()
        ],
    )
    _insert_many(
        con,
        "INSERT INTO fund_sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            [document_id, i, f.level, f.amount_wan, f.wording, *_span(f.source)]
            for i, f in enumerate(report.fund_sources, start=1)
        ],
    )
    _insert_many(
        con,
        "INSERT INTO projects VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            [document_id, i, p.name, p.amount_wan, p.purpose, *_span(p.source)]
            for i, p in enumerate(report.projects, start=1)
        ],
    )
    _insert_many(
        con,
        "INSERT INTO checks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            [
                document_id,
                i,
                c.rule,
                c.severity,
                c.passed,
                c.message,
                c.expected_wan,
                c.actual_wan,
                c.difference_wan,
                ",".join(c.fields),
            ]
            for i, c in enumerate(report.checks, start=1)
        ],
    )
    return document_id


def _span(source: Any) -> list[Any]:
    return [
        source.sentence,
        source.sentence_start,
        source.sentence_end,
        source.value_start,
        source.value_end,
    ]


def _insert_many(con: duckdb.DuckDBPyConnection, sql: str, rows: list[list[Any]]) -> None:
    if rows:
        con.executemany(sql, rows)


@contextlib.contextmanager
def _load_lock(db: Path, *, wait: bool) -> Iterator[None]:
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
def _working_copy(db: Path, *, fresh: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
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


def ensure_database(db: Path, reports_dir: Path) -> list[LoadResult]:
    """Build `db` from `reports_dir` if it does not exist yet (first start of the app)."""
    if db.exists():
        return []
    return load_paths([reports_dir], db, wait=True)
