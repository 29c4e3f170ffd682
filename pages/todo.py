"""待办: the department-years not yet reviewed (待审核, 有疑问), newest first, with their open
findings, and a way to open one on 数据核对 to review it."""

import streamlit as st

from ui import data, tables, widgets

selection = widgets.report_page()
todo = data.review_todo(selection.identity)

st.title("待办")
st.caption(
    "尚未审核完的部门年度（待审核、有疑问，以及退回后交来新版本的），最新年度在前；“待处理的核对发现”为未标为“已说明”"
    "或“误报”的核对警告。在“数据核对”页标出每项发现的处理意见，并设定审核状态。"
)
if todo.empty:
    st.success("没有待审核的部门年度：全部已核对或已退回。", icon=":material/task_alt:")
else:
    st.caption(widgets.md_escape(tables.status_counts(todo)))
    table = tables.todo_table(todo)
    widgets.show_table(table)
    widgets.table_downloads(
        table, selection._replace(department="全部部门"), "待办", key="todo_csv"
    )
    widgets.open_review(todo, key="todo_open")

statuses = data.review_statuses(selection.identity)
done = statuses[~statuses["status"].isin(["pending", "questioned"]) & ~statuses["resubmitted"]]
if not done.empty:
    st.subheader("已审核")
    st.caption(widgets.md_escape(tables.status_counts(done)))
    st.caption("已核对或已退回的部门年度；退回后部门交来新版本时，请在数据核对页重新设定状态。")
    reviewed = tables.reviewed_table(done)
    widgets.show_table(reviewed)
    everyone = selection._replace(department="全部部门")
    widgets.table_downloads(reviewed, everyone, "已审核", key="todo_done_csv")
