"""BASELINE, not product code: the usual Streamlit pattern the dashboard queries are compared with.

The tables are pulled into pandas once (amounts as float64, as `.df()` gives them) and every
question is answered by aggregating those frames in memory. Loading is done before timing starts,
as a page caching the frames with st.cache_data would have it, so the baseline pays only the
aggregation per click: the strictest comparison for the query layer.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

# Current reports only, joined to their department and year once, as a cached frame would be.
_SQL = {
    "figures": """
        SELECT d.department, d.year, f.document_id, f.section, f.item,
            CAST(f.value AS DOUBLE) AS value
        FROM figures AS f JOIN documents AS d USING (document_id) WHERE d.is_current""",
    "fund_sources": """
        SELECT d.department, d.year, f.document_id, f.level,
            CAST(f.amount_wan AS DOUBLE) AS amount_wan
        FROM fund_sources AS f JOIN documents AS d USING (document_id) WHERE d.is_current""",
    "projects": """
        SELECT d.department, d.year, p.document_id, p.ordinal, p.name,
            CAST(p.amount_wan AS DOUBLE) AS amount_wan, p.purpose
        FROM projects AS p JOIN documents AS d USING (document_id) WHERE d.is_current""",
    "checks": """
        SELECT d.year, c.document_id, c.passed, c.severity
        FROM checks AS c JOIN documents AS d USING (document_id) WHERE d.is_current""",
}
LEVELS = ["central", "provincial", "city", "district", "other"]


@dataclass
class Frames:
    figures: pd.DataFrame
    fund_sources: pd.DataFrame
    projects: pd.DataFrame
    checks: pd.DataFrame


def load_frames(con: duckdb.DuckDBPyConnection) -> Frames:
    """Every table the four questions need, pulled into memory."""
    return Frames(**{name: con.sql(sql).df() for name, sql in _SQL.items()})


def fund_split_by_year(frames: Frames) -> pd.DataFrame:
    by = frames.fund_sources.groupby(["year", "level"], sort=True)["amount_wan"]
    out = by.agg(amount_wan="sum", reports="size").reset_index()
    out["share"] = out["amount_wan"] / out.groupby("year")["amount_wan"].transform("sum")
    return out


def top_projects(frames: Frames, year: int, limit: int) -> pd.DataFrame:
    of_year = frames.projects[frames.projects["year"] == year]
    top = of_year.nlargest(limit, "amount_wan")
    sums = (
        of_year[of_year["document_id"].isin(top["document_id"])]
        .groupby("document_id")["amount_wan"]
        .sum()
    )
    top = top.assign(share=top["amount_wan"] / top["document_id"].map(sums))
    return top[["department", "name", "amount_wan", "share", "purpose"]]


def _wide(figures: pd.DataFrame, index: list[str]) -> pd.DataFrame:
    wide = figures.pivot_table(
        index=index, columns=["section", "item"], values="value", aggfunc="max"
    )
    wide.columns = [f"{s}_{i}" for s, i in wide.columns]
    for phase in ("initial", "adjusted", "actual"):
        wide[f"total_{phase}"] = wide[f"basic_{phase}"] + wide[f"project_{phase}"]
    wide["adjustment_rate"] = (wide["total_adjusted"] - wide["total_initial"]) / wide[
        "total_initial"
    ]
    wide["execution_rate"] = wide["total_actual"] / wide["total_adjusted"]
    return wide


def year_over_year(frames: Frames, department: str) -> pd.DataFrame:
    figures = frames.figures[frames.figures["department"] == department]
    wide = _wide(figures, ["year"])
    previous = wide["three_public_actual"].shift(1)
    wide["three_public_change_rate"] = (wide["three_public_actual"] - previous) / previous
    funds = frames.fund_sources[frames.fund_sources["department"] == department]
    mix = funds.pivot_table(index="year", columns="level", values="amount_wan", aggfunc="sum")
    mix = mix.reindex(columns=LEVELS)
    mix["fund_total"] = mix.sum(axis=1)
    return wide.join(mix).reset_index()


def department_ranking(frames: Frames, year: int) -> pd.DataFrame:
    figures = frames.figures[frames.figures["year"] == year]
    wide = _wide(figures, ["document_id", "department"])
    wide["three_public_control_rate"] = wide["three_public_actual"] / wide["three_public_budget"]
    wide["staff_control_rate"] = wide["staffing_actual"] / wide["staffing_authorized"]
    wide["personnel_share"] = wide["basic_personnel"] / wide["basic_actual"]
    checks = frames.checks[frames.checks["year"] == year]
    failing = checks[~checks["passed"] & (checks["severity"] != "info")]
    counts = failing.groupby("document_id").size()
    wide = wide.reset_index()
    wide["failing_checks"] = wide["document_id"].map(counts).fillna(0).astype(int)
    columns = [
        "department",
        "adjustment_rate",
        "execution_rate",
        "three_public_control_rate",
        "staff_control_rate",
        "personnel_share",
        "failing_checks",
    ]
    return wide[columns].sort_values(
        ["adjustment_rate", "department"], ascending=[False, True], na_position="last"
    )


def memory_mib(frames: Frames) -> float:
    """Deep memory of the frames, MiB."""
    total = sum(
        int(f.memory_usage(deep=True).sum())
        for f in (frames.figures, frames.fund_sources, frames.projects, frames.checks)
    )
    return total / 2**20
