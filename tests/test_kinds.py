"""Who, when and what: department, fiscal year and kind, one small case per genre pattern.

Each case is the opening of a document as departments publish it (a title in one of its orders,
web-page chrome, a form's fields, the first lines of the body) and the identity it must give; a
key not listed is not checked. None means "must stay null": a doubtful name is worse than none.
`department_from` / `year_from` say how sure the reading is: "title", "field", "text" (a guess the
user confirms) or "" (not found).
"""

from __future__ import annotations

from typing import Any

import pytest

from etl.amounts import normalise
from etl.extract import extract_report
from etl.extract.kinds import Identity, document_kind, identify
from etl.extract.tables import read_tables

BODY = "\n一、部门基本情况\n本年度各项工作有序开展。\n"


def who(text: str) -> Identity:
    return identify(text, read_tables(normalise(text)).fields)


def case(text: str, expected: dict[str, Any], id: str) -> Any:
    return pytest.param(text, expected, id=id)


TITLE_ORDERS = [
    case(
        "2021年度青禾县测试局部门整体支出绩效自评报告" + BODY,
        {"department": "青禾县测试局", "year": 2021, "department_from": "title"},
        "year-first",
    ),
    case(
        "青禾县测试局2021年度部门决算" + BODY,
        {"department": "青禾县测试局", "year": 2021, "kind": "final_accounts"},
        "department-first",
    ),
    case(
        "411001-青禾县测试局2021年度部门决算情况说明" + BODY,
        {"department": "青禾县测试局", "year": 2021},
        "unit-code",
    ),
    case(
        "2020年度=1+1交通运输局整体支出绩效自评报告" + BODY,
        {"department": "=1+1交通运输局"},
        "name-kept-as-written",
    ),
    case(
        "青禾县公安局(汇总)2019年度部门决算" + BODY,
        {"department": "青禾县公安局", "year": 2019},
        "(汇总)",
    ),
    case(
        "青禾县测试中心２０２２单位预算及三公经费预算情况说明" + BODY,
        {"department": "青禾县测试中心", "year": 2022, "kind": "budget"},
        "bare-year-full-width",
    ),
    case(
        "中共青禾县委政策研究室 2023 部门预算及三公经费预算情况说明" + BODY,
        {"department": "中共青禾县委政策研究室", "year": 2023},
        "spaced-year",
    ),
    case(
        "2018年青禾县质量技术监督局“三公”经费预算情况说明" + BODY,
        {"department": "青禾县质量技术监督局", "year": 2018, "kind": "three_public"},
        "quoted-三公-after-name",
    ),
    case(
        "青禾县文学艺术界联合会关于财政拨款“三公”经费2015年决算的情况说明" + BODY,
        {"department": "青禾县文学艺术界联合会", "year": 2015, "kind": "three_public"},
        "name-关于-kind-year",
    ),
    case(
        "青禾县浩口乡人民政府2020年度部门整体支出绩\n效自评报告" + BODY,
        {"department": "青禾县浩口乡人民政府", "year": 2020, "kind": "self_evaluation_report"},
        "wrapped-mid-word",
    ),
    case(
        "青禾县玫瑰湖公园管理站 2022\n单位预算及三公经费预算情况说明" + BODY,
        {"department": "青禾县玫瑰湖公园管理站", "year": 2022, "kind": "budget"},
        "unit-and-year-line-before",
    ),
    case(
        "2019-07-09 16:55\n青禾县测试局部门整体支出绩效自评报告" + BODY,
        {"department": "青禾县测试局", "year": None},
        "a-date-line-before-is-not-the-title",
    ),
    case(
        "部门决算情况说明\n重庆市青禾县信访办公室　2021年度" + BODY,
        {"department": "重庆市青禾县信访办公室", "year": 2021, "department_from": "title"},
        "unit-and-year-line-after",
    ),
    case(
        "项目支出绩效自评表\n2019年度)\n项目名称\n暖通改造经费\n实施单位\n青禾县食品工程学校",
        {"year": 2019, "year_from": "title", "kind": "project_evaluation"},
        "year-line-after-title",
    ),
]

KINDS = [
    case(
        "青禾县测试局2018年部门预算及“三公”经费预算编制说明" + BODY,
        {"kind": "budget"},
        "预算及三公",
    ),
    case(
        "青禾县测试中心2022年单位预算及“三公”经费预算情况说明" + BODY,
        {"kind": "budget"},
        "单位预算及三公",
    ),
    case(
        "青禾县测试局2016年“三公”经费决算情况统计表" + BODY, {"kind": "three_public"}, "三公-决算"
    ),
    case(
        "部门整体支出及项目支出绩效评价报告" + BODY,
        {"kind": "self_evaluation_report"},
        "整体及项目-report",
    ),
    case(
        "青禾县测试中心2018绩效评价自评报告及评分表(整体支出和信息采集服务费专项支出)" + BODY,
        {"kind": "self_evaluation_report", "department": "青禾县测试中心", "year": 2018},
        "自评报告及评分表",
    ),
    case(
        "文山州青禾县西洒镇2022年度部门整体支出绩效自评情况" + BODY,
        {"kind": "self_evaluation_report", "year": 2022},
        "自评情况-no-报告",
    ),
    case(
        "2023年度部门整体支出绩效评价自评表\n单位：" + BODY,
        {"kind": "self_evaluation_form"},
        "评价自评表",
    ),
    case(
        "1/1年学生资助项目绩效目标自评表填报日期:总分:99.96分项目名称学生资助项目",
        {"kind": "project_evaluation"},
        "项目绩效目标自评表",
    ),
    case(
        "暖通改造经费 绩效自评表(修改)\n项目名称\n暖通改造经费\n主管部门\n青禾县发改委\n"
        "实施单位\n青禾县食品工程学校",
        {"kind": "project_evaluation", "department": "青禾县食品工程学校"},
        "project-named-绩效自评表",
    ),
    case(
        "青禾县农林水务局2022年度项目支出部门评价报告和绩效自评表\n附件2:项目支出部门评价报告",
        {"kind": "project_evaluation", "department": "青禾县农林水务局"},
        "项目支出部门评价报告",
    ),
]

CHROME = [
    case(
        "索引号 | 11500228/2024-00055 | 发文字号 | |\n发布机构 | 青禾县教委 | 有效性 | |\n"
        "标题 | 青禾县明达镇天台完全小学2024年单位预算情况说明 | ||\n"
        "成文日期 | 2024-02-28 | 发布日期 | 2024-02-28 |\n"
        "青禾县明达镇天台完全小学2024年单位预算情况说明" + BODY,
        {"department": "青禾县明达镇天台完全小学", "year": 2024, "kind": "budget"},
        "标题-row",
    ),
    case(
        "| 索引号 | 01525903-1-04_A/2017-0920001 | 发布机构 | 青禾县财政局 |\n"
        "| 公开目录 | “三公”经费 | 发布日期 | 2017-09-20 |\n附件. | ||||\n"
        "青禾县2016年“三公”经费决算情况统计表 | ||||\n单位:万元 | ||||",
        {"department": "青禾县", "year": 2016, "kind": "three_public"},
        "公开目录-row-is-chrome",
    ),
    case(
        "[ 索引号 ] | 115002/2022-00076 | [ 发文字号 ] | |\n[ 发布机构 ] | 青禾县财政局 | |\n"
        "部门决算情况说明\n青禾县信访办公室　2021年度" + BODY,
        {"department": "青禾县信访办公室", "year": 2021, "kind": "final_accounts"},
        "bracketed-chrome",
    ),
    case(
        "当前位置:首页 财政资金 > 2021年度青禾县农业农村局部门决算\n附件2\n"
        "部门(单位)整体支出绩效目标自评表\n(2021年度)\n| 部门(单位)名称 | 青禾县农业农村局 | |",
        {"kind": "self_evaluation_form", "year": 2021, "department": "青禾县农业农村局"},
        "breadcrumb",
    ),
    case(
        "2023年度青禾县农业农村局单位决算\n发布时间:2024-09-20 来源:县农业农村局\n第四部分 附件\n"
        "青禾县农业农村局2023年度部门整体支出绩效自评报告" + BODY,
        {"kind": "self_evaluation_report", "year": 2023, "department": "青禾县农业农村局"},
        "附件-announces-the-document",
    ),
    case(
        "《青禾县本级部门项目支出绩效自评表.docx》由会员分享,可在线阅读,更多相关《青禾县本级部门"
        "项目支出绩效自评表.docx(5页珍藏版)》请在优知文库上搜索。\n"
        "1、青禾县本级部门项目支出绩效自评表(2021年)项目名称初中公用经费主管部门青禾县教育局实施"
        "第位自评得分98",
        {"kind": "project_evaluation", "year": 2021, "department": None},
        "document-site-dump",
    ),
    case(
        "岳阳县2017年度部门“三公”经费预算情况表\n来源:青禾县台创园   2017-04-27 00:00\n单位:元",
        {"department": "青禾县台创园", "department_from": "text", "year": 2017},
        "来源-publisher",
    ),
]

FIELDS = [
    case(
        "2021年度部门整体支出绩效自评报告\n单位名称：青禾县测试局" + BODY,
        {"department": "青禾县测试局", "department_from": "field"},
        "单位名称",
    ),
    case(
        "附件3: 部门整体支出绩效评价基础数据表 填报单位: 单位:万元 财政供养人员情况 编制数",
        {"department": None},
        "empty-填报单位",
    ),
    case(
        "部门整体支出绩效评价基础数据表\n填报单位:青禾县前进街道办事处 单位:万元\n"
        "财政供养人员情况\t编制数\t2021年实际在职人数\t控制率",
        {"department": "青禾县前进街道办事处", "department_from": "field"},
        "填报单位-then-单位:万元",
    ),
    case(
        "2023年度部门整体支出绩效评价自评表\n单位：\n指标说明及\n序号\t一级指标\t二级指标",
        {"department": None},
        "bare-单位-needs-a-unit",
    ),
    case(
        "项目支出绩效自评报告\n项目名称：青禾县水库除险加固工程\n评价年度：2022\n"
        "预算部门单位（公章）：青禾县水务局\n填报日期：2023年4月25日",
        {"department": "青禾县水务局", "year": 2022, "year_from": "field"},
        "预算部门单位(公章)",
    ),
    case(
        "财政部门整体支出绩效评价报告\n项目名称:部门整体支出绩效评价报告\n"
        "项目单位:青禾县机构编制委员会办公室\n主管部门:中共青禾县委",
        {"department": "青禾县机构编制委员会办公室", "department_from": "field"},
        "项目单位-not-主管部门",
    ),
    case(
        "青禾县河道堤防建设管理处\n2021年度项目支出绩效自评表\n项目名称\n岁修经费\n主管部门\n"
        "随州市青禾县水利局\n项目实施单位\n随州市青禾县河道堤防建设管理处",
        {"department": "随州市青禾县河道堤防建设管理处", "department_from": "field"},
        "project-form-实施单位-beats-title",
    ),
    case(
        "2023年度内蒙古自治区呼伦贝尔市青禾市河东街道办事处\n部门整体支出绩效评价基础数据表\n"
        "填报单位:青禾市河东街道办事处 | | 单位:万元 |",
        {"department": "青禾市河东街道办事处", "department_from": "field"},
        "form-field-beats-title",
    ),
    case(
        "2021年度财政项目绩效自评表单位名称:青禾市中心医院填报日期:2022年3月18日项目名称"
        "东津院区建设补助主管部门青禾市卫生健康委项目实施单位青禾市中心医院项目类别",
        {"department": "青禾市中心医院", "department_from": "field", "year": 2021},
        "run-together-fields",
    ),
    case(
        "1、青禾卫生院整体支出绩效自评表(2021年度)评价部门名称南昌县黄马乡青禾卫生院下属单位"
        "个数0整体支出规模全年预算数",
        {"department": "南昌县黄马乡青禾卫生院", "year": 2021, "kind": "self_evaluation_form"},
        "run-together-评价部门名称",
    ),
    case(
        "1/1年学生资助项目绩效目标自评表填报日期:总分:99.96分项目名称青禾工程学院年学生资助项目"
        "主管部门青禾省教育厅项目实施单位青禾工程学院项目类别、部门预算项目",
        {"department": "青禾工程学院", "year": None},
        "run-together-项目实施单位",
    ),
]

FULL_NAMES = [
    case(
        "团结湖街道办事处2021年度部门整体支出绩效自评报告\n一、部门基本情况\n"
        "北京市朝阳区团结湖街道办事处设综合办公室、党群工作办公室。",
        {"department": "北京市朝阳区团结湖街道办事处", "department_from": "title"},
        "body-writes-the-full-name",
    ),
    case(
        "2021年度天心区交通运输局整体支出绩效自评报告\n1、机构设置\n"
        "长沙市天心区交通运输局，主要负责全区道路运输安全监管。",
        {"department": "天心区交通运输局"},
        "a-name-with-its-place-stays-as-the-title-writes-it",
    ),
    case(
        "青禾县财政局2022年度部门整体支出绩效评价报告\n单位编码:627001    单位名称:贵州省黔南州青禾县财政局",
        {"department": "贵州省黔南州青禾县财政局"},
        "field-writes-the-full-name",
    ),
    case(
        "大英文学艺术界联合会关于财政拨款“三公”经费2015年决算的情况说明\n"
        "大英县文学艺术界联合会财政拨款“三公”经费2015年决算情况如下：",
        {"department": "大英县文学艺术界联合会"},
        "title-drops-县",
    ),
    case(
        "文山州青禾县西洒镇2022年度部门整体支出绩效自评情况\n一、部门基本情况\n"
        "青禾县西洒镇人民政府负责组织实施全镇经济社会发展计划。",
        {"department": "青禾县西洒镇人民政府"},
        "town-and-its-人民政府",
    ),
    case(
        "官仓镇2015年“三公”经费支出说明\n一、因公出国(境)经费\n2015年因公出国(境)费0万元。",
        {"department": "官仓镇", "year": 2015},
        "town",
    ),
    case(
        "青禾县测试局2021年度部门决算\n一、概况\n按照北京市青禾县测试局的部署开展工作。",
        {"department": "青禾县测试局"},
        "a-sentence-is-no-full-name",
    ),
]

PLACES = [
    case(
        "岳阳县2017年度部门“三公”经费预算情况表\n单位:元\n项目\t2017预算数",
        {"department": None},
        "county-template-for-its-departments",
    ),
    case(
        "青禾市2018年度部门整体支出绩效评价自评报告\n一、部门基本情况",
        {"department": None},
        "city-form-header",
    ),
]

YEARS = [
    case(
        "附件3\n部门整体支出绩效评价基础数据表\n填报单位:青禾县第四中学\n单位:万元\n"
        "财政供养人员情况\t编制数\t2021年实际在职人数\t控制率\n\t166\t166\t100%\n"
        "经费控制情况\t2020年决算数\t2021年预算数\t2021年决算数",
        {"year": 2021, "year_from": "field", "kind": "basic_data_form"},
        "basic-data-form-columns",
    ),
    case(
        "财政部门整体支出绩效评价报告\n项目单位:青禾县测试局\n2018年4月3日\n"
        "按照《青禾县财政局关于开展2017年度预算绩效自评工作的通知》要求，我局对2017年度部门整体"
        "支出进行了综合评价。",
        {"year": 2017, "year_from": "text"},
        "body-names-the-year",
    ),
    case(
        "六、一般公共预算财政拨款基本支出决算情况说明\n2023年一般公共预算财政拨款基本支出911.7万元。\n"
        "2022年“三公”经费财政拨款支出决算为3.46万元,较上年增加2.4万元。\n"
        "2023年“三公”经费财政拨款支出决算中,因公出国(境)费支出决算0万元。",
        {"year": 2023, "year_from": "text", "kind": "final_accounts"},
        "body-year-by-majority",
    ),
    case(
        "官仓镇“三公”经费支出说明\n2015年公务接待费9.95万元，较2014年决算数下降5.5%。\n"
        "比2014年减少1万元，与2014年持平。",
        {"year": 2015},
        "comparisons-do-not-vote",
    ),
    case(
        "部门整体支出绩效自评报告\n报告日期:2019年06月18日\n发布日期:2019-07-09",
        {"year": None, "year_from": ""},
        "dates-are-not-the-fiscal-year",
    ),
]

TEXT_GUESSES = [
    case(
        "项目支出绩效评价报告\n一、项目基本情况\n2021年，政协青禾县委员会项目支出286.83万元，"
        "用于保障委员履职活动。",
        {"department": "政协青禾县委员会", "department_from": "text", "year": 2021},
        "clause-names-the-unit",
    ),
    case(
        "部门整体支出绩效评价报告\n一、基本情况\n本局负责全县交通运输工作。",
        {"department": None},
        "本局-is-no-name",
    ),
    case(
        "部门整体支出绩效评价报告\n一、基本情况\n县财政局是县政府组成部门。\n我县教育局负责全县教育工作。",
        {"department": None},
        "a-short-or-pronoun-name-is-no-guess",
    ),
    case(
        "2017年部门预算编制说明\n一、机构及人员情况\n人大常委会办公室属一级行政预算单位。\n"
        "二、支出预算\n代表培训费100000元。\n\n青禾区人大常委会办公室\n2017年3月23日\n",
        {"department": "青禾区人大常委会办公室", "department_from": "text", "year": 2017},
        "signature",
    ),
]

HEADINGS = [
    case(
        "6\n(二)按支出结构分类划分,分为基本支出预算和项目支出预算。\n"
        "1. 基本支出预算 881300.39 元。\n六、一般公共预算基本支出情况说明\n"
        "2023 年本年一般公共预算基本支出 881300.39 元。",
        {"kind": "budget", "year": 2023, "department": None},
        "budget-excerpt",
    ),
    case(
        "|\n|\n单位:万元\n|\n项 目\n|\n合计\n|\n“三公”经费\n|\n29.00\n"
        "一、财政拨款安排的行政经费及“三公”经费预算情况:\n"
        "2019 年,本部门机关运行经费安排 312.23 万元。",
        {"kind": "three_public", "year": 2019},
        "three-public-excerpt",
    ),
]

NOTHING = [
    case(
        "编辑: 飞鸟 | 2019-07-11 |\n20 分)项目决策(10 分)科学决策必要性\n5 5 可行性\n"
        "5 预算编制(10 分) 测算依据(5 分)\n5 5 合理性",
        {"kind": None},
        "score-rows-are-no-title",
    ),
    case(
        "青禾县测试局工作总结\n一、工作情况\n2020年度部门收支执行数据详见部门决算公开表。",
        {"kind": None},
        "a-sentence-is-no-title",
    ),
    case(
        "青禾县测试局工作总结\n一、工作情况",
        {"department": None, "year": None, "kind": None},
        "no-title",
    ),
    case("", {"department": None, "year": None, "kind": None, "department_from": ""}, "empty"),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    TITLE_ORDERS
    + KINDS
    + CHROME
    + FIELDS
    + FULL_NAMES
    + PLACES
    + YEARS
    + TEXT_GUESSES
    + HEADINGS
    + NOTHING,
)
def test_identify(text: str, expected: dict[str, Any]) -> None:
    found = who(text)
    got = {name: getattr(found, name) for name in expected}
    assert got == expected, text


def test_sources_point_into_the_text() -> None:
    text = "索引号 | 1\n2021年度青禾县测试局部门整体支出绩效自评报告\n单位名称：青禾县测试局"
    found = who(text)
    assert found.kind_source is not None and found.department_source is not None
    assert text[found.kind_source.sentence_start : found.kind_source.sentence_end].endswith("报告")
    source = found.department_source
    assert text[source.value_start : source.value_end] == "青禾县测试局"


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("关于青禾县测试局2020年度整体支出绩效自评情况的报告", "self_evaluation_report"),
        ("部门整体支出绩效自评表（2021年度）", "self_evaluation_form"),
        ("2021年度部门整体支出绩效评价基础数据表", "basic_data_form"),
        ("2021年度“三公”经费支出决算情况说明", "three_public"),
        ("青禾县测试局2021年度部门决算", "final_accounts"),
        ("青禾县测试局2022年部门预算公开说明", "budget"),
        ("青禾县测试局工作总结", None),
    ],
)
def test_document_kind(title: str, kind: str | None) -> None:
    assert document_kind(title) == kind


def test_the_report_says_where_department_and_year_came_from() -> None:
    report = extract_report(
        "部门决算情况说明\n一、部门基本情况\n2021年，青禾县测试局负责全县测试工作。"
    )
    assert (report.department, report.department_from) == ("青禾县测试局", "text")
    assert (report.year, report.year_from) == (2021, "text")
