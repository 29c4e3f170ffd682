"""Databases the UI tests read: the seed report, variants of it, and a database per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import streamlit as st

from etl import queries
from etl.load import load_paths

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "fixtures" / "reports" / "2020-tianxin-transport-bureau.txt"
DEPARTMENT = "长沙市天心区交通运输局"
OTHER_DEPARTMENT = "长沙市雨花区交通运输局"


def build_db(db: Path, reports: list[Path]) -> Path:
    """`db` loaded from `reports`, every one of them loaded."""
    results = load_paths(reports, db)
    assert all(r.ok for r in results), [r.message for r in results]
    return db


def seed_variant(folder: Path, name: str, *replacements: tuple[str, str]) -> Path:
    """The seed report with words replaced: another year, department or a figure left out."""
    text = SEED.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def use_db(db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the app at `db` with Streamlit's caches cleared before and after."""
    monkeypatch.setenv("BUDGET_LENS_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield db
    st.cache_data.clear()
    st.cache_resource.clear()  # closes the cached connection


def seed_frame(con: duckdb.DuckDBPyConnection, query: str) -> pd.DataFrame:
    """etl.queries.`query` for the seed report (DEPARTMENT, 2020)."""
    frame: pd.DataFrame = getattr(queries, query)(con, DEPARTMENT, 2020)
    return frame
