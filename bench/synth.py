"""Synthetic databases at 10k / 1M / 10M project rows, built by bench/synth.sql inside DuckDB.

A database is cached under the data folder by scale and by a hash of the generator and the
schema, so a second run reuses it and a changed schema rebuilds it.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from etl import config
from etl.load import apply_schema, refresh_summaries

SYNTH_SQL = Path(__file__).with_name("synth.sql")


@dataclass(frozen=True)
class Scale:
    """Counties × departments × years reports, 1-10 projects each (5.5 on average)."""

    name: str
    counties: int
    departments: int = 60
    years: int = 10
    first_year: int = 2015

    @property
    def reports(self) -> int:
        return self.counties * self.departments * self.years

    @property
    def approx_projects(self) -> int:
        return self.reports * 11 // 2


SCALES = {
    s.name: s
    for s in (
        Scale("10k", counties=3),  # 1,800 reports, ~9,900 projects
        Scale("1M", counties=300),  # 180,000 reports, ~990,000 projects
        Scale("10M", counties=3000),  # 1,800,000 reports, ~9,900,000 projects
    )
}


def generator_key(scale: Scale) -> str:
    """Changes with the generator and with the schema's tables (not its views: a cached
    database gets the current views, and its summary, when it is opened)."""
    digest = hashlib.sha256()
    digest.update(SYNTH_SQL.read_bytes())
    digest.update(Path(__file__).read_bytes())
    schema = (config.SCHEMA_DIR / "tables.sql").read_text(encoding="utf-8")
    digest.update(
        "".join(re.findall(r"CREATE TABLE IF NOT EXISTS \w+ \(.*?\n\);", schema, re.S)).encode()
    )
    digest.update(repr(scale).encode())
    return digest.hexdigest()[:12]


def database(scale: Scale, data_dir: Path) -> tuple[Path, float | None]:
    """The scale's database file, generated if missing; and the seconds generation took."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / f"synthetic-{scale.name}-{generator_key(scale)}.duckdb"
    if path.exists():
        with duckdb.connect(str(path)) as con:  # today's views and summary, as a load would
            apply_schema(con)
            refresh_summaries(con, whole=True)
            con.execute("CHECKPOINT")
        return path, None
    for old in data_dir.glob(f"synthetic-{scale.name}-*.duckdb*"):
        old.unlink()
    tmp = path.with_name(path.name + f".building-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    started = time.perf_counter()
    with duckdb.connect(str(tmp)) as con:
        generate(con, scale)
        con.execute("CHECKPOINT")
    os.replace(tmp, path)
    return path, time.perf_counter() - started


def generate(con: duckdb.DuckDBPyConnection, scale: Scale) -> None:
    """Apply the schema and fill every table for `scale` (the tables must be empty)."""
    apply_schema(con)
    con.execute("SET enable_progress_bar = false")
    for name in ("counties", "departments", "years", "first_year"):
        con.execute(f"SET VARIABLE {name} = ?", [getattr(scale, name)])
    con.execute(SYNTH_SQL.read_text(encoding="utf-8"))
    refresh_summaries(
        con, whole=True
    )  # what every load ends with: one report_summary row per report


def row_counts(db: Path) -> dict[str, int]:
    """Rows per table."""
    with duckdb.connect(str(db), read_only=True) as con:
        return {
            table: int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            for table in ("documents", "figures", "fund_sources", "projects", "checks")
        }
