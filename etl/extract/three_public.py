"""“三公”经费: its budget and actual, in the span of a sentence that names it, or in table rows."""

from __future__ import annotations

import re

from etl.extract.forms import Meaning, best
from etl.extract.layout import CLAUSE_END, HAS_AMOUNT, Sentence, sentence_source, with_match
from etl.extract.prose import amount_after, is_comparison, other_year, year_differs
from etl.extract.wording import THREE_PUBLIC_RE
from etl.model import Figure


def three_public_spans(text: str, sentence: Sentence) -> list[tuple[int, int]]:
    """Spans about 三公经费: its enclosing parentheses, or from the keyword to the clause end.

    "公用经费42.97万元(其中三公经费年初预算为9.0万，实际支出为5.26)": the parentheses.
    "…和公务接待费(以下简称"三公"经费)年初预算数为15万元": the parentheses hold no figure, so
    the span runs on to the clause end.
    """
    spans = []
    for match in THREE_PUBLIC_RE.finditer(text, sentence.start, sentence.end):
        clause_end = CLAUSE_END.search(text, match.end(), sentence.end)
        to_clause_end = clause_end.start() if clause_end else sentence.end
        open_at = text.rfind("(", sentence.start, match.start())
        if open_at != -1 and ")" not in text[open_at : match.start()]:
            close_at = text.find(")", match.end(), sentence.end)
            end = close_at + 1 if close_at != -1 else sentence.end
            if HAS_AMOUNT.search(text, open_at, end):
                spans.append((open_at, end))
            else:
                spans.append((open_at, max(end, to_clause_end)))
        else:
            spans.append((match.start(), to_clause_end))
    return spans


_THREE_PUBLIC_WORDINGS = re.compile(
    r"(?P<budget>年初预算数|年初预算|全年预算数|全年预算|预算数|预算安排|预算)"
    r"|(?P<actual>实际支出数|实际支出|决算数|支出数|执行数|实际|支出|决算|开支)"
)
_THREE_PUBLIC_PART = re.compile(r"因公出国|公务用车|公务接待")
_SUBLIST = re.compile(r"其中")


def extract_three_public(
    text: str,
    original: str,
    sentences: list[Sentence],
    in_tables: list[Meaning] | None = None,
    year: int | None = None,
) -> list[Figure]:
    """三公经费 budget and actual, read inside the span that names 三公经费, or in table rows.

    Reports often drop the unit on the second number ("年初预算为9.0万，实际支出为5.26"): it
    then takes the unit of the first. Only the first budget and the first actual of a span are
    the totals: what follows 其中 are its parts (公务接待费…).
    """
    figures: list[Figure] = []
    named = with_match(THREE_PUBLIC_RE, text, sentences)
    under_heading = [s for s in sentences if s.context == "three_public" and not s.in_table]
    for sentence in sorted(set(named + under_heading)):
        spans = three_public_spans(text, sentence)
        if not spans and sentence.context == "three_public":
            body = text[sentence.start : sentence.end]
            if not _THREE_PUBLIC_PART.search(body):
                spans = [(sentence.start, sentence.end)]
        for start, end in spans:
            unit_hint: str | None = None
            found: set[str] = set()
            keyword = THREE_PUBLIC_RE.search(text, start, end)
            sublist = _SUBLIST.search(text, keyword.end() if keyword else start, end)
            stop = sublist.start() if sublist else end
            for match in _THREE_PUBLIC_WORDINGS.finditer(text, start, stop):
                item = "budget" if match["budget"] else "actual"
                if item in found or is_comparison(text, start, match.start(), None):
                    continue
                elsewhere = year_differs(text, start, match.start(), year)
                amount = amount_after(text, match.end(), end, unit_hint)
                if amount is None:
                    continue
                unit_hint = "万元" if amount.unit_stated else unit_hint
                found.add(item)
                figure = Figure(
                    section="three_public",
                    item=item,
                    value=amount.value,
                    unit="万元",
                    wording=match.group(),
                    source=sentence_source(original, sentence, amount.start, amount.end),
                    confidence=1.0 if amount.unit_stated else 0.7,
                )
                figures.append(other_year(figure) if elsewhere else figure)
    # The budget is the 年初预算 (or 预算数) column before a full-year one.
    rank = {"initial": 0, "actual": 0, "adjusted": 1, "": 2}
    for meaning in best((m for m in in_tables or () if m.kind == "three_public"), rank):
        value = meaning.amount()
        if value is not None:
            figures.append(
                Figure(
                    section="three_public",
                    item=meaning.key[1],
                    value=value,
                    unit="万元",
                    wording=meaning.wording,
                    source=meaning.source(original),
                    confidence=0.9,
                )
            )
    return figures
