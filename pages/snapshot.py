"""数据快照: the whole database as a zip of CSVs with a manifest, or as one Excel workbook."""

from __future__ import annotations

import streamlit as st

from pages.ui import charts, data, snapshot, widgets

widgets.route_page()
st.title("数据快照")

identity = data.db_identity()
counts = data.version_counts(identity) if identity is not None else None
if identity is None or counts is None or not int(counts["versions"].iloc[0]):
    st.info(widgets.EMPTY_MESSAGE, icon=":material/info:")
    st.stop()

st.markdown(
    "导出整个数据库：每张表和每个视图一份 CSV（UTF-8 带 BOM，Excel 直接打开不乱码），"
    "打包为一个 zip，并附 manifest.json 清单（来源文件及其内容哈希、导出时间、各表行数）；"
    "或导出为一个 Excel 工作簿，每张表一个工作表。更正过的数字在 effective_figures、"
    "figure_provenance 等视图中带 corrected 标记，报告原值在 extracted_value 列。"
)
path = identity[0]
left, right = st.columns(2)
left.download_button(
    "下载数据快照（CSV 压缩包）",
    data=lambda: snapshot.snapshot_zip(path),
    file_name=snapshot.file_name("zip"),
    mime="application/zip",
    key="snapshot_zip",
    on_click="ignore",
    icon=":material/folder_zip:",
    type="primary",
)
right.download_button(
    "下载数据快照（Excel 工作簿）",
    data=lambda: snapshot.snapshot_workbook(path),
    file_name=snapshot.file_name("xlsx"),
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="snapshot_xlsx",
    on_click="ignore",
    icon=":material/table_view:",
)

st.subheader("快照包含的来源文件")
totals = counts.iloc[0]
selection = st.session_state.get(widgets.SELECTION_KEY)
if selection is not None:
    sources = charts.versions_table(data.department_versions(identity, selection.department))
    st.caption(
        widgets.md_escape(
            f"快照包含 {int(totals['departments']):,} 个部门的 {int(totals['versions']):,} 个版本"
            f"（{int(totals['reports']):,} 份当前报告），全部列在 manifest.json 中；"
            f"下表为侧栏所选部门 {selection.department} 的 {len(sources)} 个。"
        )
    )
    widgets.show_table(sources)
    widgets.csv_download(sources, selection, "来源文件", key="snapshot_sources_csv")

st.subheader("各表行数")
widgets.show_table(charts.table_rows_table(data.table_rows(identity)))
