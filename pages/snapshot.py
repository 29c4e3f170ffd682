"""数据快照: the whole database as a zip of CSVs with a manifest, or as one Excel workbook."""

from __future__ import annotations

import functools

import streamlit as st

from etl import labels
from ui import data, snapshot, tables, widgets

selection = widgets.page_frame()
st.title("数据快照")

identity = data.db_identity()
counts = data.version_counts(identity) if identity is not None else None
if identity is None or counts is None or not int(counts["versions"].iloc[0]):
    st.info(labels.EMPTY_DATABASE, icon=":material/info:")
    st.stop()

st.markdown(
    "导出整个数据库：每张数据表一份 CSV（UTF-8 带 BOM，Excel 直接打开不乱码），打包为一个 zip，"
    "并附清单文件（来源文件及其内容哈希、导出时间、各表行数）；或导出为一个 Excel 工作簿，"
    "每张表一个工作表。更正过的数字带“已更正”标记，报告原值保留在旁边一列。"
)
path = identity[0]
for column, (kind, what, mime, build, icon) in zip(st.columns(2), snapshot.DOWNLOADS, strict=True):
    column.download_button(
        f"下载数据快照（{what}）",
        data=functools.partial(build, path),
        file_name=snapshot.file_name(kind),
        mime=mime,
        key=f"snapshot_{kind}",
        on_click="ignore",
        icon=icon,
        type="primary" if kind == "zip" else "secondary",
    )

st.subheader("快照包含的来源文件")
totals = counts.iloc[0]
if selection is not None:
    sources = tables.versions_table(data.department_versions(identity, selection.department))
    st.caption(
        widgets.md_escape(
            f"快照包含 {int(totals['departments']):,} 个部门的 {int(totals['versions']):,} 个版本"
            f"（{int(totals['reports']):,} 个部门年度、{int(totals['documents']):,} 份当前文件），"
            "全部列在清单中；"
            f"下表为侧栏所选部门 {selection.department} 的 {len(sources)} 个。"
        )
    )
    widgets.show_table(sources)
    widgets.table_downloads(sources, selection, "来源文件", key="snapshot_sources_csv")

st.subheader("各表行数")
widgets.show_table(tables.table_rows_table(data.table_rows(identity)))
