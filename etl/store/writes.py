"""The writes: report files, uploads, hand entry, restores and rebuilds, each through a working copy
of the database (files.py), archived by content hash and journaled (archive.py)."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from etl import config, labels, sandbox
from etl.model import Report
from etl.readers import MAX_FILE_BYTES, SUPPORTED_SUFFIXES, ReadError, read_bytes
from etl.store import access
from etl.store.access import Actor
from etl.store.aliases import (
    alias_source,
    read_aliases,
    store_aliases,
)
from etl.store.archive import Archive
from etl.store.batch import (
    Staged,
    analyser,
    batches,
    few_gc_pauses,
    restore,
    store_batch,
    store_one,
)
from etl.store.corrections import replay_correction
from etl.store.review import JOURNAL_KINDS as REVIEW_KINDS
from etl.store.review import replay_review
from etl.store.step import Write, write_step
from etl.store.versions import (
    NOTHING_GIVEN,
    Document,
    Given,
    LoadResult,
    OnConflict,
    Origin,
    Progress,
    analyse_text,
    now,
)

if TYPE_CHECKING:
    from etl import manual


def journal_time(entry: dict[str, Any]) -> datetime | None:
    try:
        return datetime.fromisoformat(entry["at"])
    except (KeyError, TypeError, ValueError):
        return None


def content_suffix(path: Path, data: bytes) -> str:
    """The archive suffix from the content (.pdf/.docx/.txt), not from the user's file name."""
    from etl.readers import detect_kind

    try:
        return "." + detect_kind(path, data)
    except ReadError:
        return path.suffix.lower()


def archive_write(
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


def read_document(
    path: Path, data: bytes, origin: Origin, given: Given = NOTHING_GIVEN
) -> tuple[Report, int] | LoadResult:
    """A document's extracted report and text length, or why it cannot be loaded: a report
    file (type by content, pdf/docx parsed under time and memory limits; the department and year
    the user gave stand for the document's own), or one department-year in the hand-entry
    template's canonical CSV (what load_manual archives)."""
    if origin == "manual":
        from etl import manual

        entries, issues = manual.read_template(path.name, data)
        if issues or len(entries) != 1:
            problems = "；".join(i.message() for i in issues[:3]) or "应恰好包含一个部门年度"
            return LoadResult(path, "failed", f"手工录入数据无法读取：{problems}")
        return manual.entry_report(entries[0]), len(data.decode("utf-8-sig"))
    try:
        text = sandbox.read_text(path, data)
    except ReadError as exc:
        return LoadResult(path, "failed", exc.problem)
    report = analyse_text(text, given)
    if report.department is None or report.year is None:
        return LoadResult(path, "failed", labels.no_identity(report))
    return report, len(text)


def load_any(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    data: bytes,
    on_conflict: OnConflict,
    *,
    origin: Origin,
    source: str | None = None,
    loaded_at: datetime | None = None,
    given: Given = NOTHING_GIVEN,
) -> LoadResult:
    """Read one document's bytes and store it in its own transaction."""
    read = read_document(path, data, origin, given)
    if isinstance(read, LoadResult):
        return read
    report, text_chars = read
    staged = Staged(
        path, data, hashlib.sha256(data).hexdigest(), text_chars, report,
        origin=origin, source=source, loaded_at=loaded_at,
    )  # fmt: skip
    return store_one(con, staged, on_conflict)


def _given_entry(given: Given) -> dict[str, Any]:
    """The journal's record of what the user gave (nothing when the document named itself)."""
    return {"given": given.to_json()} if given else {}


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
    aliases: Path | None = None,
    fresh: bool = False,
    given: Given = NOTHING_GIVEN,
    actor: Actor | None = None,
) -> list[LoadResult]:
    """Load report files into `db`, one transaction per report, and swap the result in.

    `actor` (default: the operating-system user) needs 填报 for each file's department (a file
    of another department fails with the refusal) and 管理 when the aliases change.

    The department aliases replace the ones in the database first: from `aliases` (remembered
    for `db`), else the file `db` was last given, else data/department_aliases.csv. `fresh`
    starts from an empty database instead of a copy of `db`. `given` (the user's department
    and year) stands for what every file says, and is journaled so a rebuild reads them so too.
    """
    files = report_files(paths)
    source = alias_source(db, aliases)
    alias_rows = read_aliases(source or config.ALIASES_PATH)
    results: list[LoadResult] = []
    # The workers are forked under the lock, before the database opens.
    workers = _analysing(files, Archive(db), given)
    with write_step(
        db, wait=wait, fresh=fresh, before_open=workers, actor=actor, role="submit",
        what="载入报告文件",
    ) as write:  # fmt: skip
        analyse = write.ready
        store_aliases(write.con, alias_rows, source, guard=lambda: write.require("admin", None))
        for analysed in batches(analyse(files)):
            batch = [_permitted(write, staged) for staged in analysed]
            stored = store_batch(write.con, batch, on_conflict)
            for staged, result in zip(batch, stored, strict=True):
                if staged.data is not None:
                    archive_write(
                        write.archive,
                        write.journal,
                        staged.path,
                        staged.data,
                        result,
                        on_conflict,
                        **_given_entry(given),
                    )
                results.append(result)
                if progress:
                    progress(len(results), len(files), result)
    return results


def _permitted(write: Write, staged: Staged) -> Staged:
    """`staged` when the writer may 填报 for its department, else failed with the refusal."""
    report = staged.report
    if staged.failed is not None or report is None:
        return staged
    refused = write.allowed("submit", report.department)
    if refused is None:
        return staged
    failed = LoadResult(staged.path, "failed", str(refused), report.department, report.year)
    return Staged(staged.path, staged.data, failed=failed)


@contextlib.contextmanager
def _analysing(
    files: list[Path], archive: Archive, given: Given
) -> Iterator[Callable[[list[Path]], Iterator[Staged]]]:
    with few_gc_pauses(), analyser(files, archive, given) as analyse:
        yield analyse


def rebuild(
    db: Path,
    *,
    progress: Callable[[int, int, LoadResult], None] | None = None,
    aliases: Path | None = None,
    actor: Actor | None = None,
) -> list[LoadResult]:
    """A new database from the archive, replaying the journal (loads, corrections, role changes
    and who made each); replaces `db` atomically. Needs 管理."""
    archive = Archive(db)
    entries = archive.entries()
    # Role and review entries give no result of their own: progress counts loads and corrections.
    silent = (access.ROLE_ENTRY, *REVIEW_KINDS)
    steps = sum(1 for e in entries if e.get("kind") not in silent)
    source = alias_source(db, aliases)
    alias_rows = read_aliases(source or config.ALIASES_PATH)
    results: list[LoadResult] = []
    # Replays the journal, so it journals nothing itself.
    with write_step(
        db, wait=False, fresh=True, actor=actor, role="admin", what="重建数据库"
    ) as write:
        con = write.con
        store_aliases(con, alias_rows, source)
        waiting: list[Staged] = []  # loads since the last correction, stored as one batch

        def flush() -> None:
            for result in store_batch(con, waiting, "keep"):
                results.append(result)
                if progress:
                    progress(len(results), steps, result)
            waiting.clear()

        for entry in entries:
            at = journal_time(entry)
            if entry.get("kind") == access.ROLE_ENTRY:
                access.replay_role(con, entry)
                continue
            if entry.get("kind") == "correction":
                flush()
                results.append(replay_correction(con, entry, at))
                if progress:
                    progress(len(results), steps, results[-1])
                continue
            if entry.get("kind") in REVIEW_KINDS:
                flush()  # a review speaks of the documents loaded before it
                replay_review(con, entry, at)
                continue
            waiting.append(_replayed(archive, entry, at))
            if len(waiting) >= _REPLAY_BATCH:
                flush()
        flush()
        access.record_by(con, entries)  # who loaded and restored, as the journal says
    return results


_REPLAY_BATCH = 500  # archived files held in memory at once during a rebuild


def _replayed(archive: Archive, entry: dict[str, Any], at: datetime | None) -> Staged:
    """A journaled load read again from the archive, with the choice, origin, path, time and
    identity it was loaded with."""
    name = entry.get("file_name") or Path(entry["path"]).name
    suffix = entry.get("suffix", Path(entry["path"]).suffix)
    path = Path(name)
    try:
        data = read_bytes(archive.path(entry["sha256"], suffix))
    except ReadError as exc:
        return Staged(path, failed=LoadResult(path, "failed", f"存档缺失：{exc.problem}"))
    origin = entry.get("origin", "report")
    read = read_document(path, data, origin, Given.from_json(entry.get("given")))
    if isinstance(read, LoadResult):
        return Staged(path, data, failed=read)
    return Staged(
        path, data, hashlib.sha256(data).hexdigest(), read[1], read[0], origin=origin,
        source=entry["path"], loaded_at=at, on_conflict=entry["on_conflict"],
    )  # fmt: skip


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
    actor: Actor | None = None,
) -> list[LoadResult]:
    """Load uploaded reports from their bytes, like load_paths; the names are only labels.
    `actor` needs 填报 for each document's department (else that document fails, refused).

    Each document is (name, data), (name, data, on_conflict) or (name, data, on_conflict,
    given): `given` is the department and year the user typed in for it. The name is reduced by
    display_name() and never opened; the type is decided by content (etl.readers).
    """
    items = [
        (
            display_name(d[0]),
            d[1],
            d[2] if len(d) >= 3 else on_conflict,
            d[3] if len(d) == 4 else NOTHING_GIVEN,
        )
        for d in documents
    ]
    staged: list[Staged] = []
    for name, data, choice, given in items:
        path = Path(name)
        if len(data) > MAX_FILE_BYTES:
            size = len(data) // 1024 // 1024
            problem = f"文件过大（{size} MB）：报告文件应小于 {MAX_FILE_BYTES // 2**20} MB"
            staged.append(Staged(path, failed=LoadResult(path, "failed", problem)))
            continue
        read = read_document(path, data, "report", given)
        if isinstance(read, LoadResult):
            staged.append(Staged(path, data, failed=read))
            continue
        staged.append(
            Staged(
                path, data, hashlib.sha256(data).hexdigest(), read[1], read[0],
                source=f"upload:{name}", loaded_at=now(), on_conflict=choice,
            )
        )  # fmt: skip
    results: list[LoadResult] = []
    with write_step(db, wait=wait, actor=actor, role="submit", what="上传报告") as write:
        con, archive, journal = write.con, write.archive, write.journal
        staged = [_permitted(write, item) for item in staged]
        # One transaction for every upload (each its own if that fails), as a folder load.
        stored = store_batch(con, staged, on_conflict)
        for index, (item, result, (name, data, choice, given)) in enumerate(
            zip(staged, stored, items, strict=True), start=1
        ):
            archive_write(
                archive,
                journal,
                Path(item.source or f"upload:{name}"),
                data,
                result,
                choice,
                file_name=name,
                suffix=content_suffix(item.path, data),
                origin="report",
                at=(item.loaded_at or now()).isoformat(),
                **_given_entry(given),
            )
            results.append(result)
            if progress:
                progress(index, len(items), result)
    return results


def load_manual(
    name: str,
    data: bytes,
    db: Path,
    *,
    on_conflict: OnConflict = "keep",
    wait: bool = False,
    progress: Progress | None = None,
    actor: Actor | None = None,
) -> tuple[list[LoadResult], list[manual.Issue]]:
    """Load a filled-in hand-entry template: one document per department-year, marked manual.
    `actor` needs 填报 for each department-year's department (else that one fails, refused).

    When any row has a problem nothing is loaded and the issues come back (row, column, problem).
    """
    name = display_name(name)
    from etl import manual

    entries, issues = manual.read_template(name, data)
    if issues:
        return [], issues
    results: list[LoadResult] = []
    with write_step(db, wait=wait, actor=actor, role="submit", what="手工录入") as write:
        con, archive, journal = write.con, write.archive, write.journal
        for index, entry in enumerate(entries, start=1):
            canonical = manual.canonical_bytes(entry)
            source, at = f"manual:{name}", now()
            refused = write.allowed("submit", entry.department)
            if refused is not None:
                results.append(
                    LoadResult(Path(name), "failed", str(refused), entry.department, entry.year)
                )
                continue
            result = load_any(
                con,
                Path(name),
                canonical,
                on_conflict,
                origin="manual",
                source=source,
                loaded_at=at,
            )
            archive_write(
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
    return results, []


def restore_version(
    db: Path, sha256: str, *, wait: bool = False, actor: Actor | None = None
) -> LoadResult:
    """Make an archived earlier version of its part of a department-year current again
    (journaled, with who); `actor` needs 审核 for its department."""
    with write_step(db, wait=wait, actor=actor, role="review", what="恢复版本") as write:
        row = write.con.execute(
            "SELECT department, year, path, origin, department_from, year_from"
            " FROM documents WHERE sha256 = ?",
            [sha256],
        ).fetchone()
        if row is not None:
            write.require("review", row[0])
        result = restore(write.con, sha256)
        if row is None or result is None:
            return LoadResult(Path(sha256[:12]), "failed", "没有这个版本（哈希不存在）")
        if result.status != "restored":
            return result
        department, year, source, origin, department_from, year_from = row
        # A rebuild reads the version again: with the identity the user gave it, if any.
        given = Given(
            department if department_from == "user" else None,
            year if year_from == "user" else None,
        )
        file_name = result.path.name
        stored = write.archive.find(sha256)
        write.journal.append(
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
                "at": now().isoformat(),
            }
            | _given_entry(given)
        )
    note = "" if stored else "（注意：存档中没有该版本的原文件，重建数据库时无法恢复）"
    return dataclasses.replace(result, message=result.message + note)


def ensure_database(db: Path, reports_dir: Path) -> list[LoadResult]:
    """Build `db` from `reports_dir` if it does not exist yet (first start of the app)."""
    if db.exists():
        return []
    return load_paths([reports_dir], db, wait=True)
