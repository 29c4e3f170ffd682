"""Actors for tests that write as someone other than the machine's user."""

from __future__ import annotations

from etl.store import access


def reviewer(name: str) -> access.Actor:
    """The command line run by the operating-system user `name` (every role, as the CLI has)."""
    return access.Actor(name, name, "", "os", access.ALL_ROLES)
