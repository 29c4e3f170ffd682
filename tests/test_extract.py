"""The extractor on the real seed report, field by field against its hand-checked golden file."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from etl.contract import report_json
from etl.extract import extract_report, split_sentences
from etl.load import analyse_text
from etl.readers import read_text

FIXTURES = Path(__file__).parent / "fixtures" / "reports"
GOLDEN = Path(__file__).parent / "golden"
SEED = FIXTURES / "2020-tianxin-transport-bureau.txt"
SHIPPED = Path(__file__).parent.parent / "data" / "reports" / SEED.name


@pytest.fixture(scope="module")
def seed() -> dict:
    return report_json(analyse_text(read_text(SEED)))


@pytest.fixture(scope="module")
def golden() -> dict:
    return json.loads((GOLDEN / f"{SEED.stem}.json").read_text(encoding="utf-8"))


def test_shipped_report_is_the_fixture() -> None:
    assert SHIPPED.read_bytes() == SEED.read_bytes()


def test_contract_has_exactly_the_contract_keys(seed: dict) -> None:
    required = {
        "department",
        "year",
        "basic",
        "project",
        "three_public",
        "fund_sources",
        "projects",
        "staffing",
        "checks",
    }
    assert required <= seed.keys()
    assert set(seed["basic"]) == {"initial", "adjusted", "actual", "personnel", "public"}
    assert set(seed["project"]) == {"initial", "adjusted", "actual"}
    assert set(seed["three_public"]) == {"budget", "actual"}
    assert set(seed["staffing"]) == {"authorized", "actual"}
    for check in seed["checks"]:
        assert {"rule", "severity", "message"} <= check.keys()
        assert check["severity"] in {"error", "warning", "info"}


@pytest.mark.parametrize(
    "key", ["department", "year", "basic", "project", "three_public", "fund_sources", "staffing"]
)
def test_seed_scalar_sections(seed: dict, golden: dict, key: str) -> None:
    assert seed[key] == golden[key]


def test_seed_projects_in_report_order(seed: dict, golden: dict) -> None:
    assert [{"name": p["name"], "amount": p["amount"]} for p in seed["projects"]] == golden[
        "projects"
    ]


def test_seed_checks(seed: dict, golden: dict) -> None:
    assert [{"rule": c["rule"], "severity": c["severity"]} for c in seed["checks"]] == golden[
        "checks"
    ]


def test_seed_personnel_public_difference_is_reported(seed: dict) -> None:
    (check,) = [c for c in seed["checks"] if c["rule"] == "personnel_public_sum"]
    assert check["severity"] == "warning"
    assert check["difference"] == pytest.approx(-0.09)
    assert "800.98" in check["message"] and "801.07" in check["message"]
    assert "0.09" in check["message"]


@pytest.mark.parametrize("rule", ["fund_sources_sum", "projects_sum"])
def test_seed_project_sums_reconcile(seed: dict, rule: str) -> None:
    assert not [c for c in seed["checks"] if c["rule"] == rule]
    assert [c["rule"] for c in seed["checks_passed"]].count(rule) == 1


def test_every_figure_points_at_its_sentence(seed: dict) -> None:
    text = read_text(SEED)
    assert len(seed["provenance"]) == 12 + 2  # every contract figure, the department and kind
    for key, where in seed["provenance"].items():
        start, end = where["sentence_span"]
        assert text[start:end] == where["sentence"], key
        v_start, v_end = where["value_span"]
        assert start <= v_start < v_end <= end, key
    assert text.__contains__(seed["provenance"]["basic.adjusted"]["sentence"])
    adjusted = seed["provenance"]["basic.adjusted"]
    assert text[slice(*adjusted["value_span"])] == "801.07万元"
    assert adjusted["wording"] == "预算调整数"


def test_project_provenance_is_its_list_item(seed: dict) -> None:
    text = read_text(SEED)
    for project in seed["projects"]:
        source = project["source"]
        assert source["sentence"].startswith(project["name"])
        assert text[slice(*source["sentence_span"])] == source["sentence"]


def test_amounts_are_exact_decimals() -> None:
    report = extract_report(read_text(SEED))
    assert report.value("basic", "personnel") == Decimal("758.01")
    assert report.value("basic", "personnel") + report.value("basic", "public") == Decimal("800.98")


# Other numbers in the same wording give their own numbers: nothing is typed in for the seed.
def _variant(text: str, replacements: dict[str, str]) -> str:
    for old, new in replacements.items():
        assert old in text
        text = text.replace(old, new)
    return text


def test_other_numbers_give_other_figures() -> None:
    text = _variant(
        read_text(SEED),
        {
            "2020年度长沙市天心区交通运输局": "2021年度长沙市岳麓区水利局",
            "年初预算数为487.51万元": "年初预算数为500.00万元",
            "预算调整数为801.07万元": "预算调整数为520.50万元",
            "实际支出数为801.07万元": "实际支出数为519.99万元",
            "人员经费758.01万元": "人员经费480.50万元",
            "公用经费42.97万元": "公用经费40万元",
            "年初预算为9.0万，实际支出为5.26": "年初预算为12万，实际支出为13.5",
            "市级财政资金148.92万元": "市级财政资金100万元",
            "编制人数为8人": "编制人数为20人",
        },
    )
    out = report_json(analyse_text(text))
    assert (out["department"], out["year"]) == ("长沙市岳麓区水利局", 2021)
    assert out["basic"] == {
        "initial": 500.0,
        "adjusted": 520.5,
        "actual": 519.99,
        "personnel": 480.5,
        "public": 40.0,
    }
    assert out["three_public"] == {"budget": 12.0, "actual": 13.5}
    assert out["fund_sources"]["city"] == 100.0
    assert out["staffing"]["authorized"] == 20
    failing = {c["rule"] for c in out["checks"]}
    assert "three_public_over_budget" in failing
    assert "fund_sources_sum" in failing  # 100 + 200.48 ≠ 349.4
    assert "personnel_public_sum" not in failing  # 480.5 + 40 = 520.5


def test_missing_section_is_null_not_zero() -> None:
    text = read_text(SEED)
    start = text.index("（2） 项目支出情况")
    end = text.index("三、部门整体支出绩效情况")
    completion = text.index("（二）绩效目标完成情况")
    text = text[:start] + text[end:completion]  # no project section, no completion paragraph
    out = report_json(analyse_text(text))
    assert out["project"] == {"initial": None, "adjusted": None, "actual": None}
    assert out["basic"]["actual"] is None
    assert out["fund_sources"] == {}
    assert out["projects"] == []
    (missing,) = [c for c in out["checks"] if c["rule"] == "missing_figures"]
    assert "项目支出年初预算" in missing["message"]


def test_conflicting_statements_are_flagged() -> None:
    text = read_text(SEED).replace(
        "实际支出数为801.07万元", "实际支出数为801.07万元；预算调整数为799万元", 1
    )
    out = report_json(analyse_text(text))
    (conflict,) = [c for c in out["checks"] if c["rule"] == "conflicting_values"]
    assert conflict["severity"] == "error"
    assert "801.07" in conflict["message"] and "799.00" in conflict["message"]


def test_adjustment_size_wording_is_read_as_a_change() -> None:
    # Ministry wording: 预算调整数 is the size of the change when initial + it = actual.
    text = read_text(SEED).replace("预算调整数为349.4万元", "预算调整数为251.6万元")
    out = report_json(analyse_text(text))
    assert out["project"]["adjusted"] == 349.4
    assert "调整额" in out["provenance"]["project.adjusted"]["note"]


@pytest.mark.parametrize(
    ("text", "contexts"),
    [
        pytest.param("（1） 基本支出情况\n年初预算数为1万元。", ["basic"], id="numbered-heading"),
        pytest.param("二、项目支出情况\n年初预算数为1万元。", ["project"], id="chinese-number"),
        pytest.param(
            "1、完成任务；\n年初预算数为1万元。", [None, None], id="list-item-not-heading"
        ),
    ],
)
def test_headings_set_the_section(text: str, contexts: list[str | None]) -> None:
    assert [s.context for s in split_sentences(text)] == contexts


@pytest.mark.parametrize(
    ("body", "slot", "value"),
    [
        # A keyword glossing the economic class before it: 商品和服务支出(公用支出).
        (
            "2017年部门经费预算746万元,基本支出456万元,其中商品和服务支出(公用支出)84.39万元。",
            ("basic", "public"),
            "84.39",
        ),
        # 按支出结构分类 is the split into 基本支出 and 项目支出 itself, not a classification
        # whose items each have their own.
        (
            "(二)按支出结构分类划分,分为基本支出预算和项目支\n出预算。\n"
            "1. 基本支出预算 881300.39 元,占一般公共预算支出的\n96.74%。\n"
            "2. 项目支出 29700 元,占一般公共预算支出的 3.26%,\n",
            ("project", "initial"),
            "2.97",
        ),
    ],
    ids=["gloss", "split-by-structure"],
)
def test_budget_wording(body: str, slot: tuple[str, str], value: str) -> None:
    report = extract_report("青禾县测试局2023年部门预算公开说明\n" + body)
    assert report.value(*slot) == Decimal(value)
