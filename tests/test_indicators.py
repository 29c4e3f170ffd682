"""The 财预〔2013〕53号 indicators (schema.sql indicator_terms → standard_indicators), against the
seed and variants of its text: values, missing inputs (never 0), the previous year, flags."""

from __future__ import annotations

import math
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl import queries
from tests.support.databases import DEPARTMENT, SEED, build_db, seed_variant
from ui import tables

NO_THREE_PUBLIC = "长沙市雨花区交通运输局"
OVERSPENT = "长沙市岳麓区交通运输局"
NO_POSTS = "长沙市开福区交通运输局"
# department_ranking's columns and the scope standard_indicators computes each for.
RANKED_SCOPES = {
    "adjustment_rate": "total",
    "execution_rate": "total",
    "three_public_control_rate": "three_public",
    "staff_control_rate": "staffing",
    "personnel_share": "basic",
}


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    folder = tmp_path_factory.mktemp("indicators")
    reports = [
        SEED,
        seed_variant(folder, "2021.txt", ("2020", "2021"), ("实际支出为5.26", "实际支出为6.10")),
        # No 2022 report: 2023's 变动率 has no previous year.
        seed_variant(folder, "2023.txt", ("2020", "2023")),
        seed_variant(
            folder,
            "no-three-public.txt",
            ("天心区", "雨花区"),
            ("（其中三公经费年初预算为9.0万，实际支出为5.26）", ""),
        ),
        seed_variant(
            folder,
            "overspent.txt",
            ("天心区", "岳麓区"),
            ("实际支出为5.26", "实际支出为9.50"),
            ("预算调整数为801.07万元", "预算调整数为250.00万元"),
        ),
        seed_variant(
            folder, "no-posts.txt", ("天心区", "开福区"), ("编制人数为8人", "编制人数为0人")
        ),
    ]
    db = build_db(folder / "budget.duckdb", reports)
    with queries.connect(db) as connection:
        yield connection


def indicators(con: duckdb.DuckDBPyConnection, department: str, year: int) -> pd.DataFrame:
    return queries.standard_indicators(con, department, year).set_index(["indicator", "scope"])


def test_seed_values(con: duckdb.DuckDBPyConnection) -> None:
    values = indicators(con, DEPARTMENT, 2020)["value"].round(6).to_dict()
    assert {k: round(v * 100, 2) for k, v in values.items() if not math.isnan(v)} == {
        ("execution_rate", "basic"): 100.0,
        ("execution_rate", "project"): 100.0,
        ("execution_rate", "total"): 100.0,
        ("adjustment_rate", "basic"): 64.32,
        ("adjustment_rate", "project"): 257.26,
        ("adjustment_rate", "total"): 96.56,
        ("three_public_control_rate", "three_public"): 58.44,
        ("staff_control_rate", "staffing"): 212.5,
        ("personnel_share", "basic"): 94.62,
    }
    assert math.isnan(values[("three_public_change_rate", "three_public")])


def test_numerator_and_denominator_are_exact(con: duckdb.DuckDBPyConnection) -> None:
    row = indicators(con, DEPARTMENT, 2020).loc[("adjustment_rate", "total")]
    assert (row["numerator"], row["denominator"]) == (Decimal("565.16"), Decimal("585.31"))


def test_inputs_carry_their_sentences(con: duckdb.DuckDBPyConnection) -> None:
    inputs = queries.indicator_inputs(con, DEPARTMENT, 2020)
    basic = inputs[(inputs["indicator"] == "adjustment_rate") & (inputs["scope"] == "basic")]
    assert basic["item"].tolist() == ["adjusted", "initial"]
    assert basic["value"].tolist() == [Decimal("801.07"), Decimal("487.51")]
    assert basic["sentence"].str.contains("预算调整数为801.07万元").all()
    assert basic["wording"].tolist() == ["预算调整数", "年初预算数"]


def test_change_rate_against_the_previous_year(con: duckdb.DuckDBPyConnection) -> None:
    row = indicators(con, DEPARTMENT, 2021).loc[("three_public_change_rate", "three_public")]
    assert row["value"] == pytest.approx((6.10 - 5.26) / 5.26)
    inputs = queries.indicator_inputs(con, DEPARTMENT, 2021)
    change = inputs[inputs["indicator"] == "three_public_change_rate"]
    assert change[["input_year", "value"]].values.tolist() == [
        [2021, Decimal("6.10")],
        [2020, Decimal("5.26")],
    ]


def test_change_rate_needs_the_year_just_before(con: duckdb.DuckDBPyConnection) -> None:
    row = indicators(con, DEPARTMENT, 2023).loc[("three_public_change_rate", "three_public")]
    assert math.isnan(row["value"]) and row["missing_inputs"] == 1
    inputs = queries.indicator_inputs(con, DEPARTMENT, 2023)
    change = inputs[inputs["indicator"] == "three_public_change_rate"]
    assert (
        tables.indicator_result(row, change, 2023) == "无法计算：缺少 2022 年度“三公”经费实际支出"
    )


def test_missing_input_is_not_computed_never_zero(con: duckdb.DuckDBPyConnection) -> None:
    table = indicators(con, NO_THREE_PUBLIC, 2020)
    row = table.loc[("three_public_control_rate", "three_public")]
    assert math.isnan(row["value"]) and row["missing_inputs"] == 2
    assert row["numerator"] is None and not row["flagged"]
    inputs = queries.indicator_inputs(con, NO_THREE_PUBLIC, 2020)
    own = inputs[inputs["indicator"] == "three_public_control_rate"]
    assert own["value"].isna().all()
    assert tables.indicator_result(row, own, 2020) == (
        "无法计算：缺少 “三公”经费实际支出、“三公”经费预算"
    )
    assert table.loc[("execution_rate", "total"), "value"] == 1.0  # the rest is computed


def test_zero_denominator_says_so(con: duckdb.DuckDBPyConnection) -> None:
    row = indicators(con, NO_POSTS, 2020).loc[("staff_control_rate", "staffing")]
    assert math.isnan(row["value"]) and row["missing_inputs"] == 0
    inputs = queries.indicator_inputs(con, NO_POSTS, 2020)
    own = inputs[inputs["indicator"] == "staff_control_rate"]
    assert tables.indicator_result(row, own, 2020) == "无法计算：分母为 0"


@pytest.mark.parametrize(
    ("department", "indicator", "scope", "flagged"),
    [
        (DEPARTMENT, "adjustment_rate", "basic", True),  # +64.32 %
        (DEPARTMENT, "adjustment_rate", "total", True),
        (DEPARTMENT, "three_public_control_rate", "three_public", False),  # 5.26 of 9.0
        (OVERSPENT, "adjustment_rate", "basic", True),  # −48.72 %: a cut that large is flagged too
        (OVERSPENT, "three_public_control_rate", "three_public", True),  # 9.50 of 9.0
        (OVERSPENT, "execution_rate", "basic", False),  # over 100 % is a check, not this flag
    ],
    ids=["seed-basic", "seed-total", "seed-three-public", "cut", "overspent", "execution"],
)
def test_flags(
    con: duckdb.DuckDBPyConnection, department: str, indicator: str, scope: str, flagged: bool
) -> None:
    assert indicators(con, department, 2020).loc[(indicator, scope), "flagged"] == flagged


def test_agrees_with_the_ranking_and_budget_phases_on_the_demo(demo_db_file: Path) -> None:
    """current_summary and budget_phases keep their own formulas (pages read them hot): the same
    numbers for every demo report."""
    with queries.connect(demo_db_file) as demo:
        index = queries.report_index(demo)
        for department, year in zip(index["department"], index["year"], strict=True):
            mine = indicators(demo, department, int(year))["value"]
            ranked = queries.department_ranking(demo, int(year)).set_index("department")
            for column, scope in RANKED_SCOPES.items():
                _same(mine[(column, scope)], ranked.loc[department, column])
            phases = queries.budget_phases(demo, department, int(year)).set_index("section")
            for section in ("basic", "project", "total"):
                _same(mine[("adjustment_rate", section)], phases.loc[section, "adjustment_rate"])
                _same(mine[("execution_rate", section)], phases.loc[section, "execution_rate"])


def _same(a: float, b: float) -> None:
    assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, rel=1e-12)
