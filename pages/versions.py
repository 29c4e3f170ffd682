"""版本: every version of the selected department-year by part (kind, and project for project
forms: each its own versions; hash, file, load time, current) with 恢复,
the department's other years on request, and counts for the whole database."""

from __future__ import annotations

import functools

import pandas as pd
import streamlit as st

from etl import config, labels
from etl.labels import MANUAL
from ui import access, data, tables, widgets
from ui.tables import records

selection = widgets.page_frame()
st.title("版本")
widgets.show_flash()

identity = data.db_identity()
if identity is None or selection is None:
    st.info(labels.EMPTY_DATABASE, icon=":material/info:")
    st.stop()
counts = data.version_counts(identity).iloc[0]

st.caption(
    "同一部门年度可以有多个版本（不同内容的报告或手工录入），各页只统计当前版本。"
    "替换或恢复后，原版本连同其内容哈希和载入时间保留在历史中，可随时恢复；"
    "更正记在所属版本上，随版本切换。在侧栏选择部门和年度。"
)
st.caption(
    f"数据库共 {int(counts['departments']):,} 个部门、{int(counts['reports']):,} 个部门年度"
    f"（{int(counts['documents']):,} 份当前文件）、"
    f"{int(counts['versions']):,} 个版本、{int(counts['corrections']):,} 处更正。"
)
actor = access.actor()
may_restore = widgets.allowed(actor, "review", selection.department)  # 恢复 is 审核's
show_all = st.toggle("显示该部门全部年度", key="versions_show_all")
versions = data.department_versions(identity, selection.department)
of_year = versions[versions["year"] == selection.year]


def show_versions(of_part: pd.DataFrame) -> None:
    """One part's versions, each with 当前版本 or 恢复."""
    for row in records(of_part):
        info, action = st.columns([5, 1], vertical_alignment="center")
        origin = f"（{MANUAL}）" if row.origin == "manual" else ""
        corrections = f" · 更正 {row.corrections} 处" if row.corrections else ""
        by = f" · {labels.LOADED_BY} {tables.who_text(row.loaded_by)}"
        info.markdown(
            widgets.md_escape(
                f"{row.file_name}{origin} · 载入于 {tables.format_time(row.loaded_at)}{by}"
                f" · 哈希 {row.sha256[:12]}{corrections}"
            ),
            help=f"SHA-256：{row.sha256}",
        )
        if row.is_current:
            action.badge("当前版本", icon=":material/check:", color="green")
        elif may_restore and action.button(
            "恢复", key=f"restore_{row.sha256[:16]}", icon=":material/restore:"
        ):
            from etl.load import restore_version

            restore = functools.partial(
                restore_version, config.db_path(), str(row.sha256), actor=actor
            )
            result = widgets.write_database(restore)
            if result is not None:
                widgets.flash("success" if result.ok else "error", result.message)
                st.rerun()


st.subheader(widgets.md_escape(f"{selection.department} · {selection.year} 年度"))
review = tables.review_line(data.review_status(identity, selection.department, selection.year))
if review:
    st.caption(widgets.md_escape(f"{review}（审核状态和处理意见记在部门年度上，换版本后仍然保留）"))
parts = tables.by_part(of_year)
if len(parts) > 1:
    st.caption(
        f"本部门年度由 {len(parts)} 类文件组成，每类各有自己的版本：新的部门决算只替换部门决算，"
        "不替换自评报告；各页取各类的当前版本合成。"
    )
for part, versions_of_part in parts:
    st.markdown(f"**{widgets.md_escape(part)}**")
    show_versions(versions_of_part)
st.subheader("该部门全部版本" if show_all else "版本列表")
table = tables.versions_table(versions if show_all else of_year)
widgets.show_table(table)
widgets.table_downloads(table, selection, "版本列表", key="versions_csv")
