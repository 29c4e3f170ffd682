"""Paths: one environment variable for the database, everything else under data/."""

from __future__ import annotations

import os
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


def db_path() -> Path:
    """The DuckDB file: $BUDGET_LENS_DB, else data/budget.duckdb."""
    return Path(os.environ.get(DB_ENV) or DATA_DIR / "budget.duckdb")
