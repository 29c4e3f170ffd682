"""Staffing sentences as departments write them: 编制 (authorized posts) and 实有在职人员 (staff).

Rows in the style of test_wording.py: a few lines of report text and the fields they must give;
None means "must stay null". The wordings are those of real 部门预算 / 决算 / 自评报告 pages.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_wording import case, check

AUTHORIZED = [
    case(
        "2018年我单位人员编制总数为15人，实有在职人员总数14人，实有离休人员0人，实有退休人员0人。",
        {"staffing.authorized": 15, "staffing.actual": 14},
        "编制总数为/实有在职人员总数",
    ),
    case(
        "梧州市玫瑰湖公园管理站编制总数 15 名，差额事业单位。",
        {"staffing.authorized": 15},
        "编制总数-spaces",
    ),
    case(
        "全厅核定编制1,126名，年末实有人员1,058人。",
        {"staffing.authorized": 1126, "staffing.actual": 1058},
        "thousands-separator",
    ),
    case(
        "全局现有在职人员246人，离退休人员85人。行政事业总编制为249个，其中行政编13个、全额事业编45个。",
        {"staffing.authorized": 249, "staffing.actual": 246},
        "总编制-个",
    ),
    case(
        "现有编制人员205人。其中，局机关在职113人、离休2人、退休75人、财政事务中心10人。",
        {"staffing.authorized": 205, "staffing.actual": None},
        "编制人员-parts-in-职",
    ),
    case(
        "本单位一般公务用车编制3台。",
        {"staffing.authorized": None},
        "vehicles-are-not-posts",
    ),
]

KINDS_OF_POSTS = [
    case(
        "张家川县龙山镇四方中学截止2024年12月31日事业编制67人，现有教职工73人，退休12人。",
        {"staffing.authorized": 67, "staffing.actual": 73},
        "one-kind-is-the-total",
    ),
    case(
        "北京市文物局核定行政编制80人，2021年末机关实有行政人员76人。",
        {"staffing.authorized": 80, "staffing.actual": 76},
        "行政编制-alone",
    ),
    case(
        "市团校单位人员事业编制总数3名。",
        {"staffing.authorized": 3, "staffing.actual": None},
        "事业编制总数",
    ),
    case(
        "共有行政政法专项编制54人、机关后勤服务人员2人、事业单位编制14人。2021年底实有人数63人（公务员50人、机关工勤2人、事业人员11人）。",
        {"staffing.authorized": None, "staffing.actual": 63},
        "two-kinds-are-parts",
    ),
    case(
        "我局由县编办核定政法专项编制247人、行政工勤编制15人，核定使用县政府专职消防队事业编制9人。截止到2021年末在职244人，其中：政法专项230人、工勤14人。",
        {"staffing.authorized": None, "staffing.actual": 244},
        "three-kinds-年末在职",
    ),
    case(
        "本单位行政编制5人。本单位事业编制3人。",
        {"staffing.authorized": None},
        "kinds-in-two-sentences",
    ),
    case(
        "现有人员编制115人，其中：参照公务员管理事业编制71人，事业编制44人。另有事业控制编制13人。",
        {"staffing.authorized": 115},
        "total-and-另有",
    ),
    case(
        "我单位人员编制总数26名，其中：事业编制26名。其中，在职在编人员25人，包括：事业在职在编25人。其他聘用人员71人。退休人员43人。",
        {"staffing.authorized": 26, "staffing.actual": 25},
        "其中-在职在编",
    ),
    case(
        "梧州市第三中学人员编制总数95名，其中：行政编制0名，参公事业编制0名，全额事业编制95名。其中，在职在编人员91人，包括：行政在职在编人员0人、参公事业在职在编人员0人、全额事业在职在编91人。",
        {"staffing.authorized": 95, "staffing.actual": 91},
        "包括-parts",
    ),
    case(
        "全镇核定编制98名（行政编制42名、事业编制56名），2022年末实有人员95人。",
        {"staffing.authorized": 98, "staffing.actual": 95},
        "parts-in-parentheses",
    ),
    case(
        "街道共有工作人员73人，其中行政编制25人、参公编制20人、事业编制26人。",
        {"staffing.authorized": None, "staffing.actual": 73},
        "工作人员-and-parts",
    ),
    case(
        "机关行政编制20名，实有18名；事业编制10名，实有9名。",
        {"staffing.authorized": None, "staffing.actual": None},
        "staff-of-each-kind",
    ),
    case(
        "编制人数20人（行政编制15人，实有14人）。",
        {"staffing.authorized": 20, "staffing.actual": None},
        "staff-of-a-part",
    ),
    case(
        "核定行政编制20名，实有18名。",
        {"staffing.authorized": 20, "staffing.actual": 18},
        "staff-of-the-one-kind",
    ),
]

ACTUAL = [
    case(
        "乌鲁木齐市政务服务中心2021年度，实有人数11人，其中：在职人员10人，离休人员0人，退休人员1人。",
        {"staffing.actual": 10},
        "实有人数-counts-retirees",
    ),
    case(
        "本单位2021年年末实有人数125人，其中在职人员125人，离休人员0人，退休人员0人。",
        {"staffing.actual": 125},
        "实有人数-all-在职",
    ),
    case(
        "核定人员编制71人，实际正式教职工62人，其中副高级职称4人；另有退休职工28人。",
        {"staffing.authorized": 71, "staffing.actual": 62},
        "实际正式教职工",
    ),
    case(
        "中心有事业编制25名。现单位实有在职在编人员16名，人事派遣人员5名，退休职工6名。",
        {"staffing.authorized": 25, "staffing.actual": 16},
        "实有在职在编人员",
    ),
    case(
        "学校现有编制21人，现有教职工21人，在校小学生60人。",
        {"staffing.authorized": 21, "staffing.actual": 21},
        "现有编制/现有教职工",
    ),
    case(
        "本单位核定编制15名，实有14名。",
        {"staffing.authorized": 15, "staffing.actual": 14},
        "实有-alone",
    ),
    case(
        "本单位在职职工50人，退休职工20人。",
        {"staffing.actual": 50},
        "在职职工",
    ),
    case(
        "本局现有干部职工52人，其中退休干部10人。",
        {"staffing.actual": 52},
        "现有干部职工",
    ),
    case(
        "2021年末在职人员数为19人，编制人数为20人。",
        {"staffing.authorized": 20, "staffing.actual": 19},
        "在职人员数",
    ),
    case(
        "在编在职实有人数 11 人。",
        {"staffing.actual": 11},
        "在编在职实有人数",
    ),
    case(
        "本局核定编制12名，其中行政编制9名，实有在职人员11人。",
        {"staffing.authorized": 12, "staffing.actual": 11},
        "actual-after-其中-of-posts",
    ),
    case(
        "本局机关在职人员30人。",
        {"staffing.actual": 30},
        "在职人员-with-unit",
    ),
    case(
        "局机关在职50人，下属单位在职30人。",
        {"staffing.actual": None},
        "bare-在职-of-units",
    ),
    case(
        "实有在职人员20人，其中：在职在编人员18人，编外人员2人。",
        {"staffing.actual": 20},
        "part-of-在职",
    ),
    case(
        "在职人员控制率为95.10%，在职人员比上年减少2人。",
        {"staffing.actual": None},
        "rates-and-changes",
    ),
    case(
        "编外聘用人员12人，政府雇员3人，离退休人员40人。",
        {"staffing.authorized": None, "staffing.actual": None},
        "编外-雇员-离退休",
    ),
]

# The header of a 部门整体支出绩效自评表: label and value cells on one line.
FIELDS = [
    case(
        "编制人数    32        实有人数    30        下属单位个数    0",
        {"staffing.authorized": 32, "staffing.actual": 30},
        "field-pairs-spaces",
    ),
    case(
        "部门名称：青禾县测试局\n编制数\t25\t实有人数\t23\t\t",
        {"staffing.authorized": 25, "staffing.actual": 23},
        "field-pairs-tabs",
    ),
    case(
        "编制人数\t46\t实有人数\t44\n说明：本年度预算执行良好。",
        {"staffing.authorized": 46, "staffing.actual": 44},
        "field-pairs-then-prose",
    ),
    case(
        "部门名称：青禾县测试局\n核定编制数 | 46 | 实有人数 | 44 |",
        {"staffing.authorized": 46, "staffing.actual": 44},
        "field-pairs-pipes",
    ),
    case(
        "行政编制\t5\t事业编制\t3",
        {"staffing.authorized": None},
        "field-pairs-of-parts",
    ),
    case(
        "编制人数 32 人员经费 100",
        {"staffing.authorized": None},
        "one-space-is-not-a-cell",
    ),
]


@pytest.mark.parametrize(("body", "expected"), AUTHORIZED + KINDS_OF_POSTS + ACTUAL + FIELDS)
def test_staffing(body: str, expected: dict[str, Any]) -> None:
    check(body, expected)


def test_two_statements_of_posts_are_flagged() -> None:
    out = check("本单位核定编制20人。\n二、人员情况\n本单位核定编制22人。", {})
    assert [c["rule"] for c in out["checks"]].count("conflicting_values") == 1
