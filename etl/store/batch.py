"""Many report files at once: extraction in worker processes, one transaction per batch; and the
one place the version decisions are made (_Plan), for a batch, one document or a restore."""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import itertools
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from etl import labels, records, sandbox
from etl.model import Report
from etl.readers import ReadError, read_bytes
from etl.store.archive import Archive
from etl.store.records import assign as assign_records
from etl.store.versions import (
    DOCUMENT_COLUMNS,
    NOTHING_GIVEN,
    Given,
    LoadResult,
    OnConflict,
    Origin,
    Status,
    analyse_text,
    document_row,
    insert_children,
    insert_many,
)


@dataclass(frozen=True)
class Staged:
    """One file read and extracted, ready to store; `failed` when it never gets that far.
    `origin`, `source` (the path recorded), `loaded_at` and `on_conflict` (the user's own choice
    for this file) default to a report file loaded now under the load's choice."""

    path: Path
    data: bytes | None = None
    sha256: str = ""
    text_chars: int = 0
    report: Report | None = None
    failed: LoadResult | None = None
    origin: Origin = "report"
    source: str | None = None
    loaded_at: datetime | None = None
    on_conflict: OnConflict | None = None

    @property
    def part(self) -> str:
        """Its identity within its department-year (etl.records.document_part)."""
        assert self.report is not None
        names = [p.name for p in self.report.projects]
        return records.document_part(self.report.kind, self.origin, names)


def analyse_file(
    path: Path, archive: Archive | None = None, given: Given = NOTHING_GIVEN
) -> Staged:
    """Read, extract and check one file (in a worker process for big batches); with `archive`,
    keep its bytes there already (content-addressed, so a file that turns out unchanged or
    fails to store only leaves bytes the archive may hold anyway; the journal decides)."""
    ((_, data),) = _opened([path])
    return _analysed(path, data, next(sandbox.read_texts([(path, data)], jobs=1)), archive, given)


def _opened(files: Iterable[Path]) -> Iterator[tuple[Path, bytes | ReadError]]:
    for path in files:
        try:
            yield path, read_bytes(path)
        except ReadError as exc:
            yield path, exc


def _analyse_in_order(files: list[Path], archive: Archive | None, given: Given) -> Iterator[Staged]:
    """analyse_file for each file in this process, pdf/docx parsed a few at a time."""
    ours, theirs = itertools.tee(_opened(files))
    for (path, data), text in zip(ours, sandbox.read_texts(theirs), strict=True):
        yield _analysed(path, data, text, archive, given)


def _analysed(
    path: Path,
    data: bytes | ReadError,
    text: str | ReadError,
    archive: Archive | None,
    given: Given,
) -> Staged:
    if isinstance(data, ReadError):
        return Staged(path, failed=LoadResult(path, "failed", data.problem))
    if isinstance(text, ReadError):  # pdf/docx parsed under time and memory limits
        return Staged(path, data, failed=LoadResult(path, "failed", text.problem))
    report = analyse_text(text, given)
    if report.department is None or report.year is None:
        return Staged(path, data, failed=LoadResult(path, "failed", labels.no_identity(report)))
    sha256 = hashlib.sha256(data).hexdigest()
    if archive is not None:
        archive.put(data, sha256, path.suffix)
    return Staged(path, data, sha256, len(text), report)


# Extraction is pure CPU (regex passes): for this many files or more, worker processes forked
# before the database opens (so no DuckDB thread is forked) extract while the parent stores.
PARALLEL_FROM = 32


_BATCH_FILES = 2000


_BATCH_BYTES = 64 * 1024 * 1024


@contextlib.contextmanager
def analyser(
    files: list[Path], archive: Archive, given: Given = NOTHING_GIVEN
) -> Iterator[Callable[[list[Path]], Iterator[Staged]]]:
    """A function files -> Staged in file order: in worker processes when it pays."""
    import multiprocessing

    workers = min(len(os.sched_getaffinity(0)), 8) if len(files) >= PARALLEL_FROM else 1
    # Fork only a single-threaded process (the CLI): a thread of a server (the app) could hold
    # a lock at the fork that the child then waits on forever.
    single = threading.active_count() == 1
    if workers < 2 or not single or "fork" not in multiprocessing.get_all_start_methods():
        yield lambda batch: _analyse_in_order(batch, archive, given)
        return
    if any(path.suffix.lower() in (".pdf", ".docx") for path in files):
        sandbox.start()  # one fork server for every worker, this process's child
    analyse = functools.partial(analyse_file, archive=archive, given=given)
    pool = multiprocessing.get_context("fork").Pool(workers)
    try:
        yield lambda batch: pool.imap(analyse, batch, chunksize=8)
    finally:
        pool.terminate()
        pool.join()


@contextlib.contextmanager
def few_gc_pauses() -> Iterator[None]:
    """The cycle collector off while a load runs. A batch holds thousands of extracted reports,
    which every full collection walked again (a sizeable share of a load's CPU: docs/scaling.md).
    Extraction makes next to no reference cycles; the collector runs as usual afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def batches(staged: Iterable[Staged]) -> Iterator[list[Staged]]:
    """Consecutive runs of files, bounded in count and bytes held in memory."""
    batch: list[Staged] = []
    size = 0
    for item in staged:
        batch.append(item)
        size += len(item.data or b"")
        if len(batch) >= _BATCH_FILES or size >= _BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def store_batch(
    con: duckdb.DuckDBPyConnection, batch: list[Staged], on_conflict: OnConflict
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
        stored = [store_one(con, s, on_conflict) for s in ready]
    results = iter(stored)
    return [s.failed or next(results) for s in batch]


def store_one(
    con: duckdb.DuckDBPyConnection, staged: Staged, on_conflict: OnConflict
) -> LoadResult:
    """One document in its own transaction: the same decisions as a batch of one."""
    report = staged.report
    assert report is not None
    try:
        con.execute("BEGIN TRANSACTION")
        (result,) = _store_all(con, [staged], on_conflict)
        con.execute("COMMIT")
    except Exception as exc:
        con.execute("ROLLBACK")
        return LoadResult(
            staged.path, "failed", f"写入数据库失败：{exc}", report.department, report.year
        )
    return result


def restore(con: duckdb.DuckDBPyConnection, sha256: str) -> LoadResult | None:
    """Make the stored version with this hash the current one of its part (None: no such
    version), in its own transaction, as a load of the same bytes with --on-conflict replace."""
    row = con.execute(
        "SELECT department, year, part, file_name FROM documents WHERE sha256 = ?", [sha256]
    ).fetchone()
    if row is None:
        return None
    department, year, part, file_name = row
    con.execute("BEGIN TRANSACTION")
    try:
        plan = _Plan.around(con, [(department, year)], [sha256])
        result = plan.restore(sha256, Path(file_name), department, year, part)
        plan.write(con)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return result


def _store_all(
    con: duckdb.DuckDBPyConnection, batch: list[Staged], on_conflict: OnConflict
) -> list[LoadResult]:
    """The version decisions for a whole batch in a few statements (the only place they are
    made: folder loads, uploads, hand entry, restores and rebuilds all come here).

    The choices (unchanged, restored, history or current) are made in file order against the
    rows they depend on: documents with a batch file's hash, and the current documents of every
    name of a batch department (department_aliases, as NAMES_OF_DEPARTMENT reads it). A version
    replaces only the version of its own part (etl.records.document_part); a document of another
    part joins its department-year's record.
    """
    groups = [
        (s.report.department, s.report.year)
        for s in batch
        if s.report and s.report.department and s.report.year
    ]
    plan = _Plan.around(con, groups, [s.sha256 for s in batch])
    results = [plan.store(s, s.on_conflict or on_conflict) for s in batch]
    plan.write(con)
    return results


_NEW = 1 << 62  # keys of documents a batch adds, in file order, until they get their ids


@dataclass
class _Doc:
    sha256: str
    department: str  # canonical (aliases applied)
    year: int
    part: str
    is_current: bool
    file_name: str
    was_current: bool
    staged: Staged | None = None  # a document this batch adds


class _Plan:
    """The version decisions, made in memory over the documents a batch can touch, then written
    (write): currency flips, new documents with their rows, and the records of every
    department-year touched (etl.store.records.assign)."""

    def __init__(self, docs: dict[int, _Doc], canonical: Callable[[str], str]) -> None:
        self.docs = docs
        self.canonical = canonical
        self.by_sha = {d.sha256: k for k, d in docs.items()}
        self.groups: dict[tuple[str, int, str], list[int]] = {}
        for k, d in docs.items():
            self.groups.setdefault((d.department, d.year, d.part), []).append(k)
        self.added = 0
        self.touched: set[tuple[str, int]] = set()

    @classmethod
    def around(
        cls, con: duckdb.DuckDBPyConnection, groups: list[tuple[str, int]], hashes: list[str]
    ) -> _Plan:
        """A plan over the documents with these hashes and the current ones of these
        department-years under any of their names."""
        alias_of = dict(con.execute("SELECT alias, department FROM department_aliases").fetchall())
        aliases: dict[str, set[str]] = {}
        for alias, department in alias_of.items():
            aliases.setdefault(department, set()).add(alias)

        def canonical(department: str) -> str:
            return str(alias_of.get(department, department))

        names = sorted(
            {n for d, _ in groups for n in aliases.get(canonical(d), set()) | {canonical(d)}}
        )
        docs: dict[int, _Doc] = {}
        for document_id, sha256, department, year, part, is_current, file_name in con.execute(
            "SELECT document_id, sha256, department, year, part, is_current, file_name"
            " FROM documents WHERE sha256 IN (SELECT unnest(?))"
            " OR (is_current AND department IN (SELECT unnest(?)))",
            [hashes, names],
        ).fetchall():
            docs[document_id] = _Doc(
                sha256, canonical(department), year, part, is_current, file_name, is_current
            )
        return cls(docs, canonical)

    def _current(self, group: tuple[str, int, str]) -> int | None:
        found = [k for k in self.groups.get(group, ()) if self.docs[k].is_current]
        return min(found) if found else None

    def _set_current(self, group: tuple[str, int, str], key: int | None) -> None:
        for k in self.groups.get(group, ()):
            self.docs[k].is_current = k == key
        self.touched.add(group[:2])

    def restore(self, sha256: str, path: Path, department: str, year: int, part: str) -> LoadResult:
        key = self.by_sha[sha256]
        label = _label(department, year, part)
        if self.docs[key].is_current:
            return LoadResult(
                path, "unchanged", f"已是 {label} 的当前版本", department, year, sha256
            )
        self._set_current((self.docs[key].department, year, self.docs[key].part), key)
        return LoadResult(
            path, "restored", f"已恢复为 {label} 的当前版本", department, year, sha256
        )

    def store(self, staged: Staged, on_conflict: OnConflict) -> LoadResult:
        report, path = staged.report, staged.path
        assert report is not None
        department, year = report.department, report.year
        assert department is not None and year is not None
        part = staged.part
        label = _label(department, year, part)
        group = (self.canonical(department), year, part)

        def result(status: Status, message: str) -> LoadResult:
            return LoadResult(path, status, message, department, year, staged.sha256)

        same = self.by_sha.get(staged.sha256)
        if same is not None:
            if self.docs[same].is_current:
                return result("unchanged", f"已载入过（内容相同）：{label}")
            if on_conflict == "keep":
                return result(
                    "unchanged",
                    f"已作为 {label} 的历史版本保存；用 --on-conflict replace 恢复为当前版本",
                )
            self._set_current((self.docs[same].department, year, self.docs[same].part), same)
            return result("restored", f"已恢复为 {label} 的当前版本")
        current = self._current(group)
        make_current = current is None or on_conflict == "replace"
        if make_current and current is not None:
            self._set_current(group, None)
        key = _NEW + self.added
        self.added += 1
        self.docs[key] = _Doc(
            staged.sha256, group[0], year, part, make_current, path.name, False, staged
        )
        self.by_sha[staged.sha256] = key
        self.groups.setdefault(group, []).append(key)
        self.touched.add(group[:2])
        if current is None:
            return result("loaded", f"已载入：{label}")
        previous = self.docs[current].file_name
        if make_current:
            self._set_current(group, key)
            return result("replaced", f"已替换 {label} 的当前版本（原 {previous} 保留为历史版本）")
        return result(
            "conflict",
            f"{label} 已有另一版本 {previous}，保留当前版本，新文件存为历史版本"
            "（用 --on-conflict replace 替换）",
        )

    def write(self, con: duckdb.DuckDBPyConnection) -> None:
        new = [(key, doc) for key, doc in self.docs.items() if key >= _NEW]
        taken = con.execute("SELECT nextval('document_id_seq') FROM range(?)", [len(new)])
        ids = sorted(int(r[0]) for r in taken.fetchall())
        flipped = [k for k, d in self.docs.items() if k < _NEW and d.is_current != d.was_current]
        if flipped:
            con.execute(
                "UPDATE documents SET is_current = NOT is_current"
                " WHERE document_id IN (SELECT unnest(?))",
                [flipped],
            )
        now = datetime.now()
        stored = [
            (document_id, doc, staged, staged.report)
            for document_id, (_, doc) in zip(ids, new, strict=True)
            if (staged := doc.staged) is not None and staged.report is not None
        ]
        insert_many(
            con,
            "documents",
            [
                [
                    document_id,
                    *document_row(
                        report,
                        sha256=doc.sha256,
                        file_name=doc.file_name,
                        path=staged.source or str(staged.path),
                        is_current=doc.is_current,
                        loaded_at=staged.loaded_at or now,
                        text_chars=staged.text_chars,
                        origin=staged.origin,
                        part=doc.part,
                    ),
                ]
                for document_id, doc, staged, report in stored
            ],
            ("document_id", *DOCUMENT_COLUMNS),
        )
        insert_children(con, [(document_id, report) for document_id, _, _, report in stored])
        assign_records(con, self.touched)


def _label(department: str, year: int, part: str) -> str:
    """A part of a department-year in words: 某局 2021 年部门决算 (项目自评表: with its projects)."""
    kind, _, projects = part.partition(":")
    what = labels.kind_label(kind)
    if projects:
        what += f"（{projects.replace('|', '、')}）"
    return f"{department} {year} 年{what}"
