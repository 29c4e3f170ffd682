"""Cross-department and year-over-year queries, against the seed plus variants made from its text.

2021 is the seed with 三公 actual 7.89 (was 5.26) and 区级资金 100.48 (was 200.48); a second
department is the seed with basic adjusted and actual 500.00 (was 801.07).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from etl import queries
from etl.load import load_paths
from tests.support.databases import DEPARTMENT, SEED, seed_variant

OTHER = "长沙市天心区示例局"


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    folder = tmp_path_factory.mktemp("cross")
    year_2021 = seed_variant(
        folder,
        "2021.txt",
        *[
            ("2020年度", "2021年度"),
            ("实际支出为5.26", "实际支出为7.89"),
            ("区级资金200.48万元", "区级资金100.48万元"),
        ],
    )
    other = seed_variant(
        folder,
        "other.txt",
        *[
            (DEPARTMENT, OTHER),
            ("预算调整数为801.07万元", "预算调整数为500.00万元"),
            ("实际支出数为801.07万元", "实际支出数为500.00万元"),
        ],
    )
    # A second version of the seed kept as history: no query may count it.
    history = seed_variant(folder, "history.txt", *[("区级资金200.48万元", "区级资金999.99万元")])
    db = folder / "budget.duckdb"
    results = load_paths([SEED, year_2021, other, history], db)
    assert [r.status for r in results] == ["loaded", "loaded", "loaded", "conflict"]
    with queries.connect(db) as connection:
        yield connection


def test_fund_split_by_year(con: duckdb.DuckDBPyConnection) -> None:
    df = queries.fund_split_by_year(con)
    assert df[["year", "level"]].values.tolist() == [
        [2020, "city"],
        [2020, "district"],
        [2021, "city"],
        [2021, "district"],
    ]
    # 2020: the seed and the other department, both 148.92 + 200.48; the history version is not counted.
    assert df["amount_wan"].tolist() == [
        Decimal("297.84"),
        Decimal("400.96"),
        Decimal("148.92"),
        Decimal("100.48"),
    ]
    assert df["reports"].tolist() == [2, 2, 1, 1]
    assert df.groupby("year")["share"].sum().tolist() == pytest.approx([1.0, 1.0])
    assert df["share"].round(4).tolist()[2:] == [0.5971, 0.4029]


@pytest.mark.parametrize(
    ("year", "limit", "rows", "first_two"),
    [
        (2020, 1, 1, [(DEPARTMENT, "农村公路养护、建设费")]),
        (2020, 3, 3, [(DEPARTMENT, "农村公路养护、建设费"), (OTHER, "农村公路养护、建设费")]),
        (2021, 20, 6, [(DEPARTMENT, "农村公路养护、建设费"), (DEPARTMENT, "交通运输工作经费")]),
        (2019, 5, 0, []),
    ],
    ids=["top-1", "equal-amounts-by-department", "fewer-than-limit", "no-such-year"],
)
def test_top_projects(
    con: duckdb.DuckDBPyConnection,
    year: int,
    limit: int,
    rows: int,
    first_two: list[tuple[str, str]],
) -> None:
    df = queries.top_projects(con, year, limit)
    assert len(df) == rows
    assert [tuple(row) for row in df[["department", "name"]].values.tolist()[:2]] == first_two
    assert df["amount_wan"].is_monotonic_decreasing


def test_top_projects_share_is_of_the_departments_projects(con: duckdb.DuckDBPyConnection) -> None:
    row = queries.top_projects(con, 2021, 1).iloc[0]
    assert row["amount_wan"] == Decimal("191.16")
    assert row["share"] == pytest.approx(191.16 / 349.4)
    assert row["purpose"].startswith("主要用于辖区内农村公路养护")


def test_department_ranking_seed_indicators(con: duckdb.DuckDBPyConnection) -> None:
    df = queries.department_ranking(con, 2020)
    assert df["department"].tolist() == [DEPARTMENT, OTHER]  # most adjusted first
    seed = df.iloc[0]
    # The seed's published indicators: adjustment 96.56 %, execution 100 %, 三公 58.44 %, staff 212.50 %.
    assert round(seed["adjustment_rate"], 4) == 0.9656
    assert seed["execution_rate"] == 1.0
    assert round(seed["three_public_control_rate"], 4) == 0.5844
    assert seed["staff_control_rate"] == 2.125
    assert seed["personnel_share"] == pytest.approx(758.01 / 801.07)
    # personnel + public = 800.98 vs 801.07, and the unexplained adjustment rate above 30 %.
    [(failing,)] = con.execute(
        "SELECT count(*) FROM check_results WHERE department = ? AND year = 2020"
        " AND NOT passed AND severity <> 'info'",
        [DEPARTMENT],
    ).fetchall()
    assert seed["failing_checks"] == failing >= 1
    assert seed["failing_checks"] == seed["failing_errors"] + seed["failing_warnings"]
    other = df.iloc[1]
    assert round(other["adjustment_rate"], 4) == round((849.4 - 585.31) / 585.31, 4)


def test_department_ranking_counts_fund_sources_mismatch(con: duckdb.DuckDBPyConnection) -> None:
    (row,) = queries.department_ranking(con, 2021).itertuples()
    seed_failing = queries.department_ranking(con, 2020).iloc[0]["failing_checks"]
    # 148.92 + 100.48 no longer adds up to 项目支出 349.4.
    assert row.failing_checks == seed_failing + 1
    assert round(row.three_public_control_rate, 4) == round(7.89 / 9.0, 4)


# The 同比 histories are laid out in Python from a few rows (etl.queries); they must say what the
# views budget_phases and fund_split say (projects grouped by project_key), with the change on the previous year.


def test_phase_history_matches_budget_phases(con: duckdb.DuckDBPyConnection) -> None:
    history = queries.phase_history(con, DEPARTMENT)
    views = con.execute(
        "SELECT year, section, initial_wan, adjusted_wan, actual_wan FROM budget_phases"
        " WHERE department = ? ORDER BY year, section_order",
        [DEPARTMENT],
    ).fetchall()
    expected = [
        (year, section, phase, amount)
        for year, section, *amounts in views
        for phase, amount in zip(("initial", "adjusted", "actual"), amounts, strict=True)
    ]
    got = history[["year", "section", "phase", "amount_wan"]].itertuples(index=False)
    assert [tuple(row) for row in got] == expected
    row = history.set_index(["year", "section", "phase"]).loc[(2021, "basic", "adjusted")]
    assert row["previous_year"] == 2020
    assert row["change_wan"] == Decimal(0)
    total = history.set_index(["year", "section", "phase"]).loc[(2020, "project", "actual")]
    assert total["share"] == pytest.approx(349.4 / (801.07 + 349.4))
    assert math.isnan(total["change_rate"])  # 2020 is the first report year


def test_fund_mix_history_matches_fund_split(con: duckdb.DuckDBPyConnection) -> None:
    history = queries.fund_mix_history(con, DEPARTMENT).set_index(["year", "level"])
    split = con.execute(
        "SELECT year, level, amount_wan, share FROM fund_split WHERE department = ?",
        [DEPARTMENT],
    ).fetchall()
    assert len(history) == len(split)
    for year, level, amount, share in split:
        assert history.loc[(year, level), "amount_wan"] == amount
        assert history.loc[(year, level), "share"] == pytest.approx(share)
    district = history.loc[(2021, "district")]
    assert district["change_wan"] == Decimal("-100")
    assert district["change_rate"] == pytest.approx(-100 / 200.48)


def test_project_history_groups_by_project_key(con: duckdb.DuckDBPyConnection) -> None:
    history = queries.project_history(con, DEPARTMENT)
    # The same grouping over every current project of the department, in one statement.
    years = con.execute(
        "SELECT project_key(p.name), d.year, string_agg(p.name, ' / ' ORDER BY p.ordinal),"
        " sum(p.amount_wan) FROM projects AS p JOIN current_documents AS d USING (document_id)"
        " WHERE d.department = ? GROUP BY project_key(p.name), d.year",
        [DEPARTMENT],
    ).fetchall()
    got = history[["project_key", "year", "names", "amount_wan"]].itertuples(index=False)
    assert sorted(tuple(row) for row in got) == sorted(years)
    # Largest project first, each project's years oldest first; the 2020 ones are not `new`.
    assert history["amount_wan"].iloc[0] == max(amount for *_, amount in years)
    assert not history.loc[history["year"] == 2020, "new"].any()
    assert (history.loc[history["year"] == 2021, "change_wan"] == Decimal(0)).all()


@pytest.mark.parametrize(
    "department", ["'; DROP TABLE documents;--", "' OR 1=1--", "不存在的部门"], ids=str
)
def test_hostile_or_unknown_parameters_match_nothing(
    con: duckdb.DuckDBPyConnection, department: str
) -> None:
    assert queries.phase_history(con, department).empty
    assert queries.fund_mix_history(con, department).empty
    assert queries.project_history(con, department).empty
    assert queries.department_ranking(con, 1999).empty
    assert queries.top_projects(con, 1999, 10).empty


# report_summary: the loader keeps it equal to the view report_summary_source.

SUMMARY_DIFF = (
    "SELECT count(*) FROM ((SELECT * FROM report_summary EXCEPT ALL SELECT * FROM"
    " report_summary_source) UNION ALL (SELECT * FROM report_summary_source EXCEPT ALL"
    " SELECT * FROM report_summary))"
)


# fund_split_years: rewritten from fund_split_years_source by the same refresh.
FUND_SPLIT_DIFF = SUMMARY_DIFF.replace("report_summary", "fund_split_years")


def summary_diff(db: Path) -> int:
    with duckdb.connect(str(db), read_only=True) as c:
        [(rows,)] = c.execute(SUMMARY_DIFF).fetchall()
        [(fund_rows,)] = c.execute(FUND_SPLIT_DIFF).fetchall()
        assert fund_rows == 0
        [(years,)] = c.execute("SELECT count(DISTINCT year) FROM fund_split_years").fetchall()
        assert years == len(
            {y for (y,) in c.execute("SELECT year FROM current_documents").fetchall()}
        )
        [(documents,)] = c.execute("SELECT count(*) FROM documents").fetchall()
        [(summaries,)] = c.execute("SELECT count(*) FROM report_summary").fetchall()
    assert documents == summaries
    return int(rows)


def test_summary_equals_its_source_after_loads(tmp_path: Path) -> None:
    db = tmp_path / "budget.duckdb"
    other = seed_variant(tmp_path, "2021.txt", *[("2020年度", "2021年度")])
    load_paths([SEED], db)
    load_paths([other], db)
    assert summary_diff(db) == 0


def test_a_correction_refreshes_the_summary(tmp_path: Path) -> None:
    from etl.load import correct_figure

    db = tmp_path / "budget.duckdb"
    load_paths([SEED], db)
    with queries.connect(db) as c:
        [(sha,)] = c.execute("SELECT sha256 FROM documents").fetchall()
    assert correct_figure(db, sha, "three_public", "actual", "9.9", "与决算核对").ok
    assert summary_diff(db) == 0
    with queries.connect(db) as c:
        row = queries.department_ranking(c, 2020).iloc[0]
    assert row["three_public_control_rate"] == pytest.approx(9.9 / 9.0)
    assert correct_figure(db, sha, "three_public", "actual", None, "撤销").ok  # withdrawn
    with queries.connect(db) as c:
        row = queries.department_ranking(c, 2020).iloc[0]
    assert round(row["three_public_control_rate"], 4) == 0.5844
    assert summary_diff(db) == 0


def test_a_summary_missing_or_out_of_shape_is_rebuilt(tmp_path: Path) -> None:
    db = tmp_path / "budget.duckdb"
    load_paths([SEED], db)
    with duckdb.connect(str(db)) as c:  # as a database from before the table, or older code
        c.execute("DROP TABLE report_summary")
        c.execute("CREATE TABLE report_summary AS SELECT document_id FROM documents LIMIT 0")
    other = seed_variant(tmp_path, "2021.txt", *[("2020年度", "2021年度")])
    load_paths([other], db)
    assert summary_diff(db) == 0


def _stored_years(db: Path) -> list[int]:
    """report_summary's years in storage order (no ORDER BY: DuckDB keeps insertion order)."""
    with duckdb.connect(str(db), read_only=True) as c:
        return [int(y) for (y,) in c.execute("SELECT year FROM report_summary").fetchall()]


def test_the_summary_is_stored_by_year(tmp_path: Path) -> None:
    # Loaded newest first, so document_id order is the reverse of year order.
    files = [
        seed_variant(tmp_path, f"{year}.txt", *[("2020年度", f"{year}年度")])
        for year in (2022, 2021)
    ]
    db = tmp_path / "budget.duckdb"
    load_paths([*files, SEED], db)
    assert _stored_years(db) == [2020, 2021, 2022]
    with duckdb.connect(str(db)) as c:  # a summary of an older shape is rebuilt whole
        c.execute("ALTER TABLE report_summary DROP COLUMN reported_department")
    load_paths([seed_variant(tmp_path, "2019.txt", *[("2020年度", "2019年度")])], db)
    assert _stored_years(db) == [2019, 2020, 2021, 2022]
    assert summary_diff(db) == 0


def test_departments_one_row_each(con: duckdb.DuckDBPyConnection) -> None:
    df = queries.departments(con)
    assert df["department"].tolist() == sorted([DEPARTMENT, OTHER])
    seed = df.set_index("department").loc[DEPARTMENT]
    assert (seed["reports"], seed["latest_year"]) == (2, 2021)  # the history version not counted


def test_report_years_newest_first(con: duckdb.DuckDBPyConnection) -> None:
    df = queries.report_years(con, DEPARTMENT)
    assert df["year"].tolist() == [2021, 2020]
    assert df["file_name"].tolist() == ["2021.txt", SEED.name]
    assert queries.report_years(con, "' OR 1=1--").empty


def test_ranking_head_takes_only_ranking_columns(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ValueError, match="not a ranking column"):
        queries.ranking_head(con, 2020, "department; DROP TABLE documents", False, 10)


def test_department_reports_follow_aliases_as_current_documents_does() -> None:
    from etl.load import apply_schema

    c = duckdb.connect(":memory:")
    apply_schema(c)
    for document_id, department, year, current in [
        (1, "甲局", 2020, True),
        (2, "甲", 2021, True),  # an alias of 甲局
        (3, "乙局", 2021, True),  # its name is an alias of 丙局
        (4, "甲局", 2019, False),  # a superseded version
        (5, "丙局", 2022, True),
    ]:
        c.execute(
            "INSERT INTO documents (document_id, sha256, file_name, path, department, year,"
            " is_current, loaded_at, text_chars, part, record_id)"
            " VALUES (?, ?, 'f', 'p', ?, ?, ?, now(), 1, 'unknown', ?)",
            [document_id, str(document_id), department, year, current, document_id],
        )
    c.execute("INSERT INTO department_aliases VALUES ('甲', '甲局'), ('乙局', '丙局')")
    for name in ["甲局", "甲", "乙局", "丙局", "丁局"]:
        expected = c.execute(
            "SELECT document_id, year FROM current_documents WHERE department = ? ORDER BY year",
            [name],
        ).fetchall()
        assert list(queries._department_reports(c, name).items()) == expected, name
    assert list(queries._department_reports(c, "丙局")) == [3, 5]
