"""Sign-in and the app's actor: Streamlit's own OpenID Connect (st.login, st.user, st.logout,
settings in .streamlit/secrets.toml [auth]) when configured; the single local user otherwise.

- Sign-in configured: every page asks to sign in; a signed-in user's actor is its e-mail (or
  the provider's subject) and its roles are the database's user_roles rows (claims grant
  nothing); a user without a role row sees a note to ask an administrator, not the data.
  Streamlit's auth cookie lasts 30 days; the session here ends when the identity provider's
  ID token does (its `exp` claim): then the user is treated as signed out until signing in
  again.
- Not configured, on loopback (scripts/start's default): one local user with every role.
- Not configured, on any other address: reading works, every write is refused with a message
  on how to configure sign-in.

The actor is built from st.user on every run, never kept in session state; the write step
checks it again against the database (etl.store.access), so hiding a button is only courtesy.
"""

from __future__ import annotations

import time
from typing import Any

import streamlit as st

from etl import labels
from etl.store import access
from etl.store.access import Actor, Role

REQUIRED_AUTH_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def sign_in_configured() -> bool:
    """Whether secrets.toml has an [auth] section Streamlit can sign in with."""
    try:
        section = st.secrets.get("auth")
    except Exception:  # no secrets file at all (StreamlitSecretNotFoundError, a parse error)
        return False
    if not section:
        return False
    has_provider = "server_metadata_url" in section or any(
        isinstance(v, dict) and "server_metadata_url" in v for v in section.values()
    )
    return has_provider and all(section.get(k) for k in REQUIRED_AUTH_KEYS)


def on_loopback() -> bool:
    """Whether the server listens on loopback only (server.address; unset: every interface)."""
    address = st.get_option("server.address")
    return str(address or "").strip("[]") in LOOPBACK


def _claims() -> dict[str, Any]:
    return {key: st.user.get(key) for key in ("sub", "email", "name", "exp")}


def session_expired(claims: dict[str, Any]) -> bool:
    """Whether the provider's ID token behind the session has expired (its `exp`, seconds).

    >>> session_expired({"exp": 1}), session_expired({"exp": time.time() + 60}), session_expired({})
    (True, False, False)
    """
    exp = claims.get("exp")
    return isinstance(exp, int | float) and exp <= time.time()


def current_actor() -> Actor:
    """Who this session acts as (its roles are the database's, read at each write)."""
    if not sign_in_configured():
        return access.local_actor() if on_loopback() else access.nobody(labels.SIGN_IN_MISSING)
    if not st.user.is_logged_in:
        return access.nobody(labels.SIGNED_OUT, "oidc")
    claims = _claims()
    if session_expired(claims):
        return access.nobody(labels.SESSION_EXPIRED, "oidc")
    user = str(claims.get("email") or claims.get("sub") or "")
    if not user:
        return access.nobody(labels.SIGNED_OUT, "oidc")
    return access.signed_in(user, str(claims.get("name") or ""), str(claims.get("email") or ""))


def held(actor: Actor) -> Actor:
    """`actor` with the roles the database gives it now (for showing and hiding controls)."""
    if actor.source != "oidc" or not actor.user_id:
        return actor
    from ui import data

    identity = data.db_identity()
    if identity is None:
        return access.resolve_rows(actor, [])
    try:
        rows = data.user_grants(identity, actor.user_id)
    except Exception:  # a database from before roles: no role rows yet
        return access.resolve_rows(actor, [])
    pairs = [(str(r), str(d)) for r, d in zip(rows["role"], rows["department"], strict=True)]
    return access.resolve_rows(actor, pairs)


def actor() -> Actor:
    """This session's actor with its roles (what pages pass to every write)."""
    return held(current_actor())


def may(role: Role, department: str | None = None) -> bool:
    """Whether this session may act as `role` (for `department`): to show a control or not."""
    return actor().holds(role, department)


def gate() -> None:
    """In the sidebar: who is signed in and a 退出登录 button; with sign-in configured, a
    session not signed in (or expired) gets a 登录 button and no page, and a user without any
    role a note (no page)."""
    if not sign_in_configured():
        if not on_loopback():
            st.warning(labels.SIGN_IN_MISSING, icon=":material/lock:")
        return
    current = current_actor()
    if current.user_id:
        person = held(current)
        roles = "、".join(
            labels.ROLE_LABELS[g.role] + (f"（{g.department}）" if g.department else "")
            for g in sorted(person.grants, key=lambda g: (g.role, g.department))
        )
        with st.sidebar:
            st.caption(f"已登录：{person.label}" + (f" · {roles}" if roles else ""))
            if st.button("退出登录", key="sign_out", icon=":material/logout:"):
                st.logout()
        if not person.grants:
            st.info(labels.NO_ROLE.format(who=person.label), icon=":material/lock:")
            st.stop()
        return
    st.title(labels.APP_TITLE)
    st.info(current.refusal or labels.SIGNED_OUT, icon=":material/lock:")
    if st.button("登录", key="sign_in", icon=":material/login:"):
        st.login()  # an expired session signs in again the same way
    st.stop()
