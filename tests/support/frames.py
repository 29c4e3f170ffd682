"""Frames shaped like etl.queries returns, for the table and chart builders' tests."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

NAN = float("nan")


def fund_history() -> pd.DataFrame:
    """Two report years with a gap (2021, 2023); 省级 is stated only in 2023."""
    return pd.DataFrame(
        {
            "year": [2021, 2021, 2023, 2023, 2023],
            "previous_year": [NAN, NAN, 2021.0, 2021.0, 2021.0],
            "level": ["city", "district", "provincial", "city", "district"],
            "amount_wan": [Decimal("100"), Decimal("300"), Decimal("50"), Decimal("150"), None],
            "share": [0.25, 0.75, 0.25, 0.75, None],
            "change_wan": [None, None, None, Decimal("50"), None],
            "change_rate": [NAN, NAN, NAN, 0.5, NAN],
            "share_change": [NAN, NAN, NAN, 0.5, NAN],
        }
    )


def ranking() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "department": ["乙局", "甲局", "丙局"],
            "adjustment_rate": [0.1, 0.4, None],
            "execution_rate": [0.95, 1.0, 0.9],
            "three_public_control_rate": [0.5, 1.2, None],
            "staff_control_rate": [1.0, 0.9, 1.1],
            "personnel_share": [0.8, 0.7, 0.9],
            "failing_checks": [0, 3, 1],
        }
    )


def fund_years() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2020, 2020, 2021],
            "level": ["city", "district", "district"],
            "amount_wan": [Decimal("148.92"), Decimal("200.48"), Decimal("300")],
            "share": [0.426217, 0.573783, 1.0],
            "reports": [1, 2, 1],
        }
    )
