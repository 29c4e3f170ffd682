"""python -m etl demo: a synthetic dataset, honestly labelled, for the many-departments views.

Writes document TEXTS in the genre's wording for several made-up departments (示例市示例区XX局) over
several years: for each department-year its 部门整体支出绩效自评报告 (four layouts the extractor
reads, each taken from a hand-written test report), its 部门预算, its 部门决算 and one 项目支出绩效
自评表 per major project (two layouts each, after tests/support/department_year.py and the corpus).
Some reports carry a deliberate arithmetic error for the checks to find, and a few department-years
a deliberate disagreement between their documents (DISAGREEMENTS: every cross-document rule of
etl/records.py fires somewhere); the rest agree. They are loaded with the same loader into their
own database (data/demo.duckdb), where each department-year's documents form one record. Every
text carries SYNTHETIC_MARK, so the loader flags it and the app shows a 示例数据 banner wherever it
appears. The same seed gives the same texts.
"""

from __future__ import annotations

import csv
import io
import random
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb

from etl import config, queries, records
from etl.load import SYNTHETIC_MARK, LoadResult, load_paths
from etl.model import KIND_SLOTS, DocumentKind
from etl.store.archive import Archive

CENT = Decimal("0.01")
# The rules a demo report may break on purpose, one per report at most.
ERROR_RULES = (
    "personnel_public_sum",
    "projects_sum",
    "fund_sources_sum",
    "three_public_over_budget",
)
# The disagreements between a department-year's documents written on purpose, one department-year
# each (when the dataset has enough): the rule of etl/records.py CROSS_RULES each one makes fire.
DISAGREEMENTS: dict[str, str] = {
    "figure_differs": "figure_differs",  # the 预算's 基本支出年初预算 is not the 自评报告's
    "three_public_differs": "three_public_differs",  # the 决算's 三公 spending is not the 自评's
    "project_amount_differs": "project_amount_differs",  # a form spent other than the list says
    "project_forms_total": "project_forms_total",  # the forms' 全年预算数 exceed the 项目支出's
    "missing_self_evaluation": "missing_counterpart",  # a 预算 and a 决算, no 自评 (nor forms)
    "missing_final_accounts": "missing_counterpart",  # a 自评报告 and its forms, no 决算
}
# Project forms: one for each of the department-year's largest projects.
MAJOR_PROJECTS = 2
DISTRICTS = ("示例区", "样例区", "演示县")
CITY = "示例市"

# Bureaus with their duties and projects: (project, purpose). Names avoid digits and brackets
# (a project name in a list item runs up to its amount) and the words of the phases (年初预算…).
BUREAUS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "教育局",
        "全区教育事业发展规划、学校管理和教师队伍建设",
        (
            ("学前教育发展经费", "普惠性幼儿园运转补助"),
            ("教师培训经费", "教师继续教育和骨干教师培养"),
            ("校园安全经费", "校园安保服务和安全设施维护"),
            ("学生资助经费", "家庭经济困难学生资助"),
            ("教育信息化经费", "学校网络和多媒体设备更新"),
        ),
    ),
    (
        "卫生健康局",
        "全区公共卫生、医疗服务监管和疾病预防控制",
        (
            ("基本公共卫生服务经费", "居民健康档案和慢性病管理"),
            ("疾病预防控制经费", "传染病监测和预防接种"),
            ("爱国卫生运动经费", "病媒生物防制和环境卫生整治"),
            ("家庭医生签约服务经费", "家庭医生团队签约服务补助"),
        ),
    ),
    (
        "自然资源局",
        "全区自然资源调查、国土空间规划和耕地保护",
        (
            ("GIS数据更新经费", "国土空间基础信息平台数据更新"),
            ("耕地保护补偿经费", "耕地保护补偿资金发放"),
            ("地质灾害防治经费", "地质灾害隐患点排查和治理"),
            ("国土空间规划编制经费", "国土空间规划编制和报批"),
        ),
    ),
    (
        "农业农村局",
        "全区农业生产、农村改革和乡村振兴",
        (
            ("高标准农田建设经费", "农田水利和田间道路建设"),
            ("动物疫病防控经费", "强制免疫疫苗采购和防疫员补助"),
            ("农村人居环境整治经费", "村庄清洁行动和农村户厕改造"),
            ("农业技术推广经费", "基层农技推广体系建设"),
        ),
    ),
    (
        "交通运输局",
        "全区道路运输管理、农村公路管养和交通运输安全监管",
        (
            ("农村公路养护经费", "农村公路日常养护和桥梁检测"),
            ("治超信息平台维护经费", "治超平台运行和网络数据租赁"),
            ("公交运营补贴经费", "城乡公交线路运营补贴"),
            ("交通安全宣传经费", "交通安全进校园进社区宣传"),
        ),
    ),
    (
        "民政局",
        "全区社会救助、养老服务和基层社会治理",
        (
            ("城乡低保经费", "城乡最低生活保障金发放"),
            ("特困人员供养经费", "特困人员基本生活和照料护理"),
            ("养老服务补贴经费", "居家养老服务和高龄津贴"),
            ("社区建设经费", "社区综合服务设施运行"),
        ),
    ),
    (
        "水利局",
        "全区水资源管理、河湖长制和防汛抗旱",
        (
            ("河道保洁经费", "河道和水库日常保洁"),
            ("水利工程维修养护经费", "小型水库和泵站维修养护"),
            ("防汛物资储备经费", "防汛物资采购和仓储"),
            ("农村饮水安全巡查经费", "农村供水工程水质检测和巡查"),
        ),
    ),
    (
        "司法局",
        "全面依法治区、法律援助、人民调解和社区矫正",
        (
            ("法律援助经费", "法律援助案件补贴"),
            ("人民调解工作经费", "人民调解员以案定补"),
            ("社区矫正工作经费", "社区矫正对象监督管理"),
            ("普法宣传经费", "法治宣传教育活动"),
        ),
    ),
)


@dataclass(frozen=True)
class _Base:
    """A department's first-year scale; later years grow from it."""

    basic: Decimal
    project: Decimal
    three_public: Decimal
    staff: int


@dataclass(frozen=True)
class DemoProject:
    key: str  # the project's identity across years (its first name)
    name: str  # as the extractor reads it this year (a counter word 项 dropped)
    amount_wan: Decimal  # in a list its spending, on its own form its 全年预算数
    purpose: str
    # The phases its own 项目支出绩效自评表 states (None in a department's list).
    initial_wan: Decimal | None = None
    adjusted_wan: Decimal | None = None
    actual_wan: Decimal | None = None


@dataclass
class DemoReport:
    """One generated document and the truth it was written from."""

    file_name: str
    department: str  # as the title writes it
    identity: str  # the department it is (an alias maps `department` to it)
    year: int
    layout: int
    figures: dict[tuple[str, str], Decimal]  # contract slots; a deliberately omitted one is absent
    fund_sources: dict[str, Decimal]
    projects: list[DemoProject]
    errors: tuple[str, ...] = ()  # rules broken on purpose
    text: str = ""
    extra: dict[str, str] = field(default_factory=dict)  # per-layout wording choices
    kind: str = "self_evaluation_report"  # etl.model.DOCUMENT_KINDS
    # The cross-document findings this document causes in its record: (rule, what), what being
    # the figure ("basic.initial"), the project (its project_key), "" or the kind missing.
    disagrees: tuple[tuple[str, str], ...] = ()


def parse_years(text: str) -> range:
    """Years from "A-B" (or one year "A").

    >>> parse_years("2021-2023"), parse_years("2022")
    (range(2021, 2024), range(2022, 2023))
    """
    first, _, last = text.partition("-")
    start, end = int(first), int(last or first)
    if not (start <= end and start in config.YEARS and end in config.YEARS):
        raise ValueError(f"years must be A-B with A ≤ B, e.g. 2021-2023: {text!r}")
    return range(start, end + 1)


def department_names(count: int) -> list[str]:
    """`count` made-up departments: 示例市示例区教育局, 示例市示例区卫生健康局, …

    >>> department_names(2)
    ['示例市示例区教育局', '示例市示例区卫生健康局']
    """
    limit = len(BUREAUS) * len(DISTRICTS)
    if not 1 <= count <= limit:
        raise ValueError(f"departments must be between 1 and {limit}: {count}")
    return [
        f"{CITY}{DISTRICTS[i // len(BUREAUS)]}{BUREAUS[i % len(BUREAUS)][0]}" for i in range(count)
    ]


def _money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def _share(rng: random.Random, total: Decimal, parts: int) -> list[Decimal]:
    """`total` split into `parts` positive amounts (to the fen) that add up to it exactly."""
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    amounts = [_money(float(total) * w / sum(weights)) for w in weights[:-1]]
    return [*amounts, total - sum(amounts, Decimal(0))]


def _delta(rng: random.Random, avoid: Decimal) -> Decimal:
    """A visible arithmetic slip (0.37-6.00 万元) that is not `avoid` (so no other total matches)."""
    while True:
        delta = _money(rng.uniform(0.37, 6.0))
        if delta != avoid:
            return delta


def generate(
    departments: int = 6, years: range = range(2021, 2024), seed: int = 1
) -> list[DemoReport]:
    """Demo reports for `departments` made-up departments over `years`, the same for a seed."""
    rng = random.Random(seed)
    names = department_names(departments)
    pairs = [(d, y) for d in range(departments) for y in years]
    # About a third of the reports carry one deliberate error; every kind occurs when it can.
    chosen = rng.sample(pairs, k=min(len(pairs), max(len(ERROR_RULES), len(pairs) // 3)))
    errors = {pair: ERROR_RULES[i % len(ERROR_RULES)] for i, pair in enumerate(chosen)}
    reports = []
    for d, name in enumerate(names):
        bureau = BUREAUS[d % len(BUREAUS)]
        base = _Base(
            basic=_money(rng.uniform(300, 1500)),
            project=_money(rng.uniform(150, 3000)),
            three_public=_money(rng.uniform(2, 15)),
            staff=rng.randint(8, 60),
        )
        pool = list(bureau[2])
        for k, year in enumerate(years):
            growth = Decimal(str(round(rng.uniform(0.92, 1.15), 3))) ** k
            reports.append(
                _report(rng, d, k, name, bureau, pool, base, growth, year, errors.get((d, year)))
            )
    # The first department writes its name without the city in the last year: an alias joins it.
    if len(years) > 1:
        last = next(r for r in reversed(reports) if r.identity == names[0])
        last.department = names[0].removeprefix(CITY)
    for report in reports:
        report.text = render(report, bureau_duties(report.identity))
    # The other documents of each department-year, from their own random stream: the 自评报告 of a
    # seed stay what they were before the other kinds were written.
    chooser = random.Random(f"demo-documents-{seed}")
    cases = _choose_disagreements(chooser, reports)
    form_year = _choose_form_year(chooser, reports, cases)
    documents: list[DemoReport] = []
    for report in reports:
        pair = (report.identity, report.year)
        documents += _documents(report, cases.get(pair), self_form=pair == form_year)
    for document in documents:
        if not document.text:
            document.text = render(document, bureau_duties(document.identity))
    return documents


def disagreements(documents: list[DemoReport]) -> set[tuple[str, int, str, str]]:
    """The cross-document findings the demo's records should show: (department, year, rule, what)."""
    return {(d.identity, d.year, rule, what) for d in documents for rule, what in d.disagrees}


def _adjustment_over_limit(initial: Decimal, adjusted: Decimal) -> bool:
    return abs((adjusted - initial) / initial) > config.ADJUSTMENT_RATE_LIMIT


def _choose_disagreements(
    rng: random.Random, reports: list[DemoReport]
) -> dict[tuple[str, int], tuple[str, Decimal]]:
    """Which department-year gets which disagreement (DISAGREEMENTS), and by how much: each in a
    different department-year, where it changes no other check (a 年初预算 that moves the
    调整率 across its limit, a 三公 figure of a year already over its budget, a project slip of a
    list that already does not add up); years with a deliberate slip first, so that most others
    agree in every respect. A missing 自评 never falls on a year with a slip (it would lose it),
    nor, where there are others, on the first department (the pages' examples)."""
    first = reports[0].identity
    shuffled = rng.sample(reports, len(reports))
    candidates = [r for r in shuffled if r.errors] + [r for r in shuffled if not r.errors]
    chosen: dict[tuple[str, int], tuple[str, Decimal]] = {}
    for case in DISAGREEMENTS:
        delta = _delta(rng, Decimal(0))
        for r in candidates:
            pair = (r.identity, r.year)
            if pair in chosen or not _fits(case, r, delta, first, len(reports)):
                continue
            chosen[pair] = (case, delta)
            break
    return chosen


def _choose_form_year(
    rng: random.Random,
    reports: list[DemoReport],
    cases: dict[tuple[str, int], tuple[str, Decimal]],
) -> tuple[str, int] | None:
    """The department-year that publishes a 部门整体支出绩效自评表 instead of a 自评报告 (and a
    form for every project, which are then its project list): one where nothing else happens,
    nor in the first department (the pages' examples)."""
    first = reports[0].identity
    for r in rng.sample(reports, len(reports)):
        pair = (r.identity, r.year)
        usual = r.identity != first and not r.errors and pair not in cases
        if usual and ("three_public", "budget") in r.figures:
            return pair
    return None


def _fits(case: str, r: DemoReport, delta: Decimal, first: str, count: int) -> bool:
    if case.startswith("missing_") and r.identity == first and count > 1:
        return False
    if case == "missing_self_evaluation":
        return not r.errors
    if case == "figure_differs":
        initial, adjusted = r.figures[("basic", "initial")], r.figures[("basic", "adjusted")]
        over = _adjustment_over_limit(initial, adjusted)
        return over == _adjustment_over_limit(initial + delta, adjusted)
    if case == "three_public_differs":
        actual = r.figures.get(("three_public", "actual"))
        return actual is not None and "three_public_over_budget" not in r.errors
    if case in ("project_amount_differs", "project_forms_total"):
        return "projects_sum" not in r.errors and len(r.projects) > MAJOR_PROJECTS
    return True


def _documents(
    r: DemoReport, case: tuple[str, Decimal] | None, *, self_form: bool = False
) -> list[DemoReport]:
    """The department-year's documents: its 自评报告 `r` (or, `self_form`, a 自评表 of its phases),
    its 部门预算 and 部门决算 stating what the 自评报告 states of their phases, and a 项目支出绩效自评表
    for each major project (each project when there is no 自评报告 to list them); with the
    disagreement `case` written into one of them."""
    what, delta = case or ("", Decimal(0))
    stem = r.file_name.removesuffix(".txt")
    name = r.identity

    def document(kind: str, suffix: str, figures: dict[tuple[str, str], Decimal]) -> DemoReport:
        return DemoReport(
            file_name=f"{stem}-{suffix}.txt",
            department=name,
            identity=name,
            year=r.year,
            layout=r.layout % 2,
            figures=figures,
            fund_sources={},
            projects=[],
            kind=kind,
        )

    budget = document("budget", "budget", _stated(r, "budget"))
    final = document("final_accounts", "final", _stated(r, "final_accounts"))
    if "personnel_public_sum" in r.errors:
        final.errors = ("personnel_public_sum",)  # the 决算 states the same parts
    forms = []
    for i, project in enumerate(_form_projects(r, every=self_form), start=1):
        form = document("project_evaluation", f"project-{i}", {})
        form.projects, form.layout = [project], (r.layout + i) % 2
        forms.append(form)
    if what == "figure_differs":
        budget.figures[("basic", "initial")] += delta
        budget.disagrees = (("figure_differs", "basic.initial"),)
    elif what == "three_public_differs":
        slot = ("three_public", "actual")
        # A slip of a few tenths: the 决算 and the 自评 quote different 三公 spending.
        final.figures[slot] -= min(delta / 10, r.figures[slot] / 2).quantize(CENT)
        final.disagrees = (("three_public_differs", "three_public.actual"),)
    elif what == "project_forms_total":
        # The first form states a 全年预算数 that takes the forms past the department's total.
        first, other = forms[0].projects[0], forms[1].projects[0]
        assert other.adjusted_wan is not None
        adjusted = r.figures[("project", "adjusted")] - other.adjusted_wan + delta
        forms[0].projects = [_phases(first, first.initial_wan, adjusted, first.actual_wan)]
        forms[0].disagrees = (("project_forms_total", ""),)
    elif what == "project_amount_differs":
        # The second project's form spent less than the 自评报告 lists for it.
        p = forms[1].projects[0]
        assert p.actual_wan is not None and p.adjusted_wan is not None
        forms[1].projects = [_phases(p, p.initial_wan, p.adjusted_wan, p.actual_wan - delta)]
        forms[1].disagrees = (("project_amount_differs", records.project_key(p.name)),)
    if what == "missing_self_evaluation":
        final.disagrees = (("missing_counterpart", "self_evaluation"),)
        return [budget, final]
    if what == "missing_final_accounts":
        r.disagrees = (("missing_counterpart", "final_accounts"),)
        return [r, budget, *forms]
    if self_form:
        own = document("self_evaluation_form", "form", _stated(r, "self_evaluation_form"))
        own.layout = 0
        return [own, budget, final, *forms]
    return [r, budget, final, *forms]


def _stated(r: DemoReport, kind: DocumentKind) -> dict[tuple[str, str], Decimal]:
    """What a document of this kind states of the department-year (model.KIND_SLOTS)."""
    return {slot: r.figures[slot] for slot in KIND_SLOTS[kind] if slot in r.figures}


def _phases(
    p: DemoProject, initial: Decimal | None, adjusted: Decimal, actual: Decimal | None
) -> DemoProject:
    """The project as its own form states it: amount_wan is the form's 全年预算数."""
    return DemoProject(p.key, p.name, adjusted, "", initial, adjusted, actual)


def _form_projects(r: DemoReport, *, every: bool = False) -> list[DemoProject]:
    """The major projects (`every`: all projects) as their own forms state them, in the list's
    order: spent what the 自评报告 lists; 年初预算 as layout 3's list writes it; 全年预算数 the
    list's amount plus its share of the department's unspent 项目支出, the last taking what
    rounding leaves (so the forms never add up to more than the total, and all of them to exactly
    the total). The form names the project by its own full name, however the list spells it."""
    total = sum((p.amount_wan for p in r.projects), Decimal(0))
    unspent = max(r.figures[("project", "adjusted")] - total, Decimal(0))
    adjusted = [p.amount_wan + _money(float(unspent * p.amount_wan / total)) for p in r.projects]
    adjusted[-1] += total + unspent - sum(adjusted, Decimal(0))
    largest = sorted(r.projects, key=lambda p: -p.amount_wan)[:MAJOR_PROJECTS]
    return [
        DemoProject(p.key, p.key, a, "", _money(float(p.amount_wan) * 1.05), a, p.amount_wan)
        for p, a in zip(r.projects, adjusted, strict=True)
        if every or p in largest
    ]


def bureau_duties(department: str) -> str:
    """The duties sentence of a made-up department's bureau."""
    for bureau, duties, _ in BUREAUS:
        if department.endswith(bureau):
            return duties
    return "本部门职责范围内的各项工作"


def _report(
    rng: random.Random,
    d: int,
    k: int,
    name: str,
    bureau: tuple[str, str, tuple[tuple[str, str], ...]],
    pool: list[tuple[str, str]],
    base: _Base,
    growth: Decimal,
    year: int,
    error: str | None,
) -> DemoReport:
    layout = (d + k) % 4
    basic_initial = _money(float(base.basic * growth))
    # One department in three has a large in-year basic adjustment (above 30 %).
    basic_rate = rng.uniform(0.32, 0.6) if d % 3 == 2 and k % 2 == 0 else rng.uniform(0.0, 0.2)
    basic_adjusted = _money(float(basic_initial) * (1 + basic_rate))
    basic_actual = (
        basic_adjusted
        if rng.random() < 0.4
        else _money(float(basic_adjusted) * rng.uniform(0.93, 0.995))
    )
    personnel = _money(float(basic_actual) * rng.uniform(0.75, 0.92))
    public = basic_actual - personnel
    project_initial = _money(float(base.project * growth))
    project_adjusted = _money(float(project_initial) * (1 + rng.uniform(-0.08, 0.38)))
    project_actual = (
        project_adjusted
        if rng.random() < 0.3
        else _money(float(project_adjusted) * rng.uniform(0.9, 0.995))
    )
    three_budget = _money(float(base.three_public) * rng.uniform(0.9, 1.1))
    three_actual = _money(float(three_budget) * rng.uniform(0.55, 0.97))
    authorized = base.staff
    staff_actual = authorized + rng.randint(-3, 4)

    # Each department draws on the same government levels every year, whatever the layout.
    levels = (("city", "district"), ("provincial", "city", "district"), ("provincial", "district"))[
        d % 3
    ]
    funds = dict(zip(levels, _share(rng, project_adjusted, len(levels)), strict=True))

    # Three to four projects this year, kept across years; one new one from the third year on.
    count = 3 + (d % 2)
    keys = [*pool[: count - 1], pool[count - 1 + (1 if k >= 2 and len(pool) > count else 0)]]
    amounts = _share(rng, project_actual, len(keys))
    projects = [
        DemoProject(key, _variant(key, d, k, i), amount, purpose)
        for i, ((key, purpose), amount) in enumerate(zip(keys, amounts, strict=True))
    ]

    if error == "personnel_public_sum":
        public += _delta(rng, basic_adjusted - basic_actual)
    elif error == "projects_sum":
        slip = _delta(rng, project_adjusted - project_actual)
        first = projects[0]
        projects[0] = DemoProject(first.key, first.name, first.amount_wan + slip, first.purpose)
    elif error == "fund_sources_sum":
        funds[levels[-1]] += _delta(rng, project_actual - project_adjusted)
    elif error == "three_public_over_budget":
        three_actual = _money(float(three_budget) * rng.uniform(1.05, 1.3))

    figures = {
        ("basic", "initial"): basic_initial,
        ("basic", "adjusted"): basic_adjusted,
        ("basic", "actual"): basic_actual,
        ("basic", "personnel"): personnel,
        ("basic", "public"): public,
        ("project", "initial"): project_initial,
        ("project", "adjusted"): project_adjusted,
        ("project", "actual"): project_actual,
        ("three_public", "budget"): three_budget,
        ("three_public", "actual"): three_actual,
        ("staffing", "authorized"): Decimal(authorized),
        ("staffing", "actual"): Decimal(staff_actual),
    }
    # The second department's first report leaves out its 三公 figures: the indicators page must
    # then say 无法计算, never show 0.
    if d == 1 and k == 0 and error != "three_public_over_budget":
        del figures[("three_public", "budget")]
        del figures[("three_public", "actual")]
    return DemoReport(
        file_name=f"demo-{year}-d{d + 1:02d}.txt",
        department=name,
        identity=name,
        year=year,
        layout=layout,
        figures=figures,
        fund_sources=funds,
        projects=projects,
        errors=(error,) if error else (),
    )


def _variant(name: str, d: int, k: int, i: int) -> str:
    """The project's name as written in year k: the same project, spelled a little differently.

    Reports drop or add 经费/费, and type Latin letters full-width; matching across years must see
    through that (etl/schema.sql project_key).
    """
    spelling = (d + k + i) % 3
    if spelling == 1 and name.endswith("经费"):
        return name.removesuffix("经费") + "费"
    if spelling == 2 and any(c.isascii() and c.isalpha() for c in name):
        return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalpha() else c for c in name)
    return name


# --- the texts ----------------------------------------------------------------------------------


def _wan(value: Decimal, separators: bool) -> str:
    return f"{value:,.2f}" if separators else f"{value:.2f}"


def render(report: DemoReport, duties: str) -> str:
    """The document's text: a 自评报告 in one of four layouts (each from a hand-written test
    report), a 预算, a 决算 or a project form in one of two."""
    writer = {
        "self_evaluation_form": _self_form_lines,
        "budget": _budget_lines,
        "final_accounts": _final_lines,
        "project_evaluation": _form_lines,
    }.get(report.kind, _render_lines)
    lines = list(writer(report, duties))
    return "\n".join(lines) + "\n"


def _mark(what: str) -> str:
    return (
        f"{SYNTHETIC_MARK}本{what}由 python -m etl demo 生成，部门名称和全部数字均为虚构，"
        "仅用于演示预算透视的功能，不是真实报告。"
    )


def _self_form_lines(r: DemoReport, duties: str) -> Iterator[str]:
    """A 部门整体支出绩效自评表: 年初预算数 / 全年预算数 / 全年执行数 of the whole, of 基本支出 and
    of 项目支出, as a pipe table (after the corpus's Sichuan form)."""
    f, y, dept = r.figures, r.year, r.department

    def row(section: str) -> list[str]:
        return [f"{f[(section, item)]:,.2f}" for item in ("initial", "adjusted", "actual")]

    whole = [
        f"{f[('basic', item)] + f[('project', item)]:,.2f}"
        for item in ("initial", "adjusted", "actual")
    ]
    rate = f"{(f[('basic', 'actual')] + f[('project', 'actual')]) / (f[('basic', 'adjusted')] + f[('project', 'adjusted')]):.2%}"
    yield "部门(单位)整体支出绩效自评表"
    yield f"({y}年度)"
    yield f"| 部门(单位)名称 | {dept} | | | | | | | |"
    yield "| 年度主要任务 | 任务名称 | | 主要内容 | | | 完成情况 | | |"
    yield f"| | 年度重点工作 | | {duties} | | | 全面完成 | | |"
    yield "| 年度部门整体支出预算执行情况(万元) | | 年初预算数 | 全年预算数(A) | 全年执行数(B) | 预算执行率(B/A) | | | |"
    yield f"| | 年度资金总额 | {' | '.join(whole)} | {rate} | | | |"
    yield "| | 按收入性质分 | | | | 按支出性质分 | | | |"
    yield f"| | 其中:一般公共预算 | {' | '.join(whole)} | 其中:基本支出 | {' | '.join(row('basic'))} |"
    yield f"| | 政府性基金 | 0.00 | 0.00 | 0.00 | 项目支出 | {' | '.join(row('project'))} |"
    yield "| 年度总体目标完成情况 | 预期目标 | | | | 实际完成情况 | | | |"
    yield "| | 按时完成年度重点工作任务。 | | | | 全年各项重点工作按计划推进。 | | | |"
    yield _mark("表")


def _budget_lines(r: DemoReport, duties: str) -> Iterator[str]:
    """A 部门预算: 年初 amounts of 基本支出 and 项目支出, and the 三公 budget (after the corpus's
    部门预算公开说明 and tests/support/department_year.py)."""
    y, dept, sep = r.year, r.department, r.layout == 1
    basic, project = r.figures[("basic", "initial")], r.figures[("project", "initial")]
    three = r.figures.get(("three_public", "budget"))
    total = _wan(basic + project, sep)
    if r.layout == 0:
        yield f"{dept}{y}年部门预算公开说明"
        yield "一、部门基本情况"
        yield f"{dept}是区政府工作部门，主要负责{duties}等工作。"
        yield "二、收支预算情况说明"
        yield (
            f"{y}年本部门支出预算{total}万元，其中：基本支出{_wan(basic, sep)}万元，"
            f"项目支出{_wan(project, sep)}万元。"
        )
        if three is not None:
            yield "三、“三公”经费预算情况说明"
            yield f"{y}年“三公”经费预算{_wan(three, sep)}万元。"
        yield "四、其他需要说明的情况"
    else:
        yield f"{dept}{y}年部门预算"
        yield "第一部分 部门概况"
        yield f"主要职责：{duties}。"
        yield f"第二部分 {y}年部门预算情况说明"
        yield "一、收支预算总体情况"
        yield (
            f"{y}年部门支出预算总额{total}万元，其中：基本支出{_wan(basic, sep)}万元，"
            f"占{basic / (basic + project):.2%}；项目支出{_wan(project, sep)}万元，"
            f"占{project / (basic + project):.2%}。"
        )
        if three is not None:
            car = _money(float(three) * 0.6)
            yield "二、“三公”经费预算情况说明"
            yield (
                f"{y}年“三公”经费预算数为{_wan(three, sep)}万元，其中：因公出国（境）费0.00万元，"
                f"公务用车购置及运行维护费{_wan(car, sep)}万元，公务接待费{_wan(three - car, sep)}万元。"
            )
        yield "第三部分 其他需要说明的情况"
    yield _mark("文件")


def _final_lines(r: DemoReport, duties: str) -> Iterator[str]:
    """A 部门决算: 基本支出 and 项目支出 spent, 人员经费 and 公用经费, the 三公 spending."""
    y, dept, sep = r.year, r.department, r.layout == 1
    basic, project = r.figures[("basic", "actual")], r.figures[("project", "actual")]
    personnel, public = r.figures[("basic", "personnel")], r.figures[("basic", "public")]
    three = r.figures.get(("three_public", "actual"))
    total = _wan(basic + project, sep)
    if r.layout == 0:
        yield f"{dept}{y}年度部门决算公开说明"
        yield "一、支出决算情况说明"
        yield (
            f"{y}年本年支出合计{total}万元，其中：基本支出{_wan(basic, sep)}万元；"
            f"项目支出{_wan(project, sep)}万元。"
        )
        yield "二、基本支出决算情况说明"
        yield (
            f"{y}年基本支出{_wan(basic, sep)}万元，其中：人员经费{_wan(personnel, sep)}万元，"
            f"公用经费{_wan(public, sep)}万元。"
        )
        if three is not None:
            yield "三、财政拨款“三公”经费支出决算情况说明"
            yield f"{y}年“三公”经费支出{_wan(three, sep)}万元。"
    else:
        yield f"{y}年度{dept}部门决算"
        yield "第一部分 部门概况"
        yield f"主要职责：{duties}。"
        yield f"第二部分 {y}年度部门决算情况说明"
        yield "一、支出决算情况"
        yield (
            f"{y}年度支出决算总计{total}万元。其中：基本支出{_wan(basic, sep)}万元，"
            f"占{basic / (basic + project):.2%}；项目支出{_wan(project, sep)}万元，"
            f"占{project / (basic + project):.2%}。"
        )
        yield "二、一般公共预算财政拨款基本支出决算情况"
        yield (
            f"{y}年度基本支出{_wan(basic, sep)}万元，其中：人员经费{_wan(personnel, sep)}万元，"
            f"主要包括基本工资、津贴补贴；公用经费{_wan(public, sep)}万元，主要包括办公费、差旅费。"
        )
        if three is not None:
            car = _money(float(three) * 0.6)
            yield "三、“三公”经费支出决算情况"
            yield (
                f"{y}年度“三公”经费支出决算数为{_wan(three, sep)}万元，其中：因公出国（境）费0.00万元，"
                f"公务用车购置及运行维护费{_wan(car, sep)}万元，公务接待费{_wan(three - car, sep)}万元。"
            )
    yield _mark("文件")


def _form_lines(r: DemoReport, duties: str) -> Iterator[str]:
    """A 项目支出绩效自评表 of one project: its fields and its 年初 / 全年预算 / 执行 row, as pipe
    cells (tests/support/department_year.py) or tab cells (the corpus's Sichuan form)."""
    [p] = r.projects
    assert p.initial_wan is not None and p.adjusted_wan is not None and p.actual_wan is not None
    y, dept = r.year, r.department
    amounts = [_wan(v, False) for v in (p.initial_wan, p.adjusted_wan, p.actual_wan)]
    rate = f"{p.actual_wan / p.adjusted_wan:.2%}"
    if r.layout == 0:
        yield f"{dept}{y}年度项目支出绩效自评表"
        yield f"项目名称 | {p.name} | | |"
        yield f"主管部门 | {dept} | 实施单位 | {dept} |"
        yield "项目资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 执行率 | 得分"
        yield f"年度资金总额 | {' | '.join(amounts)} | {rate} | 10"
        yield f"其中：财政资金 | {' | '.join(amounts)} | {rate} | /"
    else:
        yield f"项目支出绩效自评表（{y}年度）"
        yield f"项目名称\t{p.name}"
        yield f"主管部门\t{dept}\t实施单位\t{dept}"
        yield "预算执行情况（万元）\t年初预算\t调整后预算数\t预算执行数\t预算执行率\t权重\t得分"
        yield f"总额\t{chr(9).join(amounts)}\t{rate}\t10\t10"
        yield f"其中：财政资金\t{chr(9).join(amounts)}\t{rate}\t/\t/"
        yield "其他资金\t0.00\t0.00\t0.00\t/\t/\t/"
    yield _mark("表")


_LEVEL_WORDS = {
    0: {"provincial": "省级财政资金", "city": "市级财政资金", "district": "区级资金"},
    1: {"provincial": "省级资金", "city": "市级资金", "district": "区级资金"},
    2: {"provincial": "省级补助资金", "city": "市级补助资金", "district": "区级资金"},
    3: {"provincial": "省级资金", "city": "市级资金", "district": "本级资金"},
}


def _render_lines(r: DemoReport, duties: str) -> Iterator[str]:
    f = r.figures.get
    y, dept, layout = r.year, r.department, r.layout
    sep = layout in (1, 3)

    def w(slot: tuple[str, str]) -> str:
        value = f(slot)
        assert value is not None, slot
        return _wan(value, sep)

    three = ("three_public", "budget") in r.figures
    staff_a, staff_b = (
        int(r.figures[("staffing", "authorized")]),
        int(r.figures[("staffing", "actual")]),
    )
    funds = "，".join(
        f"{_LEVEL_WORDS[layout][level]}{_wan(amount, sep)}万元"
        for level, amount in r.fund_sources.items()
    )
    if layout == 2:
        funds = funds.replace("，", "、")
    if "县" in dept:
        funds = funds.replace("区级资金", "县级资金")

    titles = {
        0: [f"{y}年度{dept}整体支出绩效自评报告"],
        1: [f"{y}年度{dept}", "部门整体支出绩效自评报告"],
        2: [f"{dept}{y}年度部门整体支出绩效自评报告"],
        3: [f"{y}年度{dept}整体支出绩效自评报告"],
    }
    yield from titles[layout]
    yield ""
    yield "一、部门基本情况"
    yield ""
    yield "（一）机构设置"
    yield ""
    yield f"{dept}是区政府工作部门，主要负责{duties}等工作。"
    yield ""
    yield "（二）人员情况"
    yield ""
    yield {
        0: f"本部门编制人数为{staff_a}人，实有在职人员{staff_b}人；编外长期聘用人员3人。",
        1: f"本部门编制人数为{staff_a}人（行政编制{staff_a - 2}人、事业编制2人），实有在职人员{staff_b}人；另有离退休人员6人。",
        2: f"核定编制{staff_a}名，实有人员{staff_b}人。",
        3: f"编制数为{staff_a}名，实有在职人员{staff_b}人。",
    }[layout]
    yield ""
    yield "二、一般公共预算支出情况"
    yield ""
    yield "（一）基本支出情况"
    yield ""
    pb, pa = ("three_public", "budget"), ("three_public", "actual")
    if layout == 0:
        three_clause = f"（其中三公经费年初预算为{w(pb)}万，实际支出为{w(pa)}）" if three else ""
        yield (
            f"{y}年基本支出年初预算数为{w(('basic', 'initial'))}万元；预算调整数为{w(('basic', 'adjusted'))}万元。"
            f"其中：人员经费{w(('basic', 'personnel'))}万元，主要包括：基本工资、津贴补贴、奖金、社会保障缴费；"
            f"公用经费{w(('basic', 'public'))}万元{three_clause}，主要包括：办公费、印刷费、差旅费、维修（护）费。"
        )
    elif layout == 1:
        three_clause = (
            f"（其中“三公”经费年初预算为{w(pb)}万元，实际支出为{w(pa)}万元）" if three else ""
        )
        yield (
            f"{y}年基本支出年初预算数为{w(('basic', 'initial'))}万元；调整后预算数为{w(('basic', 'adjusted'))}万元。"
            f"其中：人员经费{w(('basic', 'personnel'))}万元，主要包括基本工资、津贴补贴、奖金、社会保障缴费等；"
            f"公用经费{w(('basic', 'public'))}万元{three_clause}，主要包括办公费、印刷费、水电费、差旅费等。"
        )
    elif layout == 2:
        yield (
            f"基本支出年初预算{w(('basic', 'initial'))}万元，全年预算数{w(('basic', 'adjusted'))}万元，"
            f"执行数{w(('basic', 'actual'))}万元。工资福利支出{w(('basic', 'personnel'))}万元，"
            f"日常公用经费{w(('basic', 'public'))}万元。"
            + (f"“三公”经费全年预算{w(pb)}万元，全年支出{w(pa)}万元。" if three else "")
        )
    else:
        yield (
            f"{y}年基本支出年初预算数为{w(('basic', 'initial'))}万元，调整预算数为{w(('basic', 'adjusted'))}万元，"
            f"实际支出数为{w(('basic', 'actual'))}万元，其中人员经费{w(('basic', 'personnel'))}万元，"
            f"公用经费{w(('basic', 'public'))}万元。"
            + (f"“三公”经费年初预算{w(pb)}万元，实际支出{w(pa)}万元。" if three else "")
        )
    yield ""
    yield "（二）项目支出情况"
    yield ""
    pi, pj, pk = w(("project", "initial")), w(("project", "adjusted")), w(("project", "actual"))
    if layout == 0:
        items = "；".join(
            f"{p.name}{'项' if i == 1 and p.name.endswith('费') else ''}{_wan(p.amount_wan, sep)}万元，主要用于{p.purpose}"
            for i, p in enumerate(r.projects)
        )
        yield (
            f"{y}年年初预算数为{pi}万元；预算调整数为{pj}万元。差额的原因：年中追加上级专项资金及上年结转资金。"
            f"其中{funds}。其中：{items}。"
        )
    elif layout == 1:
        items = "；".join(
            f"{p.name}{_wan(p.amount_wan, sep)}万元，用于{p.purpose}" for p in r.projects
        )
        yield (
            f"{y}年项目支出年初预算数为{pi}万元；调整预算数为{pj}万元；实际支出数为{pk}万元。"
            f"其中{funds}。其中：{items}。"
        )
    elif layout == 2:
        items = "；".join(f"{p.name}{_wan(p.amount_wan, sep)}万元" for p in r.projects)
        yield (
            f"项目支出年初预算{pi}万元，全年预算数{pj}万元，执行数{pk}万元，调整原因是年中追加上级补助资金。"
            f"项目资金中{funds}。其中：{items}。"
        )
    else:
        yield (
            f"{y}年项目支出年初预算数为{pi}万元，调整预算数为{pj}万元，实际支出数为{pk}万元。"
            f"项目资金中{funds}。具体项目如下："
        )
        for i, p in enumerate(r.projects, start=1):
            initial = _money(float(p.amount_wan) * 1.05)
            yield f"{i}、{p.name}：年初预算{_wan(initial, sep)}万元，实际支出{_wan(p.amount_wan, sep)}万元，主要用于{p.purpose}。"
    yield ""
    yield "三、部门整体支出绩效情况"
    yield ""
    yield "（一）绩效目标设置情况"
    yield ""
    yield "1、按时完成年度重点工作任务；"
    yield "2、提高预算资金使用效益。"
    yield ""
    yield "（二）绩效目标完成情况"
    yield ""
    if layout in (0, 1):
        yield (
            f"{y}年基本支出年初预算数为{w(('basic', 'initial'))}万元；实际支出数为{w(('basic', 'actual'))}万元；"
            f"{y}年{'项目支出' if layout == 1 else ''}年初预算数为{pi}万元；实际支出数为{pk}万元。"
        )
    yield "全年各项重点工作按计划推进，群众满意度较上年有所提高。"
    yield ""
    yield "四、存在的问题及改进措施"
    yield ""
    yield "部分项目绩效目标设置不够细化。下一步将加强预算绩效目标管理，提高资金使用效益。"
    yield ""
    yield "五、其他需要说明的情况"
    yield ""
    yield (
        f"{SYNTHETIC_MARK}本报告由 python -m etl demo 生成，部门名称和全部数字均为虚构，"
        "仅用于演示预算透视的功能，不是真实报告。"
    )


# --- files and the database ----------------------------------------------------------------------


def aliases_csv(reports: list[DemoReport]) -> str:
    """The demo's department_aliases.csv: every name written otherwise than its department."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["alias", "department"])
    for alias, department in sorted(
        {(r.department, r.identity) for r in reports if r.department != r.identity}
    ):
        writer.writerow([alias, department])
    return buffer.getvalue()


def write(reports: list[DemoReport], folder: Path) -> list[Path]:
    """The texts as UTF-8 files in `folder` (earlier demo-*.txt removed), and the alias file."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("demo-*.txt"):
        old.unlink()
    paths = []
    for report in reports:
        path = folder / report.file_name
        path.write_text(report.text, encoding="utf-8")
        paths.append(path)
    aliases_path(folder).write_text(aliases_csv(reports), encoding="utf-8")
    return paths


def aliases_path(folder: Path) -> Path:
    """Where the demo keeps its alias file: beside its reports folder."""
    return folder.parent / "department_aliases.csv"


def only_demo_reports(db: Path) -> bool:
    """Whether every report in `db` (history included) is demo data; False if it can't be read."""
    try:
        with queries.connect(db) as con:
            return queries.real_report_count(con) == 0
    except duckdb.Error:
        return False


class NotADemoDatabase(Exception):
    """The target database holds reports that are not demo data; it is left alone."""


def build(
    db: Path,
    folder: Path,
    *,
    departments: int = 6,
    years: range = range(2021, 2024),
    seed: int = 1,
    progress: Callable[[int, int, LoadResult], None] | None = None,
) -> list[LoadResult]:
    """Generate the texts into `folder` and load them into a fresh `db`, swapped in atomically.

    Refuses (NotADemoDatabase) when `db` already holds any report that is not demo data.
    """
    if db.exists() and not only_demo_reports(db):
        raise NotADemoDatabase(
            f"{db}: 这个数据库里有不是示例数据的报告，示例数据不会覆盖它；请用 --db 指定另一个文件"
        )
    paths = write(generate(departments, years, seed), folder)
    # The demo database starts afresh, and so does its archive: a rebuild replays only this run.
    shutil.rmtree(Archive(db).root, ignore_errors=True)
    return load_paths(paths, db, aliases=aliases_path(folder), fresh=True, progress=progress)
