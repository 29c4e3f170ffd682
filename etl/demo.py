"""python -m etl demo: a synthetic dataset, honestly labelled, for the many-departments views.

Writes report TEXTS in the genre's wording (four layouts the extractor reads, each taken from a
hand-written test report) for several made-up departments (示例市示例区XX局) over several years, with
some deliberate arithmetic errors for the checks to find, and loads them with the same loader into
their own database (data/demo.duckdb). Every text carries SYNTHETIC_MARK, so the loader flags it
and the app shows a 示例数据 banner wherever it appears. The same seed gives the same texts.
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

from etl import config, queries
from etl.load import SYNTHETIC_MARK, LoadResult, load_paths
from etl.store.archive import Archive

CENT = Decimal("0.01")
# The rules a demo report may break on purpose, one per report at most.
ERROR_RULES = (
    "personnel_public_sum",
    "projects_sum",
    "fund_sources_sum",
    "three_public_over_budget",
)
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
    amount_wan: Decimal
    purpose: str


@dataclass
class DemoReport:
    """One generated report and the truth it was written from."""

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
    return reports


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
    """The report text in one of four layouts (each from a hand-written test report)."""
    lines = list(_render_lines(report, duties))
    return "\n".join(lines) + "\n"


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
