"""SYNTHETIC report texts for the loader benchmarks, written from a template in the genre's
wording (部门整体支出绩效自评报告, Hunan layout, like the seed report). Every department is
示例县NNN第NN局 (named like a unit, as the extractor expects a name) and every number comes
from a seeded random generator: nothing here is a real report. The figures are consistent except where a report is meant to fail a check.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

PROJECT_NAMES = (
    "业务工作经费",
    "党建经费",
    "执法工作经费",
    "治理平台维护费",
    "农村公路养护、建设费",
    "交通运输工作经费",
    "信息化建设经费",
    "安全生产专项经费",
    "宣传经费",
    "应急保障经费",
)
PURPOSES = (
    "主要用于保障单位各科室完成日常业务工作任务",
    "主要用于开展党员学习教育活动，完成年度党建活动需要",
    "主要用于辅助执法人员经费保障",
    "主要用于信息平台建设、网络数据租赁等",
    "主要用于辖区内道路养护和建设、安全隐患处置、提质改造等",
    "主要用于行业监督管理、许可、年审、备案等工作",
)
NARRATIVE = (
    "一是依托重点项目，改善基础设施条件。积极组织各街道对路段进行实地勘察、可行性研究及项目"
    "造价初核，定期召开项目建设工作会议，确保各项任务按期完成。",
    "二是加强日常监管，消除安全隐患。开展安全巡查，建立问题台账，实行挂图作战，确保各类问题"
    "对账销号、清仓见底，切实推动主体责任落到实处。",
    "三是优化公共服务，提升群众满意度。认真落实“一件事一次办”，压缩办结期限，提供便民服务，"
    "全年受理群众诉求并按时办结，满意度持续提高。",
    "四是加强制度建设，规范资金管理。严格执行财务管理制度，细化报销标准，推进机关规范运行，"
    "党务政务财务公开透明。",
)


@dataclass(frozen=True)
class Figures:
    """What a generated report states, in 万元 (and persons for staffing)."""

    department: str
    year: int
    basic_initial: Decimal
    basic_adjusted: Decimal
    personnel: Decimal
    public: Decimal
    project_initial: Decimal
    project_adjusted: Decimal
    city: Decimal
    district: Decimal
    projects: tuple[tuple[str, Decimal], ...]
    three_public_budget: Decimal
    three_public_actual: Decimal
    authorized: int
    staff: int


def _wan(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(f"{rng.uniform(low, high):.2f}")


def figures_for(index: int, *, seed: int = 20250101) -> Figures:
    """The index-th synthetic report's figures (deterministic)."""
    rng = random.Random(seed * 1_000_003 + index)
    county, department = divmod(index // 10, 60)
    year = 2015 + index % 10
    basic_initial = _wan(rng, 100, 1000)
    basic_adjusted = (basic_initial * Decimal(f"{rng.uniform(0.9, 1.7):.3f}")).quantize(
        Decimal("0.01")
    )
    personnel = (basic_adjusted * Decimal(f"{rng.uniform(0.75, 0.95):.3f}")).quantize(
        Decimal("0.01")
    )
    public = basic_adjusted - personnel
    if index % 20 == 7:  # like the seed: personnel + public 0.09 short of 基本支出
        public -= Decimal("0.09")
    count = rng.randint(2, 6)
    names = rng.sample(PROJECT_NAMES, count)
    projects = tuple((name, _wan(rng, 1, 200)) for name in names)
    project_adjusted = sum((amount for _, amount in projects), Decimal(0))
    project_initial = (project_adjusted * Decimal(f"{rng.uniform(0.3, 1.2):.3f}")).quantize(
        Decimal("0.01")
    )
    city = (project_adjusted * Decimal(f"{rng.uniform(0.1, 0.6):.3f}")).quantize(Decimal("0.01"))
    three_public_budget = _wan(rng, 2, 20)
    three_public_actual = (three_public_budget * Decimal(f"{rng.uniform(0.4, 1.1):.3f}")).quantize(
        Decimal("0.01")
    )
    authorized = rng.randint(5, 60)
    return Figures(
        department=f"示例县{county + 1:03d}第{department + 1:02d}局",
        year=year,
        basic_initial=basic_initial,
        basic_adjusted=basic_adjusted,
        personnel=personnel,
        public=public,
        project_initial=project_initial,
        project_adjusted=project_adjusted,
        city=city,
        district=project_adjusted - city,
        projects=projects,
        three_public_budget=three_public_budget,
        three_public_actual=three_public_actual,
        authorized=authorized,
        staff=round(authorized * rng.uniform(0.8, 2.2)),
    )


def report_text(f: Figures, *, narrative_paragraphs: int = 76) -> str:
    """The report as plain text, about the seed's length (5,800 characters, 4 A4 pages) with the
    default narrative; `narrative_paragraphs` sets how much 绩效 narrative follows the figures."""
    projects = "；".join(
        f"{name}{amount}万元，{PURPOSES[i % len(PURPOSES)]}"
        for i, (name, amount) in enumerate(f.projects)
    )
    narrative = "\n\n".join(NARRATIVE[i % len(NARRATIVE)] for i in range(narrative_paragraphs))
    return f"""{f.year}年度{f.department}整体支出绩效自评报告（示例数据）

一、部门、单位基本情况

1、机构设置

{f.department}为示例数据中的虚构单位，内设办公室、业务科、综合科3个职能科（室），负责本行业的政策执行、行业监管、公共服务和应急保障等工作。

2、人员情况

本部门编制人数为{f.authorized}人。实有在职人员{f.staff}人；编外长期聘用人员3人。

二、一般公共预算支出情况

（1）基本支出情况

{f.year}年基本支出年初预算数为{f.basic_initial}万元；预算调整数为{f.basic_adjusted}万元。其中：人员经费{f.personnel}万元，主要包括：基本工资、津贴补贴、奖金、社会保障缴费、住房公积金；公用经费{f.public}万元（其中三公经费年初预算为{f.three_public_budget}万，实际支出为{f.three_public_actual}），主要包括：办公费、印刷费、邮电费、差旅费、维修（护）费、会议费、培训费、公务接待费。

（2）项目支出情况

{f.year}年年初预算数为{f.project_initial}万元；预算调整数为{f.project_adjusted}万元。差额的原因：其他单位指标分解划入项目及上年结转资金。其中市级财政资金{f.city}万元，区级资金{f.district}万元。其中：{projects}。

三、部门整体支出绩效情况

（一）绩效目标设置情况

根据年度工作目标考核体系，设置如下绩效目标：完成上级下达的各项建设任务；加强行业监督管理；提升窗口服务水平。

（二）绩效目标完成情况

{f.year}年基本支出年初预算数为{f.basic_initial}万元；实际支出数为{f.basic_adjusted}万元；{f.year}年年初预算数为{f.project_initial}万元；实际支出数为{f.project_adjusted}万元。

{narrative}

四、存在的主要问题及下一步改进措施

项目档案管理需进一步规范。进一步加强本部门的预算资金管理，对预算的事前、事中、事后进行全过程控制，提高预算资金使用效率。

五、绩效自评结果拟应用和公开情况

按相关规定将绩效目标自评报告进行公开，广泛接受社会监督。

六、其他需要说明的情况

无。
"""


def write_reports(folder: Path, count: int) -> list[Path]:
    """`count` synthetic .txt reports in `folder` (kept if already there)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        path = folder / f"synthetic-{index:05d}.txt"
        if not path.exists():
            path.write_text(report_text(figures_for(index)), encoding="utf-8")
        paths.append(path)
    return paths
