"""etl/labels.py: the one vocabulary."""

from __future__ import annotations

import doctest

import pytest

from etl import labels


def test_doctests() -> None:
    assert doctest.testmod(labels).failed == 0


@pytest.mark.parametrize(
    ("kind", "code", "expected"),
    [
        ("section", "basic", "基本支出"),
        ("section", "total", "合计"),
        ("phase", "adjusted", "调整后预算"),
        ("level", "central", "中央"),
        ("level", "provincial", "省级"),
        ("level", "city", "市级"),
        ("level", "district", "区（县）级"),
        ("level", "other", "其他"),
        ("severity", "warning", "警告"),
        ("rule", "a_rule_added_later", "a_rule_added_later"),
    ],
    ids=lambda v: str(v),
)
def test_labels(kind: str, code: str, expected: str) -> None:
    assert labels.label(kind, code) == expected


def test_the_limit_is_written_from_its_one_definition(monkeypatch: pytest.MonkeyPatch) -> None:
    assert labels.LIMIT == "30%" and "30%" in labels.label("flag", "adjustment_rate")
    assert labels.percent(labels.config.ADJUSTMENT_RATE_LIMIT) == labels.LIMIT


def test_no_developer_words_in_what_users_read() -> None:
    for words in (labels.EMPTY_DATABASE, labels.demo_banner(3, 4), labels.LOAD_BUSY):
        assert "python -m" not in words and "etl" not in words
