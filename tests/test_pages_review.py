"""The review in the app through AppTest: 待办 lists the department-years not yet reviewed, newest
first, with their open findings, and opens one on 数据核对; there a disposition per finding and a
status are saved, shown everywhere the department-year is, and still there in a new session; 退回
offers the 问题清单."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl.store.review import set_review_status
from tests.support.actors import reviewer
from tests.support.apptest import open_page, page_text, plain, table
from tests.support.databases import (
    DEPARTMENT,
    OTHER_DEPARTMENT,
    SEED,
    build_db,
    seed_variant,
    use_db,
)


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """天心区 2020 (seed) and 2021, 雨花区 2020: a database of this test's own (it is written)."""
    reports = [
        SEED,
        seed_variant(tmp_path, "2021-tianxin.txt", ("2020", "2021"), ("801.07", "812.34")),
        seed_variant(tmp_path, "2020-yuhua.txt", ("天心区", "雨花区")),
    ]
    yield from use_db(build_db(tmp_path / "budget.duckdb", reports), monkeypatch)


def texts(at: AppTest, kind: str) -> list[str]:
    return [plain(str(e.value)) for e in getattr(at, kind)]


def test_todo_lists_what_is_not_yet_reviewed_newest_first(db: Path) -> None:
    assert set_review_status(db, OTHER_DEPARTMENT, 2020, "checked", actor=reviewer("王审核")).ok
    assert set_review_status(
        db, DEPARTMENT, 2020, "questioned", "待核实", actor=reviewer("王审核")
    ).ok
    at = open_page("pages/todo.py")
    todo = table(at)
    assert list(zip(todo["部门"], todo["年度"], todo["审核状态"], strict=True)) == [
        (DEPARTMENT, 2021, "待审核"),
        (DEPARTMENT, 2020, "有疑问"),
    ]
    assert todo["待处理的核对发现（项）"].tolist() == [2, 2]
    assert todo["审核意见"].tolist() == ["", "待核实"]
    done = table(at, 1)
    assert list(zip(done["部门"], done["审核状态"], strict=True)) == [(OTHER_DEPARTMENT, "已核对")]


def test_todo_opens_the_chosen_department_year_on_the_audit_page(db: Path) -> None:
    at = open_page("pages/todo.py")
    at.selectbox(key="todo_open").set_value(1).run()  # 天心区 2020, after 2021
    at.button(key="todo_open_button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "数据核对"
    assert (at.session_state["department"], at.session_state["year"]) == (DEPARTMENT, 2020)
    assert "审核状态：待审核 · 待处理的核对发现 2 项" in page_text(at)


def test_todo_says_when_everything_is_reviewed(db: Path) -> None:
    for department, year in ((DEPARTMENT, 2020), (DEPARTMENT, 2021), (OTHER_DEPARTMENT, 2020)):
        assert set_review_status(db, department, year, "checked").ok
    at = open_page("pages/todo.py")
    assert any("没有待审核的部门年度" in s for s in texts(at, "success"))


def test_audit_saves_dispositions_and_status_and_they_persist(db: Path) -> None:
    at = open_page("pages/audit.py", {"department": DEPARTMENT, "year": "2020"})
    assert "审核状态：待审核 · 待处理的核对发现 2 项" in page_text(at)
    # The seed's findings: 人员经费 + 公用经费 off by 0.09, and the basic adjustment rate.
    assert any("相差 0.09 万元" in plain(m.value) for m in at.markdown)
    at.radio(key="finding_disposition_1").set_value("confirmed")
    at.text_input(key="finding_note_1").input("请核实人员经费与公用经费合计")
    at.button(key="finding_submit_1").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("标为“确认问题”" in s for s in texts(at, "success"))
    at.radio(key="finding_disposition_2").set_value("explained")
    at.button(key="finding_submit_2").click().run()
    assert any("请写明理由" in s for s in texts(at, "error"))  # explained needs a reason
    at.text_input(key="finding_note_2").input("调整原因见决算说明")
    at.button(key="finding_submit_2").click().run()
    assert any("标为“已说明”" in s for s in texts(at, "success"))
    assert "审核状态：待审核 · 待处理的核对发现 1 项" in page_text(at)
    assert not at.get("download_button") or all(
        "问题清单" not in b.proto.label for b in at.get("download_button")
    )
    at.radio(key="review_status").set_value("returned")
    at.text_area(key="review_notes").input("请于五日内答复")
    at.button(key="review_submit").click().run()
    assert not at.exception, [e.value for e in at.exception]
    labels = [b.proto.label for b in at.get("download_button")]
    assert "下载问题清单（Word）" in labels and "下载问题清单（Excel）" in labels

    # A new session sees what was saved: on 数据核对, 总览 and 待办.
    again = open_page("pages/audit.py", {"department": DEPARTMENT, "year": "2020"})
    text = page_text(again)
    assert "审核状态：已退回（" in text
    findings = table(again, len(again.dataframe) - 2)
    assert findings["处理意见"].tolist() == ["确认问题", "已说明"]
    assert findings["审核意见"].tolist() == ["请核实人员经费与公用经费合计", "调整原因见决算说明"]
    assert again.radio(key="finding_disposition_1").value == "confirmed"
    assert again.radio(key="finding_disposition_2").value == "explained"
    assert again.radio(key="review_status").value == "returned"
    history = table(again, len(again.dataframe) - 1)
    assert history["操作"].tolist()[0] == "审核状态 → 已退回"
    overview = open_page("pages/overview.py", {"department": DEPARTMENT, "year": "2020"})
    assert "审核状态：已退回（" in page_text(overview)
    todo = table(open_page("pages/todo.py"))
    assert (DEPARTMENT, 2020) not in set(zip(todo["部门"], todo["年度"], strict=True))


def test_the_status_shows_on_versions_and_in_the_comparison_table(db: Path) -> None:
    assert set_review_status(
        db, DEPARTMENT, 2020, "returned", "请核实", actor=reviewer("王审核")
    ).ok
    versions = open_page("pages/versions.py", {"department": DEPARTMENT, "year": "2020"})
    assert "审核状态：已退回（王审核，" in page_text(versions)
    at = open_page("pages/comparison.py", {"department": DEPARTMENT, "year": "2020"})
    [ranking] = [f.value for f in at.dataframe if "审核状态" in f.value.columns]
    status = dict(zip(ranking["部门"], ranking["审核状态"], strict=True))
    assert status == {DEPARTMENT: "已退回", OTHER_DEPARTMENT: "待审核"}


def test_todo_lists_a_department_year_sent_back_once_it_has_a_new_version(
    db: Path, tmp_path: Path
) -> None:
    from etl.load import load_paths

    for department, year in ((DEPARTMENT, 2021), (OTHER_DEPARTMENT, 2020)):
        assert set_review_status(db, department, year, "checked").ok
    assert set_review_status(db, DEPARTMENT, 2020, "returned", "请核实").ok
    assert any("没有待审核的部门年度" in s for s in texts(open_page("pages/todo.py"), "success"))
    newer = seed_variant(tmp_path, "2020-tianxin-v2.txt", ("801.07万元", "801.08万元"))
    [result] = load_paths([newer], db, on_conflict="replace")
    assert result.status == "replaced", result.message
    todo = table(open_page("pages/todo.py"))
    assert list(zip(todo["部门"], todo["年度"], todo["审核状态"], strict=True)) == [
        (DEPARTMENT, 2020, "已退回，已交新版本")
    ]


def test_a_choice_for_one_department_year_is_not_shown_for_another(db: Path) -> None:
    at = open_page("pages/audit.py", {"department": DEPARTMENT, "year": "2020"})
    at.radio(key="finding_disposition_1").set_value("confirmed")
    at.button(key="finding_submit_1").click().run()
    at.radio(key="review_status").set_value("returned")
    at.button(key="review_submit").click().run()
    assert at.radio(key="review_status").value == "returned"
    assert at.radio(key="finding_disposition_1").value == "confirmed"
    at.selectbox(key="year").set_value(2021).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.radio(key="review_status").value == "pending"
    assert at.radio(key="finding_disposition_1").value is None
