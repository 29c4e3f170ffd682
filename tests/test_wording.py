"""The genre's wordings, one small case each: synonyms, units, tables, traps, levels, lists, headings.

Each case is a few lines of report text (after a standard title) and the contract fields it must
give; a field not listed is not checked. None means "must stay null" (never 0, never a guess).
"""

from __future__ import annotations

from typing import Any

import pytest

from etl.contract import report_json
from etl.extract import split_sentences
from etl.load import analyse_text
from tests.support.extraction import TITLE, extract, field


def case(body: str, expected: dict[str, Any], id: str) -> Any:
    return pytest.param(body, expected, id=id)


def check(body: str, expected: dict[str, Any]) -> dict[str, Any]:
    out = extract(body)
    got = {name: field(out, name) for name in expected}
    assert got == expected, body
    return out


BASIC = {"basic.initial": 100.0, "basic.adjusted": 110.0, "basic.actual": 108.0}

SYNONYMS = [
    case(
        "基本支出年初预算数为100万元，调整预算数为110万元，实际支出数为108万元。",
        BASIC,
        "年初预算数/调整预算数/实际支出数",
    ),
    case(
        "基本支出年初预算100万元，调整后预算110万元，决算数108万元。",
        BASIC,
        "年初预算/调整后预算/决算数",
    ),
    case(
        "基本支出预算数100万元，全年预算数110万元，支出数108万元。",
        BASIC,
        "预算数/全年预算数/支出数",
    ),
    case(
        "基本支出年初批复预算100万元，预算调整数110万元，执行数108万元。",
        BASIC,
        "年初批复预算/预算调整数/执行数",
    ),
    case(
        "基本支出年初预算100万元，全年预算110万元，全年执行数108万元。",
        BASIC,
        "全年预算/全年执行数",
    ),
    case(
        "基本支出：年初预算数为100万元；调整后预算数为110万元；预算执行数为108万元。",
        BASIC,
        "colon-semicolons",
    ),
    case(
        "项目支出年初预算数为50万元，预算调整数为10万元，实际支出数为60万元。",
        {"project.initial": 50.0, "project.adjusted": 60.0, "project.actual": 60.0},
        "预算调整数-as-the-change",
    ),
    case(
        "基本支出实际支出108万元，其中人员经费90万元，公用经费18万元。",
        {"basic.personnel": 90.0, "basic.public": 18.0},
        "人员经费/公用经费",
    ),
    case(
        "基本支出实际支出108万元，其中工资福利支出90万元，日常公用经费18万元。",
        {"basic.personnel": 90.0, "basic.public": 18.0},
        "工资福利支出/日常公用经费",
    ),
    case(
        "基本支出实际支出108万元，其中人员经费支出90万元、公用经费支出18万元。",
        {"basic.personnel": 90.0, "basic.public": 18.0},
        "人员经费支出-verb",
    ),
    case(
        "基本支出中，人员经费年初预算85万元，实际支出90万元。",
        {"basic.personnel": 90.0, "basic.initial": None},
        "人员经费-own-phases",
    ),
]

THREE_PUBLIC = [
    case(
        "“三公”经费年初预算5万元，实际支出4万元。",
        {"three_public.budget": 5.0, "three_public.actual": 4.0},
        "curly-quotes",
    ),
    case(
        '"三公"经费预算数为5万元，决算数为4万元。',
        {"three_public.budget": 5.0, "three_public.actual": 4.0},
        "straight-quotes-决算数",
    ),
    case(
        "三公经费支出4万元，比上年减少1万元。",
        {"three_public.budget": None, "three_public.actual": 4.0},
        "actual-only",
    ),
    case(
        "‘三公’经费全年预算5万元，全年支出4万元。",
        {"three_public.budget": 5.0, "three_public.actual": 4.0},
        "single-quotes-全年",
    ),
    case(
        "公用经费20万元（其中三公经费年初预算为5.0万，实际支出为4）。",
        {"three_public.budget": 5.0, "three_public.actual": 4.0, "basic.public": 20.0},
        "in-parentheses-unitless",
    ),
    case(
        "因公出国（境）费、公务用车购置及运行维护费和公务接待费（以下简称“三公”经费）年初预算数为5万元，实际支出4万元。",
        {"three_public.budget": 5.0, "three_public.actual": 4.0},
        "以下简称",
    ),
    case(
        "“三公”经费年初预算5万元，实际支出4万元，其中公务接待费支出1.5万元，公务用车运行维护费支出2.5万元。",
        {"three_public.budget": 5.0, "three_public.actual": 4.0},
        "parts-not-totals",
    ),
    case(
        "（三）“三公”经费支出情况\n2021年年初预算数为5万元，实际支出数为4万元。其中公务接待费支出1万元。",
        {"three_public.budget": 5.0, "three_public.actual": 4.0, "basic.initial": None},
        "under-its-heading",
    ),
]

UNITS = [
    case("基本支出年初预算数为1,000,000.00元。", {"basic.initial": 100.0}, "yuan-separators"),
    case("基本支出年初预算数为1000000元。", {"basic.initial": 100.0}, "yuan-plain"),
    case("项目支出实际支出数为1.25亿元。", {"project.actual": 12500.0}, "yi"),
    case("基本支出年初预算数为1,234.56万元。", {"basic.initial": 1234.56}, "wan-separators"),
    case("基本支出年初预算数为１，２３４．５６万元。", {"basic.initial": 1234.56}, "full-width"),
    case("基本支出年初预算数为 1234.56 万元。", {"basic.initial": 1234.56}, "spaces"),
    case("基本支出年初预算数为1234.56\u00a0万元。", {"basic.initial": 1234.56}, "no-break-space"),
    case("基本支出年初预算数为12,345.678901元。", {"basic.initial": 1.2345678901}, "yuan-exact"),
    case(
        "基本支出年初预算数为100万元，实际支出数为98.5。",
        {"basic.actual": 98.5},
        "second-number-takes-the-unit",
    ),
    case(
        "基本支出年初预算数为100，实际支出数为98.5。",
        {"basic.initial": None, "basic.actual": None},
        "no-unit-at-all",
    ),
]

TRAPS = [
    case(
        "上年基本支出实际支出数为90万元。基本支出实际支出数为108万元。",
        {"basic.actual": 108.0},
        "上年",
    ),
    case("基本支出实际支出数为108万元，比上年增加12.5%。", {"basic.actual": 108.0}, "rate-after"),
    case(
        "基本支出实际支出数比年初预算数增加8万元。",
        {"basic.initial": None, "basic.actual": None},
        "比-change",
    ),
    case(
        "项目支出实际支出数为890万元，较2020年决算数720万元增加170万元。",
        {"project.actual": 890.0},
        "较2020年决算数",
    ),
    case(
        "2020年基本支出实际支出数为90万元。2021年基本支出实际支出数为108万元。",
        {"basic.actual": 108.0},
        "other-year-stated-too",
    ),
    case("基本支出实际支出数为108万元，占部门支出的72.5%。", {"basic.actual": 108.0}, "share"),
    case("人员经费占基本支出的83%。", {"basic.personnel": None}, "share-only"),
    case("项目支出实际支出数为48万元，涉及项目12个。", {"project.actual": 48.0}, "count-after"),
    case("基本支出实际支出12个。", {"basic.actual": None}, "count-is-not-an-amount"),
    case(
        "全年接待游客1.2万人次，基本支出实际支出数为108万元。",
        {"basic.actual": 108.0},
        "wan-people",
    ),
    case(
        "编制人数为15人，上年在职人员16人，实有在职人员14人。",
        {"staffing.authorized": 15, "staffing.actual": 14},
        "staff-prior-year",
    ),
    case(
        "本部门行政编制5人，事业编制3人，实有在职人员8人。",
        {"staffing.authorized": None, "staffing.actual": 8},
        "staff-parts-only",
    ),
    case(
        "核定编制12名（其中行政编制8名、事业编制4名），在职人数11人。",
        {"staffing.authorized": 12, "staffing.actual": 11},
        "staff-total-and-parts",
    ),
]

FUNDS = [
    case(
        "项目资金中，中央财政补助资金10万元，省级专项资金20万元。",
        {"fund_sources": {"central": 10.0, "provincial": 20.0}},
        "中央/省级",
    ),
    case(
        "项目资金来源：市财政资金30万元，区级资金40万元。",
        {"fund_sources": {"city": 30.0, "district": 40.0}},
        "市财政/区级",
    ),
    case(
        "项目资金来源：县级配套资金40万元，其他资金5万元，中央资金1万元。",
        {"fund_sources": {"district": 40.0, "other": 5.0, "central": 1.0}},
        "县级/其他",
    ),
    case(
        "项目资金中县本级财政资金40万元，省财政10万元。",
        {"fund_sources": {"district": 40.0, "provincial": 10.0}},
        "县本级/省财政",
    ),
    case(
        "项目资金来源：县(市、区)级资金40万元，市级资金2万元。",
        {"fund_sources": {"district": 40.0, "city": 2.0}},
        "县(市、区)级",
    ),
    case(
        "项目资金来源为中央1,000万元、省级500万元、县级200万元。",
        {"fund_sources": {"central": 1000.0, "provincial": 500.0, "district": 200.0}},
        "level-without-资金",
    ),
    case(
        "项目资金全部为一般公共预算拨款，其中其他资金5万元。",
        {"fund_sources": {}},
        "type-split-only",
    ),
    case(
        "2021年收入合计100万元，其中一般公共预算拨款90万元，政府性基金10万元。",
        {"fund_sources": {}},
        "income-by-type",
    ),
    case(
        "项目资金中，上年中央资金10万元，本年中央资金12万元，市级资金3万元。",
        {"fund_sources": {"central": 12.0, "city": 3.0}},
        "prior-year-level",
    ),
]

PROJECTS = [
    case(
        "（二）项目支出情况\n其中：A经费10万元，用于甲；B经费20万元，用于乙。",
        {
            "projects.0.name": "A经费",
            "projects.0.amount": 10.0,
            "projects.1.name": "B经费",
            "projects.1.purpose": "用于乙",
        },
        "sentence-semicolons",
    ),
    case(
        "（二）项目支出情况\n其中：办公设备购置费10万元、信息系统运维费20.5万元、宣传经费3万元。",
        {
            "projects.0.name": "办公设备购置费",
            "projects.1.amount": 20.5,
            "projects.2.name": "宣传经费",
        },
        "short-list",
    ),
    case(
        "（二）项目支出情况\n1、办公设备购置费10万元，用于更新电脑；\n2、信息系统运维费20.5万元。",
        {"projects.0.name": "办公设备购置费", "projects.1.amount": 20.5},
        "numbered-1、",
    ),
    case(
        "（二）项目支出情况\n（1）办公设备购置费：10万元；\n（2）信息系统运维费：20.5万元。",
        {"projects.0.name": "办公设备购置费", "projects.1.amount": 20.5},
        "numbered-（1）",
    ),
    case(
        "（二）项目支出情况\n1、2021年度农村公路建设项目500万元；\n2、5处危桥改造经费80万元。",
        {"projects.0.name": "2021年度农村公路建设项目", "projects.0.amount": 500.0},
        "name-starting-with-a-year",
    ),
    case(
        "（二）项目支出情况\n①办公设备购置费10万元；②信息系统运维费20.5万元。",
        {"projects.0.name": "办公设备购置费", "projects.1.name": "信息系统运维费"},
        "numbered-①-inline",
    ),
    case(
        "（二）项目支出情况\n1.办公设备购置项目：年初预算12万元，实际支出10万元，用于更新电脑。",
        {
            "projects.0.name": "办公设备购置项目",
            "projects.0.amount": 10.0,
            "project.initial": None,
            "project.actual": None,
        },
        "item-with-phases",
    ),
    case(
        "项目明细（单位：万元）\n项目名称\t年初预算数\t实际支出数\t用途\n办公设备购置费\t12.00\t10.00\t更新电脑\n合计\t12.00\t10.00\t",
        {
            "projects.0.name": "办公设备购置费",
            "projects.0.amount": 10.0,
            "projects.0.purpose": "更新电脑",
        },
        "table",
    ),
]

TABLES = [
    case(
        "单位：万元\n项目\t年初预算数\t调整预算数\t实际支出数\n基本支出\t100\t110\t108\n项目支出\t50\t60\t59\n合计\t150\t170\t167",
        BASIC | {"project.actual": 59.0},
        "tab-rows",
    ),
    case(
        "单位：万元\n项目 年初预算数 调整预算数 实际支出数\n基本支出 100.00 110.00 108.00\n项目支出 50.00 60.00 59.00",
        BASIC | {"project.actual": 59.0},
        "space-rows",
    ),
    case(
        "（单位：万元）\n项目\t实际支出数\t年初预算数\t调整预算数\t执行率\n基本支出\t108\t100\t110\t98.18%",
        BASIC,
        "columns-reordered-with-rate",
    ),
    case(
        "单位：万元\n项目\t基本支出\t项目支出\n年初预算数\t100\t50\n调整预算数\t110\t60\n实际支出数\t108\t59",
        BASIC | {"project.initial": 50.0},
        "transposed",
    ),
    case(
        "单位：万元\n项目\t年初\t调整\t实际\n\t预算数\t预算数\t支出数\n基本支出\t100\t110\t108",
        BASIC,
        "header-on-two-lines",
    ),
    case(
        "项目\t年初预算数（万元）\t调整预算数（万元）\t实际支出数（万元）\n基本支出\t100\t110\t108",
        BASIC,
        "unit-in-header",
    ),
    case(
        "单位：元\n项目\t年初预算数\t调整预算数\t实际支出数\n基本支出\t1,000,000.00\t1,100,000.00\t1,080,000.00",
        BASIC,
        "yuan-table",
    ),
    case(
        "项目\t年初预算数\t调整预算数\t实际支出数\n基本支出\t100\t110\t108",
        {"basic.initial": None, "basic.adjusted": None, "basic.actual": None},
        "no-unit-no-guess",
    ),
    case(
        "单位：万元\n项目\t2020年决算数\t年初预算数\t实际支出数\n基本支出\t95\t100\t108",
        {"basic.initial": 100.0, "basic.actual": 108.0},
        "prior-year-column",
    ),
    case(
        "单位：万元\n项目\t年初预算数\t调整预算数\t实际支出数\n基本支出\t100\t110\t108\n其中：人员经费\t85\t92\t90\n公用经费\t15\t18\t18",
        {"basic.personnel": 90.0, "basic.public": 18.0},
        "parts-take-actual",
    ),
    case(
        "“三公”经费情况（单位：万元）\n项目\t预算数\t实际支出数\n公务接待费\t2\t1.5\n公务用车运行维护费\t3\t2.5\n合计\t5\t4",
        {"three_public.budget": 5.0, "three_public.actual": 4.0},
        "three-public-table",
    ),
    case(
        "资金来源（单位：万元）\n资金来源\t金额\n中央资金\t10\n市级资金\t20\n合计\t30",
        {"fund_sources": {"central": 10.0, "city": 20.0}},
        "fund-table",
    ),
    case(
        "人员类别\t编制数\t实有人数\n行政编制\t5\t4\n事业编制\t3\t3\n合计\t8\t7",
        {"staffing.authorized": 8, "staffing.actual": 7},
        "staff-table",
    ),
]

HEADINGS = [
    case("一、基本支出情况\n2021年年初预算数为100万元。", {"basic.initial": 100.0}, "一、"),
    case("（一）项目支出情况\n2021年年初预算数为50万元。", {"project.initial": 50.0}, "（一）"),
    case("1.项目支出\n年初预算数为50万元。", {"project.initial": 50.0}, "1.-bare"),
    case("1.1 基本支出执行情况\n年初预算数为100万元。", {"basic.initial": 100.0}, "1.1"),
    case("第二部分 项目支出情况\n年初预算数为50万元。", {"project.initial": 50.0}, "第二部分"),
    case("基本支出\n年初预算数为100万元。", {"basic.initial": 100.0}, "bare-name"),
    case(
        "一、项目支出情况\n年初预算数为50万元。\n二、基本支出情况\n年初预算数为100万元。",
        {"project.initial": 50.0, "basic.initial": 100.0},
        "project-first",
    ),
    case(
        "一、部门概况\n本局负责全县统计工作。\n二、绩效情况\n年初预算数为100万元。",
        {"basic.initial": None, "project.initial": None},
        "no-section-no-guess",
    ),
    case(
        "（一）职能简介\n2.学校现有编制21人，在校小学生60人。\n（二）重点工作",
        {"staffing.authorized": 21},
        "numbered-line-with-a-head-count-is-a-sentence",
    ),
]

TOTALS = [
    case(
        "2021年度部门决算总支出1,568.32万元，其中：基本支出1,012.45万元，占64.6%；项目支出555.87万元，占35.4%。",
        {"basic.actual": 1012.45, "project.actual": 555.87},
        "决算总支出-split",
    ),
    case(
        "2021年本年支出合计1,568.32万元，其中基本支出1,012.45万元，项目支出555.87万元。",
        {"basic.actual": 1012.45, "project.actual": 555.87},
        "支出合计-split",
    ),
    case(
        "（一）基本支出情况\n全年总支出1,000万元，其中基本支出600万元，项目支出400万元。",
        {"basic.actual": 600.0, "project.actual": 400.0},
        "total-is-never-a-section",
    ),
    case(
        "2021年年初预算数为150万元，其中基本支出100万元，项目支出50万元；实际支出数为167万元，其中基本支出108万元，项目支出59万元。",
        {
            "basic.initial": 100.0,
            "project.initial": 50.0,
            "basic.actual": 108.0,
            "project.actual": 59.0,
        },
        "phase-then-split",
    ),
    case(
        "核定编制数为15人，实有人数14人。",
        {"staffing.authorized": 15, "staffing.actual": 14},
        "核定编制数",
    ),
    case(
        "（二）项目支出情况\n项目资金中，中央专项转移支付资金100万元，省级资金20万元。",
        {"fund_sources": {"central": 100.0, "provincial": 20.0}},
        "专项转移支付资金",
    ),
    case("基本支出年初预算500.00万元，年中调整为515.00万元。", {"basic.adjusted": 515.0}, "调整为"),
    case(
        "项目支出：年初预算数280万元。主要项目：甲经费150.00万元，乙经费86.10万元。",
        {"projects.0.name": "甲经费", "projects.1.amount": 86.1},
        "主要项目-comma-list",
    ),
    case(
        "年度预算情况（万元）\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\n"
        "年度资金总额\t320.50\t356.80\t350.12\t10\t98.13%\t9.8\n"
        "其中：基本支出\t210.50\t220.80\t219.60\t—\t99.46%\t—\n"
        "项目支出\t110.00\t136.00\t130.52\t—\t95.97%\t—",
        {"basic.adjusted": 220.8, "project.actual": 130.52, "projects": []},
        "自评表-form",
    ),
]

MISSING = [
    case(
        "基本支出年初预算数为100万元。",
        {
            "basic.adjusted": None,
            "project.initial": None,
            "three_public.budget": None,
            "staffing.authorized": None,
            "fund_sources": {},
            "projects": [],
        },
        "nulls-never-zero",
    ),
]


@pytest.mark.parametrize(
    ("body", "expected"),
    SYNONYMS
    + THREE_PUBLIC
    + UNITS
    + TRAPS
    + FUNDS
    + PROJECTS
    + TABLES
    + HEADINGS
    + TOTALS
    + MISSING,
)
def test_wording(body: str, expected: dict[str, Any]) -> None:
    check(body, expected)


@pytest.mark.parametrize(
    ("title", "department", "year"),
    [
        ("2021年度青禾县测试局部门整体支出绩效自评报告", "青禾县测试局", 2021),
        ("青禾县测试局2021年度部门整体支出绩效自评报告", "青禾县测试局", 2021),
        ("2021年度部门整体支出绩效自评报告\n单位名称：青禾县测试局", "青禾县测试局", 2021),
        ("二〇二一年度青禾县测试局整体支出绩效自评报告", "青禾县测试局", 2021),
        ("关于青禾县测试局2021年度部门整体支出绩效自评的报告", "青禾县测试局", 2021),
        ("2021年度部门整体支出绩效自评表\n部门（单位）名称：青禾县测试局", "青禾县测试局", 2021),
        ("２０２１年度青禾县测试局\n整体支出绩效自评报告", "青禾县测试局", 2021),
        ("青禾县测试局工作总结", None, None),
    ],
    ids=[
        "year-first",
        "department-first",
        "unit-line",
        "chinese-year",
        "关于…的报告",
        "自评表",
        "wrapped-full-width",
        "no-title",
    ],
)
def test_department_and_year(title: str, department: str | None, year: int | None) -> None:
    out = extract("基本支出年初预算数为100万元。", title=title + "\n")
    assert (out["department"], out["year"]) == (department, year)


def test_conflicting_statements_are_flagged_not_picked() -> None:
    out = extract("基本支出实际支出数为108万元。\n三、绩效情况\n基本支出实际支出数为180万元。")
    (conflict,) = [c for c in out["checks"] if c["rule"] == "conflicting_values"]
    assert "108.00" in conflict["message"] and "180.00" in conflict["message"]
    assert out["basic"]["actual"] == 108.0


def test_repeated_same_value_is_not_a_conflict() -> None:
    out = extract("基本支出实际支出数为108万元。\n三、绩效情况\n基本支出实际支出数为108.00万元。")
    assert not [c for c in out["checks"] if c["rule"] == "conflicting_values"]


def test_table_and_sentence_disagreeing_are_flagged() -> None:
    out = extract(
        "基本支出实际支出数为108万元。\n单位：万元\n项目\t年初预算数\t实际支出数\n基本支出\t100\t118"
    )
    assert [c["rule"] for c in out["checks"]].count("conflicting_values") == 1


def test_every_figure_has_a_source_span_and_confidence() -> None:
    text = (
        TITLE
        + "单位：万元\n项目\t年初预算数\t实际支出数\n基本支出\t100\t108\n项目支出实际支出数为59。"
    )
    out = report_json(analyse_text(text))
    initial = out["provenance"]["basic.initial"]
    assert text[slice(*initial["value_span"])] == "100"
    assert initial["sentence"] == "基本支出\t100\t108"
    assert 0 < initial["confidence"] < 1  # read from a table: high but not certain
    assert out["project"]["actual"] is None  # no unit anywhere in its sentence


@pytest.mark.parametrize(
    ("text", "contexts"),
    [
        ("（三）“三公”经费支出情况\n年初预算数为1万元。", ["three_public"]),
        ("第一部分 项目支出\n年初预算数为1万元。", ["project"]),
        ("1.2 基本支出\n年初预算数为1万元。", ["basic"]),
        ("项目\t年初预算数\n基本支出\t1", [None, None]),
    ],
    ids=["three-public", "part-project", "decimal-number", "table-is-not-a-heading"],
)
def test_heading_contexts(text: str, contexts: list[str | None]) -> None:
    assert [s.context for s in split_sentences(text)] == contexts
