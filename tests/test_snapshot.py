"""数据快照: every table and view as CSV in a zip with a manifest, and one Excel workbook."""

from __future__ import annotations

import csv
import doctest
import hashlib
import io
import json
import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pytest

from etl.load import correct_figure, load_documents, load_manual
from tests.support.databases import DEPARTMENT, SEED, seed_variant
from ui import snapshot

EXPORTED = datetime(2026, 3, 5, 14, 7, 9)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed, a second version kept as history, a hand-entered year, one correction, and a
    department whose name would run as a spreadsheet formula."""
    folder = tmp_path_factory.mktemp("snapshot")
    path = folder / "budget.duckdb"
    seed = SEED.read_bytes()
    formula = seed_variant(folder, "f.txt", ("长沙市天心区交通运输局", "=1+1交通运输局"))
    load_documents(
        [
            ("seed.txt", seed),
            ("v2.txt", seed.decode().replace("801.07", "802.07").encode()),
            ("formula.txt", formula.read_bytes()),
        ],
        path,
    )
    template = f"部门,年度,类别,指标,数值\r\n{DEPARTMENT},2019,基本支出,年初预算,400\r\n"
    load_manual("录入.csv", template.encode("utf-8-sig"), path)
    correct_figure(path, hashlib.sha256(seed).hexdigest(), "basic", "actual", "800.5", "核对")
    return path


def tables(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        names += [
            r[0]
            for r in con.execute(
                "SELECT view_name FROM duckdb_views() WHERE NOT internal"
            ).fetchall()
        ]
        return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}  # type: ignore[index]


def test_doctests() -> None:
    assert doctest.testmod(snapshot).failed == 0


def test_zip_holds_every_table_and_view_with_a_manifest(db: Path) -> None:
    archive = zipfile.ZipFile(io.BytesIO(snapshot.snapshot_zip(db, EXPORTED)))
    expected = tables(db)
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["exported_at"] == "2026-03-05T14:07:09"
    assert {t["name"]: t["rows"] for t in manifest["tables"]} == expected
    for entry in manifest["tables"]:
        data = archive.read(entry["file"])
        assert data.startswith(b"\xef\xbb\xbf"), entry["file"]
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        assert rows[0] == entry["columns"]
        assert len(rows) - 1 == entry["rows"], entry["file"]
    assert sorted(archive.namelist()) == sorted(
        ["manifest.json", *(t["file"] for t in manifest["tables"])]
    )
    sources = {s["file_name"]: s for s in manifest["sources"]}
    assert set(sources) == {"seed.txt", "v2.txt", "formula.txt", "录入.csv"}
    assert sources["seed.txt"]["sha256"] == hashlib.sha256(SEED.read_bytes()).hexdigest()
    assert (sources["seed.txt"]["is_current"], sources["v2.txt"]["is_current"]) == (True, False)
    assert sources["录入.csv"]["origin"] == "manual"


def test_csv_cells_are_exact_chinese_flagged_and_defused(db: Path) -> None:
    archive = zipfile.ZipFile(io.BytesIO(snapshot.snapshot_zip(db, EXPORTED)))

    def rows(name: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))

    provenance = [
        r
        for r in rows("views/figure_provenance.csv")
        if (r["department"], r["year"], r["section"], r["item"])
        == (DEPARTMENT, "2020", "basic", "actual")
    ]
    assert [(r["value"], r["extracted_value"], r["corrected"]) for r in provenance] == [
        ("800.5", "801.07", "True")
    ]
    corrections = rows("tables/corrections.csv")
    assert [(c["value"], c["reason"]) for c in corrections] == [("800.5", "核对")]
    departments = {r["department"] for r in rows("tables/documents.csv")}
    assert "'=1+1交通运输局" in departments  # neutralised, not a formula
    phases = rows("views/budget_phases.csv")
    assert {p["actual_corrected"] for p in phases} == {"True", "False"}
    # NULL is an empty cell in a raw table (not 未识别, which means a figure not stated).
    assert any(c["expected_wan"] == "" for c in rows("tables/checks.csv"))


def test_workbook_has_one_sheet_per_table_and_text_stays_text(db: Path) -> None:
    book = openpyxl.load_workbook(io.BytesIO(snapshot.snapshot_workbook(db, EXPORTED)))
    expected = tables(db)
    assert book.sheetnames[0] == "清单"
    assert sorted(book.sheetnames[1:]) == sorted(expected)
    assert all(len(name) <= 31 for name in book.sheetnames)
    for name, count in expected.items():
        assert book[name].max_row == count + 1, name
    documents = list(book["documents"].iter_rows(values_only=True))
    header = documents[0]
    departments = {row[header.index("department")] for row in documents[1:]}
    assert "=1+1交通运输局" in departments
    cell = next(
        c for row in book["documents"].iter_rows() for c in row if c.value == "=1+1交通运输局"
    )
    assert cell.data_type == "s"  # a string in Excel, never a formula
    corrections = list(book["corrections"].iter_rows(values_only=True))
    value = corrections[1][corrections[0].index("value")]
    assert isinstance(value, int | float) and Decimal(str(value)) == Decimal("800.5")  # a number
    guide = [row for row in book["清单"].iter_rows(values_only=True)]
    assert guide[0][:2] == ("导出时间", "2026-03-05T14:07:09")
    assert any(row[0] == "seed.txt" for row in guide)


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["current_summary"], ["current_summary"]),
        (["x" * 31, "x" * 31], ["x" * 31, "x" * 29 + "~2"]),
        (["a:b", "c?d"], ["a_b", "c_d"]),
        (["清单", "清单"], ["清单", "清单~2"]),
    ],
    ids=["short", "too-long-duplicate", "forbidden-characters", "chinese-duplicate"],
)
def test_sheet_names(names: list[str], expected: list[str]) -> None:
    assert snapshot.sheet_names(names) == expected
