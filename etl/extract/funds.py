"""Fund sources: project funds by government level (中央 / 省级 / 市级 / 区县级 / 其他)."""

from __future__ import annotations

import re

from etl.extract.forms import FULL_YEAR_FIRST, Meaning, best
from etl.extract.layout import CLAUSE_END, Sentence, sentence_source, with_match
from etl.extract.prose import amount_after, is_comparison
from etl.extract.wording import FUND_RE, level_of
from etl.model import FundSource

_FUND_CONTEXT = re.compile(r"项目|资金来源")


def extract_fund_sources(
    text: str,
    original: str,
    sentences: list[Sentence],
    in_tables: list[Meaning] | None = None,
    year: int | None = None,
) -> list[FundSource]:
    """Project funds by government level (中央/省级/市级/区级·县级/其他), in 万元.

    Read only in sentences about 项目支出 or 资金来源, and 其他 only beside a named level, so a split
    by type of funds (一般公共预算拨款 … 其他资金) is not mistaken for a split by level.
    """
    found: list[FundSource] = []
    for sentence in with_match(FUND_RE, text, sentences):
        if sentence.context != "project" and not _FUND_CONTEXT.search(
            text, sentence.start, sentence.end
        ):
            continue
        in_sentence: list[FundSource] = []
        for match in FUND_RE.finditer(text, sentence.start, sentence.end):
            if is_comparison(text, sentence.start, match.start(), year):
                continue
            clause_end = CLAUSE_END.search(text, match.end(), sentence.end)
            limit = clause_end.start() if clause_end else sentence.end
            amount = amount_after(text, match.end(), limit, None)
            if amount is None:
                continue
            in_sentence.append(
                FundSource(
                    level=level_of(match),
                    amount_wan=amount.value,
                    wording=original[match.start() : match.end()],
                    source=sentence_source(original, sentence, amount.start, amount.end),
                )
            )
        if any(f.level != "other" for f in in_sentence):
            found.extend(in_sentence)
    # A project form's fund rows are that project's own split (read with the project).
    funds = [m for m in in_tables or () if m.kind == "fund" and m.table.project is None]
    by_table: dict[int, list[Meaning]] = {}
    for meaning in funds:
        by_table.setdefault(id(meaning.table), []).append(meaning)
    for table_meanings in by_table.values():
        found.extend(fund_sources_of(table_meanings, original))
    return found


def fund_sources_of(found: list[Meaning], original: str) -> list[FundSource]:
    """The fund rows of one table, every level in the same column: the full-year budget's when
    the table has one, else the first phase it has (never one level's budget beside another's
    spending); none when the table names no level but 其他."""
    stated = [m for m in found if m.amount() is not None]
    if not stated:
        return []
    phase = min((m.phase for m in stated), key=lambda p: FULL_YEAR_FIRST[p])
    funds = [
        FundSource(m.key[1], amount, m.wording, m.source(original))
        for m in best((m for m in stated if m.phase == phase), FULL_YEAR_FIRST)
        if (amount := m.amount()) is not None
    ]
    return funds if any(f.level != "other" for f in funds) else []
