"""A document body after a standard title, extracted and checked as the loader does, and a
contract field by its dotted name: the extraction tests' shared steps."""

from __future__ import annotations

from typing import Any

from etl.contract import report_json
from etl.load import analyse_text

TITLE = "2021年度青禾县测试局部门整体支出绩效自评报告\n"


def extract(body: str, title: str = TITLE) -> dict[str, Any]:
    """The extraction contract of `title` + `body`, every check run."""
    return report_json(analyse_text(title + body))


def field(out: dict[str, Any], name: str) -> Any:
    """A contract value by its dotted name: "basic.actual", "projects.0.name"."""
    value: Any = out
    for key in name.split("."):
        value = value[key] if isinstance(value, dict) else value[int(key)]
    return value
