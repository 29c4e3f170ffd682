"""Every keyword and label the extractor reads, as data: the one vocabulary of the genre.

Phase words (年初预算数 …), government levels (中央 / 省级 …), 三公经费, staffing words, and the
row and column vocabulary of the standard forms. Readers build their patterns from these.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Keyword -> slot item. One alternation, so at each position the longest wording wins
# (调整预算数 before 预算数, 实际支出数 before 支出数).
PHASE_WORDINGS: tuple[tuple[str, str], ...] = (
    ("年初批复预算数", "initial"),
    ("年初批复预算", "initial"),
    ("年初预算数", "initial"),
    ("年初预算", "initial"),
    ("调整后预算数", "adjusted"),
    ("调整后预算", "adjusted"),
    ("调整预算数", "adjusted"),
    ("预算调整数", "adjusted"),
    ("全年预算数", "adjusted"),
    ("全年预算", "adjusted"),
    ("调整为", "adjusted"),  # "年初预算500.00万元，年中调整为515.00万元"
    ("预算数", "initial"),
    ("实际支出数", "actual"),
    ("实际支出", "actual"),
    ("全年执行数", "actual"),
    ("预算执行数", "actual"),
    ("全年支出", "actual"),
    ("决算总支出", "actual"),
    ("支出合计", "actual"),
    ("支出总额", "actual"),
    ("总支出", "actual"),
    ("决算数", "actual"),
    ("执行数", "actual"),
    ("支出数", "actual"),
    ("工资福利支出", "personnel"),
    ("人员经费", "personnel"),
    ("日常公用经费", "public"),
    ("公用经费", "public"),
    ("公用支出", "public"),  # 商品和服务支出（公用支出）: a 预算说明 glosses the economic class
)
PHASE_OF = dict(PHASE_WORDINGS) | {"支出": "actual"}
# The phase a plain amount has in a kind of document: a 预算 states the initial budget
# ("基本支出4566793元" in a 部门预算编制说明 is 基本支出's 年初预算); a 决算 and the self-evaluation
# reports tell what was spent ("2021年，政协南县委员会项目支出286.83万元"). The forms name each
# column's phase themselves; a 三公 statement may be of the budget or of the accounts.
KIND_PHASE: dict[str, str] = {
    "budget": "initial",
    "final_accounts": "actual",
    "self_evaluation_report": "actual",
    "project_evaluation": "actual",
}
# The department's total spend ("决算总支出1,568.32万元，其中：基本支出…"): never a section's own
# figure, but the phase its split into 基本支出 / 项目支出 takes.
TOTAL_WORDINGS = frozenset({"决算总支出", "支出合计", "支出总额", "总支出", "支出"})

# Each alternative starts with a plain character, so the regex engine can skip to candidates.
THREE_PUBLIC_RE = re.compile(
    r"三公[\"“”'‘’「」]?(?:经费)?"
    r"|因公出国\(境\)费[、和及与,]\s*公务用车购置及运行(?:维护)?费[、和及与,]\s*公务接待费"
)


# --- staffing ----------------------------------------------------------------------------------

# Staffing words in sentences, as departments write them. authorized: 编制人数 / 编制数 / 编制总数 /
# 编制人员 (核定编制, 人员编制, 总编制, 现有编制: the reader looks at what stands before 编制).
# actual: 实有在职人员(总数) / 实有人数 / 实有行政人员 / 现有在职人员 / 在职人数 / 在职人员数 /
# 在职在编人员 / 在编在职实有人数 / 在职(干部)职工 / 现有教职工 / 实际正式教职工 / 共有工作人员;
# 实有 alone ("核定编制15名，实有14名") and 在职 alone after a time or 现有 ("截止到2021年末在职
# 244人"). Never 离退休, 编外, 聘用 or 政府雇员: those words are not here.
# Flat alternatives, each starting with a plain character: the regex engine then skips to
# candidates (a lookbehind or named groups here make the scan of a report fifteen times slower).
STAFF_RE = re.compile(
    r"编制(?:总数|人数|人员|数)?"
    r"|实有(?:正式|行政|事业)?(?:在职|在编){0,2}(?:实有)?"
    r"(?:人员数|人员|人数|教职工|干部职工|职工|干部)(?:总数)?"
    r"|现有(?:正式|行政|事业)?(?:在职|在编){0,2}(?:人员数|人员|人数|教职工|干部职工|职工|干部)(?:总数)?"
    r"|实际(?:正式|行政|事业)?(?:在职|在编){0,2}(?:人员数|人员|人数|教职工|干部职工|职工)(?:总数)?"
    r"|在职(?:在编)?(?:实有)?(?:人员数|人员|人数|教职工|干部职工|职工|干部)(?:总数)?"
    r"|在编(?:在职)?(?:实有)?(?:人员数|人员|人数|教职工)(?:总数)?"
    r"|共有工作人员|现有工作人员"
    r"|在职(?=\s*\d)|实有(?=\s*\d)"
)
# Count words that stand alone ("实有14名"): whose staff they count, the post before them says.
STAFF_BARE = frozenset({"在职", "实有"})
# 在职 alone counts staff only after these: "截止到2021年末在职244人", never "局机关在职113人".
STAFF_BARE_AFTER = frozenset({"年末", "年底", "现有", "实有", "共有", "目前"})
# A kind of post before 编制: 行政编制, 事业编制, 政法专项编制, 行政工勤编制, 参公编制, 事业单位编制,
# 事业控制编制. One kind alone is the department's posts; two kinds or more are parts of a total.
POST_KIND_BEFORE = re.compile(
    r"(?:行政|事业|专项|工勤|参公|公务员|单位|机关|后勤|全额|差额|自收自支|控制|教师|政法)$"
)
# What opens a list of parts: 其中 / 包括 / 含 (to the clause end) and a parenthesis (to its close).
# "不含人事派遣人员5名" excludes, which is no total either.
STAFF_PARTS_OPEN = re.compile(r"其中|包括|含|\(")
# Posts besides the department's own: "另有事业控制编制13人".
STAFF_BESIDES = re.compile(r"另有|此外")

# Government level -> contract key. Single-character levels only count before 财政 (市财政资金),
# so 市区下达 or 辖区 are never read as a level.
LEVEL_WORDS: tuple[tuple[str, str], ...] = (
    ("中央", "central"),
    ("省级", "provincial"),
    ("省本级", "provincial"),
    ("省(?=财政)", "provincial"),
    ("市级", "city"),
    ("市本级", "city"),
    ("市(?=财政)", "city"),
    ("区县级", "district"),
    (r"县\(市、区\)级", "district"),
    ("区级", "district"),
    ("县级", "district"),
    ("区本级", "district"),
    ("县本级", "district"),
    ("区(?=财政)", "district"),
    ("县(?=财政)", "district"),
    ("本级", "district"),
    ("其他", "other"),
)
# One group, not one per level: seventeen named groups make the scan thirty times slower.
LEVEL_GROUP = "|".join(pattern for pattern, _ in LEVEL_WORDS)
# "市级财政资金" "中央财政补助资金" "省级专项资金" "县级配套资金" "中央财政" "区级资金"
FUND_TAIL = (
    r"(?:财政(?:专项|配套|补助|转移支付)?(?:资金|拨款|投入)?"
    r"|(?:专项|配套|补助|转移支付){0,2}(?:补助资金|资金|拨款|投入|补助))"
)
# "资金来源为中央1,000万元、省级500万元": a level right before its amount needs no 资金.
FUND_RE = re.compile(f"(?P<level>{LEVEL_GROUP})(?:{FUND_TAIL}|(?=[为:]?\\s*\\d))")
FUND_CELL = re.compile(f"(?P<level>{LEVEL_GROUP}){FUND_TAIL}?")

LEVEL_BY_FIRST = {"中": "central", "省": "provincial", "市": "city", "其": "other"}


def level_of(match: re.Match[str]) -> str:
    """The contract key of a matched level: 区级 / 县级 / 县(市、区)级 / 本级 are all district."""
    return LEVEL_BY_FIRST.get(match["level"][0], "district")


# --- the standard forms' columns and rows ------------------------------------------------------

# Column header -> (kind, item), first match wins (so 预算执行率 is a rate, 预算执行数 an actual,
# 调整后预算 an adjusted). Kinds:
#   phase   initial / adjusted / actual money of this year
#   prior   another year's money (上年决算数): never read as this year's
#   score   分值 / 权重 / 得分: points, never money (item "weight" or "score")
#   rate    执行率 / 控制率 / 占比: a ratio the form computed, used to check a reading
#   staff   编制数 / 实际在职人数: head counts
#   change  增减额 / 差额: a difference, not a figure of its own
#   text    原因 / 说明 / 用途 / 指标值: words, or numbers that are not money
#   label   项目 / 项目名称 / 科目: the column that names the rows
#   serial  序号
#   amount  金额 / 合计: the one money column of a list
COLUMN_RULES: tuple[tuple[str, str, str], ...] = (
    (r"^(?:序号|编号)$", "serial", ""),
    # The label over a form's row names: 年度预算数（万元）above 总额 / 其中：财政资金.
    (
        r"^(?:年度|部门|单位|部门\(单位\))?(?:总体|整体)?(?:预算|项目)?资金(?:情况|来源|总额)?"
        r"(?:\((?:万元|元)\))?$|^年度预算数?\((?:万元|元)\)$"
        r"|^年度预算(?:情况|安排|申请|资金)?(?:\((?:万元|元)\))?$|^项目资金|^预算执行情况"
        r"|^(?:部门)?(?:整体)?预算执行(?:\((?:万元|元)\))?$",
        "label",
        "",
    ),
    # 整体支出规模 over the 自评表's rows (资金来源, 资金结构) names them; it holds no figure.
    (r"支出规模$", "label", ""),
    (
        r"指标值|完成值|目标值|实际值|度量单位|计量单位|指标性质|指标内容|评分标准|指标解释",
        "text",
        "",
    ),
    (r"增、?减|增长|下降|减少|变动|差额|差异|同比|比较|对比|偏差(?!原因)", "change", ""),
    # Before 率: "得分（10分*执行率）" scores the budget's execution (points × 执行率), no rate.
    (r"^得分\(\d+分\*执行率\)", "score", "rated"),
    (r"^(?:自评)?得分|^评分|评价得分|自评分", "score", "score"),
    (r"率|%|占比|比重|比例", "rate", ""),
    (r"计算方法|评分方法|方法$|依据$", "text", ""),
    (r"分值|权重|满分|标准分", "score", "weight"),
    (r"^(?:上年|去年|上一年|前一年|上年度)", "prior", ""),
    (r"原因|说明|备注|用途|内容|绩效目标|情况|依据|措施|目标", "text", ""),
    (r"编制", "staff", "authorized"),
    (r"实有|在职|实际人数|实际在岗", "staff", "actual"),
    (r"调整|全年预算|预算调整", "phase", "adjusted"),
    (r"执行数|实际支出|决算|支出数|实际数|实际|完成数|执行|支出", "phase", "actual"),
    (r"年初|预算数|预算$|预算\(|预算（|批复|本年预算|预算安排", "phase", "initial"),
    (r"名称|项目|科目|来源|级次|类别|单位|类型|指标|功能分类|经济分类", "label", ""),
    (r"金额|资金|数额|万元|元$|合计|总计|小计", "amount", ""),
)
_COLUMN_RULES = tuple((re.compile(pattern), kind, item) for pattern, kind, item in COLUMN_RULES)
_STATED_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_UNIT_ONLY = re.compile(r"[(（]?(?:单位[:：])?(?:亿元|万元|元|人)[)）]?")


@lru_cache(maxsize=4096)
def column_kind(header: str) -> tuple[str, str, int | None]:
    """What a column holds, from its header: (kind, item, the year its header names or None).

    >>> column_kind("2019年决算数")
    ('phase', 'actual', 2019)
    >>> column_kind("执行率（B/A）")
    ('rate', '', None)
    """
    header = "".join(header.split()).rstrip(":：")
    if _UNIT_ONLY.fullmatch(header):
        return "label", "", None  # "（万元）" on a line of its own: the unit of a label above it
    stated = _STATED_YEAR.search(header)
    year = int(stated[1]) if stated else None
    section = row_kind(header)
    if section[0] in ("section", "basic_part", "three_public"):
        return (*section, year)  # a transposed table: sections as columns
    if section[0] == "three_public_part":
        return "text", "", year
    if section[0] == "total" and not row_label(header).startswith("年度"):
        return "amount", "total", year
    for pattern, kind, item in _COLUMN_RULES:
        if pattern.search(header):
            return kind, item, year
    return "other", "", year


# Columns that make a header: at least two of these in a row.
HEADER_KINDS = frozenset(
    {"phase", "prior", "score", "rate", "staff", "change", "amount"}
    | {"section", "basic_part", "three_public"}  # a transposed table's sections
)

_ROW_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+\s*[、.]|\(\s*[一二三四五六七八九十\d]+\s*\)|\d+\s*(?:、|\.(?!\d))|[①-⑳])\s*"
)
# Row label -> (kind, item), first match wins, on the label without its numbering and 其中.
ROW_RULES: tuple[tuple[str, str, str], ...] = (
    # Score and indicator rows of the self-evaluation forms: never money, never a project.
    (
        r"\d+\s*分\)?$|\(\d+\s*分|指标|^(?:项目|部门)?(?:决策|过程|产出|效益|管理|履职|满意度)"
        r"(?:情况)?$|^(?:总分|综合得分|自评得分|评价得分)$|^栏次$",
        "indicator",
        "",
    ),
    (r"三公", "three_public", "total"),
    (r"因公出国|公务用车|公务接待|公车|出国经费|接待费", "three_public_part", ""),
    (r"^基本支出(?:合计|小计|总额)?$", "section", "basic"),
    (r"^项目支出(?:合计|小计|总额)?$", "section", "project"),
    (r"^(?:人员经费|工资福利支出)(?:支出)?$", "basic_part", "personnel"),
    (r"^(?:日常)?公用经费(?:支出)?$", "basic_part", "public"),
    (
        r"^(?:年度)?(?:资金|预算)?(?:合计|总计|小计|总额)$|^(?:本年)?支出(?:合计|总计)$|^总支出$"
        r"|^年度(?:财政)?资金总额|^财政资金总额|^年度预算(?:资金)?总额|^部门(?:整体)?支出(?:总额|合计)?$",
        "total",
        "",
    ),
    # Splits of a total by type of funds: not government levels, not projects.
    (
        r"^(?:本年)?财政(?:拨款|资金|补助)|^一般公共预算|^政府性基金|^国有资本|^财政专户|"
        r"^单位资金|^(?:上年)?结转|^结余|^其他资金$|^自有资金|^事业收入|^经营收入|^其他收入"
        r"|^社会投入|^银行贷款|^债券",
        "fund_type",
        "",
    ),
    (r"^(?:行政|事业|工勤|参公)(?:编制|人员)", "staff_part", ""),
    (r"^(?:编制人数|编制数|人员编制(?:数)?|核定(?:人员)?编制(?:数|人数)?)$", "staff", "authorized"),
    (
        r"^(?:实有(?:在职)?人(?:员|数)|(?:实际)?在职人(?:员|数)|(?:\d{4}年)?实际在职人数)$",
        "staff",
        "actual",
    ),
)
_ROW_RULES = tuple((re.compile(pattern), kind, item) for pattern, kind, item in ROW_RULES)
_ROW_UNIT = re.compile(r"[(（](?:亿元|万元|元|人)[)）]$")


def row_label(label: str) -> str:
    """A row label without its numbering, 其中 and unit: "其中：人员经费（万元）" -> "人员经费".

    >>> row_label("1、公务用车购置和维护经费")
    '公务用车购置和维护经费'
    """
    label = "".join(label.split())
    label = _ROW_NUMBERING.sub("", label)
    label = re.sub(r"^按(?:收入|支出)(?:性质|来源|功能|经济)?(?:分类?)?\s*[:：]?\s*", "", label)
    label = re.sub(r"^其中\s*[:：]?\s*", "", label)
    return _ROW_UNIT.sub("", label).strip(" :：")


@lru_cache(maxsize=4096)
def row_kind(label: str) -> tuple[str, str]:
    """What a row label (or a transposed column header) names: a section, a phase, a level…

    >>> row_kind("其中：本年财政拨款")
    ('fund_type', '')
    >>> row_kind("项目产出(30分)")
    ('indicator', '')
    """
    clean = row_label(label)
    for pattern, kind, item in _ROW_RULES:
        if pattern.search(clean):
            return kind, item
    phase = PHASE_OF.get(clean)
    if phase in ("initial", "adjusted", "actual"):
        return "phase", phase
    level = FUND_CELL.fullmatch(clean)
    if level:
        return "fund", level_of(level)
    return "name", clean


# Fields of a form: a label cell and the value cell after it (or "单位名称：XX局" in one cell).
# Field -> what it names. The unit is read from the first of these the document has.
FIELD_RULES: tuple[tuple[str, str], ...] = (
    (r"^项目名称$", "project"),
    # "项目实施单位" on Hubei and Ningxia forms; "项目单位" on a finance bureau's report cover.
    (r"^(?:项目)?实施单位(?:\([盖公]章\))?(?:名称)?$|^项目单位$", "implementer"),
    (r"^(?:主管部门|主管单位)(?:及代码)?(?:名称)?$", "supervisor"),
    (
        r"^(?:预算部门、?单位名称|预算部门单位|一级预算单位(?:名称)?|预算单位(?:名称)?|部门\(单位\)名称"
        r"|部门名称|单位名称|填报单位(?:名称)?|填报部门|评价单位|评价部门名称|部门\(单位\)|单位|部门)"
        r"(?:\([盖公]章\))?$",
        "unit",
    ),
)
_FIELD_RULES = tuple((re.compile(pattern), name) for pattern, name in FIELD_RULES)


@lru_cache(maxsize=4096)
def field_kind(label: str) -> str | None:
    """The field a label cell opens ("project", "implementer", "supervisor", "unit"), or None.

    >>> field_kind("预算部门、单位名称")
    'unit'
    """
    clean = "".join(label.split()).strip(":：")
    return next((name for pattern, name in _FIELD_RULES if pattern.match(clean)), None)


# Run-together forms (OCR text, document-site dumps) write a label, its value and the next label
# with nothing between: "单位名称襄阳市中心医院填报日期2022年3月18日项目名称…项目实施单位襄阳市中心
# 医院项目类别". Label -> field, for the labels that open a unit's name (never bare 单位 / 部门,
# which run-together text writes inside other words: 下属单位个数).
RUN_TOGETHER_FIELDS: tuple[tuple[str, str], ...] = (
    ("项目实施单位", "implementer"),
    ("实施单位", "implementer"),
    ("评价部门名称", "unit"),
    ("预算部门、?单位名称", "unit"),
    ("一级预算单位名称", "unit"),
    ("单位名称", "unit"),
    ("填报单位", "unit"),
    ("部门名称", "unit"),
    ("主管部门", "supervisor"),
)
# What may follow a unit's name in such text: the next label of the form.
RUN_TOGETHER_NEXT = (
    "填报日期|下属单位|项目类别|项目名称|项目属性|主管部门|项目实施单位|实施单位|自评得分|总分"
    "|联系人|联系电话|项目资金|单位名称|评价部门|预算部门|单位编码|部门编码|整体支出规模"
)
