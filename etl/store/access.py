"""Who may change what: the actor behind a write, the roles it holds (stored in the database's
user_roles, journaled so a rebuild keeps them), the check the write step makes, and the log of
refused attempts (refusals.jsonl beside the journal).

Roles (labels.ROLE_LABELS has their Chinese names):
- view (查看): read the dashboard (with sign-in configured, a signed-in user without it sees
  nothing but a note to ask an administrator);
- submit (填报): folder loads, uploads and hand entry, for the departments assigned to it;
- review (审核): corrections and restores (for the departments assigned, or all);
- admin (管理): everything, plus department aliases, roles and rebuilds; never department-scoped.

A signed-in user's roles come from user_roles only (the identity provider's claims grant
nothing: whoever runs the provider would otherwise hold every key). An actor of source 'os'
(the command line, the first build of the bundled reports) or 'local' (the app on loopback with
no sign-in configured: a single-user tool) holds every role: it could write the database file
anyway. The app started on another address without sign-in acts as 'local' with no role.
"""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import duckdb

from etl import labels

Role = Literal["view", "submit", "review", "admin"]
Source = Literal["oidc", "os", "local"]
ROLES: tuple[Role, ...] = ("view", "submit", "review", "admin")
EVERY_DEPARTMENT = ""  # a role row's department for "every department"
ROLE_ENTRY = "role"  # the journal kind of a role change (replayed by rebuild)


class Refused(PermissionError):
    """The actor lacks the role a write needs; nothing was written (the attempt is logged)."""

    def __init__(self, message: str, actor: Actor, role: Role, department: str | None) -> None:
        super().__init__(message)
        self.actor, self.role, self.department = actor, role, department


@dataclass(frozen=True)
class Grant:
    """One role row: `role` for `department` (EVERY_DEPARTMENT: all of them)."""

    role: Role
    department: str = EVERY_DEPARTMENT


@dataclass(frozen=True)
class Actor:
    """Who does a write: a signed-in user ('oidc', roles from user_roles), the operating-system
    user ('os', every role) or the app's local user ('local'). `refusal` is what a refusal says
    when the actor holds no role at all by construction (sign-in missing, signed out, expired)."""

    user_id: str
    name: str = ""
    email: str = ""
    source: Source = "os"
    grants: frozenset[Grant] = field(default_factory=frozenset)
    refusal: str | None = None

    @property
    def label(self) -> str:
        """How the actor is shown (载入人, 更正人): the user id, with the name when it differs."""
        if self.name and self.name != self.user_id:
            return f"{self.name}（{self.user_id}）"
        return self.user_id

    def holds(self, role: Role, department: str | None = None) -> bool:
        """Whether the actor may act as `role` for `department` (None: for some department;
        the department given should be canonical). admin holds every role everywhere."""
        for grant in self.grants:
            if grant.role not in (role, "admin"):
                continue
            if department is None or grant.department in (EVERY_DEPARTMENT, department):
                return True
        return False

    def departments(self, role: Role) -> list[str] | None:
        """The departments the actor may act as `role` for; None: every one."""
        everywhere = [g for g in self.grants if g.department == EVERY_DEPARTMENT]
        if any(g.role in (role, "admin") for g in everywhere):
            return None
        return sorted(g.department for g in self.grants if g.role == role)


ALL_ROLES = frozenset(Grant(role) for role in ROLES)


def os_actor() -> Actor:
    """The operating-system user: what the command line and library callers act as."""
    user = _os_user()
    return Actor(user, user, "", "os", ALL_ROLES)


def local_actor() -> Actor:
    """The app's one user when sign-in is not configured and it listens on loopback."""
    user = _os_user()
    return Actor(user, user, "", "local", ALL_ROLES)


def nobody(refusal: str, source: Source = "local") -> Actor:
    """An actor that may write nothing, and says why (`refusal`)."""
    return Actor("", "", "", source, frozenset(), refusal)


def signed_in(user_id: str, name: str = "", email: str = "") -> Actor:
    """A user signed in through the identity provider; roles come from the database."""
    return Actor(normal_user(user_id), name, email, "oidc")


def normal_user(user_id: str) -> str:
    """User ids as role rows keep them: trimmed, lower case (e-mail addresses).

    >>> normal_user("  Li.Ming@Example.GOV.cn ")
    'li.ming@example.gov.cn'
    """
    return user_id.strip().lower()


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        return f"uid:{os.getuid()}"


def resolve(con: duckdb.DuckDBPyConnection, actor: Actor) -> Actor:
    """A signed-in actor with its roles as the database holds them now (a state the session
    kept is never trusted); other actors as they are."""
    if actor.source != "oidc" or not actor.user_id:
        return actor
    rows = con.execute(
        "SELECT role, department FROM user_roles WHERE user_id = ?", [actor.user_id]
    ).fetchall()
    return resolve_rows(actor, rows)


def resolve_live(db: Path, actor: Actor) -> Actor:
    """resolve() against the database file `db` itself (read-only; no roles when it is missing
    or older than roles)."""
    if actor.source != "oidc" or not db.exists():
        return actor if actor.source != "oidc" else resolve_rows(actor, [])
    try:
        with duckdb.connect(":memory:") as con:
            con.execute("ATTACH ? AS live (READ_ONLY)", [str(db)])
            rows = con.execute(
                "SELECT role, department FROM live.user_roles WHERE user_id = ?", [actor.user_id]
            ).fetchall()
    except duckdb.Error:
        rows = []
    return resolve_rows(actor, rows)


def resolve_rows(actor: Actor, rows: list[tuple[str, str]]) -> Actor:
    """`actor` holding exactly the role rows given."""
    grants = frozenset(Grant(role, department) for role, department in rows if role in ROLES)
    return Actor(actor.user_id, actor.name, actor.email, "oidc", grants, actor.refusal)


def refusal_message(actor: Actor, role: Role, department: str | None) -> str:
    """What a refusal says: who, which role it needed, for which department, and what to do."""
    if actor.refusal and not actor.grants:
        return actor.refusal
    needed = labels.ROLE_LABELS[role]
    where = f"（部门：{department}）" if department else ""
    who = actor.label or "未登录用户"
    return labels.REFUSED.format(who=who, role=needed, where=where)


def check(actor: Actor, role: Role, department: str | None = None) -> Refused | None:
    """The refusal when `actor` may not act as `role` for `department`, else None."""
    if actor.holds(role, department):
        return None
    return Refused(refusal_message(actor, role, department), actor, role, department)


def require(actor: Actor, role: Role, department: str | None = None) -> None:
    """Raise Refused unless `actor` may act as `role` for `department` (None: for some)."""
    refused = check(actor, role, department)
    if refused is not None:
        raise refused


def by_entry(actor: Actor) -> dict[str, Any]:
    """What a journal entry records of who made it."""
    return {"by": actor.user_id, "by_name": actor.name, "by_source": actor.source}


# --- the log of refused attempts ---------------------------------------------------------------


def refusals_path(db: Path) -> Path:
    """refusals.jsonl in the archive beside `db` (kept apart from the journal a rebuild replays)."""
    return db.with_name(f"{db.stem}.archive") / "refusals.jsonl"


def log_refusal(db: Path, refused: Refused, what: str) -> None:
    """Append the refused attempt (who, which role, which department, what, when)."""
    path = refusals_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    entry = {
        "at": datetime.now().isoformat(timespec="seconds"),
        "what": what,
        "role": refused.role,
        "department": refused.department,
        "message": str(refused),
        **by_entry(refused.actor),
    }
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def refusals(db: Path, limit: int = 200) -> list[dict[str, Any]]:
    """The latest refused attempts, newest first."""
    path = refusals_path(db)
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines()[-limit:]:
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return out[::-1]


# --- role rows ---------------------------------------------------------------------------------


def role_entry(
    action: Literal["grant", "revoke"], user_id: str, role: str, department: str | None
) -> dict[str, Any]:
    """A role change as the journal records it (checked: a known role, admin never scoped)."""
    if role not in ROLES:
        role = _role_named(role)
    user = normal_user(user_id)
    if not user:
        raise ValueError("请填写用户（邮箱或登录名）")
    scope = (department or "").strip()
    if role == "admin" and scope:
        raise ValueError("管理角色适用于全部部门，不能限定部门")
    return {
        "kind": ROLE_ENTRY,
        "action": action,
        "user_id": user,
        "role": role,
        "department": scope,
        "at": datetime.now().replace(microsecond=0).isoformat(),
    }


def _role_named(name: str) -> Role:
    """A role from its identifier or its Chinese label (查看, 填报, 审核, 管理)."""
    for role, label in labels.ROLE_LABELS.items():
        if name.strip() in (role, label):
            return role  # type: ignore[return-value]
    known = "、".join(f"{label}（{role}）" for role, label in labels.ROLE_LABELS.items())
    raise ValueError(f"没有这个角色：{name}；可用：{known}")


def replay_role(con: duckdb.DuckDBPyConnection, entry: dict[str, Any]) -> None:
    """Apply one journaled role change to user_roles."""
    key = [entry["user_id"], entry["role"], entry.get("department") or EVERY_DEPARTMENT]
    con.execute("DELETE FROM user_roles WHERE user_id = ? AND role = ? AND department = ?", key)
    if entry["action"] == "grant":
        at = _time(entry.get("at"))
        con.execute(
            "INSERT INTO user_roles (user_id, role, department, granted_by, granted_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [*key, entry.get("by") or "", at],
        )


def record_by(con: duckdb.DuckDBPyConnection, entries: Iterable[dict[str, Any]]) -> None:
    """Write who did each journaled load or restore onto its document (documents.loaded_by,
    restored_by and restored_at); entries from before this record nobody."""
    for entry in entries:
        by = entry.get("by")
        if not by or entry.get("kind") or not entry.get("sha256"):
            continue
        if entry.get("status") == "restored":
            con.execute(
                "UPDATE documents SET restored_by = ?, restored_at = ? WHERE sha256 = ?",
                [by, _time(entry.get("at")), entry["sha256"]],
            )
        else:
            con.execute(
                "UPDATE documents SET loaded_by = ? WHERE sha256 = ? AND loaded_by IS NULL",
                [by, entry["sha256"]],
            )


def _time(text: Any) -> datetime:
    try:
        return datetime.fromisoformat(str(text))
    except ValueError:
        return datetime.now().replace(microsecond=0)
