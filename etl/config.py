"""Paths: one environment variable for the database, everything else under data/."""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
REPORTS_DIR = DATA_DIR / "reports"
# alias,department rows: one department whose name reports write differently (edit, then load).
ALIASES_PATH = DATA_DIR / "department_aliases.csv"
# `python -m etl demo` writes synthetic reports here and loads them into their own database.
DEMO_DIR = DATA_DIR / "demo"
DEMO_DB = DATA_DIR / "demo.duckdb"
DB_ENV = "BUDGET_LENS_DB"
# The one owner of the tables and views; a file records the SHA-256 of the text that built it.
SCHEMA = Path(__file__).with_name("schema.sql")


def db_path() -> Path:
    """The DuckDB file: $BUDGET_LENS_DB, else data/budget.duckdb."""
    return Path(os.environ.get(DB_ENV) or DATA_DIR / "budget.duckdb")


@cache
def schema_sha256() -> str:
    """SHA-256 of etl/schema.sql as this version of Budget Lens ships it."""
    return hashlib.sha256(SCHEMA.read_bytes()).hexdigest()
