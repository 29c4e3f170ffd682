"""Reports -> DuckDB. Idempotent by content hash, one transaction per report, atomic swap-in.

A DuckDB file takes one writing process or many readers, never both. So a load never writes the
live file: it copies it, writes the copy (one transaction per report), checkpoints, and renames
the copy over the live file. A running dashboard keeps reading the old file until it notices the
new one (by inode and mtime); a load that dies leaves the live file as it was.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import fcntl
import functools
import gc
import hashlib
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import duckdb

from etl import config, sandbox
from etl.archive import Archive
from etl.checks import check_report
from etl.extract import extract_report
from etl.model import FIGURE_SLOTS, Report
from etl.readers import MAX_FILE_BYTES, SUPPORTED_SUFFIXES, ReadError, read_bytes

if TYPE_CHECKING:  # imported where used: `etl load` of reports needs neither
    from etl import manual

SCHEMA = config.SCHEMA
# The line `python -m etl demo` writes into every synthetic report; a report with it is flagged.
SYNTHETIC_MARK = "【示例数据：程序生成，非真实报告】"
OnConflict = Literal["keep", "replace"]
Status = Literal["loaded", "unchanged", "replaced", "restored", "conflict", "corrected", "failed"]
Origin = Literal["report", "manual"]
# An upload: (the user's file name, its bytes), optionally with its own choice on a conflict.
Document = tuple[str, bytes] | tuple[str, bytes, OnConflict]
Progress = Callable[[int, int, "LoadResult"], None]


class LoadBusy(Exception):
    """Another process is loading into the same database."""


class DamagedDatabase(Exception):
    """The database (or a stray WAL beside it) could not be used; it was set aside, not deleted."""


class AliasError(ValueError):
    """The department alias file cannot be used; nothing was loaded."""


@dataclass(frozen=True)
class LoadResult:
    path: Path
    status: Status
    message: str
    department: str | None = None
    year: int | None = None
    sha256: str | None = None  # the version's content hash, when it reached the database

    @property
    def ok(self) -> bool:
        return self.status != "failed"


def analyse_text(text: str) -> Report:
    """Extract a report's figures and run every check on them."""
    report = extract_report(text)
    report.checks = check_report(report)
    report.synthetic = SYNTHETIC_MARK in text
    return report


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table and view (idempotent), in one transaction: about half the time of
    committing each of the ~40 statements on its own (bench L1's floor); record which
    schema.sql did (schema_applied)."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(SCHEMA.read_text(encoding="utf-8"))
        con.execute("DELETE FROM schema_applied")
        con.execute("INSERT INTO schema_applied VALUES (?)", [config.schema_sha256()])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def refresh_summaries(con: duckdb.DuckDBPyConnection) -> int:
    """Bring report_summary up to date with the view report_summary_source, and fund_split_years
    with fund_split_years_source; report_summary's row count.

    Documents never change once stored (a new version is a new document), so only reports
    stored since the last refresh (document_id above the newest summarised) and reports with a
    correction newer than their summary row need a row. A summary whose columns no longer match
    the view (schema.sql changed) is rebuilt whole. Runs at the end of every write, so the
    swapped-in file always has a summary row per document.

    Rows are stored by year (then document_id), rebuilt or appended: the summary's readers ask
    about one year of every department (部门对比, 全部部门), and zone maps on year then skip the
    other years' row groups (10M project rows: top_projects 85 -> 37 ms, ranking_head
    152 -> 85 ms; one department's reads by document_id unchanged).
    """
    shape = con.execute("SELECT column_name, column_type FROM (DESCRIBE report_summary)").fetchall()
    wanted = con.execute(
        "SELECT column_name, column_type FROM (DESCRIBE report_summary_source)"
    ).fetchall()
    con.execute("BEGIN TRANSACTION")
    try:
        if shape != wanted:
            con.execute("DROP TABLE report_summary")
            con.execute(
                "CREATE TABLE report_summary AS"
                " SELECT * FROM report_summary_source ORDER BY year, document_id"
            )
        else:
            corrected = con.execute(
                "SELECT s.document_id FROM report_summary AS s"
                " JOIN (SELECT document_id, max(correction_id) AS latest FROM corrections"
                "  GROUP BY document_id) AS c USING (document_id)"
                " WHERE c.latest > coalesce(s.last_correction_id, 0)"
            ).fetchall()
            for (document_id,) in corrected:
                con.execute("DELETE FROM report_summary WHERE document_id = ?", [document_id])
                con.execute(
                    "INSERT INTO report_summary"
                    " SELECT * FROM report_summary_source WHERE document_id = ?",
                    [document_id],
                )
            (last,) = con.execute(
                "SELECT coalesce(max(document_id), 0) FROM report_summary"
            ).fetchall()[0]
            # A filter on the key reaches every grouped scan in the view, so this reads only
            # the new reports' rows, not the whole database.
            con.execute(
                "INSERT INTO report_summary SELECT * FROM report_summary_source"
                " WHERE document_id > ? ORDER BY year, document_id",
                [last],
            )
        # A few rows per year from every current summary row, rewritten whole: a new version
        # changes which reports count, and a changed view its columns.
        con.execute(
            "CREATE OR REPLACE TABLE fund_split_years AS SELECT * FROM fund_split_years_source"
        )
        (written,) = con.execute("SELECT count(*) FROM report_summary").fetchall()[0]
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return int(written)


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


# --- department aliases ---------------------------------------------------------------------------

# Every name the department of `?` goes by: its aliases and its canonical name (params: name, name).
_NAMES_OF_DEPARTMENT = (
    "SELECT alias FROM department_aliases WHERE department = canonical_department(?)"
    " UNION SELECT canonical_department(?)"
)


def parse_aliases(text: str) -> list[tuple[str, str]]:
    r"""(alias, department) rows of a department_aliases.csv text; lines starting with # are notes.

    >>> parse_aliases("alias,department\n# 例\n 天心区交通运输局 ,长沙市天心区交通运输局\n")
    [('天心区交通运输局', '长沙市天心区交通运输局')]
    >>> try:
    ...     parse_aliases("alias,department\n甲局,乙局\n乙局,丙局\n")
    ... except AliasError as exc:
    ...     print(exc)
    第 3 行：乙局 既是别名又是部门名称，请把别名直接写成最终名称 丙局
    """
    numbered = [
        (n, line)
        for n, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    parsed = list(csv.reader(line for _, line in numbered))
    if not parsed:  # an empty file: no aliases
        return []
    if [c.strip() for c in parsed[0][:2]] != ["alias", "department"]:
        raise AliasError("第一行应为列名：alias,department")
    rows: dict[str, str] = {}
    line_of: dict[str, int] = {}
    for (number, _), cells in zip(numbered[1:], parsed[1:], strict=True):
        alias, department = ([c.strip() for c in cells] + ["", ""])[:2]
        if not alias or not department:
            raise AliasError(f"第 {number} 行：alias 和 department 都要填写")
        if rows.get(alias, department) != department:
            raise AliasError(
                f"第 {number} 行：{alias} 已对应 {rows[alias]}，不能再对应 {department}"
            )
        if alias != department:
            rows[alias], line_of[alias] = department, number
    for department in rows.values():
        if department in rows:
            raise AliasError(
                f"第 {line_of[department]} 行：{department} 既是别名又是部门名称，"
                f"请把别名直接写成最终名称 {rows[department]}"
            )
    return list(rows.items())


def read_aliases(path: Path) -> list[tuple[str, str]]:
    """The alias rows of `path` (none when the file does not exist)."""
    if not path.exists():
        return []
    try:
        return parse_aliases(path.read_text(encoding="utf-8-sig"))
    except (AliasError, UnicodeDecodeError, csv.Error) as exc:
        raise AliasError(f"{path.name}: {exc}（部门别名文件有误，未载入任何报告）") from exc


def alias_source(db: Path, aliases: Path | None = None) -> Path | None:
    """The alias file a load of `db` reads: the one given, else the one `db` was last loaded
    with explicitly (the demo database keeps its own), else None for data/department_aliases.csv.
    """
    if aliases is not None:
        return aliases
    if not db.exists():
        return None
    try:
        with duckdb.connect(":memory:") as con:
            con.execute("ATTACH ? AS live (READ_ONLY)", [str(db)])
            rows = con.execute(
                "SELECT value FROM live.load_settings WHERE name = 'aliases_path'"
            ).fetchall()
    except duckdb.Error:  # an older database without settings, or one a load will set aside
        return None
    return Path(rows[0][0]) if rows else None


def store_aliases(
    con: duckdb.DuckDBPyConnection, rows: list[tuple[str, str]], source: Path | None = None
) -> None:
    """Replace the database's department aliases, in one transaction; remember `source`, the
    alias file given for this database, so later loads and rebuilds of it read the same file.

    Each alias is stored as written and as name_key(alias). When new aliases make two current
    reports the same department-year, the one loaded first stays current (as a load with the
    default --on-conflict keep would have chosen) and the other becomes history.
    """
    con.execute("BEGIN TRANSACTION")
    try:
        if source is not None:
            con.execute(
                "INSERT OR REPLACE INTO load_settings VALUES ('aliases_path', ?)",
                [str(source.resolve())],
            )
        con.execute("DELETE FROM department_aliases")
        for alias, department in rows:
            con.execute(
                "INSERT OR IGNORE INTO department_aliases VALUES (?, ?)", [alias, department]
            )
            con.execute(
                "INSERT OR IGNORE INTO department_aliases SELECT name_key(?), ?",
                [alias, department],
            )
        con.execute(
            "UPDATE documents SET is_current = false WHERE document_id IN ("
            " SELECT document_id FROM documents WHERE is_current AND department IN ("
            "  SELECT alias FROM department_aliases UNION SELECT department FROM department_aliases)"
            " QUALIFY row_number() OVER ("
            "  PARTITION BY canonical_department(department), year ORDER BY document_id) > 1)"
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def load_paths(
    paths: Iterable[Path | str],
    db: Path,
    *,
    on_conflict: OnConflict = "keep",
    wait: bool = False,
    progress: Callable[[int, int, LoadResult], None] | None = None,
    aliases: Path | None = None,
    fresh: bool = False,
) -> list[LoadResult]:
    """Load report files into `db`, one transaction per report, and swap the result in.

    The department aliases replace the ones in the database first: from `aliases` (remembered
    for `db`), else the file `db` was last given, else data/department_aliases.csv. `fresh`
    starts from an empty database instead of a copy of `db`.
    """
    files = report_files(paths)
    source = alias_source(db, aliases)
    alias_rows = read_aliases(source or config.ALIASES_PATH)
    db.parent.mkdir(parents=True, exist_ok=True)
    archive = Archive(db)
    results: list[LoadResult] = []
    journal: list[dict[str, Any]] = []
    with _load_lock(db, wait=wait), _few_gc_pauses(), _analyser(len(files), archive) as analyse:
        with _working_copy(db, fresh=fresh) as con:
            apply_schema(con)
            store_aliases(con, alias_rows, source)
            for batch in _batches(analyse(files)):
                stored = _store_batch(con, batch, on_conflict)
                for staged, result in zip(batch, stored, strict=True):
                    if staged.data is not None:
                        _archive(archive, journal, staged.path, staged.data, result, on_conflict)
                    results.append(result)
                    if progress:
                        progress(len(results), len(files), result)
        archive.record(journal)
    return results


# --- batches: extraction in worker processes, one transaction per batch ----------------------


@dataclass(frozen=True)
class _Staged:
    """One file read and extracted, ready to store; `failed` when it never gets that far."""

    path: Path
    data: bytes | None = None
    sha256: str = ""
    text_chars: int = 0
    report: Report | None = None
    failed: LoadResult | None = None


def _analyse_file(path: Path, archive: Archive | None = None) -> _Staged:
    """Read, extract and check one file (in a worker process for big batches); with `archive`,
    keep its bytes there already (content-addressed, so a file that turns out unchanged or
    fails to store only leaves bytes the archive may hold anyway; the journal decides)."""
    try:
        data = read_bytes(path)
    except ReadError as exc:
        return _Staged(path, failed=LoadResult(path, "failed", exc.problem))
    try:
        text = sandbox.read_text(path, data)  # pdf/docx parsed under time and memory limits
    except ReadError as exc:
        return _Staged(path, data, failed=LoadResult(path, "failed", exc.problem))
    report = analyse_text(text)
    if report.department is None or report.year is None:
        problem = "未能从标题识别部门名称或年度（应形如“2020年度XX局整体支出绩效自评报告”）"
        return _Staged(path, data, failed=LoadResult(path, "failed", problem))
    sha256 = hashlib.sha256(data).hexdigest()
    if archive is not None:
        archive.put(data, sha256, path.suffix)
    return _Staged(path, data, sha256, len(text), report)


# Extraction is pure CPU (regex passes): for this many files or more, worker processes forked
# before the database opens (so no DuckDB thread is forked) extract while the parent stores.
_PARALLEL_FROM = 32
_BATCH_FILES = 2000
_BATCH_BYTES = 64 * 1024 * 1024


@contextlib.contextmanager
def _analyser(count: int, archive: Archive) -> Iterator[Callable[[list[Path]], Iterator[_Staged]]]:
    """A function files -> _Staged in file order: in worker processes when it pays."""
    import multiprocessing

    analyse = functools.partial(_analyse_file, archive=archive)
    workers = min(len(os.sched_getaffinity(0)), 8) if count >= _PARALLEL_FROM else 1
    # Fork only a single-threaded process (the CLI): a thread of a server (the app) could hold
    # a lock at the fork that the child then waits on forever.
    single = threading.active_count() == 1
    if workers < 2 or not single or "fork" not in multiprocessing.get_all_start_methods():
        yield lambda files: map(analyse, files)
        return
    pool = multiprocessing.get_context("fork").Pool(workers)
    try:
        yield lambda files: pool.imap(analyse, files, chunksize=8)
    finally:
        pool.terminate()
        pool.join()


@contextlib.contextmanager
def _few_gc_pauses() -> Iterator[None]:
    """The cycle collector off while a load runs. A batch holds thousands of extracted reports,
    which every full collection walked again: ~15% of a 1,000-report load's CPU (bench L1).
    Extraction makes next to no reference cycles; the collector runs as usual afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _batches(staged: Iterable[_Staged]) -> Iterator[list[_Staged]]:
    """Consecutive runs of files, bounded in count and bytes held in memory."""
    batch: list[_Staged] = []
    size = 0
    for item in staged:
        batch.append(item)
        size += len(item.data or b"")
        if len(batch) >= _BATCH_FILES or size >= _BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _store_batch(
    con: duckdb.DuckDBPyConnection, batch: list[_Staged], on_conflict: OnConflict
) -> list[LoadResult]:
    """Store a batch in one transaction; when that fails, each report in its own, so only the
    report that cannot be written is left out (with its error) and the rest load."""
    ready = [s for s in batch if s.failed is None]
    stored: list[LoadResult] = []
    if len(ready) > 1:
        try:
            con.execute("BEGIN TRANSACTION")
            stored = _store_all(con, ready, on_conflict)
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            stored = []
    if not stored:
        stored = [
            _load_report(
                con,
                s.path,
                s.sha256,
                s.text_chars,
                s.report,
                on_conflict,
                origin="report",
                source=None,
                loaded_at=None,
            )
            for s in ready
            if s.report is not None
        ]
    results = iter(stored)
    return [s.failed or next(results) for s in batch]


def _store_all(
    con: duckdb.DuckDBPyConnection, batch: list[_Staged], on_conflict: OnConflict
) -> list[LoadResult]:
    """What _store does report by report, for a whole batch in a few statements.

    The choices (unchanged, restored, history or current) are made here in file order against
    the rows they depend on: documents with a batch file's hash, and the current documents of
    every name of a batch department (department_aliases, as _NAMES_OF_DEPARTMENT reads it).
    """
    alias_of = dict(con.execute("SELECT alias, department FROM department_aliases").fetchall())
    aliases: dict[str, set[str]] = {}
    for alias, department in alias_of.items():
        aliases.setdefault(department, set()).add(alias)

    def names(department: str) -> set[str]:
        canonical = alias_of.get(department, department)
        return aliases.get(canonical, set()) | {canonical}

    every_name = sorted({n for s in batch if s.report for n in names(s.report.department or "")})
    docs: dict[int, _Doc] = {}
    for document_id, sha256, department, year, is_current, file_name in con.execute(
        "SELECT document_id, sha256, department, year, is_current, file_name FROM documents"
        " WHERE sha256 IN (SELECT unnest(?)) OR (is_current AND department IN (SELECT unnest(?)))",
        [[s.sha256 for s in batch], every_name],
    ).fetchall():
        docs[document_id] = _Doc(sha256, department, year, is_current, file_name, is_current)
    plan = _Plan(docs, names)
    results = [plan.store(s, on_conflict) for s in batch]
    new = [(key, doc) for key, doc in docs.items() if key >= _NEW]
    taken = con.execute("SELECT nextval('document_id_seq') FROM range(?)", [len(new)])
    ids = sorted(int(r[0]) for r in taken.fetchall())
    flipped = [k for k, d in docs.items() if k < _NEW and d.is_current != d.was_current]
    if flipped:
        con.execute(
            "UPDATE documents SET is_current = NOT is_current"
            " WHERE document_id IN (SELECT unnest(?))",
            [flipped],
        )
    now = datetime.now()
    _insert_many(
        con,
        "documents",
        [
            [
                document_id,
                doc.sha256,
                doc.file_name,
                str(staged.path),
                doc.department,
                doc.year,
                doc.is_current,
                now,
                staged.text_chars,
                _title(staged.report),
                "report",
            ]
            for document_id, (_, doc) in zip(ids, new, strict=True)
            if (staged := doc.staged) is not None
        ],
        (
            "document_id",
            "sha256",
            "file_name",
            "path",
            "department",
            "year",
            "is_current",
            "loaded_at",
            "text_chars",
            "title_sentence",
            "origin",
        ),
    )
    _insert_children(
        con,
        [
            (document_id, doc.staged.report)
            for document_id, (_, doc) in zip(ids, new, strict=True)
            if doc.staged is not None and doc.staged.report is not None
        ],
    )
    return results


_NEW = 1 << 62  # keys of documents a batch adds, in file order, until they get their ids


@dataclass
class _Doc:
    sha256: str
    department: str
    year: int
    is_current: bool
    file_name: str
    was_current: bool
    staged: _Staged | None = None  # a document this batch adds


class _Plan:
    """_store's decisions, made in memory over the documents a batch can touch."""

    def __init__(self, docs: dict[int, _Doc], names: Callable[[str], set[str]]) -> None:
        self.docs = docs
        self.names = names
        self.by_sha = {d.sha256: k for k, d in docs.items()}
        self.groups: dict[tuple[str, int], list[int]] = {}
        for k, d in docs.items():
            self.groups.setdefault((d.department, d.year), []).append(k)
        self.added = 0

    def _group(self, department: str, year: int) -> list[int]:
        return [k for n in self.names(department) for k in self.groups.get((n, year), ())]

    def _current(self, department: str, year: int) -> int | None:
        found = [k for k in self._group(department, year) if self.docs[k].is_current]
        return min(found) if found else None

    def _set_current(self, department: str, year: int, key: int | None) -> None:
        for k in self._group(department, year):
            self.docs[k].is_current = k == key

    def store(self, staged: _Staged, on_conflict: OnConflict) -> LoadResult:
        report, path = staged.report, staged.path
        assert report is not None
        department, year = report.department, report.year
        assert department is not None and year is not None
        label = f"{department} {year} 年"

        def result(status: Status, message: str) -> LoadResult:
            return LoadResult(path, status, message, department, year, staged.sha256)

        same = self.by_sha.get(staged.sha256)
        current = self._current(department, year)
        if same is not None:
            if self.docs[same].is_current:
                return result("unchanged", f"已载入过（内容相同）：{label}")
            if on_conflict == "keep":
                return result(
                    "unchanged",
                    f"已作为 {label} 的历史版本保存；用 --on-conflict replace 恢复为当前版本",
                )
            self._set_current(department, year, same)
            return result("restored", f"已恢复为 {label} 的当前版本")
        make_current = current is None or on_conflict == "replace"
        if make_current and current is not None:
            self._set_current(department, year, None)
        key = _NEW + self.added
        self.added += 1
        self.docs[key] = _Doc(
            staged.sha256, department, year, make_current, path.name, False, staged
        )
        self.by_sha[staged.sha256] = key
        self.groups.setdefault((department, year), []).append(key)
        if current is None:
            return result("loaded", f"已载入：{label}")
        previous = self.docs[current].file_name
        if make_current:
            self._set_current(department, year, key)
            return result("replaced", f"已替换 {label} 的当前版本（原 {previous} 保留为历史版本）")
        return result(
            "conflict",
            f"{label} 已有另一版本 {previous}，保留当前版本，新文件存为历史版本"
            "（用 --on-conflict replace 替换）",
        )


def _title(report: Report | None) -> str | None:
    source = report.department_source if report else None
    return source.sentence if source else None


def rebuild(
    db: Path,
    *,
    progress: Callable[[int, int, LoadResult], None] | None = None,
    aliases: Path | None = None,
) -> list[LoadResult]:
    """A new database from the archive, replaying the journal; replaces `db` atomically."""
    archive = Archive(db)
    entries = archive.entries()
    source = alias_source(db, aliases)
    alias_rows = read_aliases(source or config.ALIASES_PATH)
    results: list[LoadResult] = []
    with _load_lock(db, wait=False), _working_copy(db, fresh=True) as con:
        apply_schema(con)
        store_aliases(con, alias_rows, source)
        for index, entry in enumerate(entries, start=1):
            at = _journal_time(entry)
            if entry.get("kind") == "correction":
                results.append(_replay_correction(con, entry, at))
                if progress:
                    progress(index, len(entries), results[-1])
                continue
            name = entry.get("file_name") or Path(entry["path"]).name
            suffix = entry.get("suffix", Path(entry["path"]).suffix)
            source = archive.path(entry["sha256"], suffix)
            try:
                data = read_bytes(source)
            except ReadError as exc:
                result = LoadResult(Path(name), "failed", f"存档缺失：{exc.problem}")
            else:
                result = _load_any(
                    con,
                    Path(name),
                    data,
                    entry["on_conflict"],
                    origin=entry.get("origin", "report"),
                    source=entry["path"],
                    loaded_at=at,
                )
            results.append(result)
            if progress:
                progress(index, len(entries), result)
    return results


# --- uploads, hand entry, versions and corrections: the app's writes, through the same path ---

_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f]")


def display_name(name: str) -> str:
    """The user's file name reduced to a label (never used as a path): last part, printable.

    >>> display_name("../../etc/报告.txt"), display_name("C:\\\\temp\\\\a.pdf"), display_name("")
    ('报告.txt', 'a.pdf', '未命名')
    """
    base = _UNSAFE_NAME.sub("", re.split(r"[\\/]", name)[-1]).strip()
    if base in ("", ".", ".."):
        return "未命名"
    if len(base) > 120:
        suffix = Path(base).suffix[:10]
        base = base[: 120 - len(suffix)] + suffix
    return base


def load_documents(
    documents: Iterable[Document],
    db: Path,
    *,
    on_conflict: OnConflict = "keep",
    wait: bool = False,
    progress: Progress | None = None,
) -> list[LoadResult]:
    """Load uploaded reports from their bytes, like load_paths; the names are only labels.

    Each document is (name, data) or (name, data, on_conflict). The name is reduced by
    display_name() and never opened; the type is decided by content (etl.readers).
    """
    items = [(display_name(d[0]), d[1], d[2] if len(d) == 3 else on_conflict) for d in documents]
    db.parent.mkdir(parents=True, exist_ok=True)
    archive = Archive(db)
    results: list[LoadResult] = []
    journal: list[dict[str, Any]] = []
    with _load_lock(db, wait=wait):
        with _working_copy(db) as con:
            apply_schema(con)
            for index, (name, data, choice) in enumerate(items, start=1):
                path = Path(name)
                if len(data) > MAX_FILE_BYTES:
                    size = len(data) // 1024 // 1024
                    result = LoadResult(
                        path, "failed", f"文件过大（{size} MB）：报告文件应小于 100 MB"
                    )
                else:
                    source, at = f"upload:{name}", _now()
                    result = _load_bytes(con, path, data, choice, source=source, loaded_at=at)
                    _archive(
                        archive,
                        journal,
                        Path(source),
                        data,
                        result,
                        choice,
                        file_name=name,
                        suffix=_content_suffix(path, data),
                        origin="report",
                        at=at.isoformat(),
                    )
                results.append(result)
                if progress:
                    progress(index, len(items), result)
        archive.record(journal)
    return results


def load_manual(
    name: str,
    data: bytes,
    db: Path,
    *,
    on_conflict: OnConflict = "keep",
    wait: bool = False,
    progress: Progress | None = None,
) -> tuple[list[LoadResult], list[manual.Issue]]:
    """Load a filled-in hand-entry template: one document per department-year, marked manual.

    When any row has a problem nothing is loaded and the issues come back (row, column, problem).
    """
    name = display_name(name)
    from etl import manual

    entries, issues = manual.read_template(name, data)
    if issues:
        return [], issues
    db.parent.mkdir(parents=True, exist_ok=True)
    archive = Archive(db)
    results: list[LoadResult] = []
    journal: list[dict[str, Any]] = []
    with _load_lock(db, wait=wait):
        with _working_copy(db) as con:
            apply_schema(con)
            for index, entry in enumerate(entries, start=1):
                canonical = manual.canonical_bytes(entry)
                source, at = f"manual:{name}", _now()
                result = _load_manual_bytes(
                    con, Path(name), canonical, on_conflict, source=source, loaded_at=at
                )
                _archive(
                    archive,
                    journal,
                    Path(source),
                    canonical,
                    result,
                    on_conflict,
                    file_name=name,
                    suffix=".csv",
                    origin="manual",
                    at=at.isoformat(),
                )
                results.append(result)
                if progress:
                    progress(index, len(entries), result)
        archive.record(journal)
    return results, []


def restore_version(db: Path, sha256: str, *, wait: bool = False) -> LoadResult:
    """Make an archived earlier version of a department-year current again (journaled)."""
    archive = Archive(db)
    journal: list[dict[str, Any]] = []
    with _load_lock(db, wait=wait):
        with _working_copy(db) as con:
            apply_schema(con)
            row = con.execute(
                "SELECT document_id, department, year, is_current, file_name, path, origin"
                " FROM documents WHERE sha256 = ?",
                [sha256],
            ).fetchone()
            if row is None:
                return LoadResult(Path(sha256[:12]), "failed", "没有这个版本（哈希不存在）")
            document_id, department, year, is_current, file_name, source, origin = row
            path, label = Path(file_name), f"{department} {year} 年"
            if is_current:
                return LoadResult(
                    path, "unchanged", f"已是 {label} 的当前版本", department, year, sha256
                )
            con.execute("BEGIN TRANSACTION")
            _set_current(con, department, year, document_id)
            con.execute("COMMIT")
        stored = archive.find(sha256)
        journal.append(
            {
                "sha256": sha256,
                "path": source,
                "file_name": file_name,
                "department": department,
                "year": year,
                "status": "restored",
                "on_conflict": "replace",
                "origin": origin,
                "suffix": stored.suffix if stored else Path(file_name).suffix,
                "at": _now().isoformat(),
            }
        )
        archive.record(journal)
    note = "" if stored else "（注意：存档中没有该版本的原文件，重建数据库时无法恢复）"
    return LoadResult(
        path, "restored", f"已恢复为 {label} 的当前版本{note}", department, year, sha256
    )


def correct_figure(
    db: Path,
    sha256: str,
    section: str,
    item: str,
    value: Decimal | str | None,
    reason: str,
    *,
    wait: bool = False,
) -> LoadResult:
    """Record a correction of one figure of a version, beside the extracted value (journaled).

    `value` None withdraws the earlier corrections of that figure (the extracted value applies
    again). Amounts are 万元, staffing persons. The extracted value is never changed.
    """
    reason = " ".join(reason.split())
    try:
        amount = _correction_value(section, item, value)
    except ValueError as exc:
        return LoadResult(Path(sha256[:12]), "failed", str(exc))
    if not reason:
        return LoadResult(Path(sha256[:12]), "failed", "请填写更正理由")
    at = _now()
    entry = {
        "kind": "correction",
        "sha256": sha256,
        "section": section,
        "item": item,
        "value": None if amount is None else format(amount, "f"),
        "reason": reason[:500],
        "at": at.isoformat(timespec="seconds"),
    }
    archive = Archive(db)
    with _load_lock(db, wait=wait):
        with _working_copy(db) as con:
            apply_schema(con)
            result = _replay_correction(con, entry, at)
        if result.ok:
            archive.record([entry])
    return result


def _correction_value(section: str, item: str, value: Decimal | str | None) -> Decimal | None:
    if (section, item) not in FIGURE_SLOTS:
        raise ValueError(f"不能更正的指标：{section}.{item}")
    if value is None:
        return None
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise ValueError(f"“{value}”不是数字") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError("数值应为不小于 0 的数字")
    if amount >= Decimal("1e12"):
        raise ValueError("数值过大")
    if section == "staffing" and amount != amount.to_integral_value():
        raise ValueError("人数应为整数")
    if amount != amount.quantize(Decimal("0.000001")):
        raise ValueError("小数位过多：金额最多精确到 0.000001 万元")
    return amount


def _replay_correction(
    con: duckdb.DuckDBPyConnection, entry: dict[str, Any], at: datetime | None
) -> LoadResult:
    sha256 = entry["sha256"]
    row = con.execute(
        "SELECT document_id, department, year, file_name FROM documents WHERE sha256 = ?",
        [sha256],
    ).fetchone()
    if row is None:
        return LoadResult(Path(sha256[:12]), "failed", "更正的报告版本不在数据库中")
    document_id, department, year, file_name = row
    section, item = entry["section"], entry["item"]
    value = None if entry["value"] is None else Decimal(entry["value"])
    try:
        con.execute("BEGIN TRANSACTION")
        con.execute(
            "INSERT INTO corrections (document_id, section, item, value, unit, reason,"
            " corrected_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                document_id,
                section,
                item,
                value,
                "人" if section == "staffing" else "万元",
                entry["reason"],
                at or datetime.now(),
            ],
        )
        con.execute("COMMIT")
    except Exception as exc:
        con.execute("ROLLBACK")
        return LoadResult(Path(file_name), "failed", f"写入数据库失败：{exc}", department, year)
    what = "撤销更正" if value is None else f"更正为 {format(value, 'f')}"
    return LoadResult(
        Path(file_name),
        "corrected",
        f"{department} {year} 年 {section}.{item} 已{what}",
        department,
        year,
        sha256,
    )


def _now() -> datetime:
    """Load and correction times to the second: what the journal keeps, so a rebuild matches."""
    return datetime.now().replace(microsecond=0)


def _journal_time(entry: dict[str, Any]) -> datetime | None:
    try:
        return datetime.fromisoformat(entry["at"])
    except (KeyError, TypeError, ValueError):
        return None


def _content_suffix(path: Path, data: bytes) -> str:
    """The archive suffix from the content (.pdf/.docx/.txt), not from the user's file name."""
    from etl.readers import detect_kind

    try:
        return "." + detect_kind(path, data)
    except ReadError:
        return path.suffix.lower()


def _archive(
    archive: Archive,
    journal: list[dict[str, Any]],
    path: Path,
    data: bytes,
    result: LoadResult,
    on_conflict: OnConflict,
    **extra: Any,
) -> None:
    """Keep the bytes and journal the load; `extra` (origin, suffix, file_name, at) goes along."""
    if result.status in ("failed", "unchanged"):
        return
    sha256 = hashlib.sha256(data).hexdigest()
    archive.put(data, sha256, extra.get("suffix", path.suffix))
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
        | extra
    )


def _load_bytes(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    data: bytes,
    on_conflict: OnConflict,
    *,
    source: str | None = None,
    loaded_at: datetime | None = None,
) -> LoadResult:
    try:
        text = sandbox.read_text(path, data)  # pdf/docx parsed under time and memory limits
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
    return _load_report(
        con,
        path,
        sha256,
        len(text),
        report,
        on_conflict,
        origin="report",
        source=source,
        loaded_at=loaded_at,
    )


def _load_manual_bytes(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    data: bytes,
    on_conflict: OnConflict,
    *,
    source: str | None = None,
    loaded_at: datetime | None = None,
) -> LoadResult:
    """One department-year in the template's canonical CSV (what load_manual archives)."""
    from etl import manual

    entries, issues = manual.read_template(path.name, data)
    if issues or len(entries) != 1:
        problems = "；".join(i.message() for i in issues[:3]) or "应恰好包含一个部门年度"
        return LoadResult(path, "failed", f"手工录入数据无法读取：{problems}")
    report = manual.entry_report(entries[0])
    sha256 = hashlib.sha256(data).hexdigest()
    text_chars = len(data.decode("utf-8-sig"))
    return _load_report(
        con,
        path,
        sha256,
        text_chars,
        report,
        on_conflict,
        origin="manual",
        source=source,
        loaded_at=loaded_at,
    )


def _load_any(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    data: bytes,
    on_conflict: OnConflict,
    *,
    origin: Origin,
    source: str | None = None,
    loaded_at: datetime | None = None,
) -> LoadResult:
    load = _load_manual_bytes if origin == "manual" else _load_bytes
    return load(con, path, data, on_conflict, source=source, loaded_at=loaded_at)


def _load_report(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    sha256: str,
    text_chars: int,
    report: Report,
    on_conflict: OnConflict,
    *,
    origin: Origin,
    source: str | None,
    loaded_at: datetime | None,
) -> LoadResult:
    """Store one extracted report in its own transaction; the shared path of every load."""
    try:
        con.execute("BEGIN TRANSACTION")
        result = _store(
            con,
            path,
            sha256,
            text_chars,
            report,
            on_conflict,
            origin=origin,
            source=source,
            loaded_at=loaded_at,
        )
        con.execute("COMMIT")
    except Exception as exc:
        con.execute("ROLLBACK")
        return LoadResult(path, "failed", f"写入数据库失败：{exc}", report.department, report.year)
    return dataclasses.replace(result, sha256=sha256)


def _store(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    sha256: str,
    text_chars: int,
    report: Report,
    on_conflict: OnConflict,
    *,
    origin: Origin = "report",
    source: str | None = None,
    loaded_at: datetime | None = None,
) -> LoadResult:
    department, year = report.department, report.year
    assert department is not None and year is not None
    label = f"{department} {year} 年"
    same = con.execute(
        "SELECT document_id, is_current FROM documents WHERE sha256 = ?", [sha256]
    ).fetchone()
    # The same department-year under any of its names (data/department_aliases.csv).
    current = con.execute(
        "SELECT document_id, file_name FROM documents"
        f" WHERE department IN ({_NAMES_OF_DEPARTMENT}) AND year = ? AND is_current",
        [department, department, year],
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
    document_id = _insert_report(
        con,
        path,
        sha256,
        text_chars,
        report,
        make_current,
        origin=origin,
        source=source,
        loaded_at=loaded_at,
    )
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
        f" WHERE department IN ({_NAMES_OF_DEPARTMENT}) AND year = ?",
        [document_id, department, department, year],
    )


def _insert_report(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    sha256: str,
    text_chars: int,
    report: Report,
    is_current: bool,
    *,
    origin: Origin = "report",
    source: str | None = None,
    loaded_at: datetime | None = None,
) -> int:
    title = report.department_source.sentence if report.department_source else None
    row = con.execute(
        "INSERT INTO documents (sha256, file_name, path, department, year, is_current,"
        " loaded_at, text_chars, title_sentence, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " RETURNING document_id",
        [
            sha256,
            path.name,
            source or str(path),
            report.department,
            report.year,
            is_current,
            loaded_at or datetime.now(),
            text_chars,
            title,
            origin,
        ],
    ).fetchone()
    assert row is not None
    document_id = int(row[0])
    _insert_children(con, [(document_id, report)])
    return document_id


def _insert_children(con: duckdb.DuckDBPyConnection, reports: list[tuple[int, Report]]) -> None:
    """The rows of every table under documents for these (document_id, report) pairs: one
    INSERT per table for all of them."""
    _insert_many(con, "synthetic_documents", [[i] for i, r in reports if r.synthetic])
    _insert_many(
        con,
        "figures",
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
            for document_id, report in reports
            for f in report.figures.values()
        ],
    )
    _insert_many(
        con,
        "fund_sources",
        [
            [document_id, i, f.level, f.amount_wan, f.wording, *_span(f.source)]
            for document_id, report in reports
            for i, f in enumerate(report.fund_sources, start=1)
        ],
    )
    _insert_many(
        con,
        "projects",
        [
            [document_id, i, p.name, p.amount_wan, p.purpose, *_span(p.source)]
            for document_id, report in reports
            for i, p in enumerate(report.projects, start=1)
        ],
    )
    _insert_many(
        con,
        "checks",
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
            for document_id, report in reports
            for i, c in enumerate(report.checks, start=1)
        ],
    )


def _span(source: Any) -> list[Any]:
    return [
        source.sentence,
        source.sentence_start,
        source.sentence_end,
        source.value_start,
        source.value_end,
    ]


def _insert_many(
    con: duckdb.DuckDBPyConnection,
    table: str,
    rows: list[list[Any]],
    columns: tuple[str, ...] | None = None,
) -> None:
    """All rows in one INSERT: one list parameter per column, unnested side by side, each cast
    to its column's type (DECIMAL ones go in as exact strings). A statement per report, or per
    row, was most of a load's time (bench L1); Python values become DuckDB values here at ~1 us
    each. `table` comes from this module, never from input; the values stay parameters."""
    if not rows:
        return
    types = dict(
        con.execute(
            "SELECT column_name, data_type FROM duckdb_columns()"
            " WHERE schema_name = 'main' AND table_name = ? ORDER BY column_index",
            [table],
        ).fetchall()
    )
    names = columns or tuple(types)
    params: list[list[Any]] = []
    for index, name in enumerate(names):
        values = [row[index] for row in rows]
        if types[name].startswith("DECIMAL"):
            values = [None if v is None else format(v, "f") for v in values]
        params.append(values)
    casts = ", ".join(f"CAST(unnest(?) AS {types[name]})" for name in names)
    con.execute(f"INSERT INTO {table} ({', '.join(names)}) SELECT {casts}", params)


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
        refresh_summaries(con)
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
