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


@dataclass
class Frames:
    figures: pd.DataFrame
    fund_sources: pd.DataFrame
    projects: pd.DataFrame
    checks: pd.DataFrame


def load_frames(con: duckdb.DuckDBPyConnection) -> Frames:
    """Every table the dashboard questions need, pulled into memory."""
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


def _with_previous(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Each row beside the same keys' row of the department's previous report year."""
    years = sorted(frame["year"].unique())
    previous = dict(zip(years[1:], years[:-1], strict=True))
    frame = frame.assign(previous_year=frame["year"].map(previous))
    before = frame[["year", *keys, "amount_wan", "share"]].rename(
        columns={"year": "previous_year", "amount_wan": "before_wan", "share": "before_share"}
    )
    out = frame.merge(before, on=["previous_year", *keys], how="left")
    out["change_wan"] = out["amount_wan"] - out["before_wan"]
    out["change_rate"] = out["change_wan"] / out["before_wan"].where(out["before_wan"] != 0)
    out["share_change"] = out["share"] - out["before_share"]
    return out.drop(columns=["before_wan", "before_share"])


def phase_history(frames: Frames, department: str) -> pd.DataFrame:
    """The 同比 page's budget phases: per year, section and phase, with the previous year's."""
    figures = frames.figures[
        (frames.figures["department"] == department)
        & frames.figures["section"].isin(["basic", "project"])
        & frames.figures["item"].isin(["initial", "adjusted", "actual"])
    ]
    by = figures.groupby(["year", "section", "item"], as_index=False)["value"].max()
    total = by.groupby(["year", "item"], as_index=False)["value"].sum().assign(section="total")
    phases = pd.concat([by, total]).rename(columns={"item": "phase", "value": "amount_wan"})
    totals = phases[phases["section"] == "total"].set_index(["year", "phase"])["amount_wan"]
    phases["share"] = phases["amount_wan"] / phases.set_index(["year", "phase"]).index.map(totals)
    out = _with_previous(phases, ["section", "phase"])
    return out.sort_values(["year", "section", "phase"]).reset_index(drop=True)


def fund_mix_history(frames: Frames, department: str) -> pd.DataFrame:
    """The 同比 page's fund mix: per year and level, with the previous year's."""
    funds = frames.fund_sources[frames.fund_sources["department"] == department]
    by = funds.groupby(["year", "level"], as_index=False)["amount_wan"].sum()
    by["share"] = by["amount_wan"] / by.groupby("year")["amount_wan"].transform("sum")
    return _with_previous(by, ["level"]).sort_values(["year", "level"]).reset_index(drop=True)


def project_history(frames: Frames, department: str) -> pd.DataFrame:
    """The 同比 page's projects matched across years by name, with the previous year's."""
    projects = frames.projects[frames.projects["department"] == department]
    projects = projects.assign(project_key=projects["name"].str.replace(r"\s+", "", regex=True))
    by = projects.groupby(["year", "project_key"], as_index=False).agg(
        amount_wan=("amount_wan", "sum"), names=("name", " / ".join)
    )
    by["share"] = by["amount_wan"] / by.groupby("year")["amount_wan"].transform("sum")
    out = _with_previous(by, ["project_key"])
    out["new"] = out["previous_year"].notna() & out["change_wan"].isna()
    return out.sort_values(["project_key", "year"]).reset_index(drop=True)


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
