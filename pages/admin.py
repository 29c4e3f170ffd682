"""管理: who may change what (roles per user and department, granted and revoked here or with
`python -m etl roles`), and the write attempts the write step refused."""

from __future__ import annotations

import streamlit as st

from etl import config, labels
from etl.store import access as roles_store
from ui import access, data, tables, widgets

selection = widgets.page_frame()
st.title("管理")
widgets.show_flash()
actor = access.actor()
if not widgets.allowed(actor, "admin"):
    st.stop()

st.caption(
    "角色：查看（浏览各页）；填报（导入报告和手工录入，限所分配的部门）；审核（更正数字、恢复版本）；"
    "管理（全部操作，以及部门别名、角色和重建数据库）。用户为登录时身份认证给出的邮箱。"
    "每次授予和撤销都记入载入日志（谁、何时），重建数据库后仍然保留。"
)
identity = data.db_identity()
rows = data.user_roles(identity) if identity is not None else None
st.subheader("用户角色")
if rows is None or rows.empty:
    st.info("还没有角色记录。", icon=":material/info:")
else:
    widgets.show_table(tables.roles_table(rows))

departments = [labels.EVERY_DEPARTMENT]
if identity is not None:
    departments += list(data.department_matches(identity, "", 10_000)["department"])
with st.form("role_form", enter_to_submit=False):
    user = st.text_input("用户（邮箱）", key="role_user", placeholder="例如 li.ming@example.gov.cn")
    role = st.selectbox(
        "角色",
        list(labels.ROLE_LABELS),
        format_func=labels.ROLE_LABELS.__getitem__,
        key="role_role",
    )
    department = st.selectbox("部门", departments, key="role_department")
    grant, revoke = st.columns(2)
    granted = grant.form_submit_button("授予", key="role_grant", icon=":material/person_add:")
    revoked = revoke.form_submit_button("撤销", key="role_revoke", icon=":material/person_remove:")
if granted or revoked:
    from etl.load import change_role

    scope = "" if department == labels.EVERY_DEPARTMENT else department
    try:
        done = widgets.write_database(
            lambda: change_role(
                config.db_path(),
                "grant" if granted else "revoke",
                user,
                role,
                scope,
                actor=actor,
            )
        )
    except ValueError as exc:
        st.error(widgets.md_escape(str(exc)), icon=":material/error:")
    else:
        if done is not None:
            widgets.flash("success", done)
            st.rerun()

st.subheader("被拒绝的写入")
refused = tables.refusals_table(roles_store.refusals(config.db_path()))
st.caption(widgets.md_escape(tables.refusals_line(refused)))
widgets.show_table(refused)
