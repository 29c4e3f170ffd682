"""The Markdown report: machine, versions, then one table row per measured item."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import datetime
from importlib import metadata
from pathlib import Path

from bench.harness import Row, fmt_ratio, fmt_value

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "duckdb",
    "pandas",
    "pyarrow",
    "streamlit",
    "plotly",
    "pypdfium2",
    "pdfplumber",
    "python-docx",
    "playwright",
)


def machine() -> list[str]:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kib / 2**20:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    return [
        f"- Machine: {cpu}, {os.cpu_count()} cores{mem}; {platform.platform()}",
        f"- Load average when the report was written (1 / 5 / 15 min): {load}"
        " (other engineers' test runs share these 2 cores; absolute times inflate with it,"
        " the interleaved ratios much less)",
        f"- Python {platform.python_version()}; "
        + ", ".join(f"{name} {_version(name)}" for name in PACKAGES),
        f"- Commit: {_commit()}",
    ]


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _commit() -> str:
    if os.environ.get("BENCH_COMMIT"):  # a run from an exported tree (git archive HEAD)
        return os.environ["BENCH_COMMIT"]
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head


def table(rows: list[Row]) -> list[str]:
    lines = [
        "| id | what | scale | ours (median) | baseline (median) | ratio (median of rounds) "
        "| target | verdict | note |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        m = row.measurement
        unit = m.unit if m else "ms"
        target = row.target.text()
        if row.tightened is not None:
            target += f" (tightened: {row.tightened.text()})"
        lines.append(
            "| "
            + " | ".join(
                [
                    row.item,
                    row.what,
                    row.scale,
                    fmt_value(m.ours_median, unit) if m else "—",
                    fmt_value(m.baseline_median, unit) if m else "—",
                    fmt_ratio(m.ratio) if m else "—",
                    target,
                    row.verdict(),
                    row.note.replace("|", "/"),
                ]
            )
            + " |"
        )
    return lines


ANALYSIS = "<!-- analysis: written by hand, kept when the table is regenerated -->"


def kept_analysis(path: Path) -> str:
    """The hand-written analysis at the end of an existing report (from ANALYSIS on), or ""."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
    at = text.find(ANALYSIS)
    return text[at:].rstrip() + "\n" if at >= 0 else ""


def write(
    path: Path,
    rows: list[Row],
    *,
    mode: str,
    command: str,
    seconds: float,
    notes: list[str],
) -> str:
    """Write the report to `path` and return it; the analysis section an earlier report at
    `path` ends with (see ANALYSIS) is carried over, so explanations survive a re-run."""
    analysis = kept_analysis(path)
    text = "\n".join(
        [
            "# Budget Lens benchmarks",
            "",
            f"Generated {datetime.now():%Y-%m-%d %H:%M} by `{command}` ({mode} mode, "
            f"{seconds:.0f} s).",
            "",
            *machine(),
            "",
            "Each item and its baseline run in the same rounds, interleaved (the order alternates "
            "every round); *ratio* is the median of the per-round ratios ours ÷ baseline, so drift "
            "on this shared machine cancels out. Times are medians over the rounds. Synthetic "
            "data (示例-县NNNN-部门NN) is generated in DuckDB by `bench/synth.sql` in the real "
            "schema, rows ordered by department and year.",
            "",
            *table(rows),
            "",
            *notes,
            "",
        ]
    )
    if analysis:
        text += "\n" + analysis
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return text
