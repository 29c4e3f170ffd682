from __future__ import annotations

from decimal import Decimal

import pytest

from etl.amounts import normalise, parse_amount, to_wan


@pytest.mark.parametrize(
    ("text", "wan"),
    [
        pytest.param("801.07万元", Decimal("801.07"), id="wan"),
        pytest.param("9.0万", Decimal("9.0"), id="wan-abbreviated"),
        pytest.param("8,010,700元", Decimal("801.07"), id="yuan-thousands"),
        pytest.param("8010700.55元", Decimal("801.070055"), id="yuan-to-the-fen"),
        pytest.param("1.5亿元", Decimal("15000"), id="yi"),
        pytest.param("８０１．０７万元", Decimal("801.07"), id="full-width"),
        pytest.param("共计 1,234.5 万元", Decimal("1234.5"), id="space-before-unit"),
        pytest.param("增长12.5%", None, id="percent-is-not-an-amount"),
        pytest.param("17人", None, id="count-is-not-an-amount"),
    ],
)
def test_parse_amount(text: str, wan: Decimal | None) -> None:
    assert parse_amount(text) == wan


def test_to_wan_is_exact() -> None:
    assert to_wan("0.01", "元") == Decimal("0.000001")
    assert str(to_wan("487.51", "万元")) == "487.51"


@pytest.mark.parametrize("number", ["", "1..2", "abc"])
def test_to_wan_rejects_non_numbers(number: str) -> None:
    with pytest.raises(ValueError):
        to_wan(number, "万元")


def test_normalise_preserves_length() -> None:
    text = "（其中：三公经费９．０万）　合计"
    assert len(normalise(text)) == len(text)
    assert normalise(text) == "(其中:三公经费9.0万) 合计"
