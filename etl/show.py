"""One department-year's record as JSON (`python -m etl show DEPARTMENT YEAR --json`): every
figure with its value, the document it was taken from and every other document's value, the
projects with their phases, the documents, and every check finding.

The shape is a contract for scripts and tests (README, "etl show"): keys are only ever added.
Amounts are strings of exact decimals in 万元 (head counts in 人), never floats.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import duckdb

from etl import labels, queries, records

SHOW_VERSION = 1


def _decimal(value: Any) -> str | None:
    """An exact amount as JSON writes it: '349.4', '9', never a float."""
    return None if value is None else format(Decimal(value).normalize(), "f")


def _where(row: dict[str, Any]) -> dict[str, Any]:
    """Where a value was read: the sentence, and the table cell's labels when there are some."""
    out: dict[str, Any] = {"sentence": row.get("sentence") or ""}
    if row.get("row_label") or row.get("column_label"):
        out["row_label"] = row.get("row_label") or ""
        out["column_label"] = row.get("column_label") or ""
    return out


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def record_json(
    con: duckdb.DuckDBPyConnection, department: str, year: int
) -> dict[str, Any] | None:
    """The merged department-year (None when no document of it is loaded)."""
    record_id = queries._report_id(con, department, year)
    if record_id < 0:
        return None
    documents = _rows(
        con,
        "SELECT document_id, file_name, source_kind, kind, origin, sha256, loaded_at,"
        " reported_department, synthetic FROM record_documents WHERE record_id = ?"
        " ORDER BY document_id",
        [record_id],
    )
    by_id = {d["document_id"]: d for d in documents}

    def doc(document_id: int) -> dict[str, Any]:
        d = by_id[document_id]
        return {"file_name": d["file_name"], "kind": d["source_kind"], "sha256": d["sha256"]}

    statements = _rows(
        con,
        "SELECT section, item, document_id, value, extracted_value, corrected, sentence,"
        " row_label, column_label, rank FROM figure_statements WHERE record_id = ?"
        " ORDER BY section, item, corrected DESC, rank, document_id DESC",
        [record_id],
    )
    figures: list[dict[str, Any]] = []
    for slot in labels.SLOT_LABELS:
        stated = [s for s in statements if (s["section"], s["item"]) == slot]
        if not stated:
            continue
        chosen, others = stated[0], stated[1:]
        unit = "人" if slot[0] == "staffing" else "万元"
        figures.append(
            {
                "section": slot[0],
                "item": slot[1],
                "label": labels.SLOT_LABELS[slot],
                "value": _decimal(chosen["value"]),
                "unit": unit,
                "corrected": bool(chosen["corrected"]),
                "source": doc(chosen["document_id"]) | _where(chosen),
                "others": [
                    doc(o["document_id"])
                    | {
                        "value": _decimal(o["value"]),
                        "agrees": abs(Decimal(o["value"]) - Decimal(chosen["value"]))
                        <= records.TOLERANCE_WAN,
                    }
                    | _where(o)
                    for o in others
                ],
            }
        )
    projects = [
        {
            "name": p["name"],
            "amount_wan": _decimal(p["amount_wan"]),
            "initial_wan": _decimal(p["initial_wan"]),
            "adjusted_wan": _decimal(p["adjusted_wan"]),
            "actual_wan": _decimal(p["actual_wan"]),
            "execution_rate": p["execution_rate"],
            "score": _decimal(p["score"]),
            "listed_in": p["list_file_name"],
            "form": p["form_file_name"],
            "form_amount_wan": _decimal(p["form_amount_wan"]),
            "sentence": p["sentence"],
        }
        for p in _rows(
            con,
            "SELECT * FROM project_breakdown WHERE document_id = ? ORDER BY ordinal",
            [record_id],
        )
    ]
    fund_sources = [
        {
            "level": f["level"],
            "amount_wan": _decimal(f["amount_wan"]),
            "source": doc(f["source_document_id"]) | _where(f),
        }
        for f in _rows(
            con,
            "SELECT * FROM record_fund_sources WHERE document_id = ? ORDER BY ordinal",
            [record_id],
        )
    ]
    findings = [
        {
            "rule": c["rule"],
            "severity": c["severity"],
            "passed": bool(c["passed"]),
            "message": c["message"],
            "expected_wan": _decimal(c["expected_wan"]),
            "actual_wan": _decimal(c["actual_wan"]),
            "difference_wan": _decimal(c["difference_wan"]),
            "fields": [f for f in (c["fields"] or "").split(",") if f],
            "documents": json.loads(c["evidence"]) if c.get("evidence") else [],
        }
        for c in _rows(
            con,
            "SELECT * FROM record_findings WHERE document_id = ? ORDER BY ordinal",
            [record_id],
        )
    ]
    head = by_id[record_id]
    return {
        "version": SHOW_VERSION,
        "department": department,
        "year": year,
        "synthetic": bool(head["synthetic"]),
        "documents": [
            {
                "file_name": d["file_name"],
                "kind": d["source_kind"],
                "kind_label": labels.kind_label(d["source_kind"]),
                "origin": d["origin"],
                "sha256": d["sha256"],
                "loaded_at": d["loaded_at"].isoformat(sep=" ", timespec="seconds"),
                "reported_department": d["reported_department"],
            }
            for d in documents
        ],
        "precedence": {
            f"{section}.{item}": list(kinds)
            for (section, item), kinds in records.PRECEDENCE.items()
        },
        "figures": figures,
        "fund_sources": fund_sources,
        "projects": projects,
        "findings": findings,
    }


def format_record(record: dict[str, Any]) -> str:
    """The record as text for a terminal: documents, figures with sources, failed findings."""
    lines = [
        f"{record['department']} {record['year']} 年度"
        + ("（示例数据）" if record["synthetic"] else "")
    ]
    lines.append("文件：")
    lines += [f"  {d['kind_label']}  {d['file_name']}" for d in record["documents"]]
    lines.append("数字：")
    for f in record["figures"]:
        mark = "（已更正）" if f["corrected"] else ""
        differ = [o for o in f["others"] if not o["agrees"]]
        note = "；".join(f"{o['file_name']} 为 {o['value']}" for o in differ)
        shown = (
            labels.format_count(f["value"]) if f["unit"] == "人" else labels.format_wan(f["value"])
        )
        lines.append(
            f"  {f['label']}  {shown} {f['unit']}{mark}  ← {f['source']['file_name']}"
            + (f"  不一致：{note}" if note else "")
        )
    failed = [c for c in record["findings"] if not c["passed"] and c["severity"] != "info"]
    lines.append(f"核对：{len(failed)} 项未通过")
    lines += [f"  [{labels.label('severity', c['severity'])}] {c['message']}" for c in failed]
    return "\n".join(lines)
