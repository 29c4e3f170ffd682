"""Role changes (grant, revoke) through the write step, and the role rows as they stand."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import duckdb
import pandas as pd

from etl.store import access
from etl.store.access import Actor
from etl.store.step import write_step


def change_role(
    db: Path,
    action: Literal["grant", "revoke"],
    user_id: str,
    role: str,
    department: str | None = None,
    *,
    actor: Actor | None = None,
    wait: bool = False,
) -> str:
    """Grant or revoke `role` (identifier or 查看/填报/审核/管理) of `user_id` for `department`
    (None or '': every department); journaled with who and when, so a rebuild keeps it. Needs
    管理; ValueError for an unknown role or a department-scoped 管理. Returns what was done."""
    entry = access.role_entry(action, user_id, role, department)
    what = "授予角色" if action == "grant" else "撤销角色"
    with write_step(db, wait=wait, actor=actor, role="admin", what=what) as write:
        entry |= access.by_entry(write.actor)
        access.replay_role(write.con, entry)
        write.journal.append(entry)
    where = entry["department"] or "全部部门"
    from etl import labels

    return f"已{what}：{entry['user_id']} · {labels.ROLE_LABELS[entry['role']]} · {where}"


def role_rows(db: Path) -> pd.DataFrame:
    """Every role row of `db` (user_id, role, department, granted_by, granted_at); empty when
    the database does not exist yet or is older than roles."""
    columns = ["user_id", "role", "department", "granted_by", "granted_at"]
    if not db.exists():
        return pd.DataFrame(columns=columns)
    try:
        with duckdb.connect(":memory:") as con:
            con.execute("ATTACH ? AS live (READ_ONLY)", [str(db)])
            return con.execute(
                "SELECT user_id, role, department, granted_by, granted_at FROM live.user_roles"
                " ORDER BY user_id, role, department"
            ).df()
    except duckdb.CatalogException:
        return pd.DataFrame(columns=columns)
