"""Every report in tests/fixtures/reports/ against its hand-checked golden JSON in tests/golden/.

The corpus is written by the team (tests/fixtures/sources/ holds the text behind the generated
.docx, .pdf and re-encoded .txt files; tests/fixtures/make_fixtures.py rebuilds them). A golden
file holds the contract keys; "checks" lists the failing rules, as {"rule", "severity"} objects
or as bare rule names.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from etl.contract import report_json
from etl.load import analyse_text
from etl.readers import SUPPORTED_SUFFIXES, read_text

FIXTURES = Path(__file__).parent / "fixtures" / "reports"
GOLDEN = Path(__file__).parent / "golden"
REPORTS = sorted(p for p in FIXTURES.iterdir() if p.suffix in SUPPORTED_SUFFIXES)
SECTIONS = ("department", "year", "basic", "project", "three_public", "fund_sources", "staffing")


def _golden(path: Path) -> dict[str, Any]:
    return json.loads((GOLDEN / f"{path.stem}.json").read_text(encoding="utf-8"))


def _failing(checks: list[Any], with_severity: bool) -> list[tuple[str, str | None]]:
    out = []
    for check in checks:
        if isinstance(check, str):
            out.append((check, None))
        else:
            out.append((check["rule"], check["severity"] if with_severity else None))
    return sorted(out)


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.name)
def test_report_matches_its_golden_file(path: Path) -> None:
    golden = _golden(path)
    out = report_json(analyse_text(read_text(path)))
    got = {key: out[key] for key in SECTIONS}
    got["projects"] = [{"name": p["name"], "amount": p["amount"]} for p in out["projects"]]
    with_severity = all(isinstance(c, dict) for c in golden["checks"])
    got["checks"] = _failing(out["checks"], with_severity)
    expected = {key: golden[key] for key in (*SECTIONS, "projects")}
    expected["checks"] = _failing(golden["checks"], with_severity)
    assert got == expected


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.name)
def test_every_figure_points_into_the_text(path: Path) -> None:
    text = read_text(path)
    out = report_json(analyse_text(text))
    for key, where in out["provenance"].items():
        start, end = where["sentence_span"]
        assert text[start:end] == where["sentence"], key
        if key not in ("department", "kind"):
            assert 0 < where["confidence"] <= 1, key
            v_start, v_end = where["value_span"]
            assert start <= v_start < v_end <= end, key
    for project in out["projects"]:
        start, end = project["source"]["sentence_span"]
        assert text[start:end] == project["source"]["sentence"]


def test_every_report_has_a_golden_file_and_back() -> None:
    assert {p.stem for p in REPORTS} == {g.stem for g in GOLDEN.glob("*.json")}


def test_corpus_covers_every_format_and_encoding() -> None:
    formats = Counter(p.suffix for p in REPORTS)
    assert len(REPORTS) >= 25
    assert formats[".docx"] >= 3 and formats[".pdf"] >= 3 and formats[".txt"] >= 15
    raw = {p.name: p.read_bytes() for p in REPORTS if p.suffix == ".txt"}
    assert any(data.startswith(b"\xef\xbb\xbf") for data in raw.values())  # UTF-8 with BOM
    assert any(b"\r\n" in data for data in raw.values())  # CRLF
    gbk = [name for name, data in raw.items() if _is_gbk_only(data)]
    assert gbk, "no GBK-encoded report"


def _is_gbk_only(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return bool(data.decode("gbk"))
    return False
