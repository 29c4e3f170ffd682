"""Staffing: authorized posts (编制) and staff actually employed (实有在职人员), as head counts."""

from __future__ import annotations

import re
from decimal import Decimal

from etl.extract.forms import Meaning
from etl.extract.layout import Sentence, sentence_source, with_match
from etl.extract.prose import is_comparison, other_year, year_differs
from etl.model import Figure

# 编制人数为8人 / 核定编制12名 / 实有在职人员17人. 行政编制5人 is a part of the total, not it.
_STAFF_RE = re.compile(
    r"编制人数|编制数|核定编制(?:人)?数|核定编制|编制|实有在职人员|实有在职人数|在职人员|在职人数|实有人员|实有人数"
)
_STAFF_PART_BEFORE = frozenset("政业勤公")  # 行政编制 / 事业编制 / 工勤编制 / 参公编制
_COUNT_AFTER = re.compile(r"(?:为|是|共|有|:|\s){0,3}(?P<count>\d+)\s*(?:人|名)")


def extract_staffing(
    text: str,
    original: str,
    sentences: list[Sentence],
    in_tables: list[Meaning] | None = None,
    year: int | None = None,
) -> list[Figure]:
    """Authorized posts (编制) and staff actually employed (实有在职人员), as head counts."""
    figures: list[Figure] = []
    for sentence in with_match(_STAFF_RE, text, sentences):
        for match in _STAFF_RE.finditer(text, sentence.start, sentence.end):
            word = match.group()
            if word == "编制" and text[match.start() - 1 : match.start()] in _STAFF_PART_BEFORE:
                continue
            if is_comparison(text, sentence.start, match.start(), None):
                continue
            count = _COUNT_AFTER.match(text, match.end(), sentence.end)
            if not count:
                continue
            figure = Figure(
                section="staffing",
                item="authorized" if "编制" in word else "actual",
                value=Decimal(count["count"]),
                unit="人",
                wording=match.group(),
                source=sentence_source(original, sentence, count.start("count"), count.end()),
            )
            elsewhere = year_differs(text, sentence.start, match.start(), year)
            figures.append(other_year(figure) if elsewhere else figure)
    for meaning in in_tables or ():
        persons = meaning.value.count() if meaning.kind == "staffing" else None
        if persons is not None:
            figures.append(
                Figure(
                    section="staffing",
                    item=meaning.key[1],
                    value=persons,
                    unit="人",
                    wording=meaning.wording,
                    source=meaning.source(original),
                    confidence=0.9,
                )
            )
    return figures
