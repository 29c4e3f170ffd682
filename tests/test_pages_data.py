"""The data pages through AppTest: 导入 (preview, confirm, conflicts, hand entry), 版本 (恢复),
数据快照, corrections on 数据核对, and every page's view kept in the URL."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from etl import config
from etl.load import correct_figure, load_documents, load_paths
from tests.support.apptest import PAGES, open_page, page_text, plain, table
from tests.support.databases import DEPARTMENT, OTHER_DEPARTMENT, SEED, use_db

SEED_BYTES = SEED.read_bytes()
V2_BYTES = SEED_BYTES.decode().replace("预算调整数为801.07万元", "预算调整数为802.07万元").encode()
TEMPLATE = (
    "部门,年度,类别,指标,数值,单位,用途,说明\r\n"
    f"{DEPARTMENT},2019,基本支出,年初预算,400,万元,,据决算表\r\n"
    ",,基本支出,调整后预算,420.5,万元,,\r\n"
    ",,基本支出,实际支出,410,万元,,\r\n"
).encode("utf-8-sig")


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A writable database with the seed report, private to the test."""
    path = tmp_path / "budget.duckdb"
    load_documents([("seed.txt", SEED_BYTES)], path)
    yield from use_db(path, monkeypatch)


@pytest.fixture
def no_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty database (schema only): the state before anything is uploaded."""
    path = tmp_path / "budget.duckdb"
    load_documents([], path)
    yield from use_db(path, monkeypatch)


def documents(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "SELECT file_name, is_current, origin FROM documents ORDER BY document_id"
        ).fetchall()


def texts(at: AppTest, kind: str) -> list[str]:
    return [plain(str(e.value)) for e in getattr(at, kind)]


def upload(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    uploader = at.file_uploader(key="import_files_0")
    for name, content in files:
        uploader.upload(name, content, "application/octet-stream")
    return uploader.run()


# --- 导入 ---------------------------------------------------------------------------------------


def test_import_page_works_on_an_empty_database(no_db: Path) -> None:
    at = open_page("pages/import_reports.py")
    assert [t.value for t in at.title] == ["导入"]
    assert at.button(key="import_confirm").disabled
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["下载录入模板（Excel）", "下载录入模板（CSV）"]


def test_upload_previews_then_loads_only_when_confirmed(no_db: Path) -> None:
    partial = SEED_BYTES.decode().replace("；实际支出数为349.4万元", "").encode()
    at = upload(open_page("pages/import_reports.py"), ("天心区2020.txt", partial))
    assert not at.exception
    shown = [plain(m.value) for m in at.markdown]
    assert "基本支出：年初预算 487.51 · 调整后预算 801.07 · 实际支出 801.07 万元" in shown
    assert "项目支出：年初预算 97.80 · 调整后预算 349.40 · 实际支出 未识别 万元" in shown
    assert any("未识别（报告中没有找到）：项目支出·实际支出" in t for t in texts(at, "info"))
    figures = table(at, 0).set_index(["类别", "指标"])
    assert figures.loc[("基本支出", "调整后预算"), "原文措辞"] == "预算调整数"
    assert documents(no_db) == []  # previewed, not loaded
    at.button(key="import_confirm").click().run()
    assert not at.exception
    assert documents(no_db) == [("天心区2020.txt", True, "report")]
    assert "载入报告：1 个成功，0 个失败" in texts(at, "success")
    assert not at.file_uploader(key="import_files_1").value  # the uploader starts empty again
    at.switch_page("pages/overview.py").run()
    assert "801.07" in page_text(at)


def test_a_bad_file_is_named_and_changes_nothing(db: Path) -> None:
    before = documents(db)
    at = upload(
        open_page("pages/import_reports.py"),
        ("损坏.pdf", b"%PDF-1.7 truncated"),
        ("改名.docx", SEED_BYTES),
    )
    errors = texts(at, "error")
    assert len(errors) == 2
    assert errors[0].startswith("损坏.pdf：") and "\n" not in errors[0]
    assert errors[1].startswith("改名.docx：")
    assert at.button(key="import_confirm").disabled
    assert documents(db) == before


def test_an_oversize_file_is_refused_by_the_app_too(db: Path) -> None:
    st_config.set_option("server.maxUploadSize", 1)
    try:
        at = upload(open_page("pages/import_reports.py"), ("big.txt", SEED_BYTES + b" " * 2**20))
    finally:
        st_config.set_option("server.maxUploadSize", 20)
    assert texts(at, "error") == ["big.txt：文件过大（1.0 MB）：上传上限为 1 MB"]
    assert at.button(key="import_confirm").disabled


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("keep", [("seed.txt", True), ("v2.txt", False)]),
        ("replace", [("seed.txt", False), ("v2.txt", True)]),
    ],
    ids=["keep-is-the-default", "replace"],
)
def test_a_second_version_asks_keep_or_replace(
    db: Path, choice: str, expected: list[tuple[str, bool]]
) -> None:
    at = upload(open_page("pages/import_reports.py"), ("v2.txt", V2_BYTES))
    assert any("已有当前版本 seed.txt" in w for w in texts(at, "warning"))
    radio = at.radio(key=f"import_choice_{hashlib.sha256(V2_BYTES).hexdigest()[:16]}")
    assert radio.value == "keep"
    radio.set_value(choice).run()
    at.button(key="import_confirm").click().run()
    assert [row[:2] for row in documents(db)] == expected
    at.switch_page("pages/overview.py").run()
    adjusted = "802.07" if choice == "replace" else "801.07"
    assert adjusted in page_text(at)


def test_the_same_file_again_is_not_loaded_twice(db: Path) -> None:
    at = upload(open_page("pages/import_reports.py"), ("again.txt", SEED_BYTES))
    assert any("已载入过内容完全相同" in c for c in texts(at, "caption"))
    assert at.button(key="import_confirm").disabled


def test_hand_entry_with_problems_lists_them_by_row_and_column(db: Path) -> None:
    at = open_page("pages/import_reports.py")
    bad = TEMPLATE.decode("utf-8-sig").replace("420.5", "四百二").replace(",2019,", ",19,")
    at.file_uploader(key="manual_file_0").upload("录入.csv", bad.encode("utf-8-sig")).run()
    assert texts(at, "error") == [
        "录入.csv：发现 2 个问题，整份文件未导入。请在 Excel 中改正后重新上传。"
    ]
    issues = table(at)
    assert issues.values.tolist() == [
        ["2", "年度", "“19”不是年份：应为四位数字，如 2021"],
        ["3", "数值", "“四百二”不是数字（只填数字，单位写在“单位”列）"],
    ]
    assert at.button(key="manual_confirm").disabled


def test_hand_entry_loads_and_is_marked_manual(db: Path) -> None:
    at = open_page("pages/import_reports.py")
    at.file_uploader(key="manual_file_0").upload("录入.csv", TEMPLATE).run()
    assert f"{DEPARTMENT} 2019 年" in plain(at.markdown[-1].value) or any(
        f"{DEPARTMENT} 2019 年" in plain(m.value) for m in at.markdown
    )
    assert table(at)["数值"].tolist() == [Decimal(400), Decimal("420.5"), Decimal(410)]
    at.button(key="manual_confirm").click().run()
    assert not at.exception
    assert documents(db)[-1] == ("录入.csv", True, "manual")
    at = open_page("pages/overview.py", {"department": DEPARTMENT, "year": "2019"})
    assert "来源：录入.csv（手工录入）" in page_text(at)
    assert "420.50" in page_text(at)
    at.switch_page("pages/audit.py").run()
    figures = table(at, 1).set_index(["类别", "指标"])
    assert figures.loc[("基本支出", "年初预算"), "原文措辞"] == "手工录入"
    assert figures.loc[("基本支出", "年初预算"), "数值位置"] == "手工录入"


NAMELESS_BYTES = (
    SEED_BYTES.decode()
    .replace("长沙市天心区交通运输局", "")
    .replace("天心区交通运输局", "")
    .encode()
)
PROJECT_FORM = Path(__file__).parent / "corpus" / "dev" / "documents"
PROJECT_FORM = PROJECT_FORM / "2021-leiyang-sizhong-project-tab.txt"


def test_a_document_without_its_department_loads_with_the_one_typed_in(no_db: Path) -> None:
    at = upload(open_page("pages/import_reports.py"), ("无名.txt", NAMELESS_BYTES))
    assert not at.exception
    assert any("部门需确认" in w for w in texts(at, "warning"))
    assert any("未能识别部门名称" in e for e in texts(at, "error"))
    assert at.button(key="import_confirm").disabled  # nothing to load until it is named
    key = hashlib.sha256(NAMELESS_BYTES).hexdigest()[:16]
    field = at.text_input(key=f"import_department_{key}")
    assert field.value == "" and "需确认" in field.label
    assert at.text_input(key=f"import_year_{key}").value == "2020"  # read from the title
    field.set_value(DEPARTMENT).run()
    assert not texts(at, "error")
    assert not at.button(key="import_confirm").disabled
    at.button(key="import_confirm").click().run()
    assert not at.exception
    assert documents(no_db) == [("无名.txt", True, "report")]
    with duckdb.connect(str(no_db), read_only=True) as con:
        assert con.execute("SELECT department, department_from FROM documents").fetchall() == [
            (DEPARTMENT, "user")
        ]
    at.switch_page("pages/overview.py").run()
    assert "部门：用户填写" in page_text(at) and "801.07" in page_text(at)


def test_a_malformed_year_is_said_and_blocks_the_load(no_db: Path) -> None:
    at = upload(open_page("pages/import_reports.py"), ("seed.txt", SEED_BYTES))
    key = hashlib.sha256(SEED_BYTES).hexdigest()[:16]
    at.text_input(key=f"import_year_{key}").set_value("20").run()
    assert any("年度应为" in e for e in texts(at, "error"))
    assert at.button(key="import_confirm").disabled


def test_projects_page_shows_a_project_forms_phases_and_rate(no_db: Path) -> None:
    (result,) = load_paths([PROJECT_FORM], no_db)
    assert result.ok, result.message
    at = open_page(
        "pages/projects.py", {"department": str(result.department), "year": str(result.year)}
    )
    assert not at.exception
    assert "项目支出绩效自评表" in page_text(at)  # the document's kind, named in the header
    projects = table(at, 0)
    assert {"年初预算（万元）", "调整后预算（万元）", "实际支出（万元）", "预算执行率（%）"} <= set(
        projects.columns
    )
    first = projects.set_index("项目").loc["普通高中生均公用经费"]
    assert str(first["预算执行率（%）"]).startswith("98.2")
    assert len(at.get("plotly_chart")) == 2  # the amounts, then each project's phases


# --- 版本 ---------------------------------------------------------------------------------------


def test_versions_lists_and_restores(db: Path) -> None:
    load_documents([("v2.txt", V2_BYTES, "replace")], db)
    at = open_page("pages/versions.py")
    versions = table(at)
    assert versions["文件"].tolist() == ["v2.txt", "seed.txt"]
    assert versions["当前版本"].tolist() == ["是", ""]
    assert versions["内容哈希（SHA-256）"].tolist()[1] == hashlib.sha256(SEED_BYTES).hexdigest()
    assert all(versions["载入时间"].str.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"))
    at.button(key=f"restore_{hashlib.sha256(SEED_BYTES).hexdigest()[:16]}").click().run()
    assert not at.exception
    assert any("已恢复为" in s for s in texts(at, "success"))
    after = table(at)
    assert dict(zip(after["文件"], after["当前版本"], strict=True)) == {
        "seed.txt": "是",
        "v2.txt": "",
    }
    at.switch_page("pages/overview.py").run()
    assert "801.07" in page_text(at)


def test_versions_toggle_shows_every_year_of_the_department(three_reports_db: Path) -> None:
    at = open_page("pages/versions.py")
    assert len(table(at)) == 1
    assert "数据库共 2 个部门、3 个部门年度（3 份当前文件）、3 个版本、0 处更正" in page_text(at)
    at.toggle(key="versions_show_all").set_value(True).run()
    assert table(at)["年度"].tolist() == [2021, 2020]  # the department's, not every department's
    assert set(table(at)["部门"]) == {DEPARTMENT}


# --- 数据快照 ------------------------------------------------------------------------------------


def test_snapshot_page_offers_both_downloads(db: Path) -> None:
    at = open_page("pages/snapshot.py")
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels[:2] == ["下载数据快照（CSV 压缩包）", "下载数据快照（Excel 工作簿）"]
    assert table(at)["文件"].tolist() == ["seed.txt"]
    rows = dict(zip(table(at, 1)["文件"], table(at, 1)["行数"], strict=True))
    assert rows["tables/documents.csv"] == 1 and rows["tables/projects.csv"] > 0
    assert "报告版本" in table(at, 1)["内容"].tolist()  # the table in words, not its name


@pytest.mark.parametrize(
    "path", ["pages/versions.py", "pages/snapshot.py"], ids=["版本", "数据快照"]
)
def test_data_pages_on_an_empty_database(no_db: Path, path: str) -> None:
    at = open_page(path)
    assert "还没有载入报告" in at.info[0].value and "导入" in at.info[0].value


# --- corrections on 数据核对 ---------------------------------------------------------------------


def correct(at: AppTest, slot: str, value: str, reason: str) -> AppTest:
    at.selectbox(key="correction_figure").set_value(slot)
    at.text_input(key="correction_value").input(value)
    at.text_input(key="correction_reason").input(reason)
    return at.button(key="correction_submit").click().run()


def test_a_correction_is_marked_everywhere_and_keeps_the_original(db: Path) -> None:
    at = correct(open_page("pages/audit.py"), "basic.actual", "800.5", "与决算表核对")
    assert not at.exception
    assert any("已保存更正" in s for s in texts(at, "success"))
    figures = table(at, 1).set_index(["类别", "指标"])
    row = figures.loc[("基本支出", "实际支出")]
    assert (row["数值"], row["已更正"], row["原值"], row["更正理由"]) == (
        Decimal("800.5"),
        "已更正",
        Decimal("801.07"),
        "与决算表核对",
    )
    history = table(at, 2)
    assert (history.loc[0, "操作"], history.loc[0, "生效数值"]) == ("更正", Decimal("800.5"))

    at.switch_page("pages/overview.py").run()
    basic = {m.label: m.value for m in at.metric[:5]}
    assert basic["实际支出（万元） · 已更正"] == "800.50"
    assert "年初预算（万元）" in basic  # only the corrected figure is marked
    at.switch_page("pages/adjustments.py").run()
    phases = table(at).set_index("类别")
    assert phases.loc["基本支出", "已更正"] == "实际支出"
    assert phases.loc["项目支出", "已更正"] == ""
    assert phases.loc["基本支出", "实际支出（万元）"] == Decimal("800.5")


def test_a_correction_without_a_reason_is_refused(db: Path) -> None:
    at = correct(open_page("pages/audit.py"), "basic.actual", "800.5", "")
    assert texts(at, "error") == ["未保存：请填写更正理由"]
    assert "更正记录" not in [s.value for s in at.subheader]


def test_a_correction_can_be_withdrawn(db: Path) -> None:
    correct_figure(
        db,
        hashlib.sha256(SEED_BYTES).hexdigest(),
        "basic",
        "actual",
        "1",
        "试",
    )
    at = open_page("pages/audit.py")
    at.selectbox(key="withdraw_figure").set_value("basic.actual")
    at.text_input(key="withdraw_reason").input("更正有误")
    at.button(key="withdraw_submit").click().run()
    figures = table(at, 1).set_index(["类别", "指标"])
    assert figures.loc[("基本支出", "实际支出"), "数值"] == Decimal("801.07")
    history = table(at, 2)
    assert history["操作"].tolist() == ["撤销更正", "更正"]
    assert history["生效数值"].tolist() == [Decimal("801.07"), Decimal(1)]


# --- shareable views ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", list(PAGES), ids=list(PAGES.values()))
def test_every_page_keeps_department_and_year_in_the_url(three_reports_db: Path, path: str) -> None:
    params = {"department": OTHER_DEPARTMENT, "year": "2020"}
    at = open_page(path, params)
    assert (at.selectbox(key="department").value, at.selectbox(key="year").value) == (
        OTHER_DEPARTMENT,
        2020,
    )
    assert dict(at.query_params) == params
    at.selectbox(key="department").set_value(DEPARTMENT).run()
    assert dict(at.query_params) == {"department": DEPARTMENT, "year": "2020"}
    at.selectbox(key="year").set_value(2021).run()
    assert dict(at.query_params) == {"department": DEPARTMENT, "year": "2021"}


def test_a_database_from_an_older_version_is_upgraded_on_start(db: Path) -> None:
    with duckdb.connect(str(db)) as con:
        con.execute("DROP TABLE corrections")
        con.execute("ALTER TABLE documents DROP COLUMN origin")
    at = open_page("pages/audit.py")
    assert not at.error
    assert "801.07" in page_text(at)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM corrections").fetchone() == (0,)
        assert con.execute("SELECT origin FROM documents").fetchall() == [("report",)]


def test_a_database_whose_read_model_has_an_older_shape_is_rebuilt_on_start(db: Path) -> None:
    # Every table and view is there, but built by another schema.sql: the summary lacks a
    # column today's queries read (a names-only check would call the file up to date).
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE schema_applied SET sha256 = 'built by an older version'")
        con.execute("ALTER TABLE report_summary DROP COLUMN reported_department")
    at = open_page("pages/comparison.py")
    assert not at.exception and not at.error
    assert DEPARTMENT in page_text(at)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT sha256 FROM schema_applied").fetchall() == [
            (config.schema_sha256(),)
        ]
        assert con.execute("SELECT reported_department FROM report_summary").fetchall() == [
            (DEPARTMENT,)
        ]
