"""bench/results.py: the generated table is replaced on every run, the hand-written analysis kept."""

from __future__ import annotations

from pathlib import Path

from bench import results
from bench.harness import Measurement, Row, Target


def _row(ms: float) -> Row:
    return Row("Q1", "a query", "1M", Measurement([ms]), Target(max_ms=15))


def test_a_rerun_replaces_the_table_and_keeps_the_analysis(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    results.write(out, [_row(40.0)], mode="quick", command="python -m bench", seconds=1, notes=[])
    assert "**FAIL**" in out.read_text(encoding="utf-8")
    analysis = f"{results.ANALYSIS}\n\n## Why Q1 misses\n\nThe floor is 9 ms.\n"
    out.write_text(out.read_text(encoding="utf-8") + "\n" + analysis, encoding="utf-8")

    text = results.write(
        out, [_row(12.0)], mode="quick", command="python -m bench", seconds=1, notes=[]
    )

    assert "**FAIL**" not in text and "| pass |" in text
    assert text.endswith(analysis)
    assert text.count(results.ANALYSIS) == 1


def test_a_first_run_has_no_analysis(tmp_path: Path) -> None:
    text = results.write(
        tmp_path / "new.md", [_row(12.0)], mode="quick", command="c", seconds=1, notes=[]
    )
    assert results.ANALYSIS not in text
