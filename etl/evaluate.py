"""How well the extractor reads documents that have expected JSON beside them.

Expected JSON is the extraction contract (department, year, kind, basic, project, three_public,
fund_sources, projects, staffing; optionally checks), hand-checked against the document; its
`layout` key says how the document lays its figures out (tests/corpus/README.md). It is found in
the folder given as `golden`, beside the document (same stem, .json), in an `expected/` folder
beside the document's folder, or in a `golden/` folder inside the evaluated folder.

Every figure the expected JSON states (a non-null value) is scored once:
- right: the extractor gave the same value;
- wrong: it gave a different value;
- missed: it gave none.
A figure the expected JSON leaves null that the extractor gives anyway is **invented**; a figure
both leave null is not counted. Accuracy is right ÷ stated. A key the expected JSON does not have
at all (an older golden file without `kind` or project phases) is not scored.

Fund sources score one figure per government level. Projects are matched by name (whitespace and
full-width forms ignored), in order: each expected project scores its amount (missed when no
extracted project has its name) and each of its phases, score and fund levels the JSON states;
an extracted project no expected project matches is one invented figure. `checks` (the failing
rule names) is scored on its own line and not counted among the figures.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from etl.model import AMOUNT_SLOTS, FUND_LEVELS, PROJECT_PHASES, STAFFING_SLOTS

Outcome = Literal["right", "wrong", "missed", "invented"]
OUTCOMES: tuple[Outcome, ...] = ("right", "wrong", "missed", "invented")
SCALAR_FIELDS: tuple[str, ...] = (
    "department",
    "year",
    "kind",
    *(f"{section}.{item}" for section, item in AMOUNT_SLOTS + STAFFING_SLOTS),
)
PROJECT_FIELDS: tuple[str, ...] = (*PROJECT_PHASES, "score")
UNKNOWN = "—"  # the layout of a document whose expected JSON does not say


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
    invented: int = 0

    def add(self, outcome: Outcome) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def __iadd__(self, other: Tally) -> Tally:
        for outcome in OUTCOMES:
            setattr(self, outcome, getattr(self, outcome) + getattr(other, outcome))
        return self

    @property
    def stated(self) -> int:
        """Figures the expected JSON states: right + wrong + missed."""
        return self.right + self.wrong + self.missed

    @property
    def accuracy(self) -> float:
        """Right ÷ stated, 0.0 when nothing was stated."""
        return self.right / self.stated if self.stated else 0.0

    @property
    def wrong_or_invented(self) -> float:
        """(Wrong + invented) ÷ stated: the figures a user would be misled by."""
        return (self.wrong + self.invented) / self.stated if self.stated else 0.0


@dataclass(frozen=True)
class Document:
    """One scored document: its name, kind and layout (from the expected JSON) and format."""

    name: str
    kind: str
    layout: str
    format: str
    tally: Tally


@dataclass
class Evaluation:
    fields: dict[str, Tally] = field(default_factory=dict)
    checks: Tally = field(default_factory=Tally)
    documents: list[Document] = field(default_factory=list)
    mismatches: list[Mismatch] = field(default_factory=list)
    without_expected: list[str] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)

    @property
    def reports(self) -> list[str]:
        return [d.name for d in self.documents]

    @property
    def overall(self) -> Tally:
        total = Tally()
        for document in self.documents:
            total += document.tally
        return total

    def by(self, attribute: str) -> dict[str, Tally]:
        """Tallies grouped by a document attribute: "kind", "layout" or "format"."""
        groups: dict[str, Tally] = {}
        for document in self.documents:
            groups.setdefault(getattr(document, attribute), Tally())
            groups[getattr(document, attribute)] += document.tally
        return dict(sorted(groups.items()))

    def add(
        self, name: str, expected: dict[str, Any], got: dict[str, Any] | None, suffix: str
    ) -> Document:
        """Score one document's extraction `got` (None: unreadable) against `expected`."""
        tally = Tally()
        for field_name, outcome, want, have in compare(expected, got):
            if field_name == "checks":
                self.checks.add(outcome)
            else:
                tally.add(outcome)
                group = field_name.split("[")[0]
                self.fields.setdefault(group, Tally()).add(outcome)
            if outcome != "right":
                self.mismatches.append(Mismatch(name, field_name, outcome, want, have))
        document = Document(
            name,
            str(expected.get("kind") or UNKNOWN),
            str(expected.get("layout") or UNKNOWN),
            suffix.lstrip(".").lower(),
            tally,
        )
        self.documents.append(document)
        return document


def report_paths(folder: Path) -> list[Path]:
    """Report files (.txt .docx .pdf) under `folder`, sorted; Word lock files (~$…) and the
    corpus's sources/ folders (what documents are built from) skipped."""
    from etl.readers import SUPPORTED_SUFFIXES

    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUPPORTED_SUFFIXES
        and not p.name.startswith("~$")
        and "sources" not in p.relative_to(folder).parts[:-1]
    )


def expected_path(report: Path, folder: Path, golden: Path | None = None) -> Path | None:
    """The expected JSON for a report: in `golden`, beside it, in ../expected/, in folder/golden/."""
    name = f"{report.stem}.json"
    candidates = [golden / name] if golden else []
    candidates += [
        report.with_name(name),
        report.parent.parent / "expected" / name,
        folder / "golden" / name,
    ]
    return next((p for p in candidates if p.is_file()), None)


def evaluate_folder(folder: Path, golden: Path | None = None) -> Evaluation:
    """Extract every report under `folder` that has expected JSON and score it figure by figure."""
    return evaluate_folders([folder], golden)


def evaluate_folders(folders: list[Path], golden: Path | None = None) -> Evaluation:
    """The same over several folders, as one evaluation."""
    from etl.contract import report_json
    from etl.load import analyse_text
    from etl.readers import ReadError, read_text

    evaluation = Evaluation()
    for folder in folders:
        for path in report_paths(folder):
            expected_file = expected_path(path, folder, golden)
            name = str(path.relative_to(folder))
            if len(folders) > 1:
                name = f"{folder.name}/{name}"
            if expected_file is None:
                evaluation.without_expected.append(name)
                continue
            expected = json.loads(expected_file.read_text(encoding="utf-8"))
            try:
                got: dict[str, Any] | None = report_json(analyse_text(read_text(path)))
            except ReadError as exc:
                evaluation.unreadable.append((name, exc.problem))
                got = None
            evaluation.add(name, expected, got, path.suffix)
    return evaluation


def compare(
    expected: dict[str, Any], got: dict[str, Any] | None
) -> Iterator[tuple[str, Outcome, Any, Any]]:
    """(field, outcome, expected, got) for every scored figure; `got` None: nothing extracted.

    Figures both leave null are not yielded.
    """
    got = got or {}
    for name in SCALAR_FIELDS:
        if _declared(expected, name):
            yield from _scored(name, _lookup(expected, name), _lookup(got, name))
    yield from _compare_levels(
        "fund_sources", expected.get("fund_sources") or {}, got.get("fund_sources") or {}
    )
    yield from _compare_projects(expected.get("projects") or [], got.get("projects") or [])
    if "checks" in expected:
        want_checks = _failing(expected["checks"])
        have_checks = _failing(got.get("checks"))
        if not any(severity for _, severity in want_checks):
            have_checks = sorted((rule, "") for rule, _ in have_checks)
        outcome: Outcome = "right" if got and want_checks == have_checks else "wrong"
        yield "checks", outcome, want_checks, have_checks if got else None


def _declared(data: dict[str, Any], name: str) -> bool:
    value: Any = data
    for key in name.split("."):
        if not isinstance(value, dict) or key not in value:
            return False
        value = value[key]
    return True


def _lookup(data: dict[str, Any] | None, name: str) -> Any:
    value: Any = data
    for key in name.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _same(want: Any, have: Any) -> bool:
    if isinstance(want, int | float) and isinstance(have, int | float):
        return round(float(want), 6) == round(float(have), 6)
    if isinstance(want, str) and isinstance(have, str):
        return _name_key(want) == _name_key(have)
    return bool(want == have)


def _scored(name: str, want: Any, have: Any) -> Iterator[tuple[str, Outcome, Any, Any]]:
    if want is None:
        if have is not None:
            yield name, "invented", want, have
        return
    if have is None:
        yield name, "missed", want, have
    else:
        yield name, "right" if _same(want, have) else "wrong", want, have


def _compare_levels(
    prefix: str, want: dict[str, Any], have: dict[str, Any]
) -> Iterator[tuple[str, Outcome, Any, Any]]:
    for level in FUND_LEVELS:
        yield from _scored(f"{prefix}.{level}", want.get(level), have.get(level))


def _name_key(name: str) -> str:
    from etl.amounts import normalise

    return "".join(normalise(name).split())


def _compare_projects(
    want: list[dict[str, Any]], have: list[dict[str, Any]]
) -> Iterator[tuple[str, Outcome, Any, Any]]:
    unmatched = list(have)
    for project in want:
        name = project["name"]
        match = next((p for p in unmatched if _name_key(p["name"]) == _name_key(name)), None)
        if match is not None:
            unmatched.remove(match)
        got = match or {}
        label = f"[{name}]"
        yield from _scored(f"projects.amount{label}", project.get("amount"), got.get("amount"))
        for item in PROJECT_FIELDS:
            if item in project:
                yield from _scored(f"projects.{item}{label}", project[item], got.get(item))
        if "fund_sources" in project:
            yield from _compare_levels(
                f"projects.fund_sources{label}",
                project.get("fund_sources") or {},
                got.get("fund_sources") or {},
            )
    for project in unmatched:
        yield f"projects.amount[{project['name']}]", "invented", None, project.get("amount")


def _failing(checks: Any) -> list[tuple[str, str]]:
    out = []
    for check in checks or []:
        if isinstance(check, str):
            out.append((check, ""))
        else:
            out.append((str(check["rule"]), str(check.get("severity") or "")))
    return sorted(out)


_HEADER = (
    f"{'':<28}{'stated':>7}{'right':>7}{'wrong':>7}{'missed':>8}{'invented':>10}{'accuracy':>10}"
)


def format_evaluation(evaluation: Evaluation, folder: Path | str, *, limit: int = 50) -> str:
    """The score tables (per field, kind, layout and format, and overall) and the first `limit`
    mismatches."""
    lines = [
        f"{folder}: {len(evaluation.documents)} documents with expected JSON"
        + (
            f", {len(evaluation.without_expected)} without (skipped)"
            if evaluation.without_expected
            else ""
        )
        + (f", {len(evaluation.unreadable)} unreadable" if evaluation.unreadable else ""),
    ]
    order = [
        *SCALAR_FIELDS,
        "fund_sources",
        *(f"projects.{item}" for item in ("amount", *PROJECT_FIELDS, "fund_sources")),
    ]
    groups: dict[str, Tally] = {}
    for name, tally in evaluation.fields.items():
        key = next((o for o in order if name == o or name.startswith(o + ".")), name)
        groups.setdefault(key, Tally())
        groups[key] += tally
    sections = [
        ("field", {name: groups[name] for name in order if name in groups}),
        ("kind", evaluation.by("kind")),
        ("layout", evaluation.by("layout")),
        ("format", evaluation.by("format")),
    ]
    for title, tallies in sections:
        lines += ["", f"{'by ' + title:<28}{_HEADER[28:]}"]
        lines += [_row(name, tally) for name, tally in tallies.items()]
    lines += ["", _row("overall", evaluation.overall)]
    if evaluation.checks.stated:
        checks = evaluation.checks
        lines.append(f"checks (failing rules): {checks.right} of {checks.stated} documents right")
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
    return (
        f"{name:<28}{tally.stated:>7}{tally.right:>7}{tally.wrong:>7}{tally.missed:>8}"
        f"{tally.invented:>10}{tally.accuracy:>10.1%}"
    )


def _counts(tally: Tally) -> dict[str, Any]:
    return {
        "stated": tally.stated,
        **{outcome: getattr(tally, outcome) for outcome in OUTCOMES},
        "accuracy": tally.accuracy,
    }


def evaluation_json(evaluation: Evaluation) -> dict[str, Any]:
    """The evaluation as JSON: counts per field, kind, layout, format and document, overall,
    mismatches, skipped and unreadable files."""
    return {
        "reports": evaluation.reports,
        "fields": {name: _counts(tally) for name, tally in evaluation.fields.items()},
        "by_kind": {name: _counts(t) for name, t in evaluation.by("kind").items()},
        "by_layout": {name: _counts(t) for name, t in evaluation.by("layout").items()},
        "by_format": {name: _counts(t) for name, t in evaluation.by("format").items()},
        "documents": [
            {"name": d.name, "kind": d.kind, "layout": d.layout, "format": d.format}
            | _counts(d.tally)
            for d in evaluation.documents
        ],
        "overall": _counts(evaluation.overall),
        "checks": {"right": evaluation.checks.right, "documents": evaluation.checks.stated},
        "mismatches": [asdict(m) for m in evaluation.mismatches],
        "without_expected": evaluation.without_expected,
        "unreadable": [{"report": r, "problem": p} for r, p in evaluation.unreadable],
    }
