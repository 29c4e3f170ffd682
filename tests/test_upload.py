"""The 导入 page's pure parts: previews from bytes, version states, size limit, result text."""

from __future__ import annotations

import doctest
import hashlib
from decimal import Decimal

import pandas as pd
import pytest

from etl import manual
from tests.support.databases import DEPARTMENT, SEED
from ui import upload

SEED_BYTES = SEED.read_bytes()
VERSIONS = pd.DataFrame(
    {
        "department": [DEPARTMENT, DEPARTMENT],
        "year": [2020, 2020],
        "sha256": [hashlib.sha256(SEED_BYTES).hexdigest(), "0" * 64],
        "file_name": ["seed.txt", "old.txt"],
        "is_current": [True, False],
    }
)


def test_doctests() -> None:
    assert doctest.testmod(upload).failed == 0


def test_preview_reads_the_report_without_loading_it() -> None:
    preview = upload.preview_report("../x/天心区.txt", SEED_BYTES, 20)
    assert preview.ok and preview.name == "天心区.txt"
    assert preview.report is not None
    figures = upload.report_figures(preview.report)
    assert len(figures) == 12
    assert upload.unrecognised(preview.report) == []
    checks = upload.report_checks(preview.report)
    assert not checks.iloc[0]["passed"]  # failures first, as the audit page lists them
    assert upload.summary_lines(preview.report)[0] == (
        "基本支出：年初预算 487.51 · 调整后预算 801.07 · 实际支出 801.07 万元"
    )


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("a.pdf", SEED_BYTES, "不是有效的 PDF"),
        ("a.txt", b"", "文件为空"),
        ("a.txt", "只有一句话。".encode(), "未能识别部门名称和年度"),
        ("a.txt", SEED_BYTES + b" " * 2**20, "文件过大"),
    ],
    ids=["renamed", "empty", "no-title", "over-the-limit"],
)
def test_preview_of_a_bad_file_is_one_line(name: str, data: bytes, expected: str) -> None:
    preview = upload.preview_report(name, data, 1)
    assert not preview.ok
    assert preview.error is not None and expected in preview.error and "\n" not in preview.error


@pytest.mark.parametrize(
    ("sha256", "year", "state"),
    [
        (hashlib.sha256(SEED_BYTES).hexdigest(), 2020, "same"),
        ("0" * 64, 2020, "history"),
        ("1" * 64, 2020, "conflict"),
        ("1" * 64, 2021, "new"),
    ],
    ids=["same-content", "an-old-version", "another-version", "new-year"],
)
def test_version_state(sha256: str, year: int, state: str) -> None:
    assert upload.version_state(sha256, DEPARTMENT, year, VERSIONS)[0] == state


PARTS = VERSIONS.assign(part=["self_evaluation_report", "self_evaluation_report"])


@pytest.mark.parametrize(
    ("part", "state", "message"),
    [
        (
            "final_accounts",
            "joins",
            f"将加入 {DEPARTMENT} 2020 年度的记录（已有 1 份文件：部门整体支出绩效自评报告《seed.txt》），"
            "作为其中的部门决算",
        ),
        (
            "self_evaluation_report",
            "conflict",
            f"{DEPARTMENT} 2020 年已有当前版本 seed.txt（部门整体支出绩效自评报告）："
            "替换只换掉这一类文件的旧版本",
        ),
    ],
    ids=["another-kind-joins", "the-same-kind-replaces"],
)
def test_version_state_by_part(part: str, state: str, message: str) -> None:
    assert upload.version_state("1" * 64, DEPARTMENT, 2020, PARTS, part) == (state, message)


def test_record_changes_name_what_a_document_adds_and_contradicts() -> None:
    preview = upload.preview_report("seed.txt", SEED_BYTES, 20)
    assert preview.report is not None
    provenance = pd.DataFrame(
        {
            "section": ["basic", "three_public"],
            "item": ["actual", "actual"],
            "value": [Decimal("801.07"), Decimal("5.30")],
            "file_name": ["final.txt", "final.txt"],
            "source_kind": ["final_accounts", "final_accounts"],
        }
    )
    projects = pd.DataFrame({"name": ["党建经费项"], "amount_wan": [Decimal("2.80")]})
    adds, differs = upload.record_changes(preview.report, provenance, projects)
    assert differs == [
        "“三公”经费实际支出：本文件为 5.26 万元，记录现为 5.30 万元（取自部门决算《final.txt》）"
    ]
    assert "基本支出年初预算 487.51 万元" in adds
    assert not any(a.startswith("基本支出实际支出") for a in adds)
    assert "项目“党建经费” 2.80 万元" not in adds  # the same project by project_key
    assert "项目“执法工作经费” 61.68 万元" in adds


def test_manual_tables() -> None:
    entries, issues = manual.read_template(
        "a.csv", f"部门,年度,类别,指标,数值\r\n{DEPARTMENT},2019,人员编制,编制人数,8\r\n".encode()
    )
    assert upload.entry_table(entries[0]).values.tolist()[0][:5] == [
        2,
        "人员编制",
        "编制人数",
        8,
        "人",
    ]
    _, issues = manual.read_template("a.csv", "部门,年度,类别,指标,数值\r\n,,,,x\r\n".encode())
    table = upload.issues_table(issues)
    assert table.columns.tolist() == ["行", "列", "问题"]
    assert table.iloc[0]["行"] == "2"


def test_templates() -> None:
    assert upload.template_bytes("xlsx").startswith(b"PK")
    assert (
        upload.template_bytes("csv", DEPARTMENT)
        .decode("utf-8-sig")
        .splitlines()[1]
        .startswith(DEPARTMENT)
    )


NAMELESS = SEED_BYTES.decode().replace("长沙市天心区交通运输局", "").replace("天心区交通运输局", "")


def test_a_preview_without_a_department_asks_for_it_and_reads_again_with_it() -> None:
    from etl.load import Given

    preview = upload.preview_report("无名.txt", NAMELESS.encode(), 1)
    assert preview.report is not None and not preview.ok
    assert upload.needs_confirming(preview.report) == ["部门"]
    assert "“部门”" in (preview.error or "")
    given = upload.preview_report("无名.txt", NAMELESS.encode(), 1, Given("X局", None))
    assert given.ok and given.report is not None
    assert (given.report.department, given.report.department_from) == ("X局", "user")
    assert upload.needs_confirming(given.report) == []


def test_a_guessed_department_is_marked_for_confirming() -> None:
    # The department only in the signature at the end: read as a guess, not as the title's.
    text = NAMELESS + "\n\n长沙市天心区交通运输局\n2021年3月1日\n"
    preview = upload.preview_report("落款.txt", text.encode(), 1)
    assert preview.report is not None
    assert preview.report.department_from == "text"
    assert upload.needs_confirming(preview.report) == ["部门"]
