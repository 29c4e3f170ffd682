"""The read side of a department-year's record: department counts and versions by canonical name
(aliases applied), one year per record, the record's documents, every document's statement of a
figure, the source of each figure, fund split and project, and the findings' evidence."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from etl import queries
from etl.load import load_paths
from tests.support import department_year as dy
from tests.support.databases import build_db

D, Y = dy.DEPARTMENT, dy.YEAR


@pytest.fixture(scope="module")
def year_con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    folder = tmp_path_factory.mktemp("year")
    db = build_db(folder / "budget.duckdb", list(dy.full_year(folder / "in").values()))
    with queries.connect(db) as con:
        yield con


@pytest.fixture(scope="module")
def demo_con(demo_db_file: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with queries.connect(demo_db_file) as con:
        yield con


def test_the_demo_counts_its_departments_with_the_aliases(
    demo_con: duckdb.DuckDBPyConnection,
) -> None:
    [(written,)] = demo_con.execute("SELECT count(DISTINCT department) FROM documents").fetchall()
    assert written == 7  # one department is written two ways
    counts = queries.version_counts(demo_con).iloc[0]
    assert (counts["departments"], counts["reports"], counts["versions"]) == (6, 18, 87)
    assert len(queries.departments(demo_con)) == 6


def test_versions_of_a_department_include_every_name_it_is_written_by(
    demo_con: duckdb.DuckDBPyConnection,
) -> None:
    [(alias, canonical)] = demo_con.execute(
        "SELECT alias, department FROM department_aliases"
    ).fetchall()
    versions = queries.department_versions(demo_con, canonical)
    assert set(versions["department"]) == {canonical}
    written = demo_con.execute(
        "SELECT count(*) FROM documents WHERE department IN (?, ?)", [alias, canonical]
    ).fetchall()[0][0]
    assert len(versions) == written == 15  # five documents a year, three years
    every = queries.document_versions(demo_con)
    assert every["department"].nunique() == 6
    assert queries.department_name(demo_con, alias)["department"].tolist() == [canonical]
    assert queries.department_name(demo_con, canonical)["department"].tolist() == [canonical]
    [(sha256, year)] = demo_con.execute(
        "SELECT sha256, year FROM documents WHERE department = ? LIMIT 1", [alias]
    ).fetchall()
    matching = queries.matching_versions(demo_con, "0" * 64, alias, year)
    assert sha256 in set(matching["sha256"]) and set(matching["department"]) == {canonical}


def test_versions_by_part(year_con: duckdb.DuckDBPyConnection) -> None:
    versions = queries.department_versions(year_con, D)
    assert sorted(versions["part"]) == sorted(
        [
            "budget",
            "final_accounts",
            "project_evaluation:农村公路养护、建设费",
            "project_evaluation:执法工作费",
            "self_evaluation_report",
        ]
    )
    counts = queries.version_counts(year_con).iloc[0]
    assert (counts["departments"], counts["reports"], counts["documents"]) == (1, 1, 5)


def test_a_record_of_five_documents_is_one_year(year_con: duckdb.DuckDBPyConnection) -> None:
    years = queries.report_years(year_con, D)
    assert years["year"].tolist() == [Y]
    assert years["file_name"].tolist() == [dy.SEED.name]  # the record's lead
    assert queries.report_years_all(year_con)["reports"].tolist() == [1]


def test_record_documents_lead_first(year_con: duckdb.DuckDBPyConnection) -> None:
    documents = queries.record_documents(year_con, D, Y)
    assert documents["file_name"].tolist()[0] == dy.SEED.name
    assert documents["lead"].tolist() == [True, False, False, False, False]
    assert sorted(documents["source_kind"]) == sorted(
        ["self_evaluation_report", "budget", "final_accounts"] + ["project_evaluation"] * 2
    )
    assert queries.record_documents(year_con, "不存在的部门", Y).empty
    by_year = queries.department_documents(year_con, D)
    assert by_year["year"].tolist() == [Y] * 5 and by_year["lead"].tolist()[0]


def test_figure_statements_keep_every_documents_value_and_mark_the_one_taken(
    year_con: duckdb.DuckDBPyConnection,
) -> None:
    statements = queries.figure_statements(year_con, D, Y)
    taken = statements[statements["taken"]]
    assert len(taken) == len(taken[["section", "item"]].drop_duplicates()) == 12
    three = statements[(statements["section"] == "three_public") & (statements["item"] == "actual")]
    assert three[["file_name", "value", "taken"]].values.tolist() == [
        ["final.txt", Decimal("5.3"), True],
        [dy.SEED.name, Decimal("5.26"), False],
    ]
    initial = statements[(statements["section"] == "basic") & (statements["item"] == "initial")]
    assert initial["file_name"].tolist() == ["budget.txt", dy.SEED.name]


def test_each_figure_fund_split_and_project_names_its_document(
    year_con: duckdb.DuckDBPyConnection,
) -> None:
    provenance = queries.figure_provenance(year_con, D, Y).set_index(["section", "item"])
    assert provenance.loc[("basic", "initial"), ["file_name", "source_kind"]].tolist() == [
        "budget.txt",
        "budget",
    ]
    assert provenance.loc[("basic", "actual"), "source_kind"] == "final_accounts"
    split = queries.fund_split_sources(year_con, D, Y)
    assert split.values.tolist() == [[dy.SEED.name, "self_evaluation_report"]]
    projects = queries.project_breakdown(year_con, D, Y).set_index("name")
    assert projects.loc["执法工作经费", "form_file_name"] == "enforcement.txt"
    assert projects.loc["执法工作经费", "form_amount_wan"] == Decimal("61.68")
    assert projects.loc["执法工作经费", "list_file_name"] == dy.SEED.name
    assert projects["form_file_name"].notna().sum() == 2


def test_cross_document_findings_carry_both_documents(
    year_con: duckdb.DuckDBPyConnection,
) -> None:
    checks = queries.check_results(year_con, D, Y)
    [differs] = checks[(checks["rule"] == "three_public_differs") & ~checks["passed"]].itertuples()
    documents = json.loads(differs.evidence)
    assert [(d["file_name"], d["value"]) for d in documents] == [
        ("final.txt", "5.300000"),
        (dy.SEED.name, "5.260000"),
    ]
    own = checks[checks["rule"] == "personnel_public_sum"]
    assert own["evidence"].tolist() == [""]


def test_an_alias_loaded_later_joins_the_department(tmp_path: Path) -> None:
    """A document that writes the department without its city joins the record once an alias
    maps it, and is counted as the same department."""
    folder = tmp_path / "in"
    files = dy.full_year(folder)
    short = folder / "budget-short.txt"
    short.write_text(
        files["budget"].read_text(encoding="utf-8").replace(D, "天心区交通运输局"), encoding="utf-8"
    )
    aliases = tmp_path / "department_aliases.csv"
    aliases.write_text(f"alias,department\n天心区交通运输局,{D}\n", encoding="utf-8")
    db = tmp_path / "budget.duckdb"
    results = load_paths([files["report"], short], db, aliases=aliases)
    assert all(r.ok for r in results)
    with queries.connect(db) as con:
        assert queries.version_counts(con)["departments"].tolist() == [1]
        assert len(queries.record_documents(con, D, Y)) == 2
        assert set(queries.department_versions(con, D)["department"]) == {D}
