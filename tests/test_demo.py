"""python -m etl demo: deterministic synthetic texts of every document kind that the extractor
reads back exactly, with the deliberate errors flagged by the checks, loaded into their own database
flagged as demo data, where each department-year's documents form one record whose cross-document
findings are exactly the deliberate disagreements."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from etl import config, demo, queries, records
from etl.load import SYNTHETIC_MARK, analyse_text, load_paths
from etl.show import record_json
from tests.support.cli import run

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "fixtures" / "reports" / "2020-tianxin-transport-bureau.txt"
SUM_RULES = {"personnel_public_sum", "projects_sum", "fund_sources_sum"}
# Several sizes and seeds, so every layout, level set and error kind is read back.
DATASETS = {
    "6-departments-2021-2023-seed-1": (6, range(2021, 2024), 1),
    "12-departments-2019-2023-seed-7": (12, range(2019, 2024), 7),
    "24-departments-2022-seed-3": (24, range(2022, 2023), 3),
}
KINDS = {"budget", "final_accounts", "self_evaluation_report", "project_evaluation"}
# The department-year that publishes a 自评表 instead of a 自评报告.
FORM_YEAR = {"budget", "final_accounts", "self_evaluation_form", "project_evaluation"}
MISSING = {"self_evaluation": {"self_evaluation_report", "project_evaluation"},
           "final_accounts": {"final_accounts"}}  # fmt: skip


def test_same_seed_same_texts_other_seed_other_texts() -> None:
    first = [(r.file_name, r.text) for r in demo.generate(seed=5)]
    assert first == [(r.file_name, r.text) for r in demo.generate(seed=5)]
    assert first != [(r.file_name, r.text) for r in demo.generate(seed=6)]


@pytest.mark.parametrize("dataset", list(DATASETS))
def test_names_are_clearly_synthetic_and_every_text_is_marked(dataset: str) -> None:
    for report in demo.generate(*DATASETS[dataset]):
        assert report.identity.startswith("示例市") and "示例" in report.department
        assert SYNTHETIC_MARK in report.text and report.text.count("虚构") == 1


@pytest.mark.parametrize("dataset", list(DATASETS))
def test_extractor_recovers_the_generated_numbers(dataset: str) -> None:
    for report in demo.generate(*DATASETS[dataset]):
        extracted = analyse_text(report.text)
        where = f"{report.file_name} ({report.kind}, layout {report.layout})"
        assert extracted.kind == report.kind, where
        assert (extracted.department, extracted.year) == (report.department, report.year), where
        figures = {slot: f.value for slot, f in extracted.figures.items()}
        assert figures == report.figures, where
        levels = {f.level: f.amount_wan for f in extracted.fund_sources}
        assert len(levels) == len(extracted.fund_sources), where
        assert levels == report.fund_sources, where
        projects = [(p.name, p.amount_wan) for p in extracted.projects]
        assert projects == [(p.name, p.amount_wan) for p in report.projects], where
        if report.kind == "project_evaluation":
            phases = [(p.initial_wan, p.adjusted_wan, p.actual_wan) for p in extracted.projects]
            assert phases == [
                (p.initial_wan, p.adjusted_wan, p.actual_wan) for p in report.projects
            ]
        assert extracted.synthetic, where


@pytest.mark.parametrize("dataset", list(DATASETS))
def test_deliberate_errors_are_flagged_and_nothing_else_adds_up_wrong(dataset: str) -> None:
    for report in demo.generate(*DATASETS[dataset]):
        failed = {c.rule for c in analyse_text(report.text).checks if not c.passed}
        where = f"{report.file_name}: {sorted(failed)}"
        assert set(report.errors) <= failed, where
        assert failed & SUM_RULES == set(report.errors) & SUM_RULES, where
        if (
            report.kind == "self_evaluation_report"
            and ("three_public", "budget") not in report.figures
        ):
            assert "missing_figures" in failed, where  # the omitted 三公 figures are named
        if report.kind in ("final_accounts", "project_evaluation"):
            assert (
                "missing_figures" not in failed or ("three_public", "actual") not in report.figures
            )


def test_every_error_kind_and_the_four_layouts_occur_by_default() -> None:
    reports = [r for r in demo.generate() if r.kind == "self_evaluation_report"]
    assert {e for r in reports for e in r.errors} == set(demo.ERROR_RULES)
    assert {r.layout for r in reports} == {0, 1, 2, 3}
    assert any(("three_public", "budget") not in r.figures for r in reports)
    assert demo.aliases_csv(reports) == "alias,department\n示例区教育局,示例市示例区教育局\n"


def _kinds(documents: list[demo.DemoReport]) -> dict[tuple[str, int], set[str]]:
    out: dict[tuple[str, int], set[str]] = {}
    for d in documents:
        out.setdefault((d.identity, d.year), set()).add(d.kind)
    return out


def _expected_kinds(documents: list[demo.DemoReport]) -> dict[tuple[str, int], set[str]]:
    """Every kind, but for the department-years missing one on purpose."""
    missing: dict[tuple[str, int], set[str]] = {}
    for department, year, rule, what in demo.disagreements(documents):
        if rule == "missing_counterpart":
            missing[(department, year)] = MISSING[what]
    return {
        pair: (FORM_YEAR if "self_evaluation_form" in kinds else KINDS) - missing.get(pair, set())
        for pair, kinds in _kinds(documents).items()
    }


@pytest.mark.parametrize("dataset", list(DATASETS))
def test_every_department_year_has_every_kind_but_the_deliberately_missing(dataset: str) -> None:
    documents = demo.generate(*DATASETS[dataset])
    assert _kinds(documents) == _expected_kinds(documents)
    forms = [d for d in documents if d.kind == "project_evaluation"]
    assert all(len(f.projects) == 1 for f in forms)
    for (department, year), kinds in _kinds(documents).items():
        count = sum((f.identity, f.year) == (department, year) for f in forms)
        if "self_evaluation_form" in kinds:  # a form for every project: they are its list
            assert count > demo.MAJOR_PROJECTS
        else:
            assert count == (demo.MAJOR_PROJECTS if "project_evaluation" in kinds else 0)
    # One department-year publishes a 自评表 instead of a 自评报告.
    assert sum("self_evaluation_form" in k for k in _kinds(documents).values()) == 1
    # At most one deliberate disagreement per department-year; most have none.
    pairs = [(d, y) for d, y, _, _ in demo.disagreements(documents)]
    assert len(pairs) == len(set(pairs)) <= len(demo.DISAGREEMENTS)
    assert len(set(pairs)) < len(_kinds(documents)) / 2


@pytest.mark.parametrize("dataset", list(DATASETS)[:2])
def test_every_disagreement_is_written_where_the_dataset_has_room(dataset: str) -> None:
    found = {rule for _, _, rule, _ in demo.disagreements(demo.generate(*DATASETS[dataset]))}
    assert found == set(records.CROSS_RULES)
    counterparts = [
        what
        for _, _, rule, what in demo.disagreements(demo.generate(*DATASETS[dataset]))
        if rule == "missing_counterpart"
    ]
    assert sorted(counterparts) == ["final_accounts", "self_evaluation"]


# --- the loaded demo: records, their findings, determinism ---------------------------------------


def _failures(con: duckdb.DuckDBPyConnection) -> set[tuple[str, int, str, str]]:
    """Every failed finding of every record: (department, year, rule, what), what as
    demo.disagreements names it for the cross-document rules ("" for the others)."""
    out = set()
    for department, year, rule, fields, message, evidence in con.execute(
        "SELECT d.department, d.year, f.rule, f.fields, f.message, f.evidence"
        " FROM record_findings AS f JOIN current_documents AS d USING (document_id)"
        " WHERE NOT f.passed"
    ).fetchall():
        what = ""
        if rule in ("figure_differs", "three_public_differs"):
            what = fields
        elif rule == "project_amount_differs":
            what = records.project_key(json.loads(evidence)[1]["project"])
        elif rule == "missing_counterpart":
            what = "self_evaluation" if "缺少部门整体支出绩效自评" in message else "final_accounts"
        out.add((department, int(year), rule, what))
    return out


def _expected_failures(documents: list[demo.DemoReport]) -> set[tuple[str, int, str, str]]:
    """What the records should find: the deliberate disagreements, each document's deliberate
    slip, the omitted 三公 figures, and 调整率 over its limit where the resolved figures (initial
    from the 预算, adjusted from the 自评报告) take it there; nothing else."""
    out = set(demo.disagreements(documents))
    by_pair: dict[tuple[str, int], dict[str, demo.DemoReport]] = {}
    for d in documents:
        by_pair.setdefault((d.identity, d.year), {})[d.kind] = d
        out |= {(d.identity, d.year, rule, "") for rule in d.errors}
    for (department, year), kinds in by_pair.items():
        figures = kinds["budget"].figures
        if ("three_public", "budget") not in figures:
            out.add((department, year, "missing_figures", ""))
        own = kinds.get("self_evaluation_report") or kinds.get("self_evaluation_form")
        for section in ("basic", "project"):
            if own is None:
                continue
            initial = figures[(section, "initial")]
            adjusted = own.figures[(section, "adjusted")]
            if abs((adjusted - initial) / initial) > config.ADJUSTMENT_RATE_LIMIT:
                out.add((department, year, "adjustment_rate_high", ""))
    return out


@pytest.fixture(scope="module")
def demo_con(demo_db_file: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with queries.connect(demo_db_file) as con:
        yield con


def test_every_cross_rule_fires_and_the_findings_are_exactly_the_deliberate_ones(
    demo_con: duckdb.DuckDBPyConnection,
) -> None:
    documents = demo.generate()
    found = _failures(demo_con)
    expected = _expected_failures(documents)
    for rule in records.CROSS_RULES:
        assert {f for f in found if f[2] == rule} == {f for f in expected if f[2] == rule}, rule
        assert any(f[2] == rule for f in found), f"{rule} fires nowhere"
    assert found == expected
    # Most department-years agree across their documents.
    disagreeing = {(d, y) for d, y, rule, _ in found if rule in records.CROSS_RULES}
    assert len(disagreeing) == len(demo.DISAGREEMENTS) < 18 / 2


def test_each_department_year_is_one_record_of_its_documents(
    demo_con: duckdb.DuckDBPyConnection,
) -> None:
    documents = demo.generate()
    loaded: dict[tuple[str, int], set[str]] = {}
    for department, year, kind in demo_con.execute(
        "SELECT department, year, source_kind FROM record_documents"
    ).fetchall():
        loaded.setdefault((department, int(year)), set()).add(kind)
    assert loaded == _expected_kinds(documents)
    [(records_count, documents_count)] = demo_con.execute(
        "SELECT count(DISTINCT record_id), count(*) FROM record_documents"
    ).fetchall()
    assert (records_count, documents_count) == (18, len(documents))


def test_six_canonical_departments_under_every_name_they_write(
    demo_con: duckdb.DuckDBPyConnection,
) -> None:
    names = demo.department_names(6)
    departments = demo_con.execute(
        "SELECT DISTINCT department FROM record_documents ORDER BY 1"
    ).fetchall()
    assert sorted(d for (d,) in departments) == sorted(names)
    reported = {r for (r,) in demo_con.execute(
        "SELECT DISTINCT reported_department FROM record_documents").fetchall()}  # fmt: skip
    assert reported == {*names, "示例区教育局"}
    assert len(queries.report_index(demo_con)) == 18


def test_everything_is_marked_demo_data(demo_con: duckdb.DuckDBPyConnection) -> None:
    [(total, synthetic)] = demo_con.execute(
        "SELECT count(*), count(*) FILTER (WHERE synthetic) FROM record_documents"
    ).fetchall()
    assert total == synthetic == len(demo.generate())
    assert queries.synthetic_reports(demo_con).iloc[0].tolist() == [18, 18]
    assert queries.real_report_count(demo_con) == 0
    for department, year in demo_con.execute(
        "SELECT department, year FROM current_documents"
    ).fetchall():
        record = record_json(demo_con, department, int(year))
        assert record is not None and record["synthetic"], (department, year)


def _comparable(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    out = []
    for department, year in con.execute(
        "SELECT department, year FROM current_documents ORDER BY 1, 2"
    ).fetchall():
        record = record_json(con, department, int(year))
        assert record is not None
        for document in record["documents"]:
            document.pop("loaded_at")
        out.append(record)
    return out


def test_two_runs_give_the_same_records(
    tmp_path: Path, demo_con: duckdb.DuckDBPyConnection
) -> None:
    db = tmp_path / "again.duckdb"
    demo.build(db, tmp_path / "demo" / "reports")
    with queries.connect(db) as again:
        assert _comparable(again) == _comparable(demo_con)


def test_etl_show_json_prints_a_demo_department_years_findings(demo_db_file: Path) -> None:
    documents = demo.generate()
    [(department, year, rule, what)] = [
        d for d in demo.disagreements(documents) if d[2] == "three_public_differs"
    ]
    shown = run("show", department, str(year), "--json", "--db", str(demo_db_file))
    assert shown.returncode == 0, shown.stderr
    record = json.loads(shown.stdout)
    assert record["synthetic"] is True
    [finding] = [f for f in record["findings"] if f["rule"] == rule and not f["passed"]]
    assert finding["fields"] == [what]
    assert {d["kind"] for d in finding["documents"]} == {"final_accounts", "self_evaluation_report"}
    final = next(
        d for d in documents if (d.identity, d.year, d.kind) == (department, year, "final_accounts")
    )
    own = next(
        d
        for d in documents
        if (d.identity, d.year, d.kind) == (department, year, "self_evaluation_report")
    )
    slot = ("three_public", "actual")
    assert Decimal(finding["difference_wan"]) == own.figures[slot] - final.figures[slot]
    text = run("show", department, str(year), "--db", str(demo_db_file))
    assert "（示例数据）" in text.stdout and "三公经费实际支出" in text.stdout


@pytest.mark.parametrize("departments", [0, 25])
def test_department_count_out_of_range_is_refused(departments: int) -> None:
    with pytest.raises(ValueError, match="between 1 and 24"):
        demo.department_names(departments)


@pytest.mark.parametrize("years", ["2023-2021", "x", "1850-1851"])
def test_bad_years_are_refused(years: str) -> None:
    with pytest.raises(ValueError):
        demo.parse_years(years)


def test_build_loads_a_flagged_database_and_rebuilds_it_from_scratch(tmp_path: Path) -> None:
    db, folder = tmp_path / "demo.duckdb", tmp_path / "demo" / "reports"
    documents = demo.generate(3, range(2021, 2023), 2)
    results = demo.build(db, folder, departments=3, years=range(2021, 2023), seed=2)
    assert [r.status for r in results] == ["loaded"] * len(documents)
    assert (tmp_path / "demo" / "department_aliases.csv").read_text(encoding="utf-8").count(
        "\n"
    ) == 2
    with queries.connect(db) as con:
        assert queries.synthetic_reports(con).iloc[0].tolist() == [6, 6]  # six department-years
        assert queries.real_report_count(con) == 0
        # 示例区教育局 (2022) is the same department as 示例市示例区教育局 (2021).
        assert sorted(queries.report_index(con)["department"].unique()) == sorted(
            demo.department_names(3)
        )
    # A later load without --aliases (the app's schema upgrade does one) keeps the demo's own.
    load_paths([], db)
    with queries.connect(db) as con:
        assert len(queries.report_index(con)["department"].unique()) == 3
    # Another run with fewer departments replaces the database: nothing of the first is left.
    demo.build(db, folder, departments=2, years=range(2021, 2022), seed=2)
    with queries.connect(db) as con:
        assert len(queries.report_index(con)) == 2
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        d.file_name for d in demo.generate(2, range(2021, 2022), 2)
    )


def test_build_refuses_a_database_with_real_reports(tmp_path: Path) -> None:
    db = tmp_path / "budget.duckdb"
    load_paths([SEED], db)
    before = db.read_bytes()
    with pytest.raises(demo.NotADemoDatabase):
        demo.build(db, tmp_path / "reports")
    assert db.read_bytes() == before
    assert not (tmp_path / "reports").exists()


def test_cli_demo(tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"
    args = ["--db", str(db), "--out", str(tmp_path / "reports"), "--departments", "2"]
    run = subprocess.run(
        [sys.executable, "-m", "etl", "demo", *args, "--years", "2022-2023", "--seed", "4"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    count = len(demo.generate(2, range(2022, 2024), 4))
    assert f"{count} 个文件，已载入 {count}" in run.stdout and "示例数据" in run.stdout
    real = tmp_path / "real.duckdb"
    load_paths([SEED], real)
    refused = subprocess.run(
        [sys.executable, "-m", "etl", "demo", "--db", str(real), "--out", str(tmp_path / "x")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 1 and "不是示例数据" in refused.stderr
