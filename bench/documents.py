"""A synthetic report as a 4-page PDF (fpdf2, Noto Sans CJK) and as a .docx with a table
(python-docx), for the reader benchmarks L3 and L4, and a folder of them for the load L5. Built
once per data folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.report_texts import Figures, figures_for, report_text

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
    pdf = _new_pdf()
    _lay_out(pdf, text)
    return bytes(pdf.output())


def _new_pdf() -> Any:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_margins(25, 20, 25)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font("noto", "", str(FONT), collection_font_number=SIMPLIFIED_CHINESE)
    pdf.set_font("noto", size=11)
    return pdf


def _lay_out(pdf: Any, text: str) -> None:
    """The report from a new page on, each paragraph indented two full-width spaces."""
    pdf.add_page()
    for paragraph in text.split("\n\n"):
        pdf.multi_cell(0, 7, "\u3000\u3000" + paragraph.strip(), new_x="LMARGIN", new_y="NEXT")


def build_docx(f: Figures, target: Path, *, narrative_paragraphs: int = 76) -> Path:
    """The report as paragraphs, with its projects also listed in a 3-column table."""
    import docx

    document = docx.Document()
    for paragraph in report_text(f, narrative_paragraphs=narrative_paragraphs).split("\n\n"):
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


# The narrative that fills the L3 report's 4 A4 pages (bench/fixtures/report-4-pages.txt).
FOUR_PAGES = 35


def write_documents(folder: Path, count: int) -> list[Path]:
    """`count` synthetic reports in `folder`, .docx and .pdf in turn (kept if already there),
    each a distinct department and year with the L3 report's length: 4 pages as a PDF.

    The PDFs are laid out in one fpdf2 document and split into a file per report with
    PDFium: embedding the CJK font costs fpdf2 ~1 s per document, 8 minutes for 500 files.
    Each file keeps its own copy of the embedded font subset, as a published PDF does.
    """
    folder.mkdir(parents=True, exist_ok=True)
    paths = [
        folder / f"synthetic-{index:05d}.{'pdf' if index % 2 else 'docx'}" for index in range(count)
    ]
    missing = [(index, path) for index, path in enumerate(paths) if not path.exists()]
    for index, path in missing:
        if path.suffix == ".docx":
            build_docx(figures_for(index), path, narrative_paragraphs=FOUR_PAGES)
    pdfs = [(index, path) for index, path in missing if path.suffix == ".pdf"]
    if pdfs:
        _split_pdfs(pdfs)
    return paths


def _split_pdfs(targets: list[tuple[int, Path]]) -> None:
    import pypdfium2

    whole = _new_pdf()
    ranges = []
    for index, _ in targets:
        _lay_out(whole, report_text(figures_for(index), narrative_paragraphs=FOUR_PAGES))
        first = len(ranges) and ranges[-1][1]
        ranges.append((first, whole.page_no()))
    document = pypdfium2.PdfDocument(bytes(whole.output()))
    try:
        for (_, target), (first, last) in zip(targets, ranges, strict=True):
            part = pypdfium2.PdfDocument.new()
            try:
                part.import_pages(document, list(range(first, last)))
                part.save(str(target.with_suffix(".part")))
            finally:
                part.close()
            target.with_suffix(".part").rename(target)  # a run stopped midway leaves no half file
    finally:
        document.close()
