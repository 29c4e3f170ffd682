"""python -m etl demo: deterministic synthetic texts that the extractor reads back exactly, with the
deliberate errors flagged by the checks, loaded into their own database flagged as demo data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from etl import demo, queries
from etl.load import SYNTHETIC_MARK, analyse_text, load_paths

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "fixtures" / "reports" / "2020-tianxin-transport-bureau.txt"
SUM_RULES = {"personnel_public_sum", "projects_sum", "fund_sources_sum"}
# Several sizes and seeds, so every layout, level set and error kind is read back.
DATASETS = {
    "6-departments-2021-2023-seed-1": (6, range(2021, 2024), 1),
    "12-departments-2019-2023-seed-7": (12, range(2019, 2024), 7),
    "24-departments-2022-seed-3": (24, range(2022, 2023), 3),
}


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
        where = f"{report.file_name} (layout {report.layout})"
        assert (extracted.department, extracted.year) == (report.department, report.year), where
        figures = {slot: f.value for slot, f in extracted.figures.items()}
        assert figures == report.figures, where
        levels = {f.level: f.amount_wan for f in extracted.fund_sources}
        assert len(levels) == len(extracted.fund_sources), where
        assert levels == report.fund_sources, where
        projects = [(p.name, p.amount_wan) for p in extracted.projects]
        assert projects == [(p.name, p.amount_wan) for p in report.projects], where
        assert extracted.synthetic, where


@pytest.mark.parametrize("dataset", list(DATASETS))
def test_deliberate_errors_are_flagged_and_nothing_else_adds_up_wrong(dataset: str) -> None:
    for report in demo.generate(*DATASETS[dataset]):
        failed = {c.rule for c in analyse_text(report.text).checks if not c.passed}
        where = f"{report.file_name}: {sorted(failed)}"
        assert set(report.errors) <= failed, where
        assert failed & SUM_RULES == set(report.errors) & SUM_RULES, where
        if ("three_public", "budget") not in report.figures:
            assert "missing_figures" in failed, where  # the omitted 三公 figures are named


def test_every_error_kind_and_the_four_layouts_occur_by_default() -> None:
    reports = demo.generate()
    assert {e for r in reports for e in r.errors} == set(demo.ERROR_RULES)
    assert {r.layout for r in reports} == {0, 1, 2, 3}
    assert any(("three_public", "budget") not in r.figures for r in reports)
    assert demo.aliases_csv(reports) == "alias,department\n示例区教育局,示例市示例区教育局\n"


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
    results = demo.build(db, folder, departments=3, years=range(2021, 2023), seed=2)
    assert [r.status for r in results] == ["loaded"] * 6
    assert (tmp_path / "demo" / "department_aliases.csv").read_text(encoding="utf-8").count(
        "\n"
    ) == 2
    with queries.connect(db) as con:
        assert queries.synthetic_reports(con).iloc[0].tolist() == [6, 6]
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
    assert sorted(p.name for p in folder.iterdir()) == ["demo-2021-d01.txt", "demo-2021-d02.txt"]


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
    assert "4 个文件，已载入 4" in run.stdout and "示例数据" in run.stdout
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
