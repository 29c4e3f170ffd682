"""Report text -> Report: pure functions, one per report section, driven by the genre's wording.

Nothing here knows any particular report's numbers: every figure is found by the words the
部门整体支出绩效自评报告 genre puts before it (年初预算数, 预算调整数, 实际支出数, 人员经费 ...), and
comes back with the sentence and character span it was read from.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal

from etl.amounts import NUMBER, UNIT, normalise, to_wan
from etl.model import Figure, FundSource, Project, Report, Source

# --- sentences and paragraphs -------------------------------------------------------------

_SENTENCE_END = re.compile(r"[。!?！？\n]")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int  # exclusive; the sentence's text is text[start:end]
    paragraph: int  # index of the line the sentence sits on
    context: str | None  # "basic" / "project" from the nearest heading, else None


def split_sentences(text: str) -> list[Sentence]:
    """Sentences (split at 。！？ and line ends) with the section their heading puts them in."""
    sentences: list[Sentence] = []
    context: str | None = None
    paragraph = 0
    start = 0
    for match in _SENTENCE_END.finditer(text + "\n"):
        end = match.start()
        lo, hi = _strip_span(text, start, end)
        if hi > lo:
            body = text[lo:hi]
            if _is_heading(body):
                context = _heading_context(body)
            else:
                sentences.append(Sentence(lo, hi, paragraph, context))
        if match.group() == "\n":
            paragraph += 1
        start = match.end()
    return sentences


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


_HEADING_NUMBER = re.compile(
    r"^\s*(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、.]|\(\s*[一二三四五六七八九十\d]+\s*\)|\d+\s*[、.])"
)


def _is_heading(body: str) -> bool:
    # Headings are short, carry no amount and usually a number: 一、 （一） 1、 (1) 第一部分.
    return (
        len(body) <= 30
        and body[-1] not in ",;:，；：。"
        and not re.search(rf"(?:{NUMBER})\s*(?:{UNIT})", body)
        and bool(_HEADING_NUMBER.match(body) or body.endswith("情况"))
    )


def _heading_context(body: str) -> str | None:
    if "基本支出" in body:
        return "basic"
    if "项目支出" in body:
        return "project"
    return None


# --- amounts after a keyword ----------------------------------------------------------------

# Between a keyword and its figure the genre writes 为 / 是 / 共 / 合计 / ： or nothing.
_FILLER = r"(?:为|是|共|合计|共计|总计|达|:|\s){0,4}"
_AMOUNT_AFTER = re.compile(rf"{_FILLER}(?P<number>{NUMBER})\s*(?P<unit>{UNIT})?(?![.,]?\d|\s*%)")
# A figure written right after these is a prior-year or comparison number, not this year's.
_COMPARISON_BEFORE = re.compile(r"(?:上年|去年|上一年|同比|比)[^，,;；]{0,3}$")


@dataclass(frozen=True)
class _Amount:
    value: Decimal
    unit_stated: bool
    start: int
    end: int


def _amount_after(text: str, pos: int, limit: int, unit_hint: str | None) -> _Amount | None:
    """The amount written right after `pos` (before `limit`), in 万元."""
    match = _AMOUNT_AFTER.match(text, pos, limit)
    if not match:
        return None
    unit = match["unit"] or unit_hint
    if unit is None:
        return None
    return _Amount(
        to_wan(match["number"], unit), bool(match["unit"]), match.start("number"), match.end()
    )


# --- budget phases: basic / project x initial / adjusted / actual ---------------------------

# Keyword -> slot item. One alternation, so at each position the longest wording wins
# (调整预算数 before 预算数, 实际支出数 before 支出数).
_PHASE_WORDINGS: tuple[tuple[str, str], ...] = (
    ("年初批复预算数", "initial"),
    ("年初批复预算", "initial"),
    ("年初预算数", "initial"),
    ("年初预算", "initial"),
    ("调整后预算数", "adjusted"),
    ("调整后预算", "adjusted"),
    ("调整预算数", "adjusted"),
    ("预算调整数", "adjusted"),
    ("全年预算数", "adjusted"),
    ("预算数", "initial"),
    ("实际支出数", "actual"),
    ("实际支出", "actual"),
    ("全年执行数", "actual"),
    ("预算执行数", "actual"),
    ("决算数", "actual"),
    ("执行数", "actual"),
    ("支出数", "actual"),
    ("工资福利支出", "personnel"),
    ("人员经费", "personnel"),
    ("日常公用经费", "public"),
    ("公用经费", "public"),
)
_PHASE_ITEM = dict(_PHASE_WORDINGS)
_PHASE_RE = re.compile("|".join(re.escape(w) for w, _ in _PHASE_WORDINGS))
_BASIC_ONLY = {"personnel", "public"}
_SUBJECTS = (("基本支出", "basic"), ("项目支出", "project"))
_CLAUSE_END = re.compile(r"[;；]")
_THREE_PUBLIC_RE = re.compile(r"[\"“”']?三公[\"“”']?经费")


def _three_public_spans(text: str, sentence: Sentence) -> list[tuple[int, int]]:
    """Spans about 三公经费: its enclosing parentheses, or from the keyword to the clause end."""
    spans = []
    for match in _THREE_PUBLIC_RE.finditer(text, sentence.start, sentence.end):
        open_at = text.rfind("(", sentence.start, match.start())
        if open_at != -1 and ")" not in text[open_at : match.start()]:
            close_at = text.find(")", match.end(), sentence.end)
            end = close_at + 1 if close_at != -1 else sentence.end
            spans.append((open_at, end))
        else:
            clause_end = _CLAUSE_END.search(text, match.end(), sentence.end)
            spans.append((match.start(), clause_end.start() if clause_end else sentence.end))
    return spans


def _source(original: str, sentence: Sentence, start: int, end: int) -> Source:
    return Source(original[sentence.start : sentence.end], sentence.start, sentence.end, start, end)


def extract_phases(text: str, original: str, sentences: list[Sentence]) -> list[Figure]:
    """Every basic/project phase figure and personnel/public split, in reading order.

    The subject of a clause is the 基本支出/项目支出 it names, else the previous clause's subject
    in the same paragraph, else the section heading's. The genre states basic before project, so
    when a subject-less clause repeats a phase its inherited subject already gave in this
    paragraph ("2020年基本支出年初预算数为…；实际支出数为…；2020年年初预算数为…"), the
    clause moves on to 项目支出.
    """
    figures: list[Figure] = []
    subject: str | None = None
    seen: set[tuple[str, str]] = set()
    paragraph = -1
    for sentence in sentences:
        if sentence.paragraph != paragraph:
            paragraph, subject, seen = sentence.paragraph, None, set()
        masked = _mask(text, _three_public_spans(text, sentence))
        unit_hint: str | None = None
        for c_start, c_end in _clauses(masked, sentence):
            clause = masked[c_start:c_end]
            named = _named_subject(clause)
            confidence = 1.0
            if named:
                subject = named
            elif subject is None:
                subject = sentence.context
            for match in _PHASE_RE.finditer(masked, c_start, c_end):
                item = _PHASE_ITEM[match.group()]
                if _COMPARISON_BEFORE.search(masked, c_start, match.start()):
                    continue
                amount = _amount_after(masked, match.end(), c_end, unit_hint)
                if amount is None:
                    continue
                unit_hint = "万元" if amount.unit_stated else unit_hint
                section = "basic" if item in _BASIC_ONLY else subject
                if section is None:
                    continue
                if not named and (section, item) in seen and section == "basic":
                    if item in _BASIC_ONLY:
                        continue
                    section = subject = "project"
                    confidence = 0.8
                seen.add((section, item))
                figures.append(
                    Figure(
                        section=section,
                        item=item,
                        value=amount.value,
                        unit="万元",
                        wording=match.group(),
                        source=_source(original, sentence, amount.start, amount.end),
                        confidence=confidence if amount.unit_stated else confidence * 0.7,
                    )
                )
    return figures


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def _clauses(text: str, sentence: Sentence) -> Iterator[tuple[int, int]]:
    start = sentence.start
    for match in _CLAUSE_END.finditer(text, sentence.start, sentence.end):
        yield start, match.start()
        start = match.end()
    yield start, sentence.end


def _named_subject(clause: str) -> str | None:
    found = [(clause.find(word), subject) for word, subject in _SUBJECTS if word in clause]
    return min(found)[1] if found else None


# The genre explains an adjustment with 差额的原因 / 调整原因 right after the figures.
_REASON_RE = re.compile(r"差额的?原因|调整的?原因|变动的?原因")


def extract_adjustment_reasons(
    original: str, sentences: list[Sentence], phases: list[Figure]
) -> dict[str, Source]:
    """The sentence giving the reason for each section's adjustment, if the report gives one."""
    reasons: dict[str, Source] = {}
    for figure in phases:
        if figure.item != "adjusted" or figure.section in reasons:
            continue
        paragraph = next(s.paragraph for s in sentences if s.start == figure.source.sentence_start)
        for sentence in sentences:
            body = original[sentence.start : sentence.end]
            if sentence.paragraph == paragraph and _REASON_RE.search(body):
                reasons[figure.section] = _source(original, sentence, sentence.start, sentence.end)
                break
    return reasons


# --- 三公经费 --------------------------------------------------------------------------------

_THREE_PUBLIC_WORDINGS = re.compile(
    r"(?P<budget>年初预算数|年初预算|预算数|预算安排|预算)|(?P<actual>实际支出数|实际支出|决算数|支出数|实际|支出)"
)


def extract_three_public(text: str, original: str, sentences: list[Sentence]) -> list[Figure]:
    """三公经费 budget and actual, read inside the span that names 三公经费.

    Reports often drop the unit on the second number ("年初预算为9.0万，实际支出为5.26"):
    it then takes the unit of the first.
    """
    figures: list[Figure] = []
    for sentence in sentences:
        for start, end in _three_public_spans(text, sentence):
            unit_hint: str | None = None
            for match in _THREE_PUBLIC_WORDINGS.finditer(text, start, end):
                amount = _amount_after(text, match.end(), end, unit_hint)
                if amount is None:
                    continue
                unit_hint = "万元" if amount.unit_stated else unit_hint
                item = "budget" if match["budget"] else "actual"
                figures.append(
                    Figure(
                        section="three_public",
                        item=item,
                        value=amount.value,
                        unit="万元",
                        wording=match.group(),
                        source=_source(original, sentence, amount.start, amount.end),
                        confidence=1.0 if amount.unit_stated else 0.7,
                    )
                )
    return figures


# --- fund sources ----------------------------------------------------------------------------

# Government level -> contract key. Single-character levels only count before 财政 (市财政资金),
# so 市区下达 or 辖区 are never read as a level.
_LEVEL_WORDS: tuple[tuple[str, str], ...] = (
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
_FUND_RE = re.compile(
    "(?P<level>"
    + "|".join(f"(?P<l{i}>{pattern})" for i, (pattern, _) in enumerate(_LEVEL_WORDS))
    + r")(?:财政)?(?:专项)?(?:资金|拨款|补助资金|补助|投入)"
)


def extract_fund_sources(text: str, original: str, sentences: list[Sentence]) -> list[FundSource]:
    """Project funds by government level (中央/省级/市级/区级·县级/其他), in 万元.

    Read only in sentences about 项目支出, and 其他 only beside a named level, so a split by type
    of funds (一般公共预算拨款 … 其他资金) is not mistaken for a split by level.
    """
    found: list[FundSource] = []
    for sentence in sentences:
        if sentence.context != "project" and "项目" not in text[sentence.start : sentence.end]:
            continue
        in_sentence: list[FundSource] = []
        for match in _FUND_RE.finditer(text, sentence.start, sentence.end):
            clause_end = _CLAUSE_END.search(text, match.end(), sentence.end)
            limit = clause_end.start() if clause_end else sentence.end
            amount = _amount_after(text, match.end(), limit, None)
            if amount is None:
                continue
            index = next(i for i in range(len(_LEVEL_WORDS)) if match[f"l{i}"] is not None)
            in_sentence.append(
                FundSource(
                    level=_LEVEL_WORDS[index][1],
                    amount_wan=amount.value,
                    wording=original[match.start() : match.end()],
                    source=_source(original, sentence, amount.start, amount.end),
                )
            )
        if any(f.level != "other" for f in in_sentence):
            found.extend(in_sentence)
    return found


# --- projects ----------------------------------------------------------------------------------

_ITEM_RE = re.compile(
    rf"\s*(?:\d+\s*[、.]|\(\s*\d+\s*\))?\s*(?P<name>[^\d;；,，:：。()]{{2,40}}?)\s*[:：为]?\s*"
    rf"(?P<number>{NUMBER})\s*(?P<unit>{UNIT})(?![%\d])[,，、]?\s*(?P<purpose>.*)$"
)
_NOT_A_PROJECT = re.compile(
    r"预算|支出|决算|执行|合计|总计|共计|小计|结转|" + "|".join(p for p, _ in _LEVEL_WORDS)
)
_LIST_START = re.compile(r"其中\s*[:：]")
_NUMBERED_LINE = re.compile(r"^\s*(?:\d+\s*[、.]|\(\s*\d+\s*\))")


def extract_projects(text: str, original: str, sentences: list[Sentence]) -> list[Project]:
    """Projects with amount (万元) and purpose, in report order.

    Two list shapes: a sentence "其中：A x万元，用途；B y万元，用途", and numbered lines
    "1、A x万元" under the 项目支出 heading.
    """
    projects: list[Project] = []
    for sentence in sentences:
        if sentence.context != "project":
            continue
        body = text[sentence.start : sentence.end]
        list_at = _LIST_START.search(body)
        if list_at:
            start = sentence.start + list_at.end()
        elif _NUMBERED_LINE.match(body):
            start = sentence.start
        else:
            continue
        for c_start, c_end in _clauses(text, Sentence(start, sentence.end, 0, None)):
            match = _ITEM_RE.match(text, c_start, c_end)
            if not match or _NOT_A_PROJECT.search(match["name"]):
                continue
            # "党建经费项2.8万元": 项 is the report's counter word, not part of the name.
            name = re.sub(r"(?<=[费金])项$", "", match["name"].strip())
            projects.append(
                Project(
                    name=original[match.start("name") : match.start("name") + len(name)],
                    amount_wan=to_wan(match["number"], match["unit"]),
                    purpose=original[match.start("purpose") : match.end("purpose")].strip(),
                    # The list item, not the whole list, is this project's source.
                    source=_source(
                        original,
                        Sentence(*_strip_span(text, c_start, c_end), 0, None),
                        match.start("number"),
                        match.end("unit"),
                    ),
                )
            )
    return projects


# --- staffing -------------------------------------------------------------------------------------

# Most specific wording first: 编制人数为8人 beats 行政编制5人 later in the same sentence.
_STAFF_WORDINGS: dict[str, tuple[str, ...]] = {
    "authorized": ("编制人数", "编制数", "核定编制", "编制"),
    "actual": ("实有在职人员", "实有在职人数", "在职人员", "在职人数", "实有人员", "实有人数"),
}
_COUNT_AFTER = re.compile(r"(?:为|是|共|:|\s){0,3}(?P<count>\d+)\s*(?:人|名)")


def extract_staffing(text: str, original: str, sentences: list[Sentence]) -> list[Figure]:
    """Authorized posts (编制) and staff actually employed (实有在职人员), as head counts."""
    figures: list[Figure] = []
    for item, wordings in _STAFF_WORDINGS.items():
        figure = _first_count(text, original, sentences, item, wordings)
        if figure:
            figures.append(figure)
    return figures


def _first_count(
    text: str, original: str, sentences: list[Sentence], item: str, wordings: tuple[str, ...]
) -> Figure | None:
    for wording in wordings:
        pattern = re.compile(re.escape(wording))
        for sentence in sentences:
            for match in pattern.finditer(text, sentence.start, sentence.end):
                count = _COUNT_AFTER.match(text, match.end(), sentence.end)
                if count:
                    return Figure(
                        section="staffing",
                        item=item,
                        value=Decimal(count["count"]),
                        unit="人",
                        wording=wording,
                        source=_source(original, sentence, count.start("count"), count.end()),
                    )
    return None


# --- department and year ------------------------------------------------------------------------

_TITLE_RE = re.compile(
    r"(?P<before>[^\d]*?)(?P<year>(?:19|20)\d{2})\s*年度?(?P<after>.*?)"
    r"(?:部门|单位)?(?:整体)?(?:支出)?(?:绩效)?(?:自评|自我评价|评价)报告"
)


def extract_department_year(original: str) -> tuple[str | None, int | None, Source | None]:
    """Department and year from the title, which may wrap over the first lines."""
    lines: list[tuple[int, int]] = []
    pos = 0
    for line in original.splitlines(keepends=True):
        lo, hi = _strip_span(original, pos, pos + len(line))
        if hi > lo:
            lines.append((lo, hi))
        pos += len(line)
        if len(lines) == 4:
            break
    joined = ""
    for count, (_, hi) in enumerate(lines, start=1):
        joined = re.sub(r"\s+", "", normalise("".join(original[a:b] for a, b in lines[:count])))
        match = _TITLE_RE.search(joined)
        if match:
            department = (match["after"] or match["before"]).strip() or None
            start = lines[0][0]
            sentence = original[start:hi]
            return department, int(match["year"]), Source(sentence, start, hi, start, hi)
    return None, None, None


# --- the whole report ---------------------------------------------------------------------------------


def extract_report(original: str) -> Report:
    """Everything the report states, each figure with its source sentence; checks not yet run."""
    text = normalise(original)
    sentences = split_sentences(text)
    department, year, department_source = extract_department_year(original)
    phases = extract_phases(text, original, sentences)
    readings = (
        phases
        + extract_three_public(text, original, sentences)
        + extract_staffing(text, original, sentences)
    )
    report = Report(
        department=department,
        year=year,
        readings=readings,
        fund_sources=extract_fund_sources(text, original, sentences),
        projects=extract_projects(text, original, sentences),
        department_source=department_source,
        adjustment_reasons=extract_adjustment_reasons(original, sentences, phases),
    )
    for figure in readings:
        report.figures.setdefault((figure.section, figure.item), figure)
    _resolve_adjustment_wording(report)
    return report


def _resolve_adjustment_wording(report: Report) -> None:
    """Read 预算调整数 as the size of the adjustment when only that reading adds up.

    Hunan reports use 预算调整数 for the adjusted total (seed: 801.07 = actual); the Ministry's
    framework uses it for the change. When initial + figure = actual and figure ≠ actual, the
    figure is the change, and the adjusted total is initial + figure.
    """
    tolerance = Decimal("0.005")
    for section in ("basic", "project"):
        adjusted = report.figures.get((section, "adjusted"))
        initial = report.value(section, "initial")
        actual = report.value(section, "actual")
        if adjusted is None or adjusted.wording != "预算调整数" or None in (initial, actual):
            continue
        assert initial is not None and actual is not None
        if (
            abs(initial + adjusted.value - actual) <= tolerance
            and abs(adjusted.value - actual) > tolerance
        ):
            report.figures[(section, "adjusted")] = replace(
                adjusted,
                value=initial + adjusted.value,
                note=f"预算调整数 {adjusted.value} 读作调整额：调整后预算 = 年初预算 + 调整额",
                confidence=0.8,
            )
