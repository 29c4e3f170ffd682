"""A brief on A4 paper: its figures rendered by plotly's kaleido in the system's Chromium (one
browser per brief, never a download), composed with fpdf2 around the tables, a CJK font embedded
(subset) so the PDF reads the same on any machine.

Nothing is fetched at run time: the browser is $BROWSER_PATH or Debian's chromium on PATH
(kaleido would otherwise offer to download Chrome), MathJax is off (kaleido would load it from a
CDN), plotly.js comes from the plotly package. Without a browser or a CJK font, BriefUnavailable
says which is missing in words a user reads (etl.labels).
"""

from __future__ import annotations

import asyncio
import io
import os
import shutil
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from etl import config, labels
from etl.labels import AMOUNT_SUFFIX, MISSING, PERCENT_SUFFIX, POINTS_SUFFIX
from ui import charts, tables
from ui.brief import Brief

# A4 portrait in millimetres, and the printable width inside the margins.
PAGE_MM, MARGIN_MM = (210.0, 297.0), 12.0
WIDTH_MM = PAGE_MM[0] - 2 * MARGIN_MM
CHART_PX = (1000, 460)  # a chart's CSS size in the browser; rendered at SCALE for print
SCALE = 2
MAX_ROWS = 12  # rows of a table on paper; the workbook has them all


class BriefUnavailable(RuntimeError):
    """No browser or no CJK font: the PDF cannot be made (the workbook still can)."""


@dataclass(frozen=True)
class Font:
    """A CJK font file (a face of a .ttc collection by index) and its bold, if any."""

    regular: Path
    bold: Path | None
    index: int = 0


def find_browser() -> Path | None:
    """$BROWSER_PATH when set (None if it is not an executable file), else the first Chromium on
    PATH (config.BROWSERS)."""
    wanted = os.environ.get("BROWSER_PATH")
    if wanted:
        path = Path(wanted)
        return path if path.is_file() and os.access(path, os.X_OK) else None
    for name in config.BROWSERS:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def find_font() -> Font | None:
    """$BUDGET_LENS_CJK_FONT when set (None if missing), else the first of config.CJK_FONTS
    installed."""
    wanted = os.environ.get(config.CJK_FONT_ENV)
    if wanted:
        return Font(Path(wanted), None) if Path(wanted).is_file() else None
    for regular, bold, index in config.CJK_FONTS:
        if Path(regular).is_file():
            return Font(Path(regular), Path(bold) if bold and Path(bold).is_file() else None, index)
    return None


def requirements() -> tuple[Path, Font]:
    """The browser and font a PDF needs, or BriefUnavailable saying which is missing."""
    browser, font = find_browser(), find_font()
    if browser is None:
        raise BriefUnavailable(labels.NO_BROWSER)
    if font is None:
        raise BriefUnavailable(labels.NO_CJK_FONT)
    return browser, font


def missing_requirement() -> str | None:
    """Why a PDF cannot be made here (no browser, no CJK font), in words; None when it can."""
    try:
        requirements()
    except BriefUnavailable as exc:
        return str(exc)
    return None


def render_pngs(figures: list[go.Figure], browser: Path) -> list[bytes]:
    """Each figure as PNG bytes at print resolution, all in one browser session."""
    import kaleido  # type: ignore[import-untyped]

    async def render() -> list[bytes]:
        out = []
        async with kaleido.Kaleido(n=1, path=str(browser), mathjax=False) as renderer:
            for figure in figures:
                size = _size(figure)
                opts = {"format": "png", "width": size[0], "height": size[1], "scale": SCALE}
                out.append(bytes(await renderer.calc_fig(_for_print(figure), opts=opts)))
        return out

    return asyncio.run(render())


def brief_pdf(brief: Brief, pngs: list[bytes] | None = None) -> bytes:
    """The brief as an A4 PDF: title, 示例数据, 需关注, the key sentences, the charts and the
    tables; `pngs` are its figures already rendered (render_pngs when None)."""
    from fpdf import FPDF

    browser, font = requirements()
    images = render_pngs(brief.figures, browser) if pngs is None else pngs
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.set_auto_page_break(True, margin=MARGIN_MM + 4)
    pdf.add_font("cjk", "", str(font.regular), collection_font_number=font.index)
    pdf.add_font("cjk", "B", str(font.bold or font.regular), collection_font_number=font.index)
    pdf.set_title(brief.title)
    pdf.set_creator(labels.APP_TITLE)
    pdf.set_lang("zh-CN")
    footer = f"{brief.title}{' · ' + labels.DEMO_MARK if brief.demo else ''}"

    def page_footer() -> None:
        pdf.set_y(-MARGIN_MM - 2)
        pdf.set_font("cjk", "", 7.5)
        pdf.set_text_color(110)
        pdf.cell(0, 4, f"{footer} · 第 {pdf.page_no()} 页", align="C")
        pdf.set_text_color(0)

    pdf.footer = page_footer  # type: ignore[method-assign]
    pdf.add_page()
    pdf.set_font("cjk", "B", 15)
    pdf.multi_cell(0, 8, brief.title, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_font("cjk", "", 8)
    pdf.set_text_color(90)
    pdf.multi_cell(0, 4.5, brief.subtitle, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_text_color(0)
    if brief.demo:
        _box(pdf, brief.demo, fill=(255, 243, 205), ink=(120, 80, 0))
    if brief.flags:
        flags = "\n".join(f"• {line}" for line in brief.flags)
        _box(
            pdf, f"{labels.ATTENTION}\n{flags}", fill=(250, 228, 225), ink=_rgb(charts.FLAG_COLOUR)
        )
    pdf.ln(1)
    pdf.set_font("cjk", "", 9)
    for line in brief.summary:
        pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT", align="L")
    for figure, png in zip(brief.figures[:1], images[:1], strict=False):
        _image(pdf, figure, png)
    for heading, table, note in brief.sections:
        _section(pdf, heading, table, note)
    for figure, png in zip(brief.figures[1:], images[1:], strict=False):
        _image(pdf, figure, png)
    return bytes(pdf.output())


def page_count(pdf: bytes) -> int:
    """How many pages a PDF has."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def cell_text(header: str, value: Any) -> str:
    """A table cell as the pages show it: 万元 like 1,150.47, percentages like 64.32%, persons
    and counts whole, 未识别 for a gap.

    >>> cell_text("金额（万元）", Decimal("1150.470000")), cell_text("调整率（%）", Decimal("64.32"))
    ('1,150.47', '64.32%')
    >>> cell_text("数值", 17), cell_text("数值", None), cell_text("项目", "业务经费")
    ('17', '未识别', '业务经费')
    >>> cell_text("上年", None), cell_text("变动（万元）", None)
    ('—', '—')
    """
    if tables.missing(value):
        # A change, or last year's figure, with nothing to compare: not a figure left unstated.
        return labels.NOT_APPLICABLE if header.startswith(("上年", "变动")) else MISSING
    if isinstance(value, bool):
        return "是" if value else ""
    if isinstance(value, int):
        return f"{value:,}"
    if header.endswith((PERCENT_SUFFIX, POINTS_SUFFIX)):
        return f"{Decimal(value):.2f}%"
    if isinstance(value, Decimal) or header.endswith(AMOUNT_SUFFIX):
        return labels.format_wan(value)
    return str(value)


# --- layout ------------------------------------------------------------------------------------


def _size(figure: go.Figure) -> tuple[int, int]:
    height = figure.layout.height
    return CHART_PX[0], int(height) if height else CHART_PX[1]


def _for_print(figure: go.Figure) -> go.Figure:
    """The page's figure on white, as paper shows it (the data and labels unchanged)."""
    printed = go.Figure(figure)
    printed.update_layout(paper_bgcolor="white", template="plotly_white")
    return printed


def _image(pdf: Any, figure: go.Figure, png: bytes) -> None:
    width, height = _size(figure)
    shown = WIDTH_MM * height / width
    if pdf.get_y() + shown > PAGE_MM[1] - MARGIN_MM - 6:
        pdf.add_page()
    pdf.image(io.BytesIO(png), x=MARGIN_MM, w=WIDTH_MM, h=shown)
    pdf.ln(1)


def _box(pdf: Any, text: str, *, fill: tuple[int, int, int], ink: tuple[int, int, int]) -> None:
    pdf.ln(1.5)
    pdf.set_fill_color(*fill)
    pdf.set_text_color(*ink)
    pdf.set_font("cjk", "B", 9)
    pdf.multi_cell(
        0, 5, text, fill=True, padding=(1.5, 2.5), new_x="LMARGIN", new_y="NEXT", align="L"
    )
    pdf.set_text_color(0)
    pdf.set_fill_color(255)  # tables fill their rows from the current colour too


def _section(pdf: Any, heading: str, table: Any, note: str) -> None:
    if pdf.get_y() > PAGE_MM[1] - MARGIN_MM - 30:
        pdf.add_page()
    pdf.ln(2)
    pdf.set_font("cjk", "B", 10.5)
    pdf.cell(0, 6, heading, new_x="LMARGIN", new_y="NEXT", align="L")
    if note:
        pdf.set_font("cjk", "", 7.5)
        pdf.set_text_color(90)
        pdf.multi_cell(0, 4, note, new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.set_text_color(0)
    if table.empty:
        return
    shown = table.head(MAX_ROWS)
    headers = [str(c) for c in shown.columns]
    widths = _widths(headers, shown)
    pdf.set_font("cjk", "", 7.5)
    align = tuple("L" if _is_text(h, shown) else "R" for h in headers)
    with pdf.table(
        col_widths=widths,
        text_align=align,
        line_height=4.2,
        padding=(0.6, 1),
        headings_style=_headings(),
        borders_layout="HORIZONTAL_LINES",
        cell_fill_color=(246, 248, 251),
        cell_fill_mode="ROWS",
        width=WIDTH_MM,
    ) as grid:
        grid.row(headers)
        for row in tables.records(shown):
            grid.row([cell_text(h, v) for h, v in zip(headers, row, strict=True)])
    if len(table) > len(shown):
        pdf.set_font("cjk", "", 7.5)
        pdf.cell(
            0,
            4.5,
            f"（另有 {len(table) - len(shown):,} 行，见 Excel 简报）",
            new_x="LMARGIN",
            new_y="NEXT",
        )


def _headings() -> Any:
    from fpdf.fonts import FontFace

    return FontFace(emphasis="BOLD", fill_color=(235, 240, 247))


def _is_text(header: str, table: Any) -> bool:
    values = [v for v in table[header] if not tables.missing(v)]
    return not values or isinstance(values[0], str)


def _widths(headers: list[str], table: Any) -> tuple[float, ...]:
    """Column widths by the longest text a column holds (a CJK character counts two)."""

    def size(text: str) -> int:
        return sum(2 if ord(c) > 0x2E80 else 1 for c in text)

    longest = [
        max([size(h) * 0.8, *(size(cell_text(h, v)) for v in table[h])], default=4) for h in headers
    ]
    return tuple(min(max(w, 6.0), 60.0) for w in longest)


def _rgb(colour: str) -> tuple[int, int, int]:
    """'#C0392B' as (192, 57, 43).

    >>> _rgb("#C0392B")
    (192, 57, 43)
    """
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))
