"""The review of department-years: a status per department-year (待审核 / 已核对 / 有疑问 / 已退回)
and a disposition per finding (确认问题 / 已说明 / 误报), each change a new row with its reviewer,
time and note. Written through the one write step and journaled, so a rebuild replays them;
kept by department-year and the finding's stable key (views.sql keyed_findings), never by a
document, so a new version of a document keeps them.

The reviewer is the actor of the write (the signed-in user on the app, the operating-system user
on the command line), who needs 审核 for the department: the write step checks it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from etl import labels
from etl.store import access
from etl.store.access import Actor
from etl.store.step import write_step

REVIEW_STATUSES = labels.REVIEW_STATUSES
DISPOSITIONS = labels.DISPOSITIONS
# The journal entry kinds these writes record (etl.store.writes.rebuild replays them).
REVIEW_ENTRY = "review_status"
DISPOSITION_ENTRY = "finding_disposition"
JOURNAL_KINDS = (REVIEW_ENTRY, DISPOSITION_ENTRY)
NOTE_LIMIT = 2000  # characters kept of a note


@dataclass(frozen=True)
class ReviewResult:
    """What a review write did: ok, and the message to show (why not, when it failed)."""

    ok: bool
    message: str


def now() -> datetime:
    """Review times to the microsecond, as the journal keeps them: a document loaded a moment
    after a review was loaded after it (resubmitted)."""
    return datetime.now()


def set_review_status(
    db: Path,
    department: str,
    year: int,
    status: str,
    notes: str = "",
    *,
    actor: Actor | None = None,
    wait: bool = False,
) -> ReviewResult:
    """Record the department-year's review status (a new row; the history is kept, journaled),
    as `actor` (default: the operating-system user), who needs 审核 for the department."""
    if status not in REVIEW_STATUSES:
        return ReviewResult(False, f"未知的审核状态：{status}")
    entry = {
        "kind": REVIEW_ENTRY,
        "department": department,
        "year": int(year),
        "status": status,
        "notes": _clean(notes),
        "at": now().isoformat(timespec="microseconds"),
    }
    return _write(db, entry, actor, wait)


def set_disposition(
    db: Path,
    department: str,
    year: int,
    finding_key: str,
    disposition: str,
    note: str = "",
    *,
    actor: Actor | None = None,
    wait: bool = False,
) -> ReviewResult:
    """Record what the reviewer made of one finding of the department-year (journaled), as
    `actor` (default: the operating-system user), who needs 审核 for the department."""
    if disposition not in DISPOSITIONS:
        return ReviewResult(False, f"未知的处理意见：{disposition}")
    entry = {
        "kind": DISPOSITION_ENTRY,
        "department": department,
        "year": int(year),
        "finding_key": finding_key,
        "disposition": disposition,
        "note": _clean(note),
        "at": now().isoformat(timespec="microseconds"),
    }
    if disposition != "confirmed" and not entry["note"]:
        return ReviewResult(False, f"标为“{labels.label('disposition', disposition)}”请写明理由")
    return _write(db, entry, actor, wait)


def _write(db: Path, entry: dict[str, Any], actor: Actor | None, wait: bool) -> ReviewResult:
    if not db.exists():
        return ReviewResult(False, f"数据库 {db} 不存在：请先载入报告")
    actor = actor or access.os_actor()
    what = "设定审核状态" if entry["kind"] == REVIEW_ENTRY else "标注核对发现"
    with write_step(db, wait=wait, actor=actor, role="review", what=what) as write:
        # Reviews are kept by the canonical department: an alias names the same department-year.
        row = write.con.execute("SELECT canonical_department(?)", [entry["department"]])
        entry["department"] = (row.fetchone() or [entry["department"]])[0]
        write.require("review", entry["department"])
        entry["reviewer"] = write.actor.label
        result = replay_review(write.con, entry, None, check=True)
        if result.ok:
            write.journal.append(entry)
    return result


def replay_review(
    con: duckdb.DuckDBPyConnection,
    entry: dict[str, Any],
    at: datetime | None,
    *,
    check: bool = False,
) -> ReviewResult:
    """Write one journaled review entry; `check` (a new write, not a rebuild) first makes sure
    its department-year, and for a disposition its finding, exist now."""
    department, year = entry["department"], int(entry["year"])
    when = at or datetime.fromisoformat(entry["at"])
    what = f"{department} {year} 年"
    if check and not _exists(con, department, year):
        return ReviewResult(False, f"没有 {what} 的报告：无法审核")
    if entry["kind"] == REVIEW_ENTRY:
        unasked = entry["status"] == "returned" and not entry["notes"]
        if check and unasked and not _confirmed(con, department, year):
            return ReviewResult(False, "退回前请标出至少一项“确认问题”，或写明退回意见")
        con.execute(
            "INSERT INTO reviews (department, year, status, reviewer, notes, reviewed_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [department, year, entry["status"], entry["reviewer"], entry["notes"], when],
        )
        return ReviewResult(True, f"{what}：{labels.label('review_status', entry['status'])}")
    finding = con.execute(
        "SELECT rule, message FROM review_findings"
        " WHERE department = ? AND year = ? AND finding_key = ? ORDER BY resolved LIMIT 1",
        [department, year, entry["finding_key"]],
    ).fetchone()
    if finding is None and check:
        return ReviewResult(False, f"{what} 没有这一核对发现：{entry['finding_key']}")
    rule, message = finding or (entry["finding_key"].split("|")[0], entry.get("message", ""))
    con.execute(
        "INSERT INTO finding_dispositions (department, year, finding_key, rule, message,"
        " disposition, note, reviewer, disposed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [department, year, entry["finding_key"], rule, message, entry["disposition"],
         entry["note"], entry["reviewer"], when],
    )  # fmt: skip
    entry.setdefault("message", message)  # kept in the journal: a rebuild may lack the finding
    done = labels.label("disposition", entry["disposition"])
    return ReviewResult(True, f"{what}：{labels.label('rule', rule)} 标为“{done}”")


def _exists(con: duckdb.DuckDBPyConnection, department: str, year: int) -> bool:
    row = con.execute(
        "SELECT count(*) FROM current_documents WHERE department = ? AND year = ?",
        [department, year],
    ).fetchone()
    return bool(row and row[0])


def _confirmed(con: duckdb.DuckDBPyConnection, department: str, year: int) -> bool:
    """Whether a finding of the department-year that still fires is marked 确认问题."""
    row = con.execute(
        "SELECT count(*) FROM review_findings WHERE department = ? AND year = ?"
        " AND disposition = 'confirmed' AND NOT resolved",
        [department, year],
    ).fetchone()
    return bool(row and row[0])


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())[:NOTE_LIMIT]
