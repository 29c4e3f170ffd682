"""The benchmark suite runs: quick mode at the smallest scale, into a temporary folder.

It checks that the table is written with every quick item, never a timing: the verdicts depend on
the machine, and the suite's job on CI is only to keep working.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_quick_mode_writes_the_results_table(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--quick",
            "--scales",
            "10k",
            "--rounds",
            "2",
            "--data",
            str(tmp_path / "data"),
            "--out",
            str(out),
        ],
        cwd=ROOT,
        check=True,
        timeout=600,
    )
    text = out.read_text(encoding="utf-8")
    assert "| id | what | scale | ours (median) |" in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    ids = {line.split("|")[1].strip() for line in rows}
    assert {"curve", "Q4", "L1", "L2", "L3", "L4"} <= ids
    assert "示例" in text  # the synthetic data is labelled as such
