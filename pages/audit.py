"""数据核对: every check with its message, the checks across the department-year's documents with
both documents and their sentences, per figure every document that states it and whether they
agree, every figure with the sentence it was read from, and corrections (which apply to the
record and are marked 已更正)."""

import functools
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import streamlit as st

from etl import config
from etl.labels import (
    DISPOSITIONS,
    MISSING,
    REVIEW_STATUSES,
    format_count,
    format_wan,
    item_label,
    label,
)
from etl.model import FIGURE_SLOTS
from etl.records import TOLERANCE_WAN
from ui import access, data, tables, widgets
from ui.tables import records

selection = widgets.report_page()
provenance = data.figure_provenance(selection.identity, selection.department, selection.year)
checks = data.check_results(selection.identity, selection.department, selection.year)
statements = data.figure_statements(selection.identity, selection.department, selection.year)

widgets.report_header("数据核对", selection)
widgets.show_flash()
st.caption("审核（每项核对发现的处理意见、审核状态、退回时的问题清单）在本页底部“审核”。")

st.subheader("核对结果")
for message in tables.open_warnings(checks)["message"]:
    st.warning(widgets.md_escape(message), icon=":material/warning:")
failed_only = st.toggle("只看未通过的核对", key="audit_failed_only")
check_table = tables.check_table(checks, failed_only=failed_only)
widgets.show_table(check_table)
widgets.table_downloads(check_table, selection, "核对结果", key="audit_checks_csv")

several = statements["file_name"].nunique() > 1  # a record of several documents
cross = tables.cross_findings(checks, failed_only=failed_only)
if several and not tables.cross_findings(checks).empty:
    st.subheader("文件之间的核对")
    st.caption(
        "同一部门年度的各份文件相互核对：同一数字各文件是否一致（相差不超过 "
        f"{TOLERANCE_WAN} 万元视为一致）、项目金额与其项目支出绩效自评表、"
        "项目支出绩效自评表合计与项目支出、决算与自评是否齐全。每项核对列出所比较的文件及其原文。"
    )
    widgets.show_table(cross)
    widgets.table_downloads(cross, selection, "文件之间的核对", key="audit_cross_csv")

st.subheader("数字出处")
if provenance["corrected"].astype(bool).any():
    st.caption("核对按更正后的数字重新计算；已更正的数字在下表“已更正”列标出，旁列为报告原值。")
st.caption("每个数字都注明读取它的原文措辞和句子；位置为报告全文中的字符序号。")
figure_table = tables.figure_table(provenance)
widgets.show_table(figure_table)
widgets.table_downloads(figure_table, selection, "数字出处", key="audit_figures_csv")

if several:
    st.subheader("各文件所列数字")
    st.caption(
        "每个数字列出说明它的每一份文件及其数值；“采用”为本部门年度所取的一份（按下方优先顺序，"
        f"更正过的数字优先），其余文件与它相差不超过 {TOLERANCE_WAN} 万元为“一致”。"
    )
    for line in tables.disagreements(statements):
        st.warning(widgets.md_escape(line), icon=":material/difference:")
    statement_table = tables.statement_table(statements)
    widgets.show_table(statement_table)
    widgets.table_downloads(
        statement_table, selection, "各文件所列数字", key="audit_statements_csv"
    )
    with st.expander("数字取自哪份文件的优先顺序"):
        widgets.show_table(tables.precedence_table())

st.subheader("更正数字")
st.caption(
    "发现识别错误或报告漏写的数字，可在此更正或补录，并写明理由。报告原值不会被覆盖："
    "各页显示更正后的数字并标注“已更正”，原值、理由和时间见上表与下方更正记录；"
    "导出的表格带“已更正”列。更正记在所属版本上，重建数据库后仍然保留。"
)
current = {(r.section, r.item): r for r in records(provenance)}
actor = access.actor()
may_review = widgets.allowed(actor, "review", selection.department)  # 更正 and 审核 need 审核


def figure_label(slot: str) -> str:
    section, item = slot.split(".")
    found = current.get((section, item))
    value = MISSING
    if found is not None:
        value = format_count(found.value) if section == "staffing" else format_wan(found.value)
    return f"{label('section', section)} · {item_label(section, item)}（现为 {value}）"


def save(slot: str, value: Decimal | str | None, reason: str, done: str, failed: str) -> None:
    """Record a correction of `slot` (None withdraws it); say `done` after the rerun, or why not."""
    from etl.load import correct_figure

    section, item = slot.split(".")
    result = widgets.write_database(
        lambda: correct_figure(
            config.db_path(), selection.sha256, section, item, value, reason, actor=actor
        )
    )
    if result is not None and result.ok:
        widgets.flash("success", done)
        st.rerun()
    elif result is not None:
        st.error(widgets.md_escape(f"{failed}：{result.message}"), icon=":material/error:")


with st.form("correction_form", clear_on_submit=True, enter_to_submit=False):
    slot = st.selectbox(
        "要更正的数字",
        [f"{s}.{i}" for s, i in FIGURE_SLOTS],
        format_func=figure_label,
        key="correction_figure",
    )
    value = st.text_input(
        "更正为（金额单位万元，人员编制填人数）", key="correction_value", placeholder="例如 801.07"
    )
    reason = st.text_input(
        "更正理由（必填）", key="correction_reason", placeholder="例如：与 2020 年部门决算表核对"
    )
    submitted = st.form_submit_button(
        "保存更正", icon=":material/edit:", key="correction_submit", disabled=not may_review
    )
if submitted and slot:
    save(
        slot, value, reason, f"已保存更正：{figure_label(slot).split('（')[0]} → {value}", "未保存"
    )

history = data.correction_history(selection.identity, selection.department, selection.year)
if not history.empty:
    st.subheader("更正记录")
    corrections = tables.correction_table(history)
    widgets.show_table(corrections)
    widgets.table_downloads(corrections, selection, "更正记录", key="audit_corrections_csv")
    corrected = [f"{s}.{i}" for s, i in current if bool(current[(s, i)].corrected)]
    if corrected:
        with st.form("withdraw_form", clear_on_submit=True, enter_to_submit=False):
            withdraw = st.selectbox(
                "撤销更正（恢复为报告原值）",
                corrected,
                format_func=figure_label,
                key="withdraw_figure",
            )
            withdraw_reason = st.text_input("撤销理由（必填）", key="withdraw_reason")
            undone = st.form_submit_button(
                "撤销更正", icon=":material/undo:", key="withdraw_submit", disabled=not may_review
            )
        if undone and withdraw:
            done = f"已撤销更正：{figure_label(withdraw).split('（')[0]}"
            save(withdraw, None, withdraw_reason, done, "未撤销")

st.subheader("审核")
status = data.review_status(selection.identity, selection.department, selection.year)
findings = data.review_findings(selection.identity, selection.department, selection.year)
st.caption(
    "逐项标出核对发现的处理意见（确认问题、已说明、误报），再设定本部门年度的审核状态。处理意见按"
    "规则和所涉数字记在部门年度上：部门交来新版本后仍然保留，不再出现的发现显示为“已解决”。"
    "退回时，标为“确认问题”的发现连同审核意见生成问题清单（Word、Excel）。"
)
current_status = str(status["status"].iloc[0]) if len(status) else "pending"


def save_review(action: Callable[[Path], Any]) -> None:
    """Run a review write (etl.store.review, given the database); say what it did after the
    rerun, or why not now."""
    result = widgets.write_database(lambda: action(config.db_path()))
    if result is not None and result.ok:
        widgets.flash("success", result.message)
        st.rerun()
    elif result is not None:
        st.error(widgets.md_escape(f"未保存：{result.message}"), icon=":material/error:")


if findings.empty:
    st.info("本部门年度没有核对警告。", icon=":material/task_alt:")
else:
    finding_table = tables.review_finding_table(findings)
    widgets.show_table(finding_table)
    widgets.table_downloads(finding_table, selection, "核对发现处理", key="audit_findings_csv")
firing = findings[~findings["resolved"].astype(bool)] if len(findings) else findings
widgets.forget_on_change(
    (selection.department, selection.year, tuple(firing["finding_key"])),
    ("finding_disposition_", "finding_note_", "review_status", "review_notes"),
    key="review_scope",
)
for number, finding in enumerate(records(firing), start=1):
    with st.form(f"finding_form_{number}", enter_to_submit=False, border=True):
        st.markdown(widgets.md_escape(tables.finding_label(finding.rule, finding.message, 400)))
        left, right = st.columns([2, 3], vertical_alignment="bottom")
        disposition = left.radio(
            "处理意见",
            DISPOSITIONS,
            index=None
            if tables.missing(finding.disposition)
            else DISPOSITIONS.index(finding.disposition),
            format_func=lambda d: label("disposition", d),
            horizontal=True,
            key=f"finding_disposition_{number}",
        )
        note = right.text_input(
            "说明（已说明、误报必填）",
            value="" if tables.missing(finding.note) else str(finding.note),
            key=f"finding_note_{number}",
        )
        marked = st.form_submit_button(
            "保存处理意见",
            icon=":material/check:",
            key=f"finding_submit_{number}",
            disabled=not may_review,
        )
    if marked:
        if disposition is None:
            st.error("请选择处理意见", icon=":material/error:")
        else:
            from etl.store.review import set_disposition

            save_review(
                functools.partial(
                    set_disposition,
                    department=selection.department,
                    year=selection.year,
                    finding_key=str(finding.finding_key),
                    disposition=str(disposition),
                    note=note,
                    actor=actor,
                )
            )

with st.form("review_form", enter_to_submit=False):
    new_status = st.radio(
        "审核状态",
        REVIEW_STATUSES,
        index=REVIEW_STATUSES.index(current_status),
        format_func=lambda s: label("review_status", s),
        horizontal=True,
        key="review_status",
    )
    review_notes = st.text_area(
        "审核意见（退回时写给部门，列在问题清单开头）",
        key="review_notes",
        placeholder="例如：请核实“三公”经费决算数与自评报告不一致的原因",
    )
    reviewed = st.form_submit_button(
        "保存审核状态", icon=":material/rate_review:", key="review_submit", disabled=not may_review
    )
if reviewed:
    from etl.store.review import set_review_status

    save_review(
        lambda db: set_review_status(
            db, selection.department, selection.year, new_status, review_notes, actor=actor
        )
    )
if current_status == "returned":
    st.markdown("**问题清单**")
    st.caption("已退回：下载问题清单发给部门（标为“确认问题”的发现、所涉数字及其原文出处）。")
    widgets.question_downloads(selection, key="questions")
changes = data.review_history(selection.identity, selection.department, selection.year)
if not changes.empty:
    with st.expander("审核记录"):
        review_log = tables.review_history_table(changes)
        widgets.show_table(review_log)
        widgets.table_downloads(review_log, selection, "审核记录", key="audit_review_csv")
