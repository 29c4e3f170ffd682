"""Corrections typed in the app, kept beside the extracted figure and never over it (journaled,
so a rebuild replays them)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import duckdb

from etl.model import FIGURE_SLOTS
from etl.store import access
from etl.store.access import Actor
from etl.store.records import mark
from etl.store.step import write_step
from etl.store.versions import (
    LoadResult,
    now,
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
    actor: Actor | None = None,
) -> LoadResult:
    """Record a correction of one figure of a version, beside the extracted value (journaled,
    with who: `actor`, the operating-system user when not given; needs 审核 for the version's
    department, else Refused).

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
    at = now()
    actor = actor or access.os_actor()
    entry = {
        "kind": "correction",
        "sha256": sha256,
        "section": section,
        "item": item,
        "value": None if amount is None else format(amount, "f"),
        "reason": reason[:500],
        "at": at.isoformat(timespec="seconds"),
    }
    with write_step(db, wait=wait, actor=actor, role="review", what="更正数据") as write:
        entry |= access.by_entry(write.actor)
        row = write.con.execute("SELECT department FROM documents WHERE sha256 = ?", [sha256])
        found = row.fetchone()
        if found is not None:
            write.require("review", found[0])
        result = replay_correction(write.con, entry, at)
        if result.ok:
            write.journal.append(entry)
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


def replay_correction(
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
            " corrected_at, corrected_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                document_id,
                section,
                item,
                value,
                "人" if section == "staffing" else "万元",
                entry["reason"],
                at or datetime.now(),
                entry.get("by"),
            ],
        )
        mark(con, document_id)
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
