"""Budget phases: 基本支出 / 项目支出 x 年初预算 / 调整后预算 / 实际支出, and 人员经费 / 公用经费."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from etl.amounts import NUMBER, to_wan
from etl.extract.forms import ACTUAL_FIRST, Meaning, best
from etl.extract.layout import Sentence, clauses, mask, sentence_source, starts_of, with_match
from etl.extract.prose import (
    AMOUNT_AFTER,
    FILLER,
    amount_after,
    is_comparison,
    other_year,
    year_differs,
)
from etl.extract.three_public import three_public_spans
from etl.extract.wording import PHASE_OF, PHASE_WORDINGS, THREE_PUBLIC_RE, TOTAL_WORDINGS
from etl.model import Figure, Source

# "2、支出：799.12万元。其中：…项目支出286.83万元": 支出 alone, not ending another word, before
# its amount names the department's total spending.
# (No lookbehind in the pattern: it would stop the engine skipping ahead to 年 / 调 / 实 …;
# _bare_total checks the character before.)
_PHASE_RE = re.compile("|".join(re.escape(w) for w, _ in PHASE_WORDINGS) + r"|支出(?=\s*[:为])")


def _bare_total(text: str, match: re.Match[str]) -> bool:
    """Whether a bare 支出 ends another word ("项目支出为…", not the department's total)."""
    return (
        match.group() == "支出" and "\u4e00" <= text[match.start() - 1 : match.start()] <= "\u9fff"
    )


_BASIC_ONLY = {"personnel", "public"}
# "人员经费支出758.01万元": a spend verb may sit between 人员经费 and its amount.
_PART_VERB = re.compile(r"(?:实际支出|支出|开支|决算)?")
# Subjects a clause can name. 整体 / 总额 / 合计 name the department's total, not a section.
_SUBJECT_RE = re.compile(
    r"基本支出|项目支出|部门整体支出|整体支出|支出总额|预算总额|总预算|收支总额|全部支出|支出合计|总支出"
)
_SUBJECT_OF = {"基本支出": "basic", "项目支出": "project"}
# "其中基本支出800万元、项目支出434.5万元" after a total: a section named right before an amount.
_SECTION_AMOUNT = re.compile(
    rf"(基本支出|项目支出)(?={FILLER}{NUMBER}\s*(?:亿元|万元|元|万(?![人次个项])|亿(?![人次])))"
)
# "1、法律援助经费：年初预算120.00万元，实际支出118.20万元": the phases of one project, not of
# 项目支出. A name ending like a project right before the first phase word marks such an item.
_ITEM_BEFORE = re.compile(
    r"(?P<name>[^\d,;:。()\s]{2,30}?(?:经费|费|项目|工程|资金|补助|专项|奖励))\s*[:,]?\s*$"
)
_GENERIC_ITEM = re.compile(
    r"(?:人员经费|公用经费|三公经费|三公)$"
    r"|^(?:本年度?|全年|当年|本部门|部门|本单位|单位|其中)?(?:项目|专项|财政)?(?:资金|经费|项目)$"
)


def _names_an_item(text: str, start: int, pos: int) -> bool:
    """Whether a project's name (not 基本支出/项目支出) stands right before the phase at `pos`."""
    match = _ITEM_BEFORE.search(text, max(start, pos - 40), pos)
    return match is not None and not _GENERIC_ITEM.search(match["name"])


def _subject_before(text: str, start: int, end: int) -> str | None:
    """The last section named in text[start:end]: "basic", "project", "total", or None.

    A section named right before an amount ("其中基本支出800万元") is a split of a total, not
    the subject of the phase words that follow.
    """
    found: str | None = None
    for match in _SUBJECT_RE.finditer(text, start, end):
        if not _SECTION_AMOUNT.match(text, match.start(), end):
            found = _SUBJECT_OF.get(match.group(), "total")
    return found


def extract_phases(
    text: str,
    original: str,
    sentences: list[Sentence],
    in_tables: list[Meaning] | None = None,
    year: int | None = None,
    *,
    default_phase: str = "",
    naming_three_public: list[Sentence] | None = None,
) -> list[Figure]:
    """Every basic/project phase figure and personnel/public split, in reading order.

    The subject of a clause is the 基本支出/项目支出 it names, else the previous clause's subject
    in the same paragraph, else the section heading's. The genre states basic before project, so
    when a subject-less clause repeats a phase its inherited subject already gave in this
    paragraph ("2020年基本支出年初预算数为…；实际支出数为…；2020年年初预算数为…"), the
    clause moves on to 项目支出. A total split by section ("年初预算数为1,234.5万元，其中基本支出
    800万元，项目支出434.5万元") gives each section the total's phase. Table cells are read by
    their row and column headers. `naming_three_public` are the sentences naming 三公经费, when
    the caller has them already (extract_three_public reads the same ones).
    """
    if naming_three_public is None:
        naming_three_public = with_match(THREE_PUBLIC_RE, text, sentences)
    spans = [span for s in naming_three_public for span in three_public_spans(text, s)]
    masked = mask(text, spans)
    figures: list[Figure] = []
    subject: str | None = None
    seen: set[tuple[str, str]] = set()
    paragraph = -1
    governed: dict[int, str] = {}  # sentence start -> the phase of the total it ended with
    for sentence in with_match(_PHASE_RE, masked, sentences):
        if sentence.paragraph != paragraph:
            paragraph, subject, seen = sentence.paragraph, None, set()
        unit_hint: str | None = None
        governing: str | None = None  # the phase of the last total read in this sentence
        in_item = False  # the sentence lists one project's own phases
        for c_start, c_end in clauses(masked, sentence):
            first = _PHASE_RE.search(masked, c_start, c_end)
            if first and _names_an_item(masked, c_start, first.start()):
                in_item = True
            if in_item:
                continue
            named: str | None = None
            if subject is None:
                subject = sentence.context
            part_subject = _part_subject(masked, c_start, c_end)
            pos = c_start
            for match in _PHASE_RE.finditer(masked, c_start, c_end):
                if _bare_total(masked, match):
                    continue  # "基本支出：" — the 支出 of a section's name
                # The subject is the section named before the phase word, in this clause.
                here = _subject_before(masked, pos, match.start())
                pos = match.end()
                if here:
                    subject = named = here
                item = PHASE_OF[match.group()]
                if _bare_total(masked, match) or is_comparison(
                    masked, c_start, match.start(), None
                ):
                    continue
                elsewhere = year_differs(masked, c_start, match.start(), year)
                after = match.end()
                if masked[after : after + 1] == ")" and masked[match.start() - 1] == "(":
                    after += 1  # "商品和服务支出(公用支出)843942元": the keyword glosses a name
                if item in _BASIC_ONLY:
                    verb = _PART_VERB.match(masked, after, c_end)
                    after = verb.end() if verb else after
                amount = amount_after(masked, after, c_end, unit_hint)
                if amount is None:
                    continue
                unit_hint = "万元" if amount.unit_stated else unit_hint
                confidence = 1.0 if amount.unit_stated else 0.7
                if match.group() in TOTAL_WORDINGS:
                    governing = item
                    continue
                section: str | None
                if item in _BASIC_ONLY:
                    section = "basic"
                elif part_subject is not None:
                    # "人员经费年初预算500万元，实际支出520万元": the part's own phases.
                    if item != "actual":
                        continue
                    section, item = "basic", part_subject
                else:
                    governing = item
                    section = subject if subject in ("basic", "project") else None
                if section is None:
                    continue
                if (
                    not named
                    and part_subject is None
                    and (section, item) in seen
                    and section == "basic"
                ):
                    if item in _BASIC_ONLY:
                        continue
                    section = subject = "project"
                    confidence *= 0.8
                seen.add((section, item))
                figure = Figure(
                    section=section,
                    item=item,
                    value=amount.value,
                    unit="万元",
                    wording=match.group(),
                    source=sentence_source(original, sentence, amount.start, amount.end),
                    confidence=confidence,
                )
                figures.append(other_year(figure) if elsewhere else figure)
            if governing is not None:
                figures.extend(
                    _section_split(masked, original, sentence, c_start, c_end, governing, year)
                )
        if governing is not None:
            governed[sentence.start] = governing
    figures.extend(_split_after(masked, original, sentences, governed, figures, year))
    if default_phase:
        figures.extend(_plain_sections(masked, original, sentences, default_phase, figures, year))
    for meaning in best((m for m in in_tables or () if m.kind == "phase"), ACTUAL_FIRST):
        if (read := meaning.figure(original)) is not None:
            figures.append(read)
    return _prefer_personnel_wording(figures, text)


_THEREOF = re.compile(r"其中\s*[:：,，]?")


def _split_after(
    text: str,
    original: str,
    sentences: list[Sentence],
    governed: dict[int, str],
    found: list[Figure],
    year: int | None,
) -> list[Figure]:
    """ "全年支出12,265.78万元。其中：基本支出1,402.66万元…": a sentence opening with 其中 splits
    the total the sentence before it ended with, in the same paragraph."""
    read = {f.source.value_start for f in found}
    figures: list[Figure] = []
    # Only the few sentences that ended with a total are looked up, not every pair of sentences.
    starts = starts_of(sentences)
    for start, phase in governed.items():
        at = bisect_left(starts, start)
        if at + 1 >= len(sentences):
            continue
        previous, sentence = sentences[at], sentences[at + 1]
        if previous.paragraph != sentence.paragraph or not _THEREOF.match(
            text, sentence.start, sentence.end
        ):
            continue
        split = _section_split(text, original, sentence, sentence.start, sentence.end, phase, year)
        figures.extend(f for f in split if f.source.value_start not in read)
    return figures


# "基本支出4566793元", "项目支出(专项工作经费支出)2897260元", "基本支出预算 881300.39 元": a section's
# amount with no phase word, in a document whose kind gives the phase.
_PLAIN_SECTION = re.compile(
    rf"(?P<section>基本支出|项目支出)(?:预算|决算)?(?:数)?{FILLER}(?P<number>{NUMBER})\s*"
    rf"(?P<unit>亿元|万元|元|万(?![人次个项户])|亿(?![人次]))"
)
_FUNDED_BY = re.compile(r"财政拨款|政府性基金|国有资本")
# A heading over a breakdown by classification, whose items each have their own 基本支出 /
# 项目支出; never "按支出结构分类", which is the split into 基本支出 and 项目支出 itself.
_CLASSIFIED = re.compile(r"功能分类|经济分类|按(?!支出结构).{0,8}分类|科目")


def _plain_sections(
    text: str,
    original: str,
    sentences: list[Sentence],
    phase: str,
    found: list[Figure],
    year: int | None,
) -> list[Figure]:
    """Section amounts written without a phase word, in the phase the document's kind gives;
    the all-funds figure, not a 财政拨款 part of it, when the document states both."""
    stated = {(f.section, f.item) for f in found}
    if ("basic", phase) in stated and ("project", phase) in stated:
        return []  # both sections' figures of the phase are read already: no scan needed
    read = {f.source.value_start for f in found}  # amounts already read with their phase
    figures: list[Figure] = []
    headings = getattr(sentences, "headings", [])
    heading_starts = [start for start, _ in headings]
    for sentence in with_match(_PLAIN_SECTION, text, sentences):
        at = bisect_right(heading_starts, sentence.start) - 1
        if at >= 0 and _CLASSIFIED.search(text, *headings[at]):
            continue  # "按支出功能分类科目划分": each item's own 基本支出 / 项目支出 split
        for match in _PLAIN_SECTION.finditer(text, sentence.start, sentence.end):
            section = _SUBJECT_OF[match["section"]]
            if match.start("number") in read:
                continue
            if (section, phase) in stated or is_comparison(
                text, sentence.start, match.start(), year
            ):
                continue
            part = bool(_FUNDED_BY.search(text, sentence.start, match.start()))
            figures.append(
                Figure(
                    section=section,
                    item=phase,
                    value=to_wan(match["number"], match["unit"]),
                    unit="万元",
                    wording=match["section"],
                    source=sentence_source(original, sentence, match.start("number"), match.end()),
                    confidence=0.6 if part else 0.8,
                    note=FUNDED_PART_NOTE if part else KIND_PHASE_NOTE,
                )
            )
    # A 财政拨款 part is kept only when no all-funds figure of the slot is stated.
    whole = {(f.section, f.item) for f in figures if f.note != FUNDED_PART_NOTE}
    return [f for f in figures if f.note != FUNDED_PART_NOTE or (f.section, f.item) not in whole]


KIND_PHASE_NOTE = "未写明阶段，按文件类型（预算 / 决算 / 自评报告）读取"
FUNDED_PART_NOTE = "财政拨款部分，文件未另写全部资金的数字时采用"


def _part_subject(text: str, start: int, end: int) -> str | None:
    """ "人员经费年初预算…": 人员经费/公用经费 as the clause's subject, with no amount of its own."""
    match = _PHASE_RE.search(text, start, end)
    if not match or PHASE_OF[match.group()] not in _BASIC_ONLY:
        return None
    verb = _PART_VERB.match(text, match.end(), end)
    if AMOUNT_AFTER.match(text, verb.end() if verb else match.end(), end):
        return None
    following = _PHASE_RE.search(text, match.end(), end)
    if following and PHASE_OF[following.group()] in ("initial", "adjusted", "actual"):
        return PHASE_OF[match.group()]
    return None


def _section_split(
    text: str,
    original: str,
    sentence: Sentence,
    start: int,
    end: int,
    governing: str,
    year: int | None,
) -> list[Figure]:
    figures = []
    for match in _SECTION_AMOUNT.finditer(text, start, end):
        if is_comparison(text, start, match.start(), year):
            continue
        amount = amount_after(text, match.end(), end, None)
        if amount is None:
            continue
        figures.append(
            Figure(
                section=_SUBJECT_OF[match.group()],
                item=governing,
                value=amount.value,
                unit="万元",
                wording=match.group(),
                source=sentence_source(original, sentence, amount.start, amount.end),
                confidence=0.9,
                note="由总额的分项读出",
            )
        )
    return figures


def _prefer_personnel_wording(figures: list[Figure], text: str) -> list[Figure]:
    """人员经费 as stated. 工资福利支出 is its larger part (对个人和家庭的补助 the other): it stands
    for 人员经费 only when the report states neither 人员经费 nor that other part."""
    if any(
        f.item == "personnel" and f.wording == "人员经费" for f in figures
    ) or _OTHER_PART.search(text):
        return [f for f in figures if not (f.item == "personnel" and f.wording != "人员经费")]
    return figures


# "对个人和家庭补助支出(人员支出)457838元": the part of 人员经费 beside 工资福利支出.
_OTHER_PART = re.compile(r"对个人和家庭(?:的)?补助(?:支出)?(?:预算|决算)?[^,;。]{0,12}?\d")


# The genre explains an adjustment with 差额的原因 / 调整原因 right after the figures.
_REASON_RE = re.compile(r"差额的?原因|调整的?原因|变动的?原因|调整主要是|主要原因")


def extract_adjustment_reasons(
    original: str, sentences: list[Sentence], phases: list[Figure]
) -> dict[str, Source]:
    """The sentence giving the reason for each section's adjustment, if the report gives one."""
    reasons: dict[str, Source] = {}
    adjusted = [f for f in phases if f.item == "adjusted"]
    if not adjusted:
        return reasons
    starts = starts_of(sentences)  # bisected for the few figures, not mapped for every sentence
    for figure in adjusted:
        at = bisect_left(starts, figure.source.sentence_start)
        if figure.section in reasons or at == len(starts):
            continue
        if starts[at] != figure.source.sentence_start:
            continue  # no sentence starts where the figure's source does: a table row
        stated = _reason_in_paragraph(original, sentences, at)
        if stated is not None:
            reasons[figure.section] = sentence_source(original, stated, stated.start, stated.end)
    return reasons


def _reason_in_paragraph(original: str, sentences: list[Sentence], at: int) -> Sentence | None:
    """The first prose sentence of sentence `at`'s paragraph that states a reason.

    Only the adjusted figures' paragraphs are searched, not the whole text: a reason's words
    hold no space or 。, so a sentence holds one exactly when a search inside it finds one.
    """
    paragraph = sentences[at].paragraph
    while at > 0 and sentences[at - 1].paragraph == paragraph:
        at -= 1  # the paragraph's first sentence
    for sentence in sentences[at:]:
        if sentence.paragraph != paragraph:
            break
        if not sentence.in_table and _REASON_RE.search(original, sentence.start, sentence.end):
            return sentence
    return None
