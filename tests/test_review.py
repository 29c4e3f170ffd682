"""The review of department-years (etl.store.review): a status per department-year with its
history, a disposition per finding keyed by what the finding is (not by a row), carried to a newer
version of a document and shown as resolved once the finding stops firing, replayed by a rebuild;
bad input refused with a message; and the 问题清单 read back from Word and Excel."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pandas as pd
import pytest

from etl import queries
from etl.load import load_paths, rebuild
from etl.store import access
from etl.store.archive import Archive
from etl.store.review import set_disposition, set_review_status
from tests.support import department_year as dy
from tests.support.actors import reviewer
from tests.support.cli import run
from ui import questions

THREE_PUBLIC = "three_public_differs|three_public.actual|final_accounts,self_evaluation_report"
ENFORCEMENT = "project_amount_differs|projects|执法工作费"
BASIC_SUM = "personnel_public_sum||"


def read(db: Path, query: str) -> pd.DataFrame:
    """A review query of the test department-year."""
    con = queries.connect(db)
    try:
        frame: pd.DataFrame = getattr(queries, query)(con, dy.DEPARTMENT, dy.YEAR)
    finally:
        con.close()
    return frame


def findings(db: Path) -> dict[str, dict[str, object]]:
    """The department-year's findings by key: disposition, note, resolved, open."""
    frame = read(db, "review_findings")
    return {
        str(r["finding_key"]): {
            "disposition": None if pd.isna(r["disposition"]) else r["disposition"],
            "note": None if pd.isna(r["note"]) else r["note"],
            "resolved": bool(r["resolved"]),
            "open": bool(r["open"]),
            "message": r["message"],
        }
        for r in frame.to_dict("records")
    }


@pytest.fixture
def year_db(tmp_path: Path) -> Path:
    """The five documents of the test department-year, with its two disagreements."""
    db = tmp_path / "budget.duckdb"
    results = load_paths(list(dy.full_year(tmp_path / "in").values()), db)
    assert all(r.ok for r in results), [r.message for r in results]
    return db


@pytest.fixture
def seed_db(tmp_path: Path) -> Path:
    db = tmp_path / "seed.duckdb"
    assert all(r.ok for r in load_paths([dy.SEED], db))
    return db


def test_a_department_year_is_pending_until_reviewed_and_keeps_every_change(
    year_db: Path,
) -> None:
    [before] = read(year_db, "review_status").to_dict("records")
    assert before["status"] == "pending" and pd.isna(before["reviewer"])
    assert before["open_findings"] == 4  # basic sum, adjustment rate, 三公, 执法工作经费

    first = set_review_status(year_db, dy.DEPARTMENT, dy.YEAR, "questioned", "三公经费待核实",
                              actor=reviewer("王审核"))  # fmt: skip
    assert first.ok, first.message
    second = set_review_status(year_db, dy.DEPARTMENT, dy.YEAR, "checked", actor=reviewer("李审核"))
    assert second.ok and second.message == f"{dy.DEPARTMENT} {dy.YEAR} 年：已核对"

    [now] = read(year_db, "review_status").to_dict("records")
    assert (now["status"], now["reviewer"], now["notes"]) == ("checked", "李审核", "")
    history = read(year_db, "review_history")
    assert history["value"].tolist() == ["checked", "questioned"]  # newest first
    assert history["reviewer"].tolist() == ["李审核", "王审核"]
    assert history["note"].tolist() == ["", "三公经费待核实"]


def test_the_reviewer_defaults_to_the_operating_system_user(year_db: Path) -> None:
    assert set_review_status(year_db, dy.DEPARTMENT, dy.YEAR, "checked").ok
    assert read(year_db, "review_status")["reviewer"].iloc[0] == access.os_actor().label


def test_findings_have_keys_that_name_the_rule_figure_and_what_is_compared(
    year_db: Path,
) -> None:
    assert set(findings(year_db)) == {
        BASIC_SUM,
        "adjustment_rate_high|basic.initial,basic.adjusted|",
        THREE_PUBLIC,
        ENFORCEMENT,
    }


def test_a_disposition_is_kept_with_its_note_and_the_open_count_follows(year_db: Path) -> None:
    assert set_disposition(year_db, dy.DEPARTMENT, dy.YEAR, THREE_PUBLIC, "confirmed", "请说明").ok
    explained = set_disposition(
        year_db,
        dy.DEPARTMENT,
        dy.YEAR,
        BASIC_SUM,
        "explained",
        "四舍五入所致",
        actor=reviewer("王审核"),
    )
    assert explained.ok, explained.message
    assert set_disposition(
        year_db, dy.DEPARTMENT, dy.YEAR, ENFORCEMENT, "false_positive", "表内含上年结转"
    ).ok
    found = findings(year_db)
    assert found[THREE_PUBLIC] | {"message": ""} == {
        "disposition": "confirmed", "note": "请说明", "resolved": False, "open": True,
        "message": "",
    }  # fmt: skip
    assert (found[BASIC_SUM]["disposition"], found[BASIC_SUM]["open"]) == ("explained", False)
    assert found[ENFORCEMENT]["open"] is False
    assert read(year_db, "review_status")["open_findings"].iloc[0] == 2  # 三公 and the rate
    # A change of mind is a new row; the latest applies.
    assert set_disposition(year_db, dy.DEPARTMENT, dy.YEAR, BASIC_SUM, "confirmed").ok
    assert findings(year_db)[BASIC_SUM]["disposition"] == "confirmed"
    history = read(year_db, "review_history")
    assert history["value"].tolist()[:2] == ["confirmed", "false_positive"]
    assert history["rule"].tolist().count("personnel_public_sum") == 2


def test_a_disposition_follows_its_finding_to_a_newer_version_and_resolves_when_it_stops(
    tmp_path: Path, year_db: Path
) -> None:
    assert set_disposition(year_db, dy.DEPARTMENT, dy.YEAR, THREE_PUBLIC, "confirmed", "请说明").ok
    assert set_disposition(
        year_db, dy.DEPARTMENT, dy.YEAR, ENFORCEMENT, "explained", "以自评表为准"
    ).ok
    before = read(year_db, "review_findings")

    # A newer 决算 that still states 5.30 (and a note more): new rows, the same finding.
    text = dy.final_accounts(three_public="5.30") + "四、其他重要事项的情况说明\n无。\n"
    newer = dy.write_year(tmp_path / "v2", final=text)
    [replaced] = load_paths(list(newer.values()), year_db, on_conflict="replace")
    assert replaced.status == "replaced", replaced.message
    again = findings(year_db)
    assert again[THREE_PUBLIC]["disposition"] == "confirmed"
    assert again[THREE_PUBLIC]["note"] == "请说明" and not again[THREE_PUBLIC]["resolved"]
    assert again[ENFORCEMENT]["disposition"] == "explained"
    after = read(year_db, "review_findings")
    assert set(after["finding_key"]) == set(before["finding_key"])

    # A 决算 that agrees with the 自评报告 (5.26): the finding no longer fires, shown resolved.
    fixed = dy.write_year(tmp_path / "v3", final=dy.final_accounts(three_public="5.26"))
    [result] = load_paths(list(fixed.values()), year_db, on_conflict="replace")
    assert result.ok, result.message
    resolved = findings(year_db)[THREE_PUBLIC]
    assert resolved["resolved"] is True and resolved["open"] is False
    assert resolved["disposition"] == "confirmed"
    assert "5.30" in str(resolved["message"])  # the finding as it read when marked
    assert read(year_db, "review_status")["open_findings"].iloc[0] == 2


def test_the_review_survives_a_rebuild(year_db: Path) -> None:
    assert set_disposition(year_db, dy.DEPARTMENT, dy.YEAR, THREE_PUBLIC, "confirmed", "请说明").ok
    assert set_disposition(year_db, dy.DEPARTMENT, dy.YEAR, BASIC_SUM, "false_positive", "误差").ok
    assert set_review_status(
        year_db, dy.DEPARTMENT, dy.YEAR, "returned", "请核实", actor=reviewer("王")
    ).ok
    kinds = [e["kind"] for e in Archive(year_db).entries() if "kind" in e]
    assert kinds == ["finding_disposition", "finding_disposition", "review_status"]
    status, found = read(year_db, "review_status"), findings(year_db)
    history = read(year_db, "review_history")

    results = rebuild(year_db)
    assert all(r.ok for r in results), [r.message for r in results]
    pd.testing.assert_frame_equal(read(year_db, "review_status"), status)
    assert findings(year_db) == found
    pd.testing.assert_frame_equal(
        read(year_db, "review_history").drop(columns="n"), history.drop(columns="n")
    )


@pytest.mark.parametrize(
    ("department", "year", "status", "message"),
    [
        ("不存在的局", 2020, "checked", "没有 不存在的局 2020 年 的报告：无法审核"),
        (dy.DEPARTMENT, 2019, "checked", f"没有 {dy.DEPARTMENT} 2019 年 的报告：无法审核"),
        (dy.DEPARTMENT, dy.YEAR, "approved", "未知的审核状态：approved"),
        (dy.DEPARTMENT, dy.YEAR, "returned", "退回前请标出至少一项“确认问题”，或写明退回意见"),
    ],
)
def test_a_status_that_cannot_be_recorded_says_why_and_writes_nothing(
    year_db: Path, department: str, year: int, status: str, message: str
) -> None:
    journal = Archive(year_db).entries()
    result = set_review_status(year_db, department, year, status)
    assert (result.ok, result.message) == (False, message)
    assert Archive(year_db).entries() == journal
    assert read(year_db, "review_history").empty


@pytest.mark.parametrize(
    ("key", "disposition", "note", "message"),
    [
        (THREE_PUBLIC, "ignored", "x", "未知的处理意见：ignored"),
        (THREE_PUBLIC, "explained", " ", "标为“已说明”请写明理由"),
        (THREE_PUBLIC, "false_positive", "", "标为“误报”请写明理由"),
        (
            "no_such_rule||",
            "confirmed",
            "",
            f"{dy.DEPARTMENT} {dy.YEAR} 年 没有这一核对发现：no_such_rule||",
        ),
    ],
)
def test_a_disposition_that_cannot_be_recorded_says_why(
    year_db: Path, key: str, disposition: str, note: str, message: str
) -> None:
    result = set_disposition(year_db, dy.DEPARTMENT, dy.YEAR, key, disposition, note)
    assert (result.ok, result.message) == (False, message)
    assert read(year_db, "review_history").empty


def test_a_review_of_a_missing_database_says_so(tmp_path: Path) -> None:
    db = tmp_path / "none.duckdb"
    result = set_review_status(db, dy.DEPARTMENT, dy.YEAR, "checked")
    assert not result.ok and str(db) in result.message
    assert not db.exists()


def test_the_seed_basic_sum_is_a_real_finding_to_mark(seed_db: Path) -> None:
    found = findings(seed_db)
    assert "相差 0.09 万元" in str(found[BASIC_SUM]["message"])
    assert set_disposition(seed_db, dy.DEPARTMENT, dy.YEAR, BASIC_SUM, "confirmed", "请核实").ok
    assert set_review_status(seed_db, dy.DEPARTMENT, dy.YEAR, "returned").ok
    con = queries.connect(seed_db)
    try:
        [question] = queries.question_list(con, dy.DEPARTMENT, dy.YEAR).groupby("number")
        todo = queries.review_todo(con)
    finally:
        con.close()
    cited = question[1].set_index("figure")["value"].to_dict()
    assert cited["基本支出人员经费"] == Decimal("758.01")
    assert cited["基本支出公用经费"] == Decimal("42.97")
    assert cited["基本支出调整后预算"] == Decimal("801.07")
    assert todo.empty  # returned: no longer waiting


def returned(db: Path) -> questions.Questions:
    """The test department-year sent back with two confirmed questions."""
    assert set_disposition(db, dy.DEPARTMENT, dy.YEAR, THREE_PUBLIC, "confirmed", "请说明差异").ok
    assert set_disposition(db, dy.DEPARTMENT, dy.YEAR, ENFORCEMENT, "confirmed", "以哪个为准").ok
    assert set_disposition(db, dy.DEPARTMENT, dy.YEAR, BASIC_SUM, "explained", "四舍五入").ok
    assert set_review_status(db, dy.DEPARTMENT, dy.YEAR, "returned", "请于五日内答复").ok
    con = queries.connect(db)
    try:
        return questions.question_list(con, dy.DEPARTMENT, dy.YEAR)
    finally:
        con.close()


def test_the_question_list_as_word_lists_each_confirmed_finding_with_its_sources(
    year_db: Path,
) -> None:
    content = returned(year_db)
    document = docx.Document(io.BytesIO(questions.questions_docx(content)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"{dy.DEPARTMENT} 2020 年度 问题清单" in text
    assert "审核状态：已退回" in text and "审核意见：请于五日内答复" in text
    assert "问题 1：决算与自评的“三公”经费一致" in text
    assert "问题 2：项目金额与其项目支出绩效自评表一致" in text
    assert "审核意见：请说明差异" in text and "审核意见：以哪个为准" in text
    assert "四舍五入" not in text  # explained: not a question
    cells = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    assert ["“三公”经费实际支出", "5.30 万元", "部门决算《final.txt》",
            "2020年“三公”经费支出5.30万元"] in cells  # fmt: skip
    assert any(row[1] == "5.26 万元" and "2020-tianxin" in row[2] for row in cells)
    assert any(row[0] == "项目“执法工作经费”" and row[1] == "60.68 万元" for row in cells)
    assert any(row[1] == "61.68 万元" and "执法工作经费61.68万元" in row[3] for row in cells)


def test_the_question_list_as_excel_has_a_row_per_cited_figure(year_db: Path) -> None:
    content = returned(year_db)
    sheet = openpyxl.load_workbook(io.BytesIO(questions.questions_xlsx(content))).active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == f"{dy.DEPARTMENT} 2020 年度 问题清单"
    header = rows.index(["序号", "核对规则", "问题", "审核意见", "数字", "数值", "单位", "文件",
                         "原文（句子或表格单元格）"])  # fmt: skip
    body = rows[header + 1 :]
    assert [r[0] for r in body] == [1, 1, 2, 2]
    assert body[0][4:7] == ["“三公”经费实际支出", 5.3, "万元"]
    assert body[0][8] == "2020年“三公”经费支出5.30万元"
    assert {r[3] for r in body} == {"请说明差异", "以哪个为准"}


def test_etl_questions_writes_the_files_and_refuses_an_unknown_department_year(
    tmp_path: Path, year_db: Path
) -> None:
    returned(year_db)
    out = tmp_path / "问题清单.docx"
    done = run("questions", "--department", dy.DEPARTMENT, "--year", "2020",
               "--out", str(out), "--db", str(year_db))  # fmt: skip
    assert done.returncode == 0 and "2 个问题" in done.stdout, done.stderr
    assert "问题 2" in "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    sheet = tmp_path / "q.xlsx"
    assert run("questions", "--department", dy.DEPARTMENT, "--year", "2020", "--out",
               str(sheet), "--db", str(year_db)).returncode == 0  # fmt: skip
    assert openpyxl.load_workbook(sheet).active is not None
    refused = run("questions", "--department", "不存在的局", "--year", "2020",
                  "--out", str(out), "--db", str(year_db))  # fmt: skip
    assert refused.returncode == 1 and "没有 不存在的局 2020 年的报告" in refused.stderr


def test_a_department_year_sent_back_returns_to_the_todo_list_when_a_new_version_arrives(
    tmp_path: Path, year_db: Path
) -> None:
    assert set_disposition(year_db, dy.DEPARTMENT, dy.YEAR, THREE_PUBLIC, "confirmed", "请说明").ok
    assert set_review_status(year_db, dy.DEPARTMENT, dy.YEAR, "returned").ok
    con = queries.connect(year_db)
    try:
        assert queries.review_todo(con).empty
    finally:
        con.close()
    answer = dy.write_year(tmp_path / "answer", final=dy.final_accounts(three_public="5.26"))
    [result] = load_paths(list(answer.values()), year_db, on_conflict="replace")
    assert result.ok, result.message
    con = queries.connect(year_db)
    try:
        [row] = queries.review_todo(con).to_dict("records")
    finally:
        con.close()
    assert (row["department"], row["status"], row["resubmitted"]) == (
        dy.DEPARTMENT,
        "returned",
        True,
    )
    assert findings(year_db)[THREE_PUBLIC]["resolved"] is True  # the department's answer
