"""A synthetic report as a 4-page PDF (fpdf2, Noto Sans CJK) and as a .docx with a table
(python-docx), for the reader benchmarks L3 and L4. Built once per data folder."""

from __future__ import annotations

from pathlib import Path

from bench.report_texts import Figures, report_text

FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
SIMPLIFIED_CHINESE = 2  # face index of "Noto Sans CJK SC" in the collection


def build_pdf(f: Figures, target: Path, *, pages: int = 4) -> str:
    """Write the report as an A4 PDF of `pages` pages, the narrative cut to fit (the longest cut
    that fits, by bisection); return its text. Kept beside the PDF and reused."""
    source = target.with_suffix(".txt")
    if target.exists() and source.exists():
        return source.read_text(encoding="utf-8")
    low, high = 0, 76  # narrative paragraphs: `low` fits (checked below), `high` is the most
    fits: dict[int, bytes] = {}

    def fitting(narrative: int) -> bool:
        data = _pdf_bytes(report_text(f, narrative_paragraphs=narrative))
        target.write_bytes(data)
        if pdf_pages(target) <= pages:
            fits[narrative] = data
            return True
        return False

    if not fitting(low):
        raise ValueError(f"the report's figures alone take more than {pages} pages")
    if fitting(high):
        low = high
    while high - low > 1:
        middle = (low + high) // 2
        if fitting(middle):
            low = middle
        else:
            high = middle
    text = report_text(f, narrative_paragraphs=low)
    target.write_bytes(fits[low])
    source.write_text(text, encoding="utf-8")
    return text


def _pdf_bytes(text: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_margins(25, 20, 25)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font("noto", "", str(FONT), collection_font_number=SIMPLIFIED_CHINESE)
    pdf.set_font("noto", size=11)
    pdf.add_page()
    for paragraph in text.split("\n\n"):
        pdf.multi_cell(0, 7, "\u3000\u3000" + paragraph.strip(), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def build_docx(f: Figures, target: Path) -> Path:
    """The report as paragraphs, with its projects also listed in a 3-column table."""
    import docx

    document = docx.Document()
    for paragraph in report_text(f).split("\n\n"):
        document.add_paragraph(paragraph.strip())
    table = document.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ("项目名称", "金额（万元）", "用途"), strict=True):
        cell.text = text
    for name, amount in f.projects:
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = name, str(amount), f"{name}相关工作"
    document.save(str(target))
    return target


def pdf_pages(path: Path) -> int:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        return len(document)
    finally:
        document.close()
