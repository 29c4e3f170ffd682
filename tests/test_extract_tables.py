"""etl.extract.tables, the table reader, on the flattenings real pages and PDFs produce: one form, many layouts.

Each case is a document body (after a standard title) and the contract fields it must give; a
field not listed is not checked. None means "must stay null": a value whose column is not certain
is dropped, never guessed. Rows grouped by what they exercise: LAYOUTS (the same 部门整体支出绩效
自评表 flattened six ways), FORMS (项目支出绩效自评表, 基础数据表, 决算表), ARITHMETIC (cells missing or
run together, decided by the form's own sums), TRAPS (scores, indicators, other years).
"""

from __future__ import annotations

from typing import Any

import pytest

from etl.contract import report_json
from etl.extract.cells import Cell, line_cells
from etl.extract.tables import UNIT_CONVENTION, read_tables
from etl.load import analyse_text
from tests.support.extraction import TITLE, extract, field

PROJECT_TITLE = "项目支出绩效自评表（2021年度）\n"


def case(body: str, expected: dict[str, Any], id: str, title: str = TITLE) -> Any:
    return pytest.param(title + body, expected, id=id)


# The department form's rows: 年初预算数 / 全年预算数 / 全年执行数 of 基本支出 and 项目支出.
FORM = {
    "basic.initial": 100.0,
    "basic.adjusted": 110.0,
    "basic.actual": 108.0,
    "project.initial": 50.0,
    "project.adjusted": 60.0,
    "project.actual": 59.0,
}

LAYOUTS = [
    case(
        "单位：万元\n项目\t年初预算数\t全年预算数\t全年执行数\t执行率\n"
        "年度资金总额\t150.00\t170.00\t167.00\t98.24%\n"
        "其中：基本支出\t100.00\t110.00\t108.00\t98.18%\n项目支出\t50.00\t60.00\t59.00\t98.33%\n",
        FORM,
        "tab",
    ),
    case(
        "| 年度预算执行（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 执行率 |\n"
        "| 年度资金总额 | 150.00 | 170.00 | 167.00 | 98.24% |\n"
        "| 其中：基本支出 | 100.00 | 110.00 | 108.00 | 98.18% |\n"
        "| 项目支出 | 50.00 | 60.00 | 59.00 | 98.33% |\n",
        FORM,
        "pipe",
    ),
    case(
        "单位：万元\n项目            年初预算数    全年预算数    全年执行数    执行率\n"
        "  其中：基本支出  100.00        110.00        108.00        98.18%\n"
        "        项目支出   50.00         60.00         59.00        98.33%\n",
        FORM,
        "space-indented",
    ),
    case(
        "年度资金总额（万元） |\n年初预算数 |\n全年预算数 |\n全年执行数 |\n执行率 |\n"
        "其中：基本支出 |\n100.00 |\n110.00 |\n108.00 |\n98.18% |\n"
        "项目支出 |\n50.00 |\n60.00 |\n59.00 |\n98.33% |\n",
        FORM,
        "cells-with-pipes",
    ),
    case(
        "单位：万元\n\n年初\n\n预算数\n\n全年\n\n预算数\n\n全年\n\n执行数\n\n分值\n\n"
        "基本支出\n\n100.00\n\n110.00\n\n108.00\n\n\n\n项目支出\n\n50.00\n\n60.00\n\n59.00\n\n\n",
        FORM,
        "cells-wrapped-header-blank-lines",
    ),
    case(
        "单位：万元\n年初预算数\t全年预算数\t全年执行数\n基本支出\n100.00\t110.00\t108.00\n"
        "项目支出\n50.00\t60.00\t59.00\n",
        FORM,
        "pdf-label-on-its-own-line",
    ),
    case(
        "单位：万元\n| 项目 | 年初预算数 | 全年预算数 | 全年执行数 |\n"
        "| 基本支出 | 100.00 | 110.00 |\n108.00 | |\n| 项目支出 | 50.00 | 60.00 | 59.00 |\n",
        FORM,
        "row-wrapped-onto-next-line",
    ),
    case(
        "| 预算执行（万元） | | 年初预算数 | 全年预算数 | 全年执行数 | | | |\n"
        "| | 其中：一般公共预算 | 140.00 | 160.00 | 157.00 | 其中：基本支出 | 100.00 | 110.00 | 108.00 |\n"
        "| | 政府性基金 | 10.00 | 10.00 | 10.00 | 项目支出 | 50.00 | 60.00 | 59.00 |\n",
        FORM,
        "two-blocks-side-by-side",
    ),
]

FORMS = [
    case(
        "项目名称\t城乡居民最低生活保障资金\n主管部门\t青禾县民政局\t实施单位\t青禾县民政局\n"
        "项目资金（万元）\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\n"
        "\t年度资金总额\t9,860.00\t10,412.35\t10,398.61\t10\t99.87%\t9.99\n"
        "\t其中：中央补助\t7,200.00\t7,635.00\t7,635.00\t—\t—\t—\n"
        "\t县级资金\t2,660.00\t2,777.35\t2,763.61\t—\t—\t—\n"
        "绩效指标\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\n"
        "\t产出指标\t数量指标\t保障人数\t≥30000人次\t31046人次\t30\t30\n"
        "总分\t\t\t\t\t\t100\t98.99\n",
        {
            "projects.0.name": "城乡居民最低生活保障资金",
            "projects.0.amount": 10412.35,  # a project form's 全年预算数
            "projects.0.initial": 9860.0,
            "projects.0.actual": 10398.61,
            "projects.0.score": 98.99,
            "projects.0.fund_sources": {"central": 7635.0, "district": 2777.35},
            "fund_sources": {},  # the project's own split, not the department's
            "project.actual": None,  # one project's figures are not the department's total
            "department": "青禾县民政局",
            "year": 2021,
        },
        "project-form-tab",
        title=PROJECT_TITLE,
    ),
    case(
        "部门预算项目支出绩效自评表(2021年度) |\n项目名称 |\n51000021R000000019951-工资性支出 |\n"
        "实施单位 |\n青禾县发展和改革局 |\n预算执行情况(10分) |\n年度预算数(万元) |\n年初预算 |\n"
        "调整后预算数 |\n预算执行数 |\n预算执行率 |\n权重 |\n得分 |\n原因 |\n总额 |\n238.93 |\n"
        "251.89 |\n251.89 |\n100.00% |\n10 |\n|\n1.预算执行率=预算执行数/调整后预算数 |\n",
        {
            "projects.0.name": "工资性支出",  # the project code stripped
            "projects.0.initial": 238.93,
            "projects.0.adjusted": 251.89,
            "projects.0.actual": 251.89,
            "department": "青禾县发展和改革局",
        },
        "project-form-cells-sichuan",
        title="",
    ),
    case(
        "填报单位：青禾县测试局\t单位：万元\n财政供养人员情况\t编制数\t2021年实际在职人数\t控制率\n"
        "\t42\t40\t95.24%\n经费控制情况\t2020年决算数\t2021年预算数\t2021年决算数\n"
        "三公经费\t6.85\t7.50\t5.92\n1、公务用车购置和维护经费\t4.10\t4.50\t3.86\n"
        "项目支出\t1,846.20\t1,520.00\t2,135.47\n1、业务工作专项\t1,102.50\t960.00\t1,315.62\n"
        "公用经费\t73.70\t77.00\t76.18\n",
        {
            "staffing.authorized": 42,
            "staffing.actual": 40,
            "three_public.budget": 7.5,  # 本年预算数, never 上年决算数
            "three_public.actual": 5.92,
            "project.initial": 1520.0,
            "project.actual": 2135.47,
            "basic.public": 76.18,
            "projects.0.name": "业务工作专项",  # a numbered row under 项目支出
            "projects.0.actual": 1315.62,
        },
        "basic-data-form",
        title="部门整体支出绩效评价基础数据表\n",
    ),
    case(
        "支出决算表\n金额单位：万元\n项目\t本年支出合计\t基本支出\t项目支出\t上缴上级支出\n"
        "栏次\t1\t2\t3\t4\n合计\t4143.91\t1140.27\t3003.64\t0.00\n",
        {"basic.actual": 1140.27, "project.actual": 3003.64},
        "final-accounts-table",
        title="青禾县测试局2021年度部门决算公开表\n",
    ),
]

FORMS.append(
    case(
        "项目名称\t东津院区建设补助\n实施单位\t青禾县中心医院\n"
        "预算执行情况（万元）\t预算数（A）\t执行数（B）\t执行率（B/A）\t得分\n"
        "年度财政资金总额\t1,000.00\t980.00\t98.00%\t19.6\n",
        # One budget column, execution measured against it: the full-year budget.
        {"projects.0.adjusted": 1000.0, "projects.0.initial": None, "projects.0.actual": 980.0},
        "project-form-one-budget-column",
        title=PROJECT_TITLE,
    )
)

ARITHMETIC = [
    case(
        "单位：万元\n项目\t年初预算数\t全年预算数\t全年执行数\t执行率\n"
        "基本支出\t100.00\t108.00\t98.18%\n",
        # Two numbers for three money columns. 98.18% = 执行数 ÷ 全年预算数 is 108 ÷ 110: no
        # placing of 100 and 108 makes it, so none is taken and every column stays unread.
        {"basic.initial": None, "basic.adjusted": None, "basic.actual": None},
        "missing-cell-refuted-by-the-rate",
    ),
    case(
        "单位：万元\n项目\t年初预算数\t全年预算数\t全年执行数\t执行率\n"
        "基本支出\t110.00\t108.00\t98.18%\n",
        # Only 全年预算数 110 and 全年执行数 108 make 98.18%; 年初预算数 is the empty cell.
        {"basic.initial": None, "basic.adjusted": 110.0, "basic.actual": 108.0},
        "missing-cell-placed-by-the-rate",
    ),
    case(
        "单位：万元\n项目 年初预算数 全年预算数 全年执行数 执行率\n基本支出100.00110.00108.0098.18%\n",
        {"basic.initial": 100.0, "basic.adjusted": 110.0, "basic.actual": 108.0},
        "run-together-cut-by-two-decimals-and-rate",
    ),
    case(
        "单位：万元\n项目\t年初预算数\t全年预算数\t全年执行数\n基本支出\t100110108\n",
        {"basic.initial": None, "basic.adjusted": None, "basic.actual": None},
        "run-together-whole-numbers-abstain",
    ),
]

# A 项目支出绩效自评表 as a document site's OCR dump: one line, cells run together.
RUN_FORM_TITLE = "2021年度财政项目绩效自评表单位名称:青禾县测试局填报日期:2022年3月18日"
RUN_TOGETHER = [
    case(
        "总分:98.5分项目名称青禾县学生资助项目主管部门青禾县教育局项目实施单位青禾县测试局"
        "项目类别部门预算项目预算执行情况(万元)(10分)预算数(A)执行数(B)执行率(B/A)"
        "得分(10分*执行率)年度财政资金总额1856.421849.3099.62%9.96一级指标二级指标三级指标"
        "年初目标值(A)实际完成值(B)得分产出指标数量指标(因人数减少,指标随之调整)24246\n",
        # 预算数 beside 执行数 is the full-year budget; 9.96 = 10 × 99.62% is the budget
        # execution's own score, the project's is the 总分 in the title block.
        {
            "projects.0.name": "青禾县学生资助项目",
            "projects.0.adjusted": 1856.42,
            "projects.0.actual": 1849.3,
            "projects.0.score": 98.5,
        },
        "run-together-project-form-with-sentences-around",
        title=RUN_FORM_TITLE,
    ),
    case(
        "项目名称青禾县院区建设补助主管部门青禾县卫生健康委预算执行情况 (万元) (20 分)预算数(A)"
        "执行数(B)执行率(B/A1得分(20分*执行率)年度财政 资金总额10001000100%20效益指标,完成建设\n",
        # Whole numbers run together: of the cuts of 10001000100%, only 1000 | 1000 | 100%
        # makes the rate, and 20 = 20 × 100% the score (OCR wrote 执行率(B/A) as (B/A1).
        {"projects.0.adjusted": 1000.0, "projects.0.actual": 1000.0},
        "run-together-whole-numbers-cut-by-rate-and-score",
        title=RUN_FORM_TITLE,
    ),
    case(
        "整体支出规模全年预算数全年执行数执行率285.63294.80103.21%资金来源:(1)财政拨款285.63294.80"
        "103.21%(2)其他资金资金结构:(1)基本支出285.63294.80103.21%(2)项目支出年度总体目标"
        "业务收入达到55万元,控制率达标\n",
        # No unit on the form; the document writes 万元 and nothing else: the forms' 万元.
        {"basic.adjusted": 285.63, "basic.actual": 294.8, "project.actual": None},
        "run-together-department-form-empty-row-between",
        title="部门整体支出绩效自评表(2021年度)评价部门名称青禾县测试局\n",
    ),
]

ALIGNED = [
    case(
        "单位:元\n"
        "项目                                  2016-执行数      2017-预算数\n"
        "一、支出合计                                             250000\n"
        "2、公务接待费                                            150000\n",
        # Spaces align the cells: the one value stands under 2017-预算数, not 2016-执行数.
        {"three_public.budget": 25.0, "three_public.actual": None},
        "space-aligned-value-placed-by-its-position",
        title="青禾县测试局2017年度部门“三公”经费预算情况表\n",
    ),
    case(
        "单位:万元 | ||||\n项目 | 上年决算数 | 本年决算数 | 比上年增、减情况 | |\n"
        "增、减金额 | 增、减幅度 | |||\n合计 | 2911.47 | 2706.86 | -204.61 | -7.03% |\n",
        # The group 比上年增、减情况 over two sub-columns written on the next line.
        {"three_public.actual": 2706.86},
        "group-header-over-sub-columns",
        title="青禾县2016年“三公”经费决算情况统计表\n",
    ),
]

NAMED = [
    case(
        "二、部门(单位)年度收支情况\n\n支出情况\n\n支出合计\n\n794.15\n\n基本支出\n\n年初预算\n\n262.60\n\n"
        "实际支出\n\n277.77\n\n其中:人员经费\n\n246.32\n\n日常公用经费\n\n31.45\n\n项目支出\n\n"
        "年初预算\n\n520.00\n\n实际支出\n\n516.38\n\n其中:数字城管信息采集服务费\n\n380.00\n\n378.60\n\n"
        "数字城管系统运行维护\n\n140.00\n\n137.78\n\n“三公”经费\n\n预算数\n\n4.00\n\n实际支出\n\n2.86\n",
        {
            "basic.initial": 262.6,
            "basic.actual": 277.77,
            "basic.personnel": 246.32,
            "basic.public": 31.45,
            "project.initial": 520.0,
            "project.actual": 516.38,
            "three_public.budget": 4.0,
            "three_public.actual": 2.86,
            "projects.1.name": "数字城管系统运行维护",
            "projects.1.initial": 140.0,
            "projects.1.actual": 137.78,
        },
        "named-values-one-cell-per-line-no-unit",
    ),
    case(
        "基本支出\n\n年初预算\n\n262\n\n实际支出\n\n277\n",
        {"basic.initial": None, "basic.actual": None},
        "named-values-whole-numbers-no-unit-unread",
    ),
]

TRAPS = [
    case(
        "单位：万元\n一级指标\t二级指标\t分值\t得分\n项目决策(10分)\t决策过程\t10\t9\n"
        "项目产出(30分)\t数量指标\t30\t28\n",
        {"projects": [], "basic.actual": None},
        "score-rows-are-not-projects",
    ),
    case(
        "单位：万元\n项目\t2020年决算数\t2021年预算数\t2021年决算数\n基本支出\t95.00\t100.00\t108.00\n",
        {"basic.initial": 100.0, "basic.actual": 108.0},
        "last-years-column-never-read",
    ),
    case(
        "单位：万元\n项目名称\t实际支出数\t主要用途\n收入总计\t1614.63\t\n"
        "农村公路养护经费\t120.50\t县乡道日常养护\n",
        {"projects.0.name": "农村公路养护经费", "projects.0.purpose": "县乡道日常养护"},
        "a-lists-total-is-not-a-project",
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), LAYOUTS + FORMS + ARITHMETIC + RUN_TOGETHER + ALIGNED + NAMED + TRAPS
)
def test_tables(text: str, expected: dict[str, Any]) -> None:
    out = report_json(analyse_text(text))
    got = {}
    for name in expected:
        try:
            got[name] = field(out, name)
        except (IndexError, KeyError):
            got[name] = "<absent>"
    assert got == expected, text


def test_a_table_cell_keeps_its_row_and_column_labels() -> None:
    out = extract("单位：万元\n项目\t年初预算数\t全年执行数\n基本支出\t100.00\t108.00\n")
    where = out["provenance"]["basic.actual"]
    assert (where["row_label"], where["column_label"]) == ("基本支出", "全年执行数")
    assert where["sentence"] == "基本支出\t100.00\t108.00"


def test_a_project_phase_keeps_its_cell() -> None:
    text = (
        PROJECT_TITLE
        + "项目名称\t河道保洁\n项目资金（万元）\t年初预算数\t全年执行数\n年度资金总额\t10.00\t9.50\n"
    )
    out = report_json(analyse_text(text))
    (project,) = out["projects"]
    where = project["provenance"]["actual"]
    assert text[slice(*where["value_span"])] == "9.50"
    assert where["column_label"] == "全年执行数"


@pytest.mark.parametrize(
    ("line", "cells"),
    [
        ("基本支出\t100\t\t108", ["基本支出", "100", "", "108"]),
        ("| 总额 | 238.93 | 251.89 |", ["总额", "238.93", "251.89"]),
        ("其中： 人员经费 758.01 20.5%", ["其中： 人员经费", "758.01", "20.5%"]),
        ("年度资金总额238.93", ["年度资金总额", "238.93"]),
        ("项目 年初预算数 调整预算数", ["项目", "年初预算数", "调整预算数"]),
        (
            "三公经费12,350.0015,000.001、公务用车8,600.00",
            ["三公经费", "12,350.0015,000.00", "1、公务用车", "8,600.00"],
        ),
    ],
    ids=[
        "tabs-keep-empty",
        "pipes",
        "label-of-words",
        "glued-label",
        "single-spaced-header",
        "ocr",
    ],
)
def test_line_cells(line: str, cells: list[str]) -> None:
    assert [c.text for c in line_cells(line, 0, len(line), 0)] == cells


def test_a_run_of_numbers_is_cut_only_where_one_cut_fits() -> None:
    (run,) = [c for c in line_cells("238.93251.89251.89100.00%", 0, 25, 0)]
    assert run.kind == "run"
    assert [[run.text[a:b] for a, b in split] for split in run.splits] == [
        [
            "238.93",
            "251.89",
            "251.89",
            "100.00%",
        ]
    ]
    whole = line_cells("100110108", 0, 9, 0)
    assert [c.kind for c in whole] == ["number"]  # one whole number: never cut by guessing


def test_sentences_are_one_cell_and_end_a_table() -> None:
    layout = read_tables(
        "单位：万元\n项目\t年初预算数\t全年执行数\n基本支出\t100.00\t108.00\n"
        "本年度基本支出年初预算数为100万元，全年执行数为108万元。\n项目支出\t50.00\t49.00\n"
    )
    (table,) = layout.tables
    assert [r.label_text for r in table.rows] == ["基本支出"]
    assert layout.lines[3] == [Cell(layout.lines[3][0].text, *layout.lines[3][0][1:])]


def test_a_unit_read_by_the_forms_convention_is_said_so() -> None:
    out = extract("基本支出\n\n年初预算\n\n262.60\n\n实际支出\n\n277.77\n")
    assert out["basic"]["actual"] == 277.77
    where = out["provenance"]["basic.actual"]
    assert where["note"] == UNIT_CONVENTION and where["confidence"] < 0.9
    stated = extract("基本支出\n\n年初预算\n\n262.60\n\n实际支出\n\n277.77\n单位：元\n")
    assert stated["basic"]["actual"] is None  # the document names a unit, not for these cells
