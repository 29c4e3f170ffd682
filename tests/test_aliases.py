"""A department keeps its identity across years (data/department_aliases.csv, applied in the views)
and a project its history (project_key: spaces, full-width, 项, 经费/费)."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from etl import config, queries
from etl.load import AliasError, apply_schema, load_paths, parse_aliases, read_aliases, rebuild
from tests.support.databases import DEPARTMENT, ROOT, SEED, seed_variant

SHORT = "天心区交通运输局"  # how the 2021 variant's title writes the seed's department


def aliases_file(folder: Path, text: str) -> Path:
    path = folder / "department_aliases.csv"
    path.write_text(text, encoding="utf-8")
    return path


def short_title(folder: Path, year: int, *more: tuple[str, str]) -> Path:
    """The seed as the department's report of `year`, its title without 长沙市."""
    return seed_variant(
        folder,
        f"{year}-short.txt",
        ("2020年度长沙市天心区交通运输局", f"{year}年度{SHORT}"),
        ("2020年", f"{year}年"),
        *more,
    )


def departments(db: Path) -> list[tuple[str, int]]:
    with queries.connect(db) as con:
        index = queries.report_index(con)
    return sorted(zip(index["department"], index["year"], strict=True))


# The alias file.


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        ("", []),
        ("alias,department\n", []),
        ("alias,department\nA局,B局\n", [("A局", "B局")]),
        ("\ufeffalias , department\n A局 , B局 \n\n# 注释\nA局,B局\nB局,B局\n", [("A局", "B局")]),
        ("alias,department\nA局,C局\nB局,C局\n", [("A局", "C局"), ("B局", "C局")]),
    ],
    ids=["empty", "header-only", "one", "spaces-bom-notes-repeats", "two-names-one-department"],
)
def test_parse_aliases(text: str, rows: list[tuple[str, str]]) -> None:
    assert parse_aliases(text.removeprefix("\ufeff")) == rows


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("别名,部门\nA局,B局\n", "第一行应为列名"),
        ("alias,department\nA局,\n", "第 2 行：alias 和 department 都要填写"),
        ("alias,department\nA局,B局\nA局,C局\n", "第 3 行：A局 已对应 B局，不能再对应 C局"),
        ("alias,department\nA局,B局\nB局,C局\n", "B局 既是别名又是部门名称"),
    ],
    ids=["no-header", "empty-cell", "two-targets", "chain"],
)
def test_bad_alias_files_name_the_line(text: str, problem: str) -> None:
    with pytest.raises(AliasError, match=problem):
        parse_aliases(text)


def test_shipped_alias_file_has_the_issue_example() -> None:
    assert read_aliases(config.ALIASES_PATH) == [(SHORT, DEPARTMENT)]
    assert read_aliases(config.ALIASES_PATH.with_name("no-such-file.csv")) == []


# Aliases in the database.


def test_one_department_across_years_under_two_names(tmp_path: Path) -> None:
    db = tmp_path / "budget.duckdb"
    results = load_paths([SEED, short_title(tmp_path, 2021)], db)  # the shipped alias file
    assert [r.department for r in results] == [DEPARTMENT, SHORT]
    assert departments(db) == [(DEPARTMENT, 2020), (DEPARTMENT, 2021)]
    with queries.connect(db) as con:
        (reported,) = con.execute(
            "SELECT reported_department FROM current_documents WHERE year = 2021"
        ).fetchall()[0]
        history = queries.phase_history(con, DEPARTMENT)
    assert reported == SHORT
    assert sorted(set(history["year"])) == [2020, 2021]


def test_without_the_alias_they_are_two_departments(tmp_path: Path) -> None:
    db = tmp_path / "budget.duckdb"
    load_paths([SEED, short_title(tmp_path, 2021)], db, aliases=aliases_file(tmp_path, ""))
    assert departments(db) == [(SHORT, 2021), (DEPARTMENT, 2020)]


def test_alias_in_the_same_year_is_another_version(tmp_path: Path) -> None:
    db = tmp_path / "budget.duckdb"
    other = short_title(tmp_path, 2020, ("区级资金200.48万元", "区级资金200.00万元"))
    results = load_paths([SEED, other], db)
    assert [r.status for r in results] == ["loaded", "conflict"]
    assert departments(db) == [(DEPARTMENT, 2020)]
    (replaced,) = load_paths([other], db, on_conflict="replace")
    assert replaced.status == "restored"
    with queries.connect(db) as con:
        assert queries.fund_split(con, DEPARTMENT, 2020)["amount_wan"].max() == Decimal("200.00")


def test_an_alias_added_later_merges_and_keeps_the_first_loaded(tmp_path: Path) -> None:
    db = tmp_path / "budget.duckdb"
    other = short_title(tmp_path, 2020, ("区级资金200.48万元", "区级资金200.00万元"))
    load_paths([SEED, other], db, aliases=aliases_file(tmp_path, "alias,department\n"))
    assert departments(db) == [(SHORT, 2020), (DEPARTMENT, 2020)]
    edited = aliases_file(tmp_path, f"alias,department\n{SHORT},{DEPARTMENT}\n")
    assert load_paths([], db, aliases=edited) == []  # a load with no new file applies the edit
    assert departments(db) == [(DEPARTMENT, 2020)]
    with queries.connect(db) as con:
        assert queries.fund_split(con, DEPARTMENT, 2020)["amount_wan"].max() == Decimal("200.48")
    rebuild(db, aliases=edited)
    assert departments(db) == [(DEPARTMENT, 2020)]


def test_a_database_remembers_the_alias_file_it_was_given(tmp_path: Path) -> None:
    db = tmp_path / "budget.duckdb"
    own = aliases_file(tmp_path, f"alias,department\n{SHORT},天心区交通局\n")
    load_paths([short_title(tmp_path, 2021)], db, aliases=own)
    assert departments(db) == [("天心区交通局", 2021)]
    load_paths([SEED], db)  # no --aliases: this database's own file, not the shipped one
    rebuild(db)
    assert departments(db) == [("天心区交通局", 2021), (DEPARTMENT, 2020)]
    load_paths([], db, aliases=config.ALIASES_PATH)
    assert departments(db) == [(DEPARTMENT, 2020), (DEPARTMENT, 2021)]


def test_alias_written_full_width_or_spaced_matches_the_title(tmp_path: Path) -> None:
    db = tmp_path / "budget.duckdb"
    report = seed_variant(
        tmp_path, "paren.txt", ("长沙市天心区交通运输局", "天心区(区本级)交通运输局")
    )
    load_paths(
        [report],
        db,
        aliases=aliases_file(tmp_path, "alias,department\n天心区（区本级） 交通运输局,X局\n"),
    )
    assert departments(db) == [("X局", 2020)]


def test_a_bad_alias_file_loads_nothing(tmp_path: Path) -> None:
    db = tmp_path / "budget.duckdb"
    load_paths([SEED], db)
    before = db.read_bytes()
    bad = aliases_file(tmp_path, "alias,department\nA局,B局\nB局,C局\n")
    with pytest.raises(AliasError, match=r"department_aliases\.csv"):
        load_paths([short_title(tmp_path, 2021)], db, aliases=bad)
    assert db.read_bytes() == before
    run = subprocess.run(
        [sys.executable, "-m", "etl", "load", str(SEED), "--db", str(db), "--aliases", str(bad)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1 and "既是别名又是部门名称" in run.stderr


# Projects across years.


@pytest.fixture(scope="module")
def sql() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    apply_schema(con)
    return con


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("业务工作经费", "业务工作费"),
        ("业务工作费", "业务工作费"),
        ("党建经费项", "党建费"),
        ("治理平台 维护费", "治理平台维护费"),
        ("ＧＩＳ数据更新经费", "GIS数据更新费"),
        ("农村公路养护、建设费", "农村公路养护、建设费"),
        ("经费", "费"),
        ("重点项目", "重点项目"),
        ("专项", "专项"),
    ],
    ids=[
        "jingfei",
        "fei",
        "counter-xiang",
        "space",
        "full-width",
        "enumeration-comma-kept",
        "bare",
        "xiangmu-kept",
        "zhuanxiang-kept",
    ],
)
def test_project_key(sql: duckdb.DuckDBPyConnection, name: str, key: str) -> None:
    assert sql.execute("SELECT project_key(?)", [name]).fetchall() == [(key,)]


def test_project_history_follows_a_renamed_project(tmp_path: Path) -> None:
    db = tmp_path / "budget.duckdb"
    renamed = short_title(
        tmp_path,
        2021,
        ("业务工作经费16.65万元", "业务工作费20.00万元"),
        ("执法工作经费61.68万元", "执法工作经费58.33万元"),
        ("治理平台维护费6.76万元", "ＧＩＳ平台维护费6.76万元"),
    )
    load_paths([SEED, renamed], db)
    with queries.connect(db) as con:
        history = queries.project_history(con, DEPARTMENT)
    work = history[history["project_key"] == "业务工作费"]
    assert work["names"].tolist() == ["业务工作经费", "业务工作费"]
    assert work["latest_name"].tolist() == ["业务工作费", "业务工作费"]
    assert str(work["change_wan"].iloc[1]) == "3.350000"
    assert round(work["change_rate"].iloc[1], 4) == round(3.35 / 16.65, 4)
    party = history[history["project_key"] == "党建费"]  # 党建经费项 both years
    assert party["change_wan"].tolist()[1] == 0
    # A project with another name is new, and the one it replaced is not listed in 2021.
    new = history[history["new"]]
    assert new["names"].tolist() == ["ＧＩＳ平台维护费"]
    assert history[history["project_key"] == "治理平台维护费"]["year"].tolist() == [2020]


PER_REPORT = [
    (queries.budget_phases, "budget_phases"),
    (queries.fund_split, "fund_split"),
    (queries.project_breakdown, "project_breakdown"),
    (queries.figure_provenance, "figure_provenance"),
    (queries.check_results, "check_results"),
    (queries.standard_indicators, "standard_indicators"),
    (queries.indicator_inputs, "indicator_inputs"),
]


def test_per_report_queries_give_the_views_rows_for_an_aliased_department(tmp_path: Path) -> None:
    # The queries filter the views on the report's document_id (found through the alias table),
    # not on the computed department: the same rows as the view filtered on department and year.
    db = tmp_path / "budget.duckdb"
    load_paths([SEED, short_title(tmp_path, 2021)], db)  # the shipped alias file

    def rows(frame: object) -> list[tuple[str, ...]]:
        assert hasattr(frame, "astype")
        return sorted(tuple(row) for row in frame.astype(str).itertuples(index=False))

    with queries.connect(db) as con:
        for name, year in [
            (DEPARTMENT, 2021),
            (DEPARTMENT, 2020),
            (SHORT, 2021),
            (DEPARTMENT, 2019),
        ]:
            for function, view in PER_REPORT:
                frame = function(con, name, year)
                expected = (
                    con.sql(
                        f"SELECT * FROM {view} WHERE department = ? AND year = ?",
                        params=[name, year],
                    )
                    .to_arrow_table()
                    .to_pandas()[list(frame.columns)]
                )
                assert rows(frame) == rows(expected), (view, name, year)
                if name == DEPARTMENT and year != 2019:
                    assert len(frame) > 0, (view, year)
            years = queries.report_years(con, name)
            expected = (
                con.sql(
                    "SELECT year, document_id, file_name, sha256, origin, kind, department_from,"
                    " year_from FROM current_documents WHERE department = ? ORDER BY year DESC",
                    params=[name],
                )
                .to_arrow_table()
                .to_pandas()
            )
            assert rows(years) == rows(expected), name
        assert queries.report_years(con, DEPARTMENT)["year"].tolist() == [2021, 2020]
        assert queries.report_years(con, SHORT).empty


def test_ranking_names_the_department_its_alias_means(tmp_path: Path) -> None:
    # report_summary keeps the title's own name; the ranking applies the alias table to it.
    db = tmp_path / "budget.duckdb"
    load_paths([SEED, short_title(tmp_path, 2021)], db)  # the shipped alias file
    with queries.connect(db) as con:
        (stored,) = con.execute(
            "SELECT reported_department FROM report_summary WHERE year = 2021"
        ).fetchall()[0]
        ranking = queries.department_ranking(con, 2021)
        head = queries.ranking_head(con, 2021, "adjustment_rate", False, 10)
    assert stored == SHORT
    assert ranking["department"].tolist() == [DEPARTMENT]
    assert head["department"].tolist() == [DEPARTMENT]
    assert head["departments"].tolist() == [1]
