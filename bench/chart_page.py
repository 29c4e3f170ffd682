"""BASELINE, not a Budget Lens page: a page that only draws the 预算调整 chart from numbers it
already has (the seed report's), with no data access at all. S1 compares a warm rerun of each
real page with a rerun of this one: what drawing alone costs."""

from decimal import Decimal

import pandas as pd
import streamlit as st

from ui import charts

phases = pd.DataFrame(
    {
        "section": ["basic", "project"],
        "initial_wan": [Decimal("487.51"), Decimal("97.8")],
        "adjusted_wan": [Decimal("801.07"), Decimal("349.4")],
        "actual_wan": [Decimal("801.07"), Decimal("349.4")],
        "adjustment_wan": [Decimal("313.56"), Decimal("251.6")],
        "adjustment_rate": [0.6432, 2.5726],
        "execution_rate": [1.0, 1.0],
    }
)
st.title("预算调整（基线：只画图）")
st.plotly_chart(charts.phase_bar(phases), key="chart_only")
