"""Projects: name, amount and purpose, from lists in sentences and from table rows."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from decimal import Decimal

from etl.amounts import NUMBER, to_wan
from etl.extract.fields import Field
from etl.extract.forms import ACTUAL_FIRST, FULL_YEAR_FIRST, Meaning
from etl.extract.funds import fund_sources_of
from etl.extract.layout import HEADING_NUMBER, Sentence, Sentences, clauses, strip_span, with_match
from etl.extract.prose import UNIT_AFTER, is_comparison
from etl.extract.wording import FUND_RE
from etl.model import PROJECT_PHASES, Figure, Project, Source

_PROJECT_WORD = re.compile("项目支出")
# "其中：A x万元…", and without the colon after words that can only open a list of items:
# "项目支出主要包括乡镇财政所运转补助326.40万元、财政信息化建设经费148.65万元".
_LIST_START = re.compile(
    r"(?:其中|分别是|分别为|具体如下|具体为|主要包括|包括|明细如下|如下|主要用于|主要有"
    r"|主要项目|具体项目|项目明细)\s*[:]|(?:其中|主要包括|包括|主要用于|主要为|主要是|主要有|分别是|分别为)(?=[^\d,;:。]{2,30}\d)"
)
_ITEM_NUMBER = re.compile(r"\s*(?:\d+\s*(?:、|\.(?!\d))|\(\s*\d+\s*\)|[①-⑳])\s*")
# Where one numbered item ends and the next begins inside a line: "…；2、B…".
_NEXT_ITEM = re.compile(r"(?<=[;。\s])(?=\s*(?:\d+\s*(?:、|\.(?!\d))|\(\s*\d+\s*\)|[①-⑳]))")
# A name may hold a count that is part of it ("第16届人大代表第一次会议经费", "5G基站建设"), never
# the amount after it.
_NAME_RE = re.compile(
    r"(?P<name>(?:(?:19|20)\d{2}年度?)?(?:[^\d;,:。()]|第\d+(?=[届次批期号])|\d+(?=[A-Za-z号届期批]))"
    r"{2,40}?)\s*(?:项目名称)?[:为,]?\s*"
    r"(?=\d|(?:年初|调整|全年|实际|预算|决算|支出|执行))"
)
_ITEM_AMOUNT = re.compile(rf"(?P<number>{NUMBER})\s*(?P<unit>{UNIT_AFTER})(?![%\d])")
_NOT_A_PROJECT = re.compile(
    r"年初预算|调整预算|预算调整|调整后|全年预算|预算数|实际支出|支出数|决算|执行数|合计|总计|共计"
    r"|小计|结转|基本支出|项目支出|人员经费|公用经费|工资福利|三公|公务接待|公务用车|因公出国"
    r"|^其中|收入|报告|^栏次|^本年|^上年|年末|年初|结余|总额$|^部门整体"
)
_ITEM_PHASE = re.compile(
    r"(?P<initial>年初预算数|年初预算|年初批复(?:预算)?|年初安排(?:预算)?|预算数)"
    r"|(?P<adjusted>调整后预算数|调整后预算|调整预算数|全年预算数|全年预算|预算调整数)"
    r"|(?P<actual>实际支出数|实际支出|决算数|支出数|执行数|全年执行|实际执行|实际使用|支出)"
    # 追加 / 调减 name the size of an adjustment, not a phase: never read as one.
    r"|(?P<change>追加|调增|调减|减少|增加)"
)
_ITEM_SCORE = re.compile(r"(?:自评|评价)?得分(?:为)?\s*(?P<score>\d+(?:\.\d+)?)\s*分")
_PURPOSE_START = re.compile(r"[,、:\s]*")


def extract_projects(
    text: str,
    original: str,
    sentences: list[Sentence],
    in_tables: list[Meaning] | None = None,
    year: int | None = None,
    *,
    default_phase: str = "",
    section_figures: list[Figure] | None = None,
) -> list[Project]:
    """Projects with amount (万元) and purpose, in report order.

    Three list shapes: a sentence "其中：A x万元，用途；B y万元，用途" (or "A x万元、B y万元"), numbered
    lines "1、A x万元" / "（1）A：年初预算50万元，实际支出48.6万元，用于…" under the 项目支出
    heading, and table rows under a 项目名称 header. When an item gives several phases, the
    actual spend is its amount.
    """
    projects: list[tuple[int, Project]] = []
    section_figures = sorted(
        (f for f in section_figures or () if f.section == "project" and f.item in PROJECT_PHASES),
        key=lambda f: f.source.value_start,
    )
    # A report that states 项目支出 in one phase only (its 支出 286.83万元) lists its projects'
    # spending in that phase too ("项目支出包括委员活动经费36.3万元…").
    phases_stated = {f.item for f in section_figures}
    only_phase = phases_stated.pop() if len(phases_stated) == 1 else ""
    # A list may also follow "项目支出年初预算数…" in a paragraph under a general heading.
    mentioned: dict[int, int] = {}
    for sentence in with_match(_PROJECT_WORD, text, sentences):
        found = _PROJECT_WORD.search(text, sentence.start, sentence.end)
        mentioned.setdefault(sentence.paragraph, found.start() if found else sentence.start)
    for sentence in sentences:
        # Under a 项目支出 heading, or after 项目支出 is named in the paragraph (the same
        # sentence included: "项目支出主要包括A x万元、B y万元").
        after = mentioned.get(sentence.paragraph)
        if sentence.in_table or (sentence.context != "project" and after is None):
            continue
        body = text[sentence.start : sentence.end]
        # The first list the sentence opens after 项目支 is named ("基本支出…其中人员经费…；项目
        # 支出…其中A x万元…": the second 其中 lists projects).
        starts = [m for m in _LIST_START.finditer(body)]
        if sentence.context != "project" and after is not None:
            starts = [m for m in starts if sentence.start + m.start() > after]
        list_at = starts[0] if starts else None
        opens = sentence.start + list_at.start() if list_at else sentence.start
        if sentence.context != "project" and (after is None or after >= opens):
            continue
        if list_at:
            start = sentence.start + list_at.end()
            items = list(_list_items(text, start, sentence.end))
        elif _ITEM_NUMBER.match(body):
            items = list(_numbered_items(text, sentence.start, sentence.end))
        else:
            continue
        # "全年支出58.46万元，其中A 41.26万元、B 17.20万元": the items split the 项目支出 figure
        # read just before them in the sentence, and share its phase.
        split = [
            f.item
            for f in section_figures
            if sentence.start <= f.source.value_start < opens + (list_at.end() if list_at else 0)
        ]
        phase = split[-1] if split else (only_phase or default_phase)
        for i_start, i_end in items:
            project = _read_item(text, original, i_start, i_end, year, phase)
            if project:
                projects.append((i_start, project))
    if isinstance(sentences, Sentences):
        projects.extend(_heading_items(text, original, sentences, year))
    projects.extend(_listed(original, in_tables or ()))
    projects.extend(_forms(original, in_tables or ()))
    projects.sort(key=lambda p: p[0])
    return [p for _, p in projects]


def _listed(original: str, in_tables: Iterable[Meaning]) -> Iterator[tuple[int, Project]]:
    """Projects listed in table rows: one per row, its amount the actual spend when stated."""
    rows: dict[int, list[Meaning]] = {}
    for meaning in in_tables:
        if meaning.kind == "project" and meaning.amount() is not None:
            rows.setdefault(meaning.value.row.start, []).append(meaning)
    for start, found in rows.items():
        chosen = min(found, key=lambda m: ACTUAL_FIRST[m.phase])
        row, label = chosen.value.row, chosen.value.row.label
        if label is None:
            continue
        name = project_name(chosen.key[1])
        if len(name) < 2 or _LIST_TOTAL.search(name) or _LIST_TOTAL.search(label.text):
            continue  # "收入总计", "本年收入合计": a list's totals, not a project
        offset = max(label.text.find(name), 0)
        purpose = next(
            (
                cell
                for index, cell in row.values.items()
                if cell.kind == "text"
                and _PURPOSE_COLUMN.search(chosen.table.header[index].cell.text)
            ),
            None,
        )
        yield (
            start,
            _project(
                original[label.start + offset : label.start + offset + len(name)],
                chosen,
                found,
                original,
                purpose=original[purpose.start : purpose.end] if purpose else "",
            ),
        )


_PURPOSE_COLUMN = re.compile(r"用途|内容|说明|绩效目标|备注")
# A table row that totals the list (its sections are told apart by the row vocabulary already;
# a project may well be 生均公用经费).
_LIST_TOTAL = re.compile(
    r"收入|合计|总计|小计|报告|^栏次|^本年|^上年|结余|^部门整体|总额$"
    # Several rows' labels run into one cell ("2、运行维护专项 公用经费 其中:办公经费"): not one name.
    r"|\s(?:公用经费|人员经费|基本支出|项目支出|三公|其中)"
)


def _forms(original: str, in_tables: Iterable[Meaning]) -> Iterator[tuple[int, Project]]:
    """One project per 项目支出绩效自评表: named by its 项目名称 field, its amount the 全年预算数."""
    # By the project's name: a form that repeats its 项目名称 (a page break in a PDF) is one form.
    forms: dict[str, tuple[Field, list[Meaning]]] = {}
    for meaning in in_tables:
        field = meaning.table.project
        if field is not None and meaning.kind in ("project_total", "project_part", "score", "fund"):
            key = project_name(field.value.text)
            forms.setdefault(key, (field, []))[1].append(meaning)
    for field, found in forms.values():
        totals = [m for m in found if m.kind == "project_total" and m.amount() is not None]
        if not totals:
            continue
        # The first total row of the form (年度资金总额), not a 合计 further down.
        first_row = min(m.value.row.start for m in totals)
        totals = [m for m in totals if m.value.row.start == first_row] or totals
        totals = _filled(totals, [m for m in found if m.kind == "project_part"])
        chosen = min(totals, key=lambda m: FULL_YEAR_FIRST[m.phase])
        score = next((m for m in found if m.kind == "score"), None)
        name = project_name(field.value.text)
        offset = max(field.value.text.find(name), 0)
        start = field.value.start + offset
        project = _project(
            original[start : start + len(name)],
            chosen,
            totals,
            original,
            score=score,
            funds=[m for m in found if m.kind == "fund"],
        )
        if project.score is None:
            project = _with_stated_score(project, original, field, first_row)
        yield first_row, project


# A form's total score in its title block: "填报日期：总分：99.96分", "自评得分：98分".
_FORM_SCORE = re.compile(
    r"(?:总分|自评得分|自评总分)[:：]?\s*(?P<score>\d{1,3}(?:\.\d{1,2})?)\s*分"
)


def _with_stated_score(project: Project, original: str, field: Field, first_row: int) -> Project:
    """The project with the total score its form's title block states, between the words just
    before its 项目名称 and its first figures (one score, at most 100), if any."""
    start = max(0, field.label.start - 120)
    found = [m for m in _FORM_SCORE.finditer(original, start, first_row)]
    if len(found) != 1 or Decimal(found[0]["score"]) > 100:
        return project
    match = found[0]
    source = Source(match.group(), match.start(), match.end(), *match.span("score"))
    return replace(
        project, score=Decimal(match["score"]), sources=(*project.sources, ("score", source))
    )


def _filled(totals: list[Meaning], parts: list[Meaning]) -> list[Meaning]:
    """The form's 年度资金总额 row, or, when it was left at 0 while exactly one of its 其中 rows
    (本年财政拨款, 上年结转资金, 其他资金) holds the money, that row: the total of one part."""
    if any(m.amount() for m in totals):
        return totals
    rows: dict[int, list[Meaning]] = {}
    for part in parts:
        if part.amount():
            rows.setdefault(part.value.row.start, []).append(part)
    return next(iter(rows.values())) if len(rows) == 1 else totals


def _project(
    name: str,
    chosen: Meaning,
    found: list[Meaning],
    original: str,
    *,
    purpose: str = "",
    score: Meaning | None = None,
    funds: list[Meaning] | None = None,
) -> Project:
    amount = chosen.amount()
    assert amount is not None
    phases = {m.phase: m for m in found if m.phase in PROJECT_PHASES}
    sources = [
        (phase, phases[phase].source(original)) for phase in PROJECT_PHASES if phase in phases
    ]
    score_value = None
    if score is not None and score.value.text.replace(".", "", 1).isdigit():
        score_value = Decimal(score.value.text)
        sources.append(("score", score.source(original)))
    return Project(
        name=name,
        amount_wan=amount,
        purpose=purpose,
        source=chosen.source(original),
        initial_wan=phases["initial"].amount() if "initial" in phases else None,
        adjusted_wan=phases["adjusted"].amount() if "adjusted" in phases else None,
        actual_wan=phases["actual"].amount() if "actual" in phases else None,
        score=score_value,
        fund_sources=tuple(fund_sources_of(funds or [], original)),
        sources=tuple(sources),
    )


# A project code before the name: "51000021R000000019951-工资性支出", "[411001]…", "P2023001 …".
_PROJECT_CODE = re.compile(r"^[\[【(（]?[0-9A-Za-z]{6,}[\]】)）]?\s*[-—_－:：、]?\s*")


def project_name(name: str) -> str:
    """A project's name without its numbering or project code.

    >>> project_name("51000021R000000019951-工资性支出")
    '工资性支出'
    """
    name = _ITEM_NUMBER.sub("", name.strip(), count=1) if _ITEM_NUMBER.match(name) else name.strip()
    return _PROJECT_CODE.sub("", name).strip()


def _numbered_items(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    pos = start
    for match in _NEXT_ITEM.finditer(text, start + 1, end):
        yield _strip_item(text, pos, match.start())
        pos = match.start()
    yield _strip_item(text, pos, end)


def _strip_item(text: str, start: int, end: int) -> tuple[int, int]:
    start, end = strip_span(text, start, end)
    while end > start and text[end - 1] in ";,":
        end -= 1
    return start, end


def _list_items(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Items of "A x万元，用途；B y万元" or "A x万元、B y万元、C z万元".

    Clauses split at ；. A clause with several amounts and no phase words is a short list: it
    splits after each amount at 、 or ，.
    """
    for c_start, c_end in clauses(text, Sentence(start, end, 0, None)):
        amounts = list(_ITEM_AMOUNT.finditer(text, c_start, c_end))
        pos = c_start
        for amount in amounts[:-1]:
            split = amount.end()
            # "A支出41.26万元，B支出17.20万元": another item unless a phase word of the same
            # item follows ("年初预算50万元，实际支出48.6万元").
            if split < c_end and text[split] in "、," and not _ITEM_PHASE.match(text, split + 1):
                yield _strip_item(text, pos, split)
                pos = split + 1
        yield _strip_item(text, pos, c_end)


def _read_item(
    text: str, original: str, start: int, end: int, year: int | None, default_phase: str = ""
) -> Project | None:
    number = _ITEM_NUMBER.match(text, start, end)
    pos = number.end() if number else start
    name_match = _NAME_RE.match(text, pos, end)
    if not name_match:
        return None
    name = name_match["name"].strip()
    # "党建经费项2.8万元": 项 is the report's counter word, not part of the name.
    name = re.sub(r"(?<=[费金])项$", "", name)
    # "基本" before "支出1,002.30万元" is 基本支出, a section: the name stopped at its second word.
    cut_word = name[-2:] + text[name_match.end() : name_match.end() + 2]
    if (
        len(name) < 2
        or _NOT_A_PROJECT.search(name)
        or (len(name) == 2 and _NOT_A_PROJECT.fullmatch(cut_word))
        or FUND_RE.search(name)
    ):
        return None
    phases, plain, last_end = _item_amounts(text, name_match.end(), end, year)
    if not phases and plain is None:
        return None
    if plain is not None and default_phase:
        phases[default_phase] = plain  # "1、代表履职补贴643200元" in a 预算: its initial budget
    lead = _PURPOSE_START.match(text, last_end, end)
    purpose_start = lead.end() if lead else last_end
    name_start = name_match.start("name") + (
        text.index(name, name_match.start("name")) - name_match.start("name")
    )
    return _prose_project(
        original,
        original[name_start : name_start + len(name)],
        phases,
        plain,
        # The list item, not the whole list, is this project's source.
        (start, end),
        purpose=original[purpose_start:end].strip(),
    )


def _item_amounts(
    text: str, start: int, end: int, year: int | None
) -> tuple[dict[str, re.Match[str]], re.Match[str] | None, int]:
    """An item's amounts by phase (the phase word right before each), its plain amount when it
    gives one without a phase word ("A 16.65万元，用于…"), and where its last amount ends."""
    phases: dict[str, re.Match[str]] = {}
    plain: re.Match[str] | None = None
    last_end = start
    for amount in _ITEM_AMOUNT.finditer(text, start, end):
        if is_comparison(text, start, amount.start(), year):
            last_end = amount.end()
            continue
        phase = None
        for word in _ITEM_PHASE.finditer(text, max(last_end, amount.start() - 12), amount.start()):
            phase = word
        last_end = amount.end()
        if phase is None:
            if not phases and plain is None:
                plain = amount
                break  # the first plain amount is the item's; what follows is its purpose
            continue
        if phase.lastgroup != "change":
            phases.setdefault(str(phase.lastgroup), amount)
    return phases, plain, last_end


def _prose_project(
    original: str,
    name: str,
    phases: dict[str, re.Match[str]],
    plain: re.Match[str] | None,
    span: tuple[int, int],
    *,
    purpose: str = "",
    score: re.Match[str] | None = None,
) -> Project:
    """A project read from sentences: its amount the actual spend when stated, else its budget."""
    amount = plain or min(phases.items(), key=lambda item: ACTUAL_FIRST[item[0]])[1]
    start, end = span

    def source(match: re.Match[str]) -> Source:
        return Source(original[start:end], start, end, match.start("number"), match.end())

    def value(match: re.Match[str]) -> Decimal:
        return to_wan(match["number"], match["unit"])

    sources = [(phase, source(phases[phase])) for phase in PROJECT_PHASES if phase in phases]
    if score is not None:
        sources.append(
            ("score", Source(original[start:end], start, end, score.start("score"), score.end()))
        )
    return Project(
        name=name,
        amount_wan=value(amount),
        purpose=purpose,
        source=source(amount),
        initial_wan=value(phases["initial"]) if "initial" in phases else None,
        adjusted_wan=value(phases["adjusted"]) if "adjusted" in phases else None,
        actual_wan=value(phases["actual"]) if "actual" in phases else None,
        score=Decimal(score["score"]) if score else None,
        sources=tuple(sources),
    )


# A heading that names one project: "（一）审计业务专项经费", "1.“数说红河”展厅运维经费".
_PROJECT_HEADING = re.compile(
    r"(?P<name>[^,;:。()]{2,40}?(?:经费|费|项目|工程|资金|补助|专项|奖励|补贴|工作|建设|服务))$"
)


def _heading_items(
    text: str, original: str, sentences: Sentences, year: int | None
) -> Iterator[tuple[int, Project]]:
    """Projects whose own paragraph follows a numbered heading naming them: the phases and the
    自评得分 in the sentences up to the next heading are that project's."""
    headings = sentences.headings
    for index, (start, end) in enumerate(headings):
        number = _ITEM_NUMBER.match(text, start, end) or HEADING_NUMBER.match(text, start, end)
        if number is None:
            continue
        name = _PROJECT_HEADING.fullmatch(text, number.end(), end)
        if name is None or _NOT_A_PROJECT.search(name["name"]) or _GENERIC.search(name["name"]):
            continue
        stop = headings[index + 1][0] if index + 1 < len(headings) else len(text)
        body = [s for s in sentences if start < s.start < stop and not s.in_table]
        if not body:
            continue
        phases: dict[str, re.Match[str]] = {}
        score = None
        for sentence in body:
            found, _, _ = _item_amounts(text, sentence.start, sentence.end, year)
            for phase, match in found.items():
                phases.setdefault(phase, match)
            score = score or _ITEM_SCORE.search(text, sentence.start, sentence.end)
        if not phases:
            continue
        project_start = name.start("name")
        project_name = original[project_start : name.end("name")]
        yield (
            start,
            _prose_project(
                original, project_name, phases, None, (start, body[-1].end), score=score
            ),
        )


_GENERIC = re.compile(
    r"^(?:项目|项目支出|项目资金|专项|专项资金|资金|经费|工作|建设|服务|基本情况)$"
    r"|(?:情况|概况|目标|成效|问题|措施)"
)
