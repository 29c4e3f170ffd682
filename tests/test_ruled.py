"""Ruled PDF tables rebuilt from their borders: merged cells, wrapped cell text, frames."""

from __future__ import annotations

import pytest

from etl.readers import read_text
from etl.ruled import Run, tables

# A form of three columns and three rows (y grows upwards, as in PDF).
XS = (0.0, 100.0, 200.0, 300.0)
YS = (90.0, 60.0, 30.0, 0.0)


def grid(
    missing_v: set[tuple[int, int]] = frozenset(), missing_h: set[tuple[int, int]] = frozenset()
) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
    """Every cell border of the 3 x 3 grid, but the ones named (row, border) / (border, column)."""
    horizontal = [
        (YS[r], XS[c], XS[c + 1]) for r in range(4) for c in range(3) if (r, c) not in missing_h
    ]
    vertical = [
        (XS[c], YS[r + 1], YS[r]) for r in range(3) for c in range(4) if (r, c) not in missing_v
    ]
    return horizontal, vertical


def run(col: int, row: int, text: str, line: int = 0) -> Run:
    """A run of text inside the cell (row, col); `line` moves it down within the cell."""
    top = YS[row] - 5 - 10 * line
    return Run(XS[col] + 5, top - 8, XS[col] + 60, top, text)


CASES = [
    pytest.param(
        grid(),
        [
            run(0, 0, "项目"),
            run(1, 0, "年初预算数"),
            run(2, 0, "全年执行数"),
            run(0, 1, "基本支出"),
            run(1, 1, "100"),
            run(2, 1, "98.5"),
        ],
        [["项目", "年初预算数", "全年执行数"], ["基本支出", "100", "98.5"]],
        id="plain-grid-empty-row-dropped",
    ),
    pytest.param(
        grid(missing_h={(2, 0)}),  # no border under (1, 0): the label spans rows 1 and 2
        [
            run(0, 1, "项目资金"),
            run(0, 1, "（万元）", line=1),
            run(1, 1, "10"),
            run(2, 1, "9"),
            run(1, 2, "8"),
            run(2, 2, "7"),
            run(1, 0, "年初"),
            run(2, 0, "执行"),
        ],
        [["", "年初", "执行"], ["项目资金（万元）", "10", "9"], ["", "8", "7"]],
        id="label-merged-down-and-wrapped",
    ),
    pytest.param(
        grid(missing_v={(0, 2)}),  # no border between columns 1 and 2 in row 0
        [
            run(0, 0, "项目名称"),
            run(1, 0, "工资性支出"),
            run(0, 1, "a"),
            run(1, 1, "1"),
            run(2, 1, "2"),
        ],
        [["项目名称", "工资性支出", ""], ["a", "1", "2"]],
        id="value-merged-across",
    ),
]


@pytest.mark.parametrize(("strokes", "runs", "rows"), CASES)
def test_rows(strokes, runs: list[Run], rows: list[list[str]]) -> None:
    (table,) = tables(*strokes, runs)
    assert table.rows == rows
    assert table.runs == set(range(len(runs)))


def test_a_frame_around_the_page_is_not_a_table() -> None:
    horizontal = [(800.0, 20.0, 580.0), (20.0, 20.0, 580.0)]
    vertical = [(20.0, 20.0, 800.0), (580.0, 20.0, 800.0)]
    assert tables(horizontal, vertical, [Run(30, 700, 200, 712, "正文")]) == []


def test_text_outside_the_grid_stays_out() -> None:
    (table,) = tables(*grid(), [run(0, 0, "项目"), Run(400, 50, 450, 60, "页边")])
    assert table.runs == {0}


def test_a_ruled_pdf_form_reads_like_the_word_table(tmp_path) -> None:
    """The same form built as .docx and .pdf: the PDF's wrapped and merged cells come back
    as the Word table's rows."""
    from tests.fixtures.make_fixtures import build_docx, build_pdf, parse_markup

    markup = parse_markup(
        "# 项目支出绩效自评表（2023年度）\n"
        "| 项目名称 | 城乡居民最低生活保障资金 || | |\n"
        "| 项目资金（万元） | | 年初预算数 | 全年预算数 | 全年执行数 |\n"
        "| ^^ | 年度资金总额 | 9,860.00 | 10,412.35 | 10,398.61 |\n"
        "| ^^ | 其中：中央补助资金 | 7,200.00 | 7,635.00 | 7,635.00 |\n"
    )
    build_docx(markup, tmp_path / "form.docx")
    build_pdf(markup, tmp_path / "form.pdf")
    rows = [line for line in read_text(tmp_path / "form.pdf").splitlines() if "\t" in line]
    assert rows == [line for line in read_text(tmp_path / "form.docx").splitlines() if "\t" in line]
    assert "\t年度资金总额\t9,860.00\t10,412.35\t10,398.61" in rows
