"""“三公”经费 sentences as departments write them: the total's budget and actual, never its parts.

Rows in the style of test_wording.py: a few lines of report text and the fields they must give;
None means "must stay null". The wordings are those of real 决算 / 预算 / 三公经费说明 pages.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_wording import case, check

TP = ("three_public.budget", "three_public.actual")


def both(budget: float | None, actual: float | None) -> dict[str, Any]:
    return dict(zip(TP, (budget, actual), strict=True))


WORDINGS = [
    case(
        "2021年度“三公”经费财政拨款支出决算为8.77万元，完成预算的39.86%。",
        both(None, 8.77),
        "决算为-完成预算的",
    ),
    case(
        "本局2021年度“三公”经费财政拨款支出年初预算为22.00万元，支出决算为8.77万元，完成预算的39.86%。",
        both(22.0, 8.77),
        "年初预算为-支出决算为",
    ),
    case(
        "2021年度“三公”经费财政拨款支出决算为17.06万元，完成预算27万元的63.2%。",
        both(27.0, 17.06),
        "完成预算X万元的",
    ),
    case(
        "2021年度“三公”经费财政拨款支出预算数为44.52万元，全年实际支出的“三公经费”决算数为22.62万元。",
        both(44.52, 22.62),
        "预算数-决算数",
    ),
    case(
        "2021年“三公”经费支出决算为45,000.00元，比上年减少5,000.00元。",
        both(None, 4.5),
        "yuan-and-上年",
    ),
    case(
        "2021年“三公”经费支出总额为4万元。",
        both(None, 4.0),
        "支出总额为",
    ),
    case(
        "2021年本部门财政拨款安排“三公”经费29万元，比上年增加0.5万元，增长1.75%。",
        both(29.0, None),
        "安排-before-the-name",
    ),
    case(
        "2021年“三公”经费预算数为5万元，比上年预算数减少1万元，决算数为4万元。",
        both(5.0, 4.0),
        "prior-budget-between",
    ),
]

PARTS = [
    case(
        "2021年“三公”经费财政拨款支出决算中，因公出国(境)费支出决算0万元，占0%；公务用车购置及运行维护费支出决算3万元，占60%；公务接待费支出决算2万元，占40%。",
        both(None, None),
        "决算中-parts-only",
    ),
    case(
        "（三）“三公”经费支出情况\n因公出国(境)费0万元，公务用车购置及运行维护费3万元，公务接待费1万元。",
        both(None, None),
        "parts-under-the-heading",
    ),
    case(
        "“三公”经费：因公出国(境)费0万元，公务用车购置及运行维护费3万元，公务接待费1万元。",
        both(None, None),
        "parts-after-the-name",
    ),
    case(
        "“三公”经费（因公出国(境)费、公务用车购置及运行维护费和公务接待费）年初预算5万元，实际支出4万元。",
        both(5.0, 4.0),
        "definition-in-parentheses",
    ),
    case(
        "2021年“三公”经费预算4432万元，其中：因公出国(境)费用39万元，公务接待费323万元。",
        both(4432.0, None),
        "total-then-parts",
    ),
]

HEADINGS = [
    case(
        "（三）“三公”经费支出情况\n2021年支出决算4万元，主要是公务接待次数减少。",
        both(None, 4.0),
        "parts-named-without-figures",
    ),
    case(
        "七、“三公”经费及机关运行经费情况\n2021年机关运行经费支出20万元，比上年减少2万元。",
        both(None, None),
        "机关运行经费-under-the-heading",
    ),
    case(
        "六、“三公”经费支出情况\n2021年会议费支出2万元，培训费支出1万元。",
        both(None, None),
        "会议费-under-the-heading",
    ),
    case(
        "（三）“三公”经费支出情况\n2021年公务用车购置及运行维护费支出3万元。",
        both(None, None),
        "a-part-under-the-heading",
    ),
]

DIFFERENCES = [
    case(
        "说明：“三公”经费实际支出超出预算0.26万元，主要是车辆维修费用增加。",
        both(None, None),
        "超出预算",
    ),
    case(
        "“三公”经费年初预算6.00万元，全年支出6.45万元，超预算0.45万元。",
        both(6.0, 6.45),
        "超预算-after",
    ),
    case(
        "“三公”经费支出较预算减少1万元。",
        both(None, None),
        "较预算减少",
    ),
    case(
        "“三公”经费年中追加预算2万元。",
        both(None, None),
        "追加预算",
    ),
]

YEARS = [
    case(
        "2020年“三公”经费支出决算5万元。2021年“三公”经费支出决算4万元。",
        both(None, 4.0),
        "year-before-the-name",
    ),
    case(
        "上年“三公”经费支出决算5万元，本年支出决算4万元。",
        both(None, 4.0),
        "上年-before-the-name",
    ),
    case(
        "2021年“三公”经费支出决算为4万元，2020年为5万元。",
        both(None, 4.0),
        "other-year-without-a-word",
    ),
]


@pytest.mark.parametrize(("body", "expected"), WORDINGS + PARTS + HEADINGS + DIFFERENCES + YEARS)
def test_three_public(body: str, expected: dict[str, Any]) -> None:
    check(body, expected)


def test_two_statements_of_the_actual_are_flagged() -> None:
    out = check(
        "“三公”经费支出决算4万元。\n三、其他\n“三公”经费实际支出4.5万元。",
        {"three_public.actual": 4.0},
    )
    assert [c["rule"] for c in out["checks"]].count("conflicting_values") == 1
