"""数据快照: the whole database as a zip of CSVs with a manifest, or as one Excel workbook.

Every table and view goes in, as etl.queries lists them. CSVs are utf-8-sig (Excel reads the
Chinese) with spreadsheet formulas neutralised (OWASP) and exact decimals, as export.csv_bytes
writes a page's table; a NULL is an empty cell here, since in raw tables it does not always mean a
figure the report leaves out. In the workbook every text cell is stored as text, never a formula.
The manifest lists the source files with their hashes, the export time and each table's rows.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from etl import queries
from ui.export import XML_ILLEGAL as _XML_ILLEGAL
from ui.export import csv_cell, sheet_names
from ui.tables import records

EXCEL_MAX_ROWS = 1_048_576  # per sheet, the header included
MANIFEST = "manifest.json"


def snapshot_zip(db: Path | str, exported_at: datetime | None = None) -> bytes:
    """Every table and view of `db` as CSV in one zip, with manifest.json."""
    exported_at = exported_at or datetime.now()
    with queries.connect(db) as con:
        tables = _tables(con)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, kind, frame in tables:
                archive.writestr(_csv_path(name, kind), table_csv(frame))
            archive.writestr(
                MANIFEST,
                json.dumps(
                    manifest(con, tables, Path(db).name, exported_at),
                    ensure_ascii=False,
                    indent=2,
                ),
            )
    return buffer.getvalue()


def snapshot_workbook(db: Path | str, exported_at: datetime | None = None) -> bytes:
    """Every table and view of `db` as one sheet each, after a 清单 sheet (the manifest)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    exported_at = exported_at or datetime.now()
    book = Workbook(write_only=True)
    with queries.connect(db) as con:
        tables = _tables(con)
        info = manifest(con, tables, Path(db).name, exported_at)
    names = sheet_names(["清单", *(name for name, _, _ in tables)])
    guide = book.create_sheet(names[0])
    guide.append(["导出时间", info["exported_at"]])
    guide.append(["数据库", info["database"]])
    guide.append([])
    guide.append(["表或视图", "类型", "行数", "工作表"])
    for entry, sheet in zip(info["tables"], names[1:], strict=True):
        guide.append([entry["name"], entry["kind"], entry["rows"], sheet])
    guide.append([])
    guide.append(
        ["来源文件", "内容哈希（SHA-256）", "部门", "年度", "来源", "当前版本", "载入时间"]
    )
    for source in info["sources"]:
        guide.append(
            [
                _text_cell(WriteOnlyCell(guide, source["file_name"])),
                source["sha256"],
                _text_cell(WriteOnlyCell(guide, source["department"])),
                source["year"],
                source["origin"],
                "是" if source["is_current"] else "",
                source["loaded_at"],
            ]
        )
    for (_, _, frame), sheet_name in zip(tables, names[1:], strict=True):
        sheet = book.create_sheet(sheet_name)
        sheet.append([str(c) for c in frame.columns])
        for row in records(frame.head(EXCEL_MAX_ROWS - 1)):
            sheet.append([_excel_value(sheet, v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def manifest(
    con: duckdb.DuckDBPyConnection,
    tables: list[tuple[str, str, pd.DataFrame]],
    database: str,
    exported_at: datetime,
) -> dict[str, Any]:
    """What the snapshot holds: export time, source files with hashes, each table's rows."""
    documents = next((f for n, _, f in tables if n == "documents"), None)
    sources = []
    if documents is not None:
        for row in records(documents):
            sources.append(
                {
                    "file_name": row.file_name,
                    "sha256": row.sha256,
                    "department": row.department,
                    "year": int(row.year),
                    "origin": getattr(row, "origin", "report"),
                    "is_current": bool(row.is_current),
                    "loaded_at": _iso(row.loaded_at),
                    # Who loaded it (None: before sign-in recorded it), and who restored it last.
                    "loaded_by": _text(getattr(row, "loaded_by", None)),
                    "restored_by": _text(getattr(row, "restored_by", None)),
                }
            )
    return {
        "exported_at": exported_at.isoformat(timespec="seconds"),
        "database": database,
        "encoding": "utf-8-sig",
        "null": "empty cell",
        "sources": sources,
        "tables": [
            {
                "name": name,
                "kind": kind,
                "rows": len(frame),
                "file": _csv_path(name, kind),
                "columns": [str(c) for c in frame.columns],
                "excel_truncated": len(frame) >= EXCEL_MAX_ROWS,
            }
            for name, kind, frame in tables
        ],
    }


def table_csv(frame: pd.DataFrame) -> bytes:
    """One table as CSV bytes: utf-8-sig, formulas neutralised, exact decimals, NULL empty."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(str(c)) for c in frame.columns])
    writer.writerows(
        ["" if _null(v) else csv_cell(v, exact=True) for v in row] for row in records(frame)
    )
    return buffer.getvalue().encode("utf-8-sig")


def file_name(kind: str, exported_at: datetime | None = None) -> str:
    """预算透视_数据快照_YYYYMMDD-HHMM.<kind>.

    >>> file_name("zip", datetime(2026, 3, 5, 14, 7))
    '预算透视_数据快照_20260305-1407.zip'
    """
    return f"预算透视_数据快照_{(exported_at or datetime.now()):%Y%m%d-%H%M}.{kind}"


def _tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, pd.DataFrame]]:
    objects = queries.snapshot_objects(con)
    return [
        (name, kind, queries.snapshot_rows(con, name))
        for name, kind in zip(objects["name"], objects["kind"], strict=True)
    ]


def _csv_path(name: str, kind: str) -> str:
    return f"{'tables' if kind == 'table' else 'views'}/{name}.csv"


def _text(value: Any) -> str | None:
    return None if _null(value) else str(value)


def _null(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _iso(value: Any) -> str | None:
    return None if _null(value) else pd.Timestamp(value).isoformat()


def _excel_value(sheet: Any, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if _null(value):
        return None
    if isinstance(value, str):
        return _text_cell(WriteOnlyCell(sheet, _XML_ILLEGAL.sub(" ", value)))
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, bool):  # numpy scalars
        return value.item()
    return value


def _text_cell(cell: Any) -> Any:
    """A cell holding text as text: '=…' stays a string in Excel, never a formula."""
    if isinstance(cell.value, str):
        cell.value = _XML_ILLEGAL.sub(" ", cell.value)
        cell.data_type = "s"
    return cell


# The page's two downloads: suffix, what the button names, MIME type, builder, icon.
DOWNLOADS = (
    ("zip", "CSV 压缩包", "application/zip", snapshot_zip, ":material/folder_zip:"),
    (
        "xlsx",
        "Excel 工作簿",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        snapshot_workbook,
        ":material/table_view:",
    ),
)
