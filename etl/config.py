"""Paths and limits, declared once: Python reads these names, SQL reads the limits from the table
`settings` (written from SETTINGS whenever the schema is applied), the upload widget its limit
from .streamlit/config.toml (server.maxUploadSize, Streamlit's own setting)."""

from __future__ import annotations

import hashlib
import os
from decimal import Decimal
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
# The one owner of the tables and views, applied in this order; migrations bring an older file's
# tables to today's shape before the views bind. A file records the SHA-256 of what built it.
SCHEMA_DIR = Path(__file__).with_name("schema")
SCHEMA_FILES = ("tables.sql", "migrations.sql", "views.sql")

# Budget-integration systems commonly ask for a reason above this 预算调整率 (either way).
ADJUSTMENT_RATE_LIMIT = Decimal("0.30")
# Parts and totals that differ by less than this (万元) agree: half the last digit a report
# writes (0.01 万元), so rounding in the report is never a warning.
TOLERANCE_WAN = Decimal("0.005")
# The limits as SQL reads them: SELECT value FROM settings WHERE name = ...
SETTINGS: dict[str, Decimal] = {
    "adjustment_rate_limit": ADJUSTMENT_RATE_LIMIT,
    "tolerance_wan": TOLERANCE_WAN,
}
# The fiscal years a document, a hand-entry row or the demo may be for.
YEARS = range(1990, 2101)
# The longest department name a user may type in (the longest real unit names are ~40 characters).
NAME_LIMIT = 60
# The printed brief (ui/printing.py): the browser kaleido renders charts in ($BROWSER_PATH, else
# the first of these on PATH: Debian's chromium), and the CJK font embedded in the PDF
# ($BUDGET_LENS_CJK_FONT, else the first installed: regular, bold, face in the collection).
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CJK_FONT_ENV = "BUDGET_LENS_CJK_FONT"
CJK_FONTS: tuple[tuple[str, str | None, int], ...] = (
    # fonts-noto-cjk; face 2 of the collection is Noto Sans CJK SC (simplified Chinese).
    (
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
        2,
    ),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", None, 0),  # fonts-wqy-zenhei
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", None, 0),  # fonts-wqy-microhei
)
UPLOAD_LIMIT_OPTION = "server.maxUploadSize"  # MB per uploaded file, in .streamlit/config.toml


def db_path() -> Path:
    """The DuckDB file: $BUDGET_LENS_DB, else data/budget.duckdb."""
    return Path(os.environ.get(DB_ENV) or DATA_DIR / "budget.duckdb")


def schema_text() -> str:
    """The schema's SQL, every file in SCHEMA_FILES order."""
    return "\n".join((SCHEMA_DIR / name).read_text(encoding="utf-8") for name in SCHEMA_FILES)


@cache
def schema_sha256() -> str:
    """SHA-256 of the schema and its settings as this version of Budget Lens ships them."""
    digest = hashlib.sha256(schema_text().encode("utf-8"))
    digest.update(repr(sorted(SETTINGS.items())).encode("utf-8"))
    from etl import indicators, labels  # the other data apply_schema writes

    digest.update(repr((indicators.FORMULAS, labels.LEVELS)).encode("utf-8"))
    return digest.hexdigest()
