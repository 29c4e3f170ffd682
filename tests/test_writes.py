"""The app's writes through the loader: uploads from bytes, hand entry, versions, corrections, and
all of them surviving `python -m etl rebuild`."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from etl.load import (
    Given,
    correct_figure,
    display_name,
    load_documents,
    load_manual,
    load_paths,
    rebuild,
    restore_version,
)
from etl.queries import budget_phases, connect
from etl.store.archive import Archive

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "fixtures" / "reports" / "2020-tianxin-transport-bureau.txt"
DEPARTMENT = "长沙市天心区交通运输局"
TABLES = ("documents", "figures", "fund_sources", "projects", "checks", "corrections")
SEED_BYTES = SEED.read_bytes()
# The same report with the basic adjusted budget restated: another version of 2020.
V2_BYTES = SEED_BYTES.decode().replace("预算调整数为801.07万元", "预算调整数为802.07万元").encode()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def dump(db: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}


def adjusted(db: Path, year: int = 2020) -> Decimal:
    with connect(db) as con:
        return budget_phases(con, DEPARTMENT, year).loc[0, "adjusted_wan"]


def one(db: Path, sql: str, params: list | None = None) -> tuple:
    with connect(db) as con:
        row = con.execute(sql, params or []).fetchone()
    assert row is not None
    return row


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "budget.duckdb"


# --- uploads from bytes -----------------------------------------------------------------------


def test_upload_loads_from_bytes_and_names_only_label(db: Path, tmp_path: Path) -> None:
    (result,) = load_documents([("../../outside/报告.txt", SEED_BYTES)], db)
    assert (result.status, result.department, result.year) == ("loaded", DEPARTMENT, 2020)
    assert result.sha256 == sha(SEED_BYTES)
    assert one(db, "SELECT file_name, path, origin FROM documents") == (
        "报告.txt",
        "upload:报告.txt",
        "report",
    )
    assert not (tmp_path.parent / "outside").exists()
    archived = Archive(db).find(sha(SEED_BYTES))
    assert archived is not None and archived.read_bytes() == SEED_BYTES
    assert archived.suffix == ".txt"


def test_upload_type_comes_from_content_not_the_name(db: Path) -> None:
    (result,) = load_documents([("report.pdf", SEED_BYTES)], db)
    assert result.status == "failed"
    assert "不是有效的 PDF" in result.message
    (result,) = load_documents([("report", SEED_BYTES)], db)  # no suffix: text by content
    assert result.status == "loaded"
    archived = Archive(db).find(sha(SEED_BYTES))
    assert archived is not None and archived.suffix == ".txt"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\报告.docx", "报告.docx"),
        ("..", "未命名"),
        ("a\x00b\n.txt", "ab.txt"),
        ("长" * 200 + ".pdf", "长" * 116 + ".pdf"),
    ],
    ids=["posix-traversal", "windows-path", "dots", "control-chars", "too-long"],
)
def test_display_name(name: str, expected: str) -> None:
    assert display_name(name) == expected


def test_a_bad_upload_changes_nothing(db: Path) -> None:
    load_documents([("seed.txt", SEED_BYTES)], db)
    before = dump(db)
    results = load_documents(
        [("empty.txt", b""), ("garbage.docx", os.urandom(512)), ("none.txt", "无标题".encode())],
        db,
    )
    assert [r.status for r in results] == ["failed"] * 3
    assert all(r.path.name in ("empty.txt", "garbage.docx", "none.txt") for r in results)
    assert all("\n" not in r.message for r in results)
    assert dump(db) == before


def test_a_batch_with_a_bad_file_in_the_middle_loads_the_others(db: Path) -> None:
    other_year = SEED_BYTES.decode().replace("2020", "2021").encode()
    progress: list[tuple[int, int, str]] = []
    results = load_documents(
        [("a.txt", SEED_BYTES), ("b.pdf", b"%PDF-1.7 broken"), ("c.txt", other_year)],
        db,
        progress=lambda i, n, r: progress.append((i, n, r.status)),
    )
    assert [r.status for r in results] == ["loaded", "failed", "loaded"]
    assert progress == [(1, 3, "loaded"), (2, 3, "failed"), (3, 3, "loaded")]


# --- versions ---------------------------------------------------------------------------------


def test_another_version_is_kept_by_default_and_counted_once(db: Path) -> None:
    load_documents([("v1.txt", SEED_BYTES)], db)
    (result,) = load_documents([("v2.txt", V2_BYTES)], db)
    assert result.status == "conflict"
    assert adjusted(db) == Decimal("801.07")
    assert one(db, "SELECT count(*) FROM documents") == (2,)
    # Every view reads current_documents: the department-year counts once.
    for view in ("budget_phases", "current_summary", "figure_provenance", "project_breakdown"):
        documents = one(db, f"SELECT count(DISTINCT document_id) FROM {view}")
        assert documents == (1,), view
    assert one(db, "SELECT sum(amount_wan) FROM project_breakdown") == (Decimal("349.4"),)


def test_replace_then_restore_from_the_archive(db: Path) -> None:
    load_documents([("v1.txt", SEED_BYTES)], db)
    (result,) = load_documents([("v2.txt", V2_BYTES, "replace")], db)
    assert result.status == "replaced"
    assert adjusted(db) == Decimal("802.07")
    history = one(
        db,
        "SELECT file_name, is_current, loaded_at IS NOT NULL FROM documents WHERE sha256 = ?",
        [sha(SEED_BYTES)],
    )
    assert history == ("v1.txt", False, True)
    restored = restore_version(db, sha(SEED_BYTES))
    assert restored.status == "restored"
    assert adjusted(db) == Decimal("801.07")
    assert one(db, "SELECT count(*) FROM current_documents") == (1,)
    assert restore_version(db, sha(SEED_BYTES)).status == "unchanged"
    assert restore_version(db, "0" * 64).status == "failed"


def test_cli_load_keeps_the_current_version_by_default(db: Path, tmp_path: Path) -> None:
    load_paths([SEED], db)
    other = tmp_path / "v2.txt"
    other.write_bytes(V2_BYTES)
    out = subprocess.run(
        [sys.executable, "-m", "etl", "load", str(other), "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "有冲突" in out.stdout and "保留当前版本" in out.stdout
    assert adjusted(db) == Decimal("801.07")


# --- hand entry -------------------------------------------------------------------------------

TEMPLATE = (
    "部门,年度,类别,指标,数值,单位,用途,说明\r\n"
    f"{DEPARTMENT},2019,基本支出,年初预算,400,万元,,据决算表\r\n"
    ",,基本支出,调整后预算,420.5,万元,,\r\n"
    ",,项目支出,实际支出,300,万元,,\r\n"
    ",,资金来源,市级,300,万元,,\r\n"
    ",,项目明细,党建经费,3,万元,党员教育,\r\n"
).encode("utf-8-sig")


def test_hand_entry_is_stored_as_a_manual_document(db: Path) -> None:
    results, issues = load_manual("录入.csv", TEMPLATE, db)
    assert issues == []
    assert [(r.status, r.year) for r in results] == [("loaded", 2019)]
    assert one(db, "SELECT file_name, origin, path FROM documents") == (
        "录入.csv",
        "manual",
        "manual:录入.csv",
    )
    assert adjusted(db, 2019) == Decimal("420.5")
    assert one(db, "SELECT wording, note FROM figures WHERE item = 'initial'") == (
        "手工录入",
        "据决算表",
    )
    assert one(db, "SELECT name, purpose FROM projects") == ("党建经费", "党员教育")
    # The same figures again are the same version.
    assert load_manual("again.csv", TEMPLATE, db)[0][0].status == "unchanged"


def test_hand_entry_with_a_bad_row_loads_nothing(db: Path) -> None:
    load_documents([("seed.txt", SEED_BYTES)], db)
    before = dump(db)
    bad = TEMPLATE.decode("utf-8-sig").replace("420.5", "四百").encode("utf-8-sig")
    results, issues = load_manual("录入.csv", bad, db)
    assert results == []
    assert [i.message() for i in issues] == [
        "第 3 行 · 数值：“四百”不是数字（只填数字，单位写在“单位”列）"
    ]
    assert dump(db) == before


def test_cli_manual_and_template(db: Path, tmp_path: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "etl", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )

    blank = tmp_path / "模板.xlsx"
    assert run("template", str(blank)).returncode == 0
    assert blank.read_bytes().startswith(b"PK")
    filled = tmp_path / "录入.csv"
    filled.write_bytes(TEMPLATE.decode("utf-8-sig").replace("400", "x").encode("gbk"))
    out = run("manual", str(filled), "--db", str(db))
    assert out.returncode == 1
    assert "录入.csv: 第 2 行 · 数值：“x”不是数字" in out.stderr
    assert not db.exists()
    filled.write_bytes(TEMPLATE)
    out = run("manual", str(filled), "--db", str(db))
    assert out.returncode == 0, out.stderr
    assert "已载入" in out.stdout
    assert one(db, "SELECT origin FROM documents") == ("manual",)


# --- corrections ------------------------------------------------------------------------------


def test_a_correction_sits_beside_the_extracted_value(db: Path) -> None:
    load_documents([("seed.txt", SEED_BYTES)], db)
    result = correct_figure(db, sha(SEED_BYTES), "basic", "adjusted", "805.5", "  与决算表核对 ")
    assert result.status == "corrected"
    assert adjusted(db) == Decimal("805.5")
    assert one(db, "SELECT value FROM figures WHERE section = 'basic' AND item = 'adjusted'") == (
        Decimal("801.07"),
    )
    assert one(
        db,
        "SELECT value, extracted_value, corrected, correction_reason, corrected_at IS NOT NULL"
        " FROM figure_provenance WHERE section = 'basic' AND item = 'adjusted'",
    ) == (Decimal("805.5"), Decimal("801.07"), True, "与决算表核对", True)
    with connect(db) as con:
        phases = budget_phases(con, DEPARTMENT, 2020)
    assert phases.loc[0, "adjustment_wan"] == Decimal("317.99")
    assert one(db, "SELECT adjusted_corrected FROM budget_phases WHERE section = 'total'") == (
        True,
    )
    assert one(db, "SELECT corrected_figures FROM current_summary") == (1,)


def test_a_correction_can_fill_in_a_missing_figure_and_be_withdrawn(db: Path) -> None:
    text = SEED_BYTES.decode().replace("；实际支出数为349.4万元", "")
    load_documents([("seed.txt", text.encode())], db)
    digest = sha(text.encode())
    with connect(db) as con:
        assert budget_phases(con, DEPARTMENT, 2020).loc[1, "actual_wan"] is None
    assert correct_figure(db, digest, "project", "actual", "349.4", "补录决算数").ok
    assert one(db, "SELECT actual_wan FROM budget_phases WHERE section = 'project'") == (
        Decimal("349.4"),
    )
    assert correct_figure(db, digest, "project", "actual", None, "撤销补录").ok
    assert one(db, "SELECT actual_wan FROM budget_phases WHERE section = 'project'") == (None,)
    assert one(db, "SELECT count(*) FROM corrections") == (2,)


@pytest.mark.parametrize(
    ("section", "item", "value", "reason", "expected"),
    [
        ("basic", "adjusted", "abc", "r", "不是数字"),
        ("basic", "adjusted", "-1", "r", "不小于 0"),
        ("basic", "adjusted", "1", " ", "请填写更正理由"),
        ("staffing", "authorized", "8.5", "r", "人数应为整数"),
        ("basic", "nonsense", "1", "r", "不能更正的指标"),
    ],
    ids=["not-a-number", "negative", "no-reason", "fractional-persons", "unknown-figure"],
)
def test_invalid_corrections_change_nothing(
    db: Path, section: str, item: str, value: str, reason: str, expected: str
) -> None:
    load_documents([("seed.txt", SEED_BYTES)], db)
    before = dump(db)
    result = correct_figure(db, sha(SEED_BYTES), section, item, value, reason)
    assert result.status == "failed" and expected in result.message
    assert dump(db) == before


def test_uploads_hand_entry_versions_and_corrections_survive_rebuild(db: Path) -> None:
    load_documents([("v1.txt", SEED_BYTES)], db)
    load_documents([("v2.txt", V2_BYTES, "replace")], db)
    restore_version(db, sha(SEED_BYTES))
    correct_figure(db, sha(SEED_BYTES), "basic", "actual", "800.5", "与决算表核对")
    load_manual("录入.csv", TEMPLATE, db)
    before = dump(db)
    db.unlink()
    results = rebuild(db)
    assert [r.status for r in results] == ["loaded", "replaced", "restored", "corrected", "loaded"]
    assert dump(db) == before  # the same rows, load times and correction times included
    assert adjusted(db) == Decimal("801.07")
    entries = [json.loads(line) for line in Archive(db).journal.read_text().splitlines()]
    assert [e.get("kind", "load") for e in entries].count("correction") == 1


# --- documents that do not name themselves ----------------------------------------------------

# The seed report with its title and every mention of the department gone: only the user can
# say whose it is.
NAMELESS_BYTES = (
    SEED_BYTES.decode()
    .replace("长沙市天心区交通运输局", "")
    .replace("天心区交通运输局", "")
    .encode()
)
CORPUS = ROOT / "tests" / "corpus" / "dev" / "documents"


def test_a_document_naming_no_department_loads_once_the_user_gives_one(db: Path) -> None:
    (refused,) = load_documents([("无名.txt", NAMELESS_BYTES)], db)
    assert refused.status == "failed" and "未能识别部门名称" in refused.message
    assert "--department" in refused.message and "“部门”" in refused.message
    given = Given(DEPARTMENT, None)
    (loaded,) = load_documents([("无名.txt", NAMELESS_BYTES, "keep", given)], db)
    assert (loaded.status, loaded.department, loaded.year) == ("loaded", DEPARTMENT, 2020)
    assert one(db, "SELECT department_from, year_from, kind FROM documents") == (
        "user",
        "title",
        "self_evaluation_report",
    )
    assert adjusted(db) == Decimal("801.07")


def test_the_identity_a_user_gave_survives_rebuild_and_restore(db: Path) -> None:
    first = Given("天心区某局", 2020)
    load_documents([("无名.txt", NAMELESS_BYTES, "keep", first)], db)
    other = NAMELESS_BYTES.decode().replace("预算调整数为801.07万元", "预算调整数为802.07万元")
    load_documents([("无名2.txt", other.encode(), "replace", first)], db)
    restore_version(db, sha(NAMELESS_BYTES))
    before = dump(db)
    results = rebuild(db)
    assert [r.status for r in results] == ["loaded", "replaced", "restored"]
    assert dump(db) == before
    assert one(db, "SELECT department, department_from FROM documents WHERE is_current") == (
        "天心区某局",
        "user",
    )


def test_load_paths_with_given_identity_journals_it(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "无名.txt"
    path.write_bytes(NAMELESS_BYTES)
    (result,) = load_paths([path], db, given=Given(DEPARTMENT, 2020))
    assert result.status == "loaded"
    (entry,) = Archive(db).entries()
    assert entry["given"] == {"department": DEPARTMENT, "year": 2020}
    rebuild(db)
    assert one(db, "SELECT department, year_from FROM documents") == (DEPARTMENT, "user")


@pytest.mark.parametrize(
    ("department", "year", "problem"),
    [
        ("X局", "21", "年度应为 1990–2100 之间的四位数字"),
        ("X局", "2200", "年度应为"),
        ("X局\n换行", "2021", "部门名称应为"),
        ("局" * 61, "2021", "不超过 60 个字"),
    ],
    ids=["short-year", "far-year", "newline", "too-long"],
)
def test_what_a_user_types_is_checked(department: str, year: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        Given.typed(department, year)


def test_given_reads_full_width_digits_and_year_suffixes() -> None:
    assert Given.typed("  X局 ", "２０２１年度") == Given("X局", 2021)
    assert Given.typed("", "") == Given() and not Given.typed(None, None)


def test_a_project_form_stores_each_projects_phases_score_and_cells(db: Path) -> None:
    (result,) = load_paths([CORPUS / "2021-leiyang-sizhong-project-tab.txt"], db)
    assert result.status == "loaded", result.message
    assert one(db, "SELECT kind, department_from FROM documents") == (
        "project_evaluation",
        "field",
    )
    with connect(db) as con:
        rows = con.execute(
            "SELECT name, initial_wan, adjusted_wan, actual_wan, execution_rate, score"
            " FROM project_breakdown ORDER BY ordinal"
        ).fetchall()
        cells = con.execute(
            "SELECT item, row_label, column_label FROM project_figures"
            " WHERE ordinal = 1 ORDER BY item"
        ).fetchall()
    name, initial, adjusted_, actual, rate, score = rows[0]
    assert (name, initial, adjusted_, actual, score) == (
        "普通高中生均公用经费",
        Decimal("286.80"),
        Decimal("310.70"),
        Decimal("305.12"),
        Decimal("98.82"),
    )
    assert rate == pytest.approx(305.12 / 310.70)
    labelled = {item: column for item, _, column in cells}
    assert set(labelled) == {"initial", "adjusted", "actual", "score"}
    assert all(labelled.values()), cells  # each read from a cell, under its column's header


def test_a_file_from_before_document_kinds_is_brought_up_to_date(db: Path) -> None:
    load_documents([("seed.txt", SEED_BYTES)], db)
    with duckdb.connect(str(db)) as con:  # the tables as an older Budget Lens wrote them
        for table, column in [
            ("documents", "kind"),
            ("documents", "kind_sentence"),
            ("documents", "department_from"),
            ("documents", "year_from"),
            *(
                (t, c)
                for t in ("figures", "fund_sources", "projects")
                for c in ("row_label", "column_label")
            ),
        ]:
            con.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        con.execute("DROP TABLE project_figures")
        con.execute("DROP TABLE project_fund_sources")
    (result,) = load_documents([("v2.txt", V2_BYTES, "replace")], db)
    assert result.status == "replaced", result.message
    with connect(db) as con:
        rows = con.execute(
            "SELECT file_name, kind, department_from, year_from FROM documents ORDER BY file_name"
        ).fetchall()
        labels = con.execute("SELECT DISTINCT row_label FROM figures").fetchall()
    assert rows == [
        ("seed.txt", None, "title", "title"),  # read before kinds: its title named it
        ("v2.txt", "self_evaluation_report", "title", "title"),
    ]
    assert labels == [("",)]  # the seed's figures are all read from sentences
    assert adjusted(db) == Decimal("802.07")
