"""Every Chinese word a user reads, and how the app writes numbers: the one vocabulary.

The CLI, the checks' messages and the dashboard (ui/) all read it; it imports no Streamlit and
nothing heavier than etl.config, so `python -m etl` and the checks can use it too. The words of
the hand-entry template (what a user may type) are data of that format, in etl/manual.py.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from etl import config

if TYPE_CHECKING:
    from etl.model import Report

APP_TITLE = "预算透视 Budget Lens"
MISSING = "未识别"  # a figure the report does not state: never 0
CORRECTED = "已更正"  # a figure a user corrected in 数据核对; the extracted value is kept beside it
MANUAL = "手工录入"  # a document typed into the hand-entry template rather than read from a report
NOT_APPLICABLE = "—"  # not stated, or nothing to compare a change with
AMOUNT_SUFFIX = "（万元）"  # table headers with this suffix hold exact Decimal 万元
PERCENT_SUFFIX = "（%）"  # ...and these hold Decimal percentages with two decimals
POINTS_SUFFIX = "（百分点）"  # a change of a share, in percentage points
COUNT_SUFFIX = "（项）"  # whole numbers: how many
PROJECT_SCORE = "自评得分"  # a project's score on its 项目支出绩效自评表 (out of 100)


def percent(fraction: Decimal | float) -> str:
    """A limit as a sentence writes it.

    >>> percent(Decimal("0.30")), percent(1.0)
    ('30%', '100%')
    """
    return f"{float(fraction) * 100:g}%"


LIMIT = percent(config.ADJUSTMENT_RATE_LIMIT)  # 30%: the 预算调整率 above which a reason is due

LABELS: dict[str, dict[str, str]] = {
    "section": {
        "basic": "基本支出",
        "project": "项目支出",
        "total": "合计",
        "three_public": "“三公”经费",
        "staffing": "人员编制",
    },
    "phase": {"initial": "年初预算", "adjusted": "调整后预算", "actual": "实际支出"},
    "item": {
        "initial": "年初预算",
        "adjusted": "调整后预算",
        "actual": "实际支出",
        "personnel": "人员经费",
        "public": "公用经费",
        "budget": "预算",
        "authorized": "编制人数",
        "staffing.actual": "实有在职人数",
    },
    "level": {
        "central": "中央",
        "provincial": "省级",
        "city": "市级",
        "district": "区（县）级",
        "other": "其他",
    },
    # What a document is (etl.model.DOCUMENT_KINDS), as GLOSSARY.md names the kinds.
    "kind": {
        "self_evaluation_report": "部门整体支出绩效自评报告",
        "self_evaluation_form": "部门整体支出绩效自评表",
        "project_evaluation": "项目支出绩效自评表",
        "final_accounts": "部门决算",
        "budget": "部门预算",
        "three_public": "“三公”经费说明",
        "basic_data_form": "绩效评价基础数据表",
    },
    "severity": {"error": "错误", "warning": "警告", "info": "提示"},
    "origin": {"report": "报告", "manual": MANUAL},
    "passed": {"True": "通过", "False": "未通过"},
    "rule": {
        "personnel_public_sum": "人员经费 + 公用经费 = 基本支出",
        "fund_sources_sum": "各级资金合计 = 项目支出",
        "projects_sum": "各项目合计 = 项目支出",
        "three_public_over_budget": "“三公”经费未超预算",
        "actual_over_adjusted": "实际支出未超调整后预算",
        "adjustment_rate_high": f"预算调整率不超过 {LIMIT}",
        "conflicting_values": "同一数字前后一致",
        "missing_figures": "主要数字齐全",
        # Across the documents of one department-year (etl.records.CROSS_RULES).
        "figure_differs": "各文件所列同一数字一致",
        "three_public_differs": "决算与自评的“三公”经费一致",
        "project_amount_differs": "项目金额与其项目支出绩效自评表一致",
        "project_forms_total": "项目支出绩效自评表合计不超过项目支出",
        "missing_counterpart": "决算与自评齐全",
    },
    # 财预〔2013〕53号 部门整体支出绩效评价共性指标, and the shares the app ranks by.
    "indicator": {
        "execution_rate": "预算执行率",
        "adjustment_rate": "预算调整率",
        "three_public_control_rate": "“三公经费”控制率",
        "staff_control_rate": "在职人员控制率",
        "three_public_change_rate": "“三公经费”变动率",
        "personnel_share": "人员经费占比",
        "failing_checks": "核对警告数",
        # 部门对比 by amounts (etl.queries.AMOUNT_RANKING), basic and project together.
        "total_initial_wan": "年初预算合计",
        "total_adjusted_wan": "调整后预算合计",
        "total_actual_wan": "实际支出合计",
        "three_public_actual_wan": "“三公”经费实际支出",
    },
    # How each is computed (etl/schema/views.sql, indicator_terms, holds the arithmetic).
    "formula": {
        "execution_rate": "实际支出 ÷ 调整后预算",
        "adjustment_rate": "（调整后预算 − 年初预算）÷ 年初预算",
        "three_public_control_rate": "“三公”经费实际支出 ÷ “三公”经费预算",
        "staff_control_rate": "实有在职人数 ÷ 编制人数",
        "three_public_change_rate": "（本年“三公”经费实际支出 − 上年实际支出）÷ 上年实际支出",
        "personnel_share": "人员经费 ÷ 基本支出实际支出",
        "failing_checks": "未通过的核对（警告和错误）",
    },
    "flag": {
        "adjustment_rate": f"调整幅度超过 {LIMIT}：需说明原因",
        "three_public_control_rate": "“三公”经费实际支出超过预算",
        "staff_control_rate": "在职人数超过编制数",
    },
    # The database's tables as the 数据快照 page lists them (each is a CSV in the zip).
    "table": {
        "documents": "报告版本",
        "figures": "识别出的数字",
        "fund_sources": "资金来源",
        "projects": "项目",
        "checks": "核对结果",
        "corrections": "更正记录",
        "department_aliases": "部门别名",
        "synthetic_documents": "示例数据标记",
        "load_settings": "载入设置",
        "settings": "限值设置",
        "indicator_formulas": "绩效指标公式",
        "schema_applied": "数据库版本",
        "reviews": "审核记录",
        "finding_dispositions": "核对发现的处理意见",
        "report_summary": "各报告汇总（派生）",
        "fund_split_years": "各年度资金来源汇总（派生）",
        "user_roles": "用户角色",
    },
    # A department-year's review (etl.store.review REVIEW_STATUSES), and what a reviewer made
    # of one finding (DISPOSITIONS; resolved: a marked finding that no longer fires).
    "review_status": {
        "pending": "待审核",
        "checked": "已核对",
        "questioned": "有疑问",
        "returned": "已退回",
    },
    "disposition": {
        "confirmed": "确认问题",
        "explained": "已说明",
        "false_positive": "误报",
        "resolved": "已解决",
        "": "未处理",
    },
    # What `python -m etl` prints per file.
    "status": {
        "loaded": "已载入",
        "unchanged": "未变化",
        "replaced": "已替换",
        "restored": "已恢复",
        "conflict": "有冲突",
        "corrected": "已更正",
        "failed": "失败",
    },
    # What the 导入 page says a load did to a file.
    "result": {
        "loaded": "已载入",
        "unchanged": "未变化",
        "replaced": "已替换当前版本（原版本保留为历史版本，可在“版本”页恢复）",
        "restored": "已恢复为当前版本",
        "conflict": "保留了当前版本；新文件已存为历史版本，可在“版本”页恢复",
        "corrected": "已更正",
        "failed": "失败",
    },
}

# The government levels funds come from, in the order every table and chart lists them (SQL
# reads it from the table funding_levels).
LEVELS = tuple(LABELS["level"])

# A department-year's review statuses and a finding's dispositions, in the order the 数据核对
# page offers them (etl.store.review writes them; the tables' CHECK constraints list them too).
REVIEW_STATUSES = ("pending", "checked", "questioned", "returned")
DISPOSITIONS = ("confirmed", "explained", "false_positive")

# The figures as the checks' messages name them (no quotes around 三公, as reports write it).
SECTION_LABELS = {"basic": "基本支出", "project": "项目支出", "three_public": "三公经费"}
SLOT_LABELS = {
    ("basic", "initial"): "基本支出年初预算",
    ("basic", "adjusted"): "基本支出调整后预算",
    ("basic", "actual"): "基本支出实际支出",
    ("basic", "personnel"): "人员经费",
    ("basic", "public"): "公用经费",
    ("project", "initial"): "项目支出年初预算",
    ("project", "adjusted"): "项目支出调整后预算",
    ("project", "actual"): "项目支出实际支出",
    ("three_public", "budget"): "三公经费预算",
    ("three_public", "actual"): "三公经费实际支出",
    ("staffing", "authorized"): "编制人数",
    ("staffing", "actual"): "实有在职人数",
}

EMPTY_DATABASE = (
    "还没有载入报告……请在“导入”页上传报告，或把报告文件放进 data/reports/ 文件夹，"
    "由管理员重新载入后刷新本页。"
)
# Where a document's department and year came from (documents.department_from / year_from).
IDENTITY_FROM: dict[str, str] = {
    "title": "标题",
    "field": "表单栏目",
    "text": "正文推测",
    "user": "用户填写",
    "manual": "手工录入",
    "": "未识别",
}
# A department or year that was guessed (from the first lines or the signature), not read.
GUESSED = "需确认"


def no_identity(report: Report) -> str:
    """Why a document cannot be loaded without the user's input, and the way on: which of the
    department and the year was not read.

    >>> from etl.model import Report
    >>> no_identity(Report(None, 2021))
    '未能识别部门名称：标题、表单栏目和开头几行都没有写明；请在载入时填写部门（导入页的“部门”栏，命令行 --department）'
    """
    missing = [
        (what, field, option)
        for what, field, option, value in (
            ("部门名称", "部门", "--department", report.department),
            ("年度", "年度", "--year", report.year),
        )
        if value is None
    ]
    whats = "和".join(m[0] for m in missing)
    fields = "、".join(f"“{m[1]}”" for m in missing)
    options = " ".join(m[2] for m in missing)
    return (
        f"未能识别{whats}：标题、表单栏目和开头几行都没有写明；"
        f"请在载入时填写{'和'.join(m[1] for m in missing)}（导入页的{fields}栏，命令行 {options}）"
    )


ATTENTION = "需关注"  # the heading over what is over its limit (the flags)
OVER_LIMIT = "超过限值"  # beside a KPI card's name when its rate is flagged
NO_BROWSER = (
    "无法生成 PDF 简报：没有找到 Chromium 浏览器（图表由它绘制）。请由管理员安装 Debian 的 chromium"
    "（scripts/install-browser），或用环境变量 BROWSER_PATH 指向浏览器；Excel 简报不受影响。"
)
NO_CJK_FONT = (
    "无法生成 PDF 简报：没有找到中文字体。请由管理员安装 Debian 的 fonts-noto-cjk"
    "（scripts/install-browser），或用环境变量 BUDGET_LENS_CJK_FONT 指向一个 .ttc/.ttf/.otf 中文字体；"
    "Excel 简报不受影响。"
)
DEMO_MARK = "示例数据"  # on every brief made from demo reports, beside the banner's words


DATABASE_LOCKED = "数据库正被另一个程序以写入方式占用：请等它结束后刷新页面。"
LOAD_BUSY = "另一个载入正在进行（可能是别人在导入），请稍后再试。"


def label(kind: str, key: Any) -> str:
    """The Chinese label for a code (section, phase, level, severity, rule…); the code if unknown.

    >>> label("level", "district")
    '区（县）级'
    >>> label("rule", "some_new_rule")
    'some_new_rule'
    """
    return LABELS[kind].get(str(key), str(key))


def kind_label(kind: Any) -> str:
    """What a document is, in words: its kind, 手工录入, or that its kind was not recognised.

    >>> kind_label("final_accounts"), kind_label("manual"), kind_label(None), kind_label("unknown")
    ('部门决算', '手工录入', '文件类型未识别', '文件类型未识别')
    """
    if kind == "manual":
        return MANUAL
    if kind is None or kind == "unknown" or kind != kind:  # kind != kind: NaN from a frame
        return "文件类型未识别"
    return label("kind", kind)


def item_label(section: str, item: str) -> str:
    """A figure's item label within its section.

    >>> item_label("staffing", "actual"), item_label("basic", "actual")
    ('实有在职人数', '实际支出')
    """
    return LABELS["item"].get(f"{section}.{item}") or label("item", item)


def formula(indicator: str) -> str:
    """'预算调整率 =（调整后预算 − 年初预算）÷ 年初预算': an indicator and how it is computed.

    >>> formula("execution_rate")
    '预算执行率 = 实际支出 ÷ 调整后预算'
    """
    return f"{label('indicator', indicator)} = {label('formula', indicator)}"


def formulas(*indicators: str) -> str:
    """Several formulas as one caption sentence, joined by ；."""
    return "；".join(formula(i) for i in indicators) + "。"


ADJUSTMENT_NOTE = (
    f"{formula('adjustment_rate')}。按规定可不计入的调整（国家政策调整、不可抗力、上级交办任务等）"
    "在报告中没有逐项列出，无法扣除，所以这里的调整率是上限；"
    f"超过 {LIMIT} 需说明原因。"
)


def year_text(year: Any) -> str:
    """'2020 年'.

    >>> year_text(2020)
    '2020 年'
    """
    return f"{int(year)} 年"


def demo_banner(synthetic: int, reports: int) -> str:
    """The 示例数据 warning every page shows while the database holds demo reports."""
    which = (
        f"中的全部 {reports} 份报告都"
        if synthetic == reports
        else f"的 {reports} 份报告中有 {synthetic} 份"
    )
    return (
        f"**示例数据**：当前数据库{which}由示例数据生成程序写入，"
        "部门名称和数字均为虚构，仅用于演示，不是真实报告。"
    )


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, pandas' NA
    except TypeError:  # pandas.NA compares to NA
        return True


def format_wan(value: Any) -> str:
    """A 万元 amount as the UI writes it: thousands separators, two decimals; 未识别 if missing.

    >>> format_wan(Decimal("1150.47"))
    '1,150.47'
    >>> format_wan(None)
    '未识别'
    """
    return MISSING if _missing(value) else f"{Decimal(value):,.2f}"


def format_rate(value: Any, *, signed: bool = False) -> str:
    """A rate or share (0.6432 = 64.32%) as the UI writes it; 未识别 if missing.

    >>> format_rate(0.643187)
    '64.32%'
    >>> format_rate(float("nan"))
    '未识别'
    """
    if _missing(value):
        return MISSING
    return f"{float(value):+.2%}" if signed else f"{float(value):.2%}"


def format_count(value: Any) -> str:
    """A whole number (people, warnings) without decimals; 未识别 if missing.

    >>> format_count(Decimal("38.000000")), format_count(1234)
    ('38', '1,234')
    """
    return MISSING if _missing(value) else f"{int(value):,}"


# A department-year's record (etl.records): which document each number came from.
SOURCES_EXPANDER = "数字取自哪份文件"  # 总览's expander listing each figure with its document
AGREES = "一致"  # every document that states a figure gives the same value (within the tolerance)
TAKEN = "采用"  # the statement a record's figure is taken from (etl.records.PRECEDENCE)


def part_label(part: Any) -> str:
    """A document's part of its department-year in words: its kind, and for a project form the
    projects it evaluates.

    >>> part_label("final_accounts"), part_label("project_evaluation:执法工作费")
    ('部门决算', '项目支出绩效自评表（执法工作费）')
    """
    kind, _, projects = str(part).partition(":")
    what = kind_label(kind)
    return f"{what}（{projects.replace('|', '、')}）" if projects else what


def document_text(kind: Any, file_name: Any) -> str:
    """A document as the pages name it: its kind and file.

    >>> document_text("budget", "a.pdf")
    '部门预算《a.pdf》'
    """
    return f"{kind_label(kind)}《{file_name}》"


def where_text(sentence: Any, row_label: Any = "", column_label: Any = "") -> str:
    """Where a value was read: the table cell (行·列) when it came from a table, else the sentence.

    >>> where_text("基本支出801.07万元"), where_text("", "年度资金总额", "全年执行数")
    ('基本支出801.07万元', '表格 年度资金总额·全年执行数')
    """
    cell = "·".join(str(p) for p in (row_label, column_label) if not _missing(p) and p)
    if cell:
        return f"表格 {cell}"
    return "" if _missing(sentence) else str(sentence)


def difference_text(value: Any, taken: Any, tolerance: Decimal, unit: str = "万元") -> str:
    """How a document's value compares with the record's: 一致 within `tolerance`, else 相差 x.

    >>> difference_text(Decimal("5.26"), Decimal("5.30"), Decimal("0.005"))
    '相差 0.04 万元'
    >>> difference_text(Decimal("5.3"), Decimal("5.30"), Decimal("0.005"))
    '一致'
    """
    if _missing(value) or _missing(taken):
        return ""
    gap = abs(Decimal(value) - Decimal(taken))
    if gap <= tolerance:
        return AGREES
    shown = format_count(gap) if unit == "人" else format_wan(gap)
    return f"相差 {shown} {unit}"


def figure_name(section: str, item: str) -> str:
    """A figure named in a sentence: section and item, the staffing items on their own.

    >>> figure_name("basic", "initial"), figure_name("staffing", "authorized")
    ('基本支出年初预算', '编制人数')
    """
    if section == "staffing":
        return item_label(section, item)
    return f"{label('section', section)}{item_label(section, item)}"


# Who may change what (etl.store.access, ui.access, the 管理 page).
ROLE_LABELS: dict[str, str] = {"view": "查看", "submit": "填报", "review": "审核", "admin": "管理"}
EVERY_DEPARTMENT = "全部部门"  # a role granted for every department
LOADED_BY = "载入人"
CORRECTED_BY = "更正人"
RESTORED_BY = "恢复人"
UNKNOWN_ACTOR = "—"  # a load or correction from before sign-in: who is not known
REFUSED = "{who} 没有{role}权限{where}，未写入任何内容；如需此权限请联系管理员（此次尝试已记录）。"
SIGN_IN_MISSING = (
    "本程序未配置登录，且不是只在本机（127.0.0.1）上运行：为安全起见，所有写入（导入、更正、恢复、"
    "管理）均被拒绝，查看不受影响。请管理员在 .streamlit/secrets.toml 的 [auth] 部分配置单位的"
    "统一身份认证（OpenID Connect：redirect_uri、cookie_secret、client_id、client_secret、"
    "server_metadata_url，见 README 的“登录与角色”），或用 scripts/start 在本机运行。"
)
SIGNED_OUT = "请先登录：未登录时不能写入（导入、更正、恢复、管理）。"
SESSION_EXPIRED = "登录已过期，请重新登录后再写入。"
NO_ROLE = "您已登录为 {who}，但还没有任何角色：请联系管理员在“管理”页为您授予角色。"
NEEDS_ROLE = "{who} 没有{role}权限{where}：此处的写入操作不可用；如需此权限请联系管理员。"
