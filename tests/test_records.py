"""One department-year from all its documents: versions per part, figures resolved by the declared
precedence with every document's value kept, the cross-document checks, corrections and restores
across kinds, the same record whatever the order of loading, and `etl show`."""

from __future__ import annotations

import hashlib
import itertools
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from etl import records
from etl.load import correct_figure, load_documents, load_paths, rebuild, restore_version
from etl.model import Check
from etl.queries import connect
from etl.show import record_json
from tests.support import department_year as dy
from tests.support.cli import run
from tests.support.databases import SEED


def show(db: Path) -> dict[str, Any]:
    con = connect(db)
    try:
        record = record_json(con, dy.DEPARTMENT, dy.YEAR)
    finally:
        con.close()
    assert record is not None
    return record


def figure(record: dict[str, Any], slot: str) -> dict[str, Any]:
    [found] = [f for f in record["figures"] if f"{f['section']}.{f['item']}" == slot]
    return found


def failed(record: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    return [c for c in record["findings"] if c["rule"] == rule and not c["passed"]]


def comparable(record: dict[str, Any]) -> dict[str, Any]:
    """The record without what depends on when its documents were loaded."""
    out = json.loads(json.dumps(record))
    for document in out["documents"]:
        document.pop("loaded_at")
    out["documents"].sort(key=lambda d: d["file_name"])
    return out


@pytest.fixture
def year(tmp_path: Path) -> dict[str, Path]:
    return dy.full_year(tmp_path / "in")


def test_five_documents_make_one_record_whose_figures_name_their_documents(
    tmp_path: Path, year: dict[str, Path]
) -> None:
    db = tmp_path / "b.duckdb"
    results = load_paths(year.values(), db)
    assert [r.status for r in results] == ["loaded"] * 5
    record = show(db)
    assert [d["kind"] for d in record["documents"]] == [
        "self_evaluation_report", "budget", "final_accounts",
        "project_evaluation", "project_evaluation",
    ]  # fmt: skip
    # Initial from the 预算, spent from the 决算, the adjusted budget from the only one that says.
    assert figure(record, "basic.initial")["source"]["file_name"] == "budget.txt"
    assert figure(record, "basic.actual")["source"]["file_name"] == "final.txt"
    assert figure(record, "basic.adjusted")["source"]["kind"] == "self_evaluation_report"
    # Every other document's value is kept beside the one taken.
    actual = figure(record, "basic.actual")
    assert [(o["file_name"], o["value"], o["agrees"]) for o in actual["others"]] == [
        ("2020-tianxin-transport-bureau.txt", "801.07", True)
    ]
    three_public = figure(record, "three_public.actual")
    assert three_public["value"] == "5.3"
    assert three_public["others"][0]["value"] == "5.26"
    assert three_public["others"][0]["agrees"] is False
    # The disagreements, each naming both documents and their sentences.
    [differs] = failed(record, "three_public_differs")
    assert {d["file_name"] for d in differs["documents"]} == {
        "final.txt", "2020-tianxin-transport-bureau.txt"
    }  # fmt: skip
    assert all(d["sentence"] for d in differs["documents"])
    assert Decimal(differs["difference_wan"]) == Decimal("-0.04")
    [project] = failed(record, "project_amount_differs")
    assert "执法工作经费" in project["message"]
    assert [d["file_name"] for d in project["documents"]] == [
        "2020-tianxin-transport-bureau.txt", "enforcement.txt"
    ]  # fmt: skip
    assert not failed(record, "figure_differs")
    assert not failed(record, "missing_counterpart")
    # The project list merges the report's list with the forms.
    road = next(p for p in record["projects"] if p["name"] == "农村公路养护、建设费")
    assert (road["initial_wan"], road["form"], road["listed_in"]) == (
        "60", "road.txt", "2020-tianxin-transport-bureau.txt"
    )  # fmt: skip
    assert len(record["projects"]) == 6


def test_any_order_and_one_at_a_time_give_the_same_record(
    tmp_path: Path, year: dict[str, Path]
) -> None:
    files = list(year.values())
    orders = [files, files[::-1], [files[3], files[0], files[4], files[2], files[1]]]
    shown = []
    for index, order in enumerate(orders):
        db = tmp_path / f"batch{index}" / "b.duckdb"
        load_paths(order, db)
        shown.append(comparable(show(db)))
    one_by_one = tmp_path / "single" / "b.duckdb"
    for path in files[::-1]:
        load_paths([path], one_by_one)
    shown.append(comparable(show(one_by_one)))
    assert all(s == shown[0] for s in shown[1:])


def test_a_new_version_replaces_only_its_own_kind(tmp_path: Path, year: dict[str, Path]) -> None:
    db = tmp_path / "b.duckdb"
    load_paths(year.values(), db)
    newer = dy.write_year(tmp_path / "v2", final=dy.final_accounts(basic="805.00"))["final"]
    [kept] = load_paths([newer], db)
    assert kept.status == "conflict"  # the default keeps the current 决算
    assert figure(show(db), "basic.actual")["value"] == "801.07"
    [replaced] = load_paths([newer], db, on_conflict="replace")
    assert replaced.status == "restored"  # the same bytes, stored as history, made current
    record = show(db)
    assert figure(record, "basic.actual")["value"] == "805"
    assert len(record["documents"]) == 5  # the 预算, 自评报告 and project forms stay
    # The new 决算 overspends the report's adjusted budget, and now disagrees with the report.
    assert failed(record, "figure_differs")
    # Restore the first 决算: the record is as before, the other documents untouched.
    restored = restore_version(db, hashlib.sha256(year["final"].read_bytes()).hexdigest())
    assert restored.status == "restored"
    assert comparable(show(db)) == comparable(_fresh(tmp_path, year))


def _fresh(tmp_path: Path, year: dict[str, Path]) -> dict[str, Any]:
    db = tmp_path / "fresh" / "b.duckdb"
    load_paths(year.values(), db)
    return show(db)


def test_a_correction_wins_over_every_document_and_the_checks_run_again(
    tmp_path: Path, year: dict[str, Path]
) -> None:
    db = tmp_path / "b.duckdb"
    load_paths(year.values(), db)
    final_sha = hashlib.sha256(year["final"].read_bytes()).hexdigest()
    result = correct_figure(db, final_sha, "three_public", "actual", "5.26", "决算笔误")
    assert result.ok, result.message
    record = show(db)
    corrected = figure(record, "three_public.actual")
    assert (corrected["value"], corrected["corrected"]) == ("5.26", True)
    assert not failed(record, "three_public_differs")  # the documents now agree


def test_entering_a_missing_figure_clears_its_finding(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    paths = dy.write_year(folder, budget=dy.budget(), final=dy.final_accounts(personnel=None))
    db = tmp_path / "b.duckdb"
    load_paths(paths.values(), db)
    record = show(db)
    [missing] = failed(record, "missing_figures")
    assert "人员经费" in missing["message"]
    assert failed(record, "missing_counterpart")  # a 决算 with no self-evaluation
    con = connect(db)
    before = con.execute("SELECT failing_checks FROM current_summary").fetchone()
    con.close()
    final_sha = hashlib.sha256(paths["final"].read_bytes()).hexdigest()
    assert correct_figure(db, final_sha, "basic", "personnel", "758.01", "补录").ok
    record = show(db)
    assert not any("人员经费" in c["message"] for c in failed(record, "missing_figures"))
    # The sums run again on the corrected record: 758.01 + 42.97 against 801.07.
    [sums] = [c for c in record["findings"] if c["rule"] == "personnel_public_sum"]
    assert Decimal(sums["actual_wan"]) == Decimal("800.98")
    con = connect(db)
    after = con.execute("SELECT failing_checks FROM current_summary").fetchone()
    con.close()
    assert before is not None and after is not None
    assert after[0] == before[0]  # one finding gone (missing), one come (the 0.09 gap)


def test_a_correction_of_a_lone_report_keeps_the_findings_loading_gave(tmp_path: Path) -> None:
    """The record of one document is checked like any other after a correction, and no
    cross-document finding appears that loading it did not give (it is compared with nothing)."""
    db = tmp_path / "b.duckdb"
    [loaded] = load_paths([SEED], db)
    assert loaded.ok, loaded.message
    before = show(db)
    initial = figure(before, "basic.initial")["value"]
    sha = hashlib.sha256(SEED.read_bytes()).hexdigest()
    assert correct_figure(db, sha, "basic", "initial", initial, "核对原件，数值相同").ok
    after = show(db)
    assert figure(after, "basic.initial")["corrected"]

    def findings(record: dict[str, Any]) -> list[tuple[str, bool, str]]:
        return sorted((c["rule"], c["passed"], c["message"]) for c in record["findings"])

    assert not failed(after, "missing_counterpart")
    assert findings(after) == findings(before)


def test_rebuild_and_uploads_give_the_same_record(tmp_path: Path, year: dict[str, Path]) -> None:
    db = tmp_path / "b.duckdb"
    load_documents([(p.name, p.read_bytes()) for p in year.values()], db)
    final_sha = hashlib.sha256(year["final"].read_bytes()).hexdigest()
    correct_figure(db, final_sha, "three_public", "actual", "5.26", "决算笔误")
    uploaded = comparable(show(db))
    results = rebuild(db)
    assert all(r.ok for r in results), [r.message for r in results]
    assert comparable(show(db)) == uploaded


def test_etl_show_prints_the_record_and_says_when_there_is_none(
    tmp_path: Path, year: dict[str, Path]
) -> None:
    db = tmp_path / "b.duckdb"
    load_paths(year.values(), db)
    out = run("show", dy.DEPARTMENT, str(dy.YEAR), "--db", str(db), "--json")
    assert out.returncode == 0, out.stderr
    record = json.loads(out.stdout)
    assert record["version"] == 1
    assert {f["source"]["file_name"] for f in record["figures"]} >= {"budget.txt", "final.txt"}
    text = run("show", dy.DEPARTMENT, str(dy.YEAR), "--db", str(db))
    assert "不一致：2020-tianxin-transport-bureau.txt 为 5.26" in text.stdout
    missing = run("show", dy.DEPARTMENT, "2019", "--db", str(db))
    assert missing.returncode == 1
    assert "2019" in missing.stderr


def _statement(file_name: str, kind: str, value: str) -> records.Statement:
    return records.Statement("0" * 64, file_name, kind, Decimal(value), f"{file_name} 的句子")


def _checks(
    statements: list[tuple[tuple[str, str], records.Statement]],
    projects: list[records.ProjectStatement] = (),  # type: ignore[assignment]
    kinds: tuple[str, ...] = ("final_accounts", "self_evaluation_report"),
    total: str | None = None,
) -> list[Check]:
    found = records.cross_document_checks(
        [s for _, s in statements],
        {i: slot for i, (slot, _) in enumerate(statements)},
        projects,
        kinds,
        None if total is None else Decimal(total),
    )
    return [c for c, _ in found]


@pytest.mark.parametrize(
    ("first", "second", "passed"),
    [("801.07", "801.07", True), ("801.07", "801.074", True), ("801.07", "801.08", False)],
)
def test_the_same_figure_agrees_within_half_a_fen_of_a_wan(
    first: str, second: str, passed: bool
) -> None:
    [check] = _checks(
        [
            (("basic", "actual"), _statement("决算.pdf", "final_accounts", first)),
            (("basic", "actual"), _statement("自评.docx", "self_evaluation_report", second)),
        ]
    )
    assert (check.rule, check.passed) == ("figure_differs", passed)
    assert "决算.pdf" in check.message and "自评.docx" in check.message


def test_three_public_has_its_own_rule() -> None:
    [check] = _checks(
        [
            (("three_public", "actual"), _statement("决算", "final_accounts", "5.30")),
            (("three_public", "actual"), _statement("自评", "self_evaluation_form", "5.26")),
        ]
    )
    assert (check.rule, check.passed, check.difference_wan) == (
        "three_public_differs", False, Decimal("-0.04")
    )  # fmt: skip


def _project(name: str, amount: str, actual: str | None, on_form: bool) -> records.ProjectStatement:
    return records.ProjectStatement(
        "0" * 64, "表" if on_form else "报告", "project_evaluation" if on_form else "self_evaluation_report",
        name, Decimal(amount), None if actual is None else Decimal(actual), "句", on_form,
    )  # fmt: skip


def test_a_project_form_is_compared_with_the_list_and_the_forms_with_the_total() -> None:
    checks = _checks(
        [],
        [
            _project("执法工作经费", "61.68", None, on_form=False),
            _project("执法工作费", "61.68", "60.68", on_form=True),  # the same project's form
            _project("党建经费", "2.80", None, on_form=False),
        ],
        total="50",
    )
    by_rule = {c.rule: c for c in checks}
    assert by_rule["project_amount_differs"].passed is False
    assert by_rule["project_amount_differs"].difference_wan == Decimal("-1.00")
    assert by_rule["project_forms_total"].passed is False  # 61.68 of forms > 50 of projects


@pytest.mark.parametrize(
    ("kinds", "fires"),
    [
        (("budget", "final_accounts"), True),
        (("self_evaluation_form", "project_evaluation"), True),
        (("final_accounts", "self_evaluation_report"), False),
        (("final_accounts",), False),  # one document is compared with nothing
        (("self_evaluation_report",), False),
        (("budget",), False),
    ],
)
def test_a_final_account_and_a_self_evaluation_go_together(
    kinds: tuple[str, ...], fires: bool
) -> None:
    checks = [c for c in _checks([], kinds=kinds) if c.rule == "missing_counterpart"]
    assert bool(checks) == fires


def test_every_slot_and_list_has_every_kind_in_its_precedence() -> None:
    every = {*records.PRECEDENCE[("record", "lead")]}
    for key, kinds in records.PRECEDENCE.items():
        assert set(kinds) == every, key
        assert len(kinds) == len(set(kinds)), key


def test_parts_are_the_same_for_a_project_however_its_name_is_written() -> None:
    parts = {
        records.document_part("project_evaluation", "report", names)
        for names in (["执法工作经费"], ["执法工作费"], ["执法 工作经费"])
    }
    assert len(parts) == 1
    assert records.document_part(None, "manual", []) == "manual"
    assert list(itertools.islice(records.precedence_rows(), 1)) == [
        ["basic", "initial", "manual", 1]
    ]


def test_a_file_from_before_records_gets_parts_and_records(tmp_path: Path) -> None:
    import duckdb

    db = tmp_path / "b.duckdb"
    load_paths([dy.SEED], db)
    with duckdb.connect(str(db)) as con:  # the tables as the previous Budget Lens wrote them
        for column in ("part", "record_id", "record_size"):
            con.execute(f"ALTER TABLE documents DROP COLUMN {column}")
        con.execute("ALTER TABLE checks DROP COLUMN evidence")
        for table in (
            "adjustment_reasons", "precedence", "pending_records", "record_checks",
            "rechecked_records", "merged_records", "merged_figures", "merged_fund_sources",
            "merged_projects",
        ):  # fmt: skip
            con.execute(f"DROP TABLE {table}")
    final = dy.write_year(tmp_path / "in", final=dy.final_accounts())["final"]
    [result] = load_paths([final], db)
    assert result.status == "loaded", result.message  # joins the record, replaces nothing
    record = show(db)
    assert [d["kind"] for d in record["documents"]] == ["self_evaluation_report", "final_accounts"]
    assert figure(record, "basic.actual")["source"]["file_name"] == "final.txt"
