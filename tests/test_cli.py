"""python -m etl as a user runs it: exit codes, JSON on stdout, errors naming the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import run

ROOT = Path(__file__).parent.parent
SEED = ROOT / "data" / "reports" / "2020-tianxin-transport-bureau.txt"


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


def nameless(tmp_path: Path) -> Path:
    """The seed report with no word of its department left."""
    text = SEED.read_text(encoding="utf-8").replace("长沙市天心区交通运输局", "")
    path = tmp_path / "无名.txt"
    path.write_text(text.replace("天心区交通运输局", ""), encoding="utf-8")
    return path


def test_load_asks_for_the_department_a_document_does_not_name(tmp_path: Path) -> None:
    db = tmp_path / "budget.duckdb"
    out = run("load", str(nameless(tmp_path)), "--db", str(db))
    assert out.returncode == 1
    assert "无名.txt" in out.stdout and "--department" in out.stdout
    out = run("load", str(nameless(tmp_path)), "--db", str(db), "--department", "天心区交通运输局")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "已载入：天心区交通运输局 2020 年" in out.stdout


def test_extract_takes_the_department_and_year_and_says_where_they_came_from(
    tmp_path: Path,
) -> None:
    path = nameless(tmp_path)
    out = run("extract", str(path))
    assert out.returncode == 0
    assert "部门来源：未识别" in out.stdout and "--department" in out.stdout
    out = run("extract", str(path), "--department", "X局", "--year", "2020", "--json")
    data = json.loads(out.stdout)
    assert (data["department"], data["year"], data["kind"]) == (
        "X局",
        2020,
        "self_evaluation_report",
    )
    assert data["identity_from"] == {"department": "user", "year": "user"}


def test_a_malformed_year_is_refused_before_anything_is_read(tmp_path: Path) -> None:
    out = run("load", str(SEED), "--db", str(tmp_path / "b.duckdb"), "--year", "20")
    assert out.returncode == 2 and "年度应为" in out.stderr
    assert not (tmp_path / "b.duckdb").exists()
