"""python -m etl evaluate: stated figures right / wrong / missed, and invented ones, against
expected JSON, per field, kind, layout and format."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from etl.evaluate import compare, evaluate_folder, expected_path, format_evaluation
from tests.support.cli import run

ROOT = Path(__file__).resolve().parent.parent
REPORTS = Path(__file__).parent / "fixtures" / "reports"
GOLDEN = Path(__file__).parent / "golden"
SAMPLE = "2021-wangjiang-water-bureau"


def _golden(stem: str = SAMPLE) -> dict[str, Any]:
    return json.loads((GOLDEN / f"{stem}.json").read_text(encoding="utf-8"))


def _outcomes(expected: dict[str, Any], got: dict[str, Any] | None) -> dict[str, str]:
    return {name: outcome for name, outcome, _, _ in compare(expected, got)}


@pytest.mark.parametrize(
    ("want", "have", "outcome"),
    [
        (612.4, 612.4, "right"),
        (612.4, 612.40000000001, "right"),
        (None, None, None),
        (612.4, None, "missed"),
        (612.4, 655.18, "wrong"),
        (None, 612.4, "invented"),
    ],
    ids=["equal", "float-noise", "both-null-not-counted", "missed", "different", "invented"],
)
def test_scalar_outcomes(want: float | None, have: float | None, outcome: str | None) -> None:
    expected, got = _golden(), _golden()
    expected["basic"]["initial"], got["basic"]["initial"] = want, have
    assert _outcomes(expected, got).get("basic.initial") == outcome


def test_a_key_the_expected_json_lacks_is_not_scored() -> None:
    expected, got = _golden(), _golden()
    got["kind"] = "self_evaluation_report"
    assert "kind" not in expected and "kind" not in _outcomes(expected, got)
    expected["kind"] = "final_accounts"
    assert _outcomes(expected, got)["kind"] == "wrong"


def test_names_compare_without_whitespace_and_full_width_forms() -> None:
    expected, got = _golden(), _golden()
    got["department"] = " ".join(expected["department"])
    expected["projects"] = [{"name": "Ａ类项目（一期）", "amount": 1.0}]
    got["projects"] = [{"name": "A类项目 (一期)", "amount": 1.0}]
    outcomes = _outcomes(expected, got)
    assert outcomes["department"] == "right"
    assert outcomes["projects.amount[Ａ类项目（一期）]"] == "right"


def test_fund_levels_scored_only_where_stated_or_extracted() -> None:
    expected, got = _golden(), _golden()
    got["fund_sources"] = {"provincial": 60.0, "city": 50.0, "other": 1.0}
    outcomes = _outcomes(expected, got)
    assert outcomes["fund_sources.provincial"] == "right"
    assert outcomes["fund_sources.city"] == "wrong"
    assert outcomes["fund_sources.district"] == "missed"
    assert outcomes["fund_sources.other"] == "invented"
    assert "fund_sources.central" not in outcomes


def test_projects_matched_by_name() -> None:
    expected, got = _golden(), _golden()
    got["projects"] = [
        {"name": "河道保洁经费", "amount": 85.2},  # right
        {"name": "水利工程维修养护费", "amount": 62.0},  # wrong amount
        {"name": "不存在的经费", "amount": 1.0},  # not expected: wrong
    ]
    results = [(name, outcome) for name, outcome, _, _ in compare(expected, got)]
    projects = [(n, o) for n, o in results if n.startswith("projects.")]
    assert ("projects.amount[河道保洁经费]", "right") in projects
    assert ("projects.amount[水利工程维修养护费]", "wrong") in projects
    assert ("projects.amount[不存在的经费]", "invented") in projects
    assert [o for n, o in projects].count("missed") == 3


def test_project_phases_score_and_levels_are_scored_where_the_json_has_them() -> None:
    expected, got = _golden(), _golden()
    expected["projects"] = [
        {
            "name": "A",
            "amount": 12.0,
            "initial": 10.0,
            "adjusted": 12.0,
            "actual": None,
            "score": 95,
            "fund_sources": {"city": 12.0},
        },
        {"name": "B", "amount": 3.0},  # an older golden file: amount only
    ]
    got["projects"] = [
        {
            "name": "A",
            "amount": 12.0,
            "initial": 10.0,
            "adjusted": 11.0,
            "actual": 9.0,
            "score": None,
            "fund_sources": {"city": 12.0, "district": 1.0},
        },
        {"name": "B", "amount": 3.0, "initial": 2.0},
    ]
    outcomes = _outcomes(expected, got)
    assert outcomes["projects.initial[A]"] == "right"
    assert outcomes["projects.adjusted[A]"] == "wrong"
    assert outcomes["projects.actual[A]"] == "invented"
    assert outcomes["projects.score[A]"] == "missed"
    assert outcomes["projects.fund_sources[A].city"] == "right"
    assert outcomes["projects.fund_sources[A].district"] == "invented"
    assert outcomes["projects.amount[B]"] == "right"
    assert "projects.initial[B]" not in outcomes


def test_checks_compare_rule_names_and_severity_when_given() -> None:
    expected, got = _golden(), _golden()
    got["checks"] = [{"rule": "projects_sum", "severity": "warning", "message": "…"}]
    assert _outcomes(expected, got)["checks"] == "wrong"
    expected["checks"] = ["projects_sum"]  # bare names: severity not compared
    assert _outcomes(expected, got)["checks"] == "right"


def test_unreadable_report_misses_everything_it_states() -> None:
    outcomes = _outcomes(_golden(), None)
    assert outcomes["basic.actual"] == "missed"
    assert outcomes["checks"] == "wrong"


def test_expected_json_lookup_order(tmp_path: Path) -> None:
    report = tmp_path / "a.txt"
    report.write_text("x", encoding="utf-8")
    assert expected_path(report, tmp_path) is None
    (tmp_path / "golden").mkdir()
    (tmp_path / "golden" / "a.json").write_text("{}", encoding="utf-8")
    assert expected_path(report, tmp_path) == tmp_path / "golden" / "a.json"
    corpus = tmp_path / "corpus"
    (corpus / "documents").mkdir(parents=True)
    (corpus / "expected").mkdir()
    (corpus / "expected" / "b.json").write_text("{}", encoding="utf-8")
    document = corpus / "documents" / "b.txt"
    assert expected_path(document, corpus) == corpus / "expected" / "b.json"
    (tmp_path / "a.json").write_text("{}", encoding="utf-8")
    assert expected_path(report, tmp_path) == tmp_path / "a.json"
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "a.json").write_text("{}", encoding="utf-8")
    assert expected_path(report, tmp_path, other) == other / "a.json"


@pytest.fixture
def scored_folder(tmp_path: Path) -> Path:
    """Two reports with expected JSON beside them (one deliberately off), one without, one bad."""
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(REPORTS / f"{SAMPLE}.txt", folder)
    shutil.copy(GOLDEN / f"{SAMPLE}.json", folder)
    other = "2022-qinghe-agriculture-tables"
    shutil.copy(REPORTS / f"{other}.txt", folder)
    wrong = _golden(other)
    wrong["basic"]["actual"] = 1.0  # the extractor will be "wrong" here
    (folder / f"{other}.json").write_text(json.dumps(wrong, ensure_ascii=False), "utf-8")
    shutil.copy(REPORTS / "2021-ningchuan-statistics-no-split.txt", folder)  # no expected JSON
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 truncated")
    (folder / "broken.json").write_text(json.dumps(_golden()), "utf-8")
    return folder


def test_evaluate_folder_counts(scored_folder: Path) -> None:
    evaluation = evaluate_folder(scored_folder)
    assert len(evaluation.reports) == 3
    assert evaluation.without_expected == ["2021-ningchuan-statistics-no-split.txt"]
    assert [name for name, _ in evaluation.unreadable] == ["broken.pdf"]
    assert evaluation.fields["basic.actual"].right == 1
    assert evaluation.fields["basic.actual"].wrong == 1
    assert evaluation.fields["basic.actual"].missed == 1
    assert evaluation.by("format")["pdf"].right == 0
    text = format_evaluation(evaluation, scored_folder)
    assert "overall" in text and "basic.actual" in text and "unreadable: broken.pdf" in text
    assert "by kind" in text and "by layout" in text and "by format" in text


def test_evaluation_groups_by_kind_and_layout() -> None:
    evaluation = evaluate_folder(REPORTS, GOLDEN)
    expected, got = _golden(), _golden()
    expected |= {"kind": "final_accounts", "layout": "pipe"}
    got |= {"kind": "final_accounts"}
    got["basic"] = dict(got["basic"], actual=1.0)
    before = evaluation.overall.stated
    document = evaluation.add("x.txt", expected, got, ".txt")
    assert document.kind == "final_accounts" and document.layout == "pipe"
    assert document.tally.wrong == 1
    assert evaluation.by("kind")["final_accounts"] == document.tally
    assert evaluation.by("layout")["pipe"] == document.tally
    assert evaluation.overall.stated == before + document.tally.stated


def test_cli_evaluate_on_the_corpus_is_perfect() -> None:
    out = run("evaluate", str(REPORTS), "--golden", str(GOLDEN), "--fail-under", "100")
    assert out.returncode == 0, out.stdout + out.stderr
    overall = next(line for line in out.stdout.splitlines() if line.startswith("overall"))
    assert overall.split()[3:6] == ["0", "0", "0"]  # no wrong, missed or invented
    assert overall.endswith("100.0%")


def test_cli_evaluate_json_and_fail_under(scored_folder: Path) -> None:
    out = run("evaluate", str(scored_folder), "--json", "--fail-under", "99.9")
    assert out.returncode == 1
    data = json.loads(out.stdout)
    assert data["fields"]["basic.actual"] == {
        "stated": 3,
        "right": 1,
        "wrong": 1,
        "missed": 1,
        "invented": 0,
        "accuracy": pytest.approx(1 / 3),
    }
    assert {d["name"] for d in data["documents"]} == set(data["reports"])
    assert data["unreadable"][0]["report"] == "broken.pdf"


def test_cli_evaluate_help_explains_the_scoring() -> None:
    out = run("evaluate", "--help")
    assert out.returncode == 0
    for word in ("right", "wrong", "missed", "invented", "--golden", "../expected/<stem>.json"):
        assert word in out.stdout


def test_cli_evaluate_folder_without_expected_json(tmp_path: Path) -> None:
    shutil.copy(REPORTS / f"{SAMPLE}.txt", tmp_path)
    out = run("evaluate", str(tmp_path))
    assert out.returncode == 1
    assert "no document has expected JSON" in out.stderr
