"""python -m etl as a user runs it: exit codes, JSON on stdout, errors naming the file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
SEED = ROOT / "data" / "reports" / "2020-tianxin-transport-bureau.txt"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "etl", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


def test_help_lists_commands() -> None:
    out = run("--help")
    assert out.returncode == 0
    assert "extract" in out.stdout and "load" in out.stdout


def test_extract_json() -> None:
    out = run("extract", str(SEED), "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["basic"]["adjusted"] == 801.07
    assert data["project"]["actual"] == 349.4
    assert data["checks"][0]["rule"] == "personnel_public_sum"


def test_extract_unreadable_file_is_one_line_error(tmp_path: Path) -> None:
    bad = tmp_path / "坏文件.txt"
    bad.write_bytes(b"")
    out = run("extract", str(bad), "--json")
    assert out.returncode == 1
    assert out.stdout == ""
    assert out.stderr.strip().count("\n") == 0
    assert "坏文件.txt" in out.stderr


def test_load_reports_progress_and_exit_status(tmp_path: Path) -> None:
    db = tmp_path / "cli.duckdb"
    (tmp_path / "bad.txt").write_bytes(b"")
    (tmp_path / "seed.txt").write_bytes(SEED.read_bytes())
    first = run("load", str(tmp_path), "--db", str(db))
    assert first.returncode == 1
    assert "[1/2]" in first.stdout and "[2/2]" in first.stdout
    assert "bad.txt" in first.stderr
    again = run("load", str(tmp_path / "seed.txt"), "--db", str(db))
    assert again.returncode == 0
    assert "未变化 1" in again.stdout


@pytest.mark.parametrize("via", ["flag", "env"])
def test_db_location(tmp_path: Path, via: str) -> None:
    db = tmp_path / "where.duckdb"
    args = ["load", str(SEED)]
    if via == "flag":
        out = run(*args, "--db", str(db))
    else:
        out = run(*args, env={"BUDGET_LENS_DB": str(db)})
    assert out.returncode == 0, out.stderr
    assert db.exists()
