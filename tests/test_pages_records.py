"""The pages on one department-year gathered from all its documents (tests/support/department_year:
the 自评报告, a 部门预算, a 部门决算 and two project forms, with two disagreements), through AppTest:
each page says which document its numbers came from, 数据核对 compares every document's value,
项目明细 merges the forms, 版本 lists documents by kind, 导入 previews what a file joins."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from etl.load import load_paths
from tests.support import department_year as dy
from tests.support.apptest import open_page, plain
from tests.support.databases import build_db, use_db

SEED_NAME = dy.SEED.name


@pytest.fixture(scope="module")
def year_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return dy.full_year(tmp_path_factory.mktemp("year") / "in")


@pytest.fixture(scope="module")
def year_db_file(year_files: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_db(tmp_path_factory.mktemp("year_db") / "budget.duckdb", list(year_files.values()))


@pytest.fixture
def year_db(year_db_file: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The full department-year, read only."""
    yield from use_db(year_db_file, monkeypatch)


@pytest.fixture
def own_year_db(
    year_files: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """The full department-year in a database private to the test (it may write)."""
    yield from use_db(build_db(tmp_path / "budget.duckdb", list(year_files.values())), monkeypatch)


def texts(at: AppTest, kind: str) -> list[str]:
    return [plain(str(e.value)) for e in getattr(at, kind)]


def frame_with(at: AppTest, *columns: str) -> pd.DataFrame:
    """The one table on the page with these columns."""
    [found] = [f.value for f in at.dataframe if set(columns) <= set(f.value.columns)]
    return found


# --- 总览 and the chart pages: which document each number came from -----------------------------


def test_overview_names_the_document_of_each_figure(year_db: Path) -> None:
    at = open_page("pages/overview.py")
    captions = texts(at, "caption")
    assert any(
        c.startswith("本部门年度由 5 份文件合成：部门整体支出绩效自评报告") for c in captions
    )
    [phases] = [c for c in captions if c.startswith("来源：") and "年初预算" in c]
    assert "基本支出年初预算、项目支出年初预算取自部门预算《budget.txt》" in phases
    assert "基本支出实际支出、项目支出实际支出取自部门决算《final.txt》" in phases
    assert (
        f"基本支出调整后预算、项目支出调整后预算取自部门整体支出绩效自评报告《{SEED_NAME}》"
        in phases
    )
    assert any("“三公”经费实际支出取自部门决算《final.txt》" in c for c in captions)
    assert [e.label for e in at.expander] == ["数字取自哪份文件"]
    sources = frame_with(at, "来源文件").set_index(["类别", "指标"])
    row = sources.loc[("“三公”经费", "实际支出")]
    assert (row["数值"], row["来源文件"], row["文件类型"]) == (
        Decimal("5.3"),
        "final.txt",
        "部门决算",
    )
    assert "5.30" in row["原文（句子或表格）"]
    assert sources.loc[("基本支出", "年初预算"), "来源文件"] == "budget.txt"
    assert len(sources) == 12


def test_adjustments_and_fund_sources_say_where_their_numbers_came_from(year_db: Path) -> None:
    at = open_page("pages/adjustments.py")
    assert any(
        c.startswith("来源：") and "实际支出取自部门决算《final.txt》" in c
        for c in texts(at, "caption")
    )
    at = open_page("pages/fund_sources.py")
    assert f"来源：资金来源取自部门整体支出绩效自评报告《{SEED_NAME}》" in texts(at, "caption")


def test_year_over_year_lists_each_years_documents(year_db: Path) -> None:
    at = open_page("pages/year_over_year.py")
    [line] = [c for c in texts(at, "caption") if c.startswith("2020 年度：")]
    assert "部门预算《budget.txt》" in line and "部门决算《final.txt》" in line
    assert line.count("项目支出绩效自评表《") == 2


def test_a_single_document_record_says_so_without_a_merge_line(seed_db: Path) -> None:
    at = open_page("pages/overview.py")
    captions = texts(at, "caption")
    assert not any(c.startswith("本部门年度由") for c in captions)
    assert any(c.startswith("来源：") and SEED_NAME in c for c in captions)


# --- 数据核对: every document's value, agreement, the findings across documents -----------------


def test_audit_shows_every_document_of_a_figure_and_whether_they_agree(year_db: Path) -> None:
    at = open_page("pages/audit.py")
    statements = frame_with(at, "与采用值比较")
    three = statements[(statements["类别"] == "“三公”经费") & (statements["指标"] == "实际支出")]
    assert three[["文件", "数值", "采用", "与采用值比较"]].values.tolist() == [
        ["final.txt", Decimal("5.3"), "采用", "一致"],
        [SEED_NAME, Decimal("5.26"), "", "相差 0.04 万元"],
    ]
    initial = statements[(statements["类别"] == "基本支出") & (statements["指标"] == "年初预算")]
    assert initial["与采用值比较"].tolist() == ["一致", "一致"]
    warnings = texts(at, "warning")
    assert any(
        w.startswith("“三公”经费实际支出：采用部门决算《final.txt》的 5.30 万元")
        and f"部门整体支出绩效自评报告《{SEED_NAME}》为 5.26 万元" in w
        for w in warnings
    )


def test_audit_shows_cross_document_findings_with_both_documents(year_db: Path) -> None:
    at = open_page("pages/audit.py")
    assert "文件之间的核对" in texts(at, "subheader")
    cross = frame_with(at, "规则", "文件").query("结果 == '未通过'")
    three = cross[cross["规则"] == "决算与自评的“三公”经费一致"]
    assert sorted(three["文件"]) == sorted(["final.txt", SEED_NAME])
    assert all("5.3" in s or "5.26" in s for s in three["原文（句子或表格）"])
    project = cross[cross["规则"] == "项目金额与其项目支出绩效自评表一致"]
    assert project["文件"].tolist() == [SEED_NAME, "enforcement.txt"]
    assert project["数值（万元）"].tolist() == [Decimal("61.68"), Decimal("60.68")]
    assert (
        project["原文（句子或表格）"].tolist()[1].startswith("年度资金总额 | 20.00 | 61.68 | 60.68")
    )


def test_only_failed_narrows_the_findings_across_documents(year_db: Path) -> None:
    at = open_page("pages/audit.py")
    assert len(frame_with(at, "规则", "文件")) > 4
    at.toggle(key="audit_failed_only").set_value(True).run()
    cross = frame_with(at, "规则", "文件")
    assert cross["结果"].tolist() == ["未通过"] * 4  # two findings, two documents each


def test_a_correction_applies_to_the_record_and_is_marked(own_year_db: Path) -> None:
    at = open_page("pages/audit.py")
    at.selectbox(key="correction_figure").set_value("three_public.actual")
    # The record's 三公 actual is the 决算's 5.30; the correction lands on the record's lead (the
    # 自评报告, which wrote 5.26), and the two documents then agree.
    at.text_input(key="correction_value").input("5.30")
    at.text_input(key="correction_reason").input("与决算核对")
    at.button(key="correction_submit").click().run()
    assert not at.exception
    statements = frame_with(at, "与采用值比较")
    three = statements[(statements["类别"] == "“三公”经费") & (statements["指标"] == "实际支出")]
    taken = three[three["采用"] == "采用"].iloc[0]
    assert (taken["文件"], taken["数值"], taken["已更正"]) == (SEED_NAME, Decimal("5.3"), "已更正")
    assert three["与采用值比较"].tolist() == ["一致", "一致"]
    cross = frame_with(at, "规则", "文件")
    failed = cross[cross["结果"] == "未通过"]["规则"].tolist()
    assert "决算与自评的“三公”经费一致" not in failed
    at.switch_page("pages/overview.py").run()
    [line] = [c for c in texts(at, "caption") if "“三公”经费实际支出（已更正）" in c]
    assert line.startswith("来源：") and f"取自部门整体支出绩效自评报告《{SEED_NAME}》" in line
    sources = frame_with(at, "来源文件").set_index(["类别", "指标"])
    assert sources.loc[("“三公”经费", "实际支出"), "已更正"] == "已更正"
    assert sources.loc[("“三公”经费", "实际支出"), "来源文件"] == SEED_NAME


# --- 项目明细, 版本 --------------------------------------------------------------------------------


def test_projects_merge_the_list_with_the_project_forms(year_db: Path) -> None:
    at = open_page("pages/projects.py")
    projects = frame_with(at, "项目支出绩效自评表").set_index("项目")
    assert len(projects) == 6
    road = projects.loc["农村公路养护、建设费"]
    assert (road["列于"], road["项目支出绩效自评表"]) == (SEED_NAME, "road.txt")
    assert road["年初预算（万元）"] == Decimal("60")
    enforcement = projects.loc["执法工作经费"]
    assert enforcement["金额（万元）"] == Decimal("61.68")
    assert enforcement["实际支出（万元）"] == Decimal("60.68")
    assert enforcement["项目支出绩效自评表"] == "enforcement.txt"
    assert projects.loc["党建经费", "项目支出绩效自评表"] == ""
    assert any(
        f"项目清单取自《{SEED_NAME}》；其中 2 个项目有项目支出绩效自评表" in c
        for c in texts(at, "caption")
    )


@pytest.fixture
def form_only_db(
    year_files: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """The full department-year and a form of a project no list of the record names."""
    extra = dy.write_year(tmp_path, bridge=dy.project_form("桥梁检测费", "5.00", "8.00", "7.50"))
    files = [*year_files.values(), extra["bridge"]]
    yield from use_db(build_db(tmp_path / "budget.duckdb", files), monkeypatch)


def test_a_project_only_its_form_names_is_listed_in_no_file(form_only_db: Path) -> None:
    at = open_page("pages/projects.py")
    projects = frame_with(at, "项目支出绩效自评表").set_index("项目")
    bridge = projects.loc["桥梁检测费"]
    assert (bridge["列于"], bridge["项目支出绩效自评表"]) == ("", "bridge.txt")
    assert bridge["实际支出（万元）"] == Decimal("7.5")
    assert any("1 个项目只见于其项目支出绩效自评表" in c for c in texts(at, "caption"))


def test_versions_lists_the_documents_by_kind(year_db: Path) -> None:
    at = open_page("pages/versions.py")
    parts = [plain(m.value) for m in at.markdown if plain(m.value).startswith("**")]
    assert parts == [
        "**部门整体支出绩效自评报告**",
        "**项目支出绩效自评表（农村公路养护、建设费）**",
        "**项目支出绩效自评表（执法工作费）**",
        "**部门决算**",
        "**部门预算**",
    ]
    assert any("1 个部门、1 个部门年度（5 份当前文件）" in c for c in texts(at, "caption"))
    versions = frame_with(at, "组成部分")
    assert sorted(versions["组成部分"]) == sorted(
        [
            "部门整体支出绩效自评报告",
            "项目支出绩效自评表（农村公路养护、建设费）",
            "项目支出绩效自评表（执法工作费）",
            "部门决算",
            "部门预算",
        ]
    )


# --- department counts apply the aliases --------------------------------------------------------


def test_the_demo_counts_six_departments_on_every_page(demo_db: Path) -> None:
    with duckdb.connect(str(demo_db), read_only=True) as con:
        [(written,)] = con.execute("SELECT count(DISTINCT department) FROM documents").fetchall()
    assert written == 7  # one department writes its name two ways; an alias joins them
    at = open_page("pages/summary.py")
    assert any("全部 6 个部门" in c for c in texts(at, "caption"))
    at = open_page("pages/versions.py")
    assert any("数据库共 6 个部门、18 个部门年度" in c for c in texts(at, "caption"))
    at = open_page("pages/snapshot.py")
    assert any(
        c.startswith("快照包含 6 个部门的 87 个版本（18 个部门年度、87 份当前文件）")
        for c in texts(at, "caption")
    )


def test_a_department_written_two_ways_lists_its_versions_together(demo_db: Path) -> None:
    at = open_page("pages/versions.py")
    at.toggle(key="versions_show_all").set_value(True).run()
    versions = frame_with(at, "组成部分")
    assert set(versions["部门"]) == {at.session_state["department"]}


@pytest.fixture
def two_step_db(
    year_files: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """The 自评报告 loaded first, then the 决算 and 预算 join it."""
    db = tmp_path / "budget.duckdb"
    load_paths([year_files["report"]], db)
    load_paths([year_files["final"], year_files["budget"]], db)
    yield from use_db(db, monkeypatch)


def test_a_record_of_several_documents_is_one_year_in_the_selector(two_step_db: Path) -> None:
    at = open_page("pages/overview.py")
    assert at.selectbox(key="year").options == ["2020 年"]
    assert any(c.startswith("本部门年度由 3 份文件合成") for c in texts(at, "caption"))


# --- 导入: which department-year a file joins, what it adds or contradicts -----------------------


@pytest.fixture
def seed_only_db(
    year_files: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """The 自评报告 alone, in a database private to the test."""
    yield from use_db(build_db(tmp_path / "budget.duckdb", [year_files["report"]]), monkeypatch)


def upload(at: AppTest, *paths: Path) -> AppTest:
    uploader = at.file_uploader(key=f"import_files_{at.session_state['import_round']}")
    for path in paths:
        uploader.upload(path.name, path.read_bytes(), "application/octet-stream")
    return uploader.run()


def test_import_preview_says_a_file_joins_the_record_and_what_it_contradicts(
    seed_only_db: Path, year_files: dict[str, Path]
) -> None:
    at = upload(open_page("pages/import_reports.py"), year_files["final"])
    assert not at.exception
    captions = texts(at, "caption")
    assert (
        f"将加入 长沙市天心区交通运输局 2020 年度的记录（已有 1 份文件：部门整体支出绩效自评报告"
        f"《{SEED_NAME}》），作为其中的部门决算"
    ) in captions
    assert not at.radio  # another kind joins beside the 自评报告: nothing to keep or replace
    warnings = texts(at, "warning")
    assert (
        "与记录现有数字不一致：“三公”经费实际支出：本文件为 5.30 万元，记录现为 5.26 万元"
        f"（取自部门整体支出绩效自评报告《{SEED_NAME}》）"
    ) in warnings
    differs = [w for w in warnings if w.startswith("与记录现有数字不一致")]
    assert len(differs) == 1  # 基本支出实际支出 801.07 in both, and the rest agree


def test_import_preview_of_a_project_form_names_the_project_it_contradicts(
    seed_only_db: Path, year_files: dict[str, Path]
) -> None:
    at = upload(open_page("pages/import_reports.py"), year_files["enforcement"])
    assert any("作为其中的项目支出绩效自评表（执法工作费）" in c for c in texts(at, "caption"))
    assert (
        "与记录现有数字不一致：项目“执法工作经费”：本文件为 60.68 万元，记录中列为 61.68 万元"
    ) in texts(at, "warning")


def test_import_preview_of_a_new_version_of_one_kind_says_it_replaces_only_that_kind(
    own_year_db: Path, tmp_path: Path
) -> None:
    newer = tmp_path / "final-v2.txt"
    newer.write_text(dy.final_accounts(three_public="5.26", basic="801.00"), encoding="utf-8")
    at = upload(open_page("pages/import_reports.py"), newer)
    [warning] = [w for w in texts(at, "warning") if "已有当前版本" in w]
    assert warning.startswith(
        "长沙市天心区交通运输局 2020 年已有当前版本 final.txt（部门决算）："
        "替换只换掉这一类文件的旧版本；该记录的其余 4 份文件不变"
    )
    assert at.radio  # keep or replace
    differs = [w for w in texts(at, "warning") if w.startswith("与记录现有数字不一致")]
    assert any("基本支出实际支出：本文件为 801.00 万元，记录现为 801.07 万元" in w for w in differs)
    assert any("“三公”经费实际支出：本文件为 5.26 万元，记录现为 5.30 万元" in w for w in differs)


def test_a_new_department_year_is_said_to_be_a_new_record(
    no_records_db: Path, year_files: dict[str, Path]
) -> None:
    at = upload(open_page("pages/import_reports.py"), year_files["budget"])
    assert "新的部门年度：将为 长沙市天心区交通运输局 2020 年度建立记录" in texts(at, "caption")


def test_after_loading_a_button_opens_the_department_year_it_joined(
    seed_only_db: Path, year_files: dict[str, Path]
) -> None:
    at = upload(open_page("pages/import_reports.py"), year_files["final"], year_files["budget"])
    assert ("本次一起上传的 1 个文件也属于这个部门年度，载入后合为一条记录：budget.txt") in texts(
        at, "caption"
    )
    at.button(key="import_confirm").click().run()
    assert not at.exception
    [button] = [b for b in at.button if b.key == "import_open_0"]
    assert plain(button.label) == "打开 长沙市天心区交通运输局 2020 年度的总览"
    button.click().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["总览"]
    assert any(c.startswith("本部门年度由 3 份文件合成") for c in texts(at, "caption"))


@pytest.fixture
def no_records_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    yield from use_db(build_db(tmp_path / "budget.duckdb", []), monkeypatch)
