"""Query functions against a database the loader filled from the seed report."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from etl import queries
from etl.load import load_paths

SEED = Path(__file__).parent / "fixtures" / "reports" / "2020-tianxin-transport-bureau.txt"
DEPARTMENT = "长沙市天心区交通运输局"


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    db = tmp_path_factory.mktemp("q") / "budget.duckdb"
    load_paths([SEED], db)
    with queries.connect(db) as connection:
        yield connection


def test_report_index(con: duckdb.DuckDBPyConnection) -> None:
    index = queries.report_index(con)
    assert index[["department", "year", "file_name"]].values.tolist() == [
        [DEPARTMENT, 2020, SEED.name]
    ]


def test_budget_phases(con: duckdb.DuckDBPyConnection) -> None:
    df = queries.budget_phases(con, DEPARTMENT, 2020).set_index("section")
    assert df.index.tolist() == ["basic", "project", "total"]
    assert df.loc["basic", ["initial_wan", "adjusted_wan", "actual_wan"]].tolist() == [
        Decimal("487.51"),
        Decimal("801.07"),
        Decimal("801.07"),
    ]
    assert df.loc["total", "adjusted_wan"] == Decimal("1150.47")
    assert df.loc["project", "adjustment_wan"] == Decimal("251.6")
    assert df["adjustment_rate"].round(4).tolist() == [0.6432, 2.5726, 0.9656]
    assert df["execution_rate"].tolist() == [1.0, 1.0, 1.0]


def test_fund_split(con: duckdb.DuckDBPyConnection) -> None:
    df = queries.fund_split(con, DEPARTMENT, 2020)
    assert df["level"].tolist() == ["district", "city"]
    assert df["amount_wan"].tolist() == [Decimal("200.48"), Decimal("148.92")]
    assert df["share"].sum() == pytest.approx(1.0)
    assert df["share"].round(4).tolist() == [0.5738, 0.4262]


def test_project_breakdown_largest_first(con: duckdb.DuckDBPyConnection) -> None:
    df = queries.project_breakdown(con, DEPARTMENT, 2020)
    assert df["name"].tolist()[:2] == ["农村公路养护、建设费", "交通运输工作经费"]
    assert df["amount_wan"].is_monotonic_decreasing
    assert sum(df["amount_wan"]) == Decimal("349.40")
    assert df.loc[0, "purpose"].startswith("主要用于辖区内农村公路养护")


def test_figure_provenance(con: duckdb.DuckDBPyConnection) -> None:
    df = queries.figure_provenance(con, DEPARTMENT, 2020)
    assert len(df) == 12
    row = df[(df["section"] == "basic") & (df["item"] == "public")].iloc[0]
    assert row["value"] == Decimal("42.97")
    assert "公用经费42.97万元" in row["sentence"]


def test_check_results_failures_first(con: duckdb.DuckDBPyConnection) -> None:
    df = queries.check_results(con, DEPARTMENT, 2020)
    assert df.loc[0, ["rule", "severity"]].tolist() == ["personnel_public_sum", "warning"]
    assert df.loc[0, "difference_wan"] == Decimal("-0.09")
    assert df["passed"].tolist() == sorted(df["passed"].tolist())


@pytest.mark.parametrize(
    "department",
    ["'; DROP TABLE documents;--", "' OR 1=1--", "＇ OR ＇1＇=＇1", "x\x00y", "不存在的部门"],
)
def test_unknown_or_hostile_department_matches_nothing(
    con: duckdb.DuckDBPyConnection, department: str
) -> None:
    for query in (
        queries.budget_phases,
        queries.fund_split,
        queries.project_breakdown,
        queries.figure_provenance,
        queries.check_results,
    ):
        assert query(con, department, 2020).empty
    assert len(queries.report_index(con)) == 1


def test_connection_is_read_only(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(duckdb.Error):
        con.execute("DELETE FROM documents")


@pytest.mark.parametrize(
    "sql",
    [
        pytest.param("SELECT * FROM read_csv('/etc/passwd')", id="read-file"),
        pytest.param("COPY documents TO '/tmp/budget-lens-leak.csv'", id="write-file"),
        pytest.param("ATTACH '/tmp/budget-lens-other.duckdb'", id="attach"),
        pytest.param("SET enable_external_access = true", id="unlock"),
        pytest.param("INSTALL httpfs", id="install-extension"),
    ],
)
def test_connection_cannot_reach_other_files(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    with pytest.raises(duckdb.Error):
        con.execute(sql)


def test_connection_memory_is_bounded(con: duckdb.DuckDBPyConnection) -> None:
    # DuckDB's default buffer pool is 80 % of RAM: the app's process grew to 5,981 MiB at 10M rows.
    [(limit, threads)] = con.execute(
        "SELECT current_setting('memory_limit'), current_setting('threads')"
    ).fetchall()
    assert limit.endswith("MiB") and float(limit.split()[0]) <= 64
    assert int(threads) == queries.THREADS
    [(spill,)] = con.execute("SELECT current_setting('temp_directory')").fetchall()
    assert Path(spill).is_absolute() and not Path(spill).is_relative_to(Path.cwd())
    with pytest.raises(duckdb.Error):
        con.execute("SET memory_limit = '8GB'")  # locked, like external access


@pytest.mark.parametrize("ascending", [False, True], ids=["high-first", "low-first"])
@pytest.mark.parametrize("by", queries.RANKING_ORDER + queries.AMOUNT_RANKING)
def test_department_ranking_is_the_one_sort(demo_db_file: Path, by: str, ascending: bool) -> None:
    """部门对比's order: by the column, departments without the figure last, ties by name; the
    first `limit` rows are the head of the whole ranking."""
    with queries.connect(demo_db_file) as con:
        whole = queries.department_ranking(con, 2022, by, ascending)
        head = queries.department_ranking(con, 2022, by, ascending, 3)
    expected = whole.sort_values(
        [by, "department"], ascending=[ascending, True], na_position="last", kind="stable"
    )
    assert whole["department"].tolist() == expected["department"].tolist()
    assert head["department"].tolist() == whole["department"].tolist()[:3]
    assert set(whole["departments"]) == {len(whole)}


# --- leadership: 总览 and 简报 --------------------------------------------------------------------


def test_key_figures_by_year(con: duckdb.DuckDBPyConnection) -> None:
    [row] = queries.key_figures_by_year(con, DEPARTMENT).to_dict("records")
    assert row["year"] == 2020 and row["previous_year"] is None
    assert row["total_adjusted_wan"] == Decimal("1150.47")
    assert (row["three_public_budget_wan"], row["three_public_actual_wan"]) == (
        Decimal("9"),
        Decimal("5.26"),
    )
    assert (row["staff_authorized"], row["staff_actual"]) == (8, 17)
    assert queries.key_figures_by_year(con, "没有这个部门").empty


def test_year_phases_of_one_report_are_its_budget_phases(con: duckdb.DuckDBPyConnection) -> None:
    year = queries.year_phases(con, 2020)
    own = queries.budget_phases(con, DEPARTMENT, 2020)
    columns = ["section", "initial_wan", "adjusted_wan", "actual_wan", "adjustment_wan"]
    assert year[columns].values.tolist() == own[columns].values.tolist()
    assert year["adjustment_rate"].tolist() == pytest.approx(own["adjustment_rate"].tolist())
    assert year["reports"].tolist() == [1, 1, 1]


def test_year_phases_sum_only_what_is_stated(demo_db_file: Path) -> None:
    with queries.connect(demo_db_file) as con:
        year = queries.year_phases(con, 2022).set_index("section")
        ranked = queries.department_ranking(con, 2022, "total_adjusted_wan")
    stated = [v for v in ranked["total_adjusted_wan"] if v is not None and v == v]
    assert year.loc["total", "adjusted_wan"] == sum(stated, Decimal(0))
    assert isinstance(year.loc["total", "adjustment_wan"], Decimal)


def test_largest_adjustments_either_way(demo_db_file: Path) -> None:
    with queries.connect(demo_db_file) as con:
        top = queries.largest_adjustments(con, 2022, 3)
    sizes = [abs(v) for v in top["adjustment_wan"]]
    assert sizes == sorted(sizes, reverse=True) and len(top) == 3
    assert all(r.adjustment_wan == r.adjusted_wan - r.initial_wan for r in top.itertuples())


def test_flagged_indicators_are_standard_indicators_flags(con: duckdb.DuckDBPyConnection) -> None:
    flagged = queries.flagged_indicators(con, 2020)
    own = queries.standard_indicators(con, DEPARTMENT, 2020)
    expected = own[own["flagged"]][["indicator", "scope"]].values.tolist()
    assert flagged[["indicator", "scope"]].values.tolist() == expected
    assert set(flagged["department"]) == {DEPARTMENT}
    assert queries.flagged_indicators(con, 1999).empty


def test_year_totals(con: duckdb.DuckDBPyConnection) -> None:
    [row] = queries.year_totals(con).to_dict("records")
    assert (row["year"], row["reports"], row["total_actual_wan"]) == (2020, 1, Decimal("1150.47"))
