"""Field-level accuracy of the extractor on reports that have expected JSON beside them.

Expected JSON is the extraction contract (department, year, basic, project, three_public,
fund_sources, projects [name, amount], staffing, checks), hand-checked against the report. It is
found beside the report (same stem, .json), in a golden/ folder inside the evaluated folder, or in
the folder given as `golden`.

Scoring, per field:
- right: the extracted value equals the expected one (a figure both leave null counts as right:
  the report does not state it, and the extractor did not invent it);
- wrong: a different value, or a value where the report states none;
- missed: the report states it (expected non-null) and the extractor gave null.
Fund sources score one field per level stated or extracted. Projects score one item per expected
project, matched by name (right when the amount matches, wrong when it does not, missed when
absent) plus one wrong per extracted project that is not expected. "checks" is right when the
failing rules (with severity, when the expected JSON gives it) are the same.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from etl.model import AMOUNT_SLOTS, FUND_LEVELS, STAFFING_SLOTS

Outcome = Literal["right", "wrong", "missed"]
SCALAR_FIELDS: tuple[str, ...] = (
    "department",
    "year",
    *(f"{section}.{item}" for section, item in AMOUNT_SLOTS + STAFFING_SLOTS),
)


@dataclass(frozen=True)
class Mismatch:
    report: str
    field: str
    outcome: Outcome
    expected: Any
    got: Any


@dataclass
class Tally:
    right: int = 0
    wrong: int = 0
    missed: int = 0

    def add(self, outcome: Outcome) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    @property
    def total(self) -> int:
        return self.right + self.wrong + self.missed

    @property
    def accuracy(self) -> float:
        """Right ÷ scored, 0.0 when nothing was scored."""
        return self.right / self.total if self.total else 0.0


@dataclass
class Evaluation:
    fields: dict[str, Tally] = field(default_factory=dict)
    mismatches: list[Mismatch] = field(default_factory=list)
    reports: list[str] = field(default_factory=list)
    without_expected: list[str] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)

    def record(self, report: str, name: str, outcome: Outcome, expected: Any, got: Any) -> None:
        group = name.split(".")[0] if name.startswith(("fund_sources.", "projects")) else name
        self.fields.setdefault(group, Tally()).add(outcome)
        if outcome != "right":
            self.mismatches.append(Mismatch(report, name, outcome, expected, got))

    @property
    def overall(self) -> Tally:
        total = Tally()
        for tally in self.fields.values():
            total.right += tally.right
            total.wrong += tally.wrong
            total.missed += tally.missed
        return total


def report_paths(folder: Path) -> list[Path]:
    """Report files (.txt .docx .pdf) under `folder`, sorted; Word lock files (~$…) skipped."""
    from etl.readers import SUPPORTED_SUFFIXES

    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and not p.name.startswith("~$")
    )


def expected_path(report: Path, folder: Path, golden: Path | None = None) -> Path | None:
    """The expected JSON for a report: in `golden`, beside it, or in `folder`/golden/."""
    name = f"{report.stem}.json"
    candidates = [golden / name] if golden else []
    candidates += [report.with_name(name), folder / "golden" / name]
    return next((p for p in candidates if p.is_file()), None)


def evaluate_folder(folder: Path, golden: Path | None = None) -> Evaluation:
    """Extract every report in `folder` that has expected JSON and score it field by field."""
    from etl.contract import report_json
    from etl.load import analyse_text
    from etl.readers import ReadError, read_text

    evaluation = Evaluation()
    for path in report_paths(folder):
        expected_file = expected_path(path, folder, golden)
        name = str(path.relative_to(folder))
        if expected_file is None:
            evaluation.without_expected.append(name)
            continue
        expected = json.loads(expected_file.read_text(encoding="utf-8"))
        evaluation.reports.append(name)
        try:
            got: dict[str, Any] | None = report_json(analyse_text(read_text(path)))
        except ReadError as exc:
            evaluation.unreadable.append((name, exc.problem))
            got = None
        for field_name, outcome, want, have in compare(expected, got):
            evaluation.record(name, field_name, outcome, want, have)
    return evaluation


def compare(
    expected: dict[str, Any], got: dict[str, Any] | None
) -> Iterator[tuple[str, Outcome, Any, Any]]:
    """(field, outcome, expected, got) for every scored field; `got` None: nothing extracted."""
    for name in SCALAR_FIELDS:
        want, have = _lookup(expected, name), _lookup(got, name) if got else None
        yield name, _outcome(want, have), want, have
    want_funds = expected.get("fund_sources") or {}
    have_funds = (got or {}).get("fund_sources") or {}
    for level in FUND_LEVELS:
        if level in want_funds or level in have_funds:
            want, have = want_funds.get(level), have_funds.get(level)
            yield f"fund_sources.{level}", _outcome(want, have), want, have
    yield from _compare_projects(expected.get("projects") or [], (got or {}).get("projects") or [])
    if "checks" in expected:
        want_checks, have_checks = _failing(expected["checks"]), _failing((got or {}).get("checks"))
        if not any(severity for _, severity in want_checks):
            have_checks = sorted((rule, "") for rule, _ in have_checks)
        outcome: Outcome = "right" if got is not None and want_checks == have_checks else "wrong"
        yield "checks", outcome, want_checks, have_checks if got is not None else None


def _lookup(data: dict[str, Any] | None, name: str) -> Any:
    value: Any = data
    for key in name.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _same(want: Any, have: Any) -> bool:
    if isinstance(want, int | float) and isinstance(have, int | float):
        return round(float(want), 6) == round(float(have), 6)
    return bool(want == have)


def _outcome(want: Any, have: Any) -> Outcome:
    if _same(want, have):
        return "right"
    return "missed" if have is None else "wrong"


def _compare_projects(
    want: list[dict[str, Any]], have: list[dict[str, Any]]
) -> Iterator[tuple[str, Outcome, Any, Any]]:
    remaining = Counter(p["name"] for p in have)
    amounts: dict[str, list[Any]] = {}
    for project in have:
        amounts.setdefault(project["name"], []).append(project["amount"])
    for project in want:
        name, amount = project["name"], project["amount"]
        if remaining[name] > 0:
            remaining[name] -= 1
            got_amount = amounts[name].pop(0)
            outcome: Outcome = "right" if _same(amount, got_amount) else "wrong"
            yield f"projects.{name}", outcome, amount, got_amount
        else:
            yield f"projects.{name}", "missed", amount, None
    for name, count in remaining.items():
        for amount in amounts[name][len(amounts[name]) - count :]:
            yield f"projects.{name}", "wrong", None, amount


def _failing(checks: Any) -> list[tuple[str, str]]:
    out = []
    for check in checks or []:
        if isinstance(check, str):
            out.append((check, ""))
        else:
            out.append((str(check["rule"]), str(check.get("severity") or "")))
    return sorted(out)


def format_evaluation(evaluation: Evaluation, folder: Path, *, limit: int = 50) -> str:
    """The accuracy table (per field and overall) and the first `limit` mismatches."""
    lines = [
        f"{folder}: {len(evaluation.reports)} reports with expected JSON"
        + (
            f", {len(evaluation.without_expected)} without (skipped)"
            if evaluation.without_expected
            else ""
        )
        + (f", {len(evaluation.unreadable)} unreadable" if evaluation.unreadable else ""),
        "",
        f"{'field':<24}{'right':>7}{'wrong':>7}{'missed':>8}{'accuracy':>10}",
    ]
    order = [*SCALAR_FIELDS, "fund_sources", "projects", "checks"]
    for name in order:
        tally = evaluation.fields.get(name)
        if tally:
            lines.append(_row(name, tally))
    lines.append(_row("overall", evaluation.overall))
    for name, problem in evaluation.unreadable:
        lines.append(f"unreadable: {name}: {problem}")
    if evaluation.mismatches:
        lines.append("")
        lines.append(f"mismatches ({len(evaluation.mismatches)}):")
        for m in evaluation.mismatches[:limit]:
            lines.append(
                f"  {m.report}  {m.field}  {m.outcome}: expected {m.expected!r}, got {m.got!r}"
            )
        if len(evaluation.mismatches) > limit:
            lines.append(f"  … {len(evaluation.mismatches) - limit} more")
    return "\n".join(lines)


def _row(name: str, tally: Tally) -> str:
    return f"{name:<24}{tally.right:>7}{tally.wrong:>7}{tally.missed:>8}{tally.accuracy:>10.1%}"


def evaluation_json(evaluation: Evaluation) -> dict[str, Any]:
    """The evaluation as JSON: per-field and overall counts, mismatches, skipped files."""

    def counts(tally: Tally) -> dict[str, Any]:
        return {
            "right": tally.right,
            "wrong": tally.wrong,
            "missed": tally.missed,
            "accuracy": tally.accuracy,
        }

    return {
        "reports": evaluation.reports,
        "fields": {name: counts(tally) for name, tally in evaluation.fields.items()},
        "overall": counts(evaluation.overall),
        "mismatches": [asdict(m) for m in evaluation.mismatches],
        "without_expected": evaluation.without_expected,
        "unreadable": [{"report": r, "problem": p} for r, p in evaluation.unreadable],
    }
