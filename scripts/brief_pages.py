"""The brief's PDF pages as PNGs in docs/brief/ (seed: the department-year and the year across
departments; demo: 2023 across departments), made as `python -m etl brief` makes them.

Run: .venv/bin/python scripts/brief_pages.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pypdfium2 as pdfium  # noqa: E402

from etl import config, demo, queries  # noqa: E402
from etl.load import load_paths  # noqa: E402
from ui import brief, printing  # noqa: E402

OUT = ROOT / "docs" / "brief"
DEPARTMENT = "长沙市天心区交通运输局"


def write_pages(name: str, data: bytes) -> None:
    document = pdfium.PdfDocument(data)
    try:
        for number, page in enumerate(document, start=1):
            page.render(scale=1.5).to_pil().save(OUT / f"{name}-{number}.png", optimize=True)
        print(f"{name}: {len(document)} 页, {len(data) / 1024:,.0f} KB")
    finally:
        document.close()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        seed = Path(folder) / "seed.duckdb"
        load_paths([config.REPORTS_DIR], seed)
        demo_db = Path(folder) / "demo.duckdb"
        demo.build(demo_db, Path(folder) / "reports")
        with queries.connect(seed) as con:
            briefs = [
                ("seed-department-2020", brief.department_brief(con, DEPARTMENT, 2020)),
                ("seed-year-2020", brief.year_brief(con, 2020)),
            ]
        with queries.connect(demo_db) as con:
            briefs.append(("demo-year-2023", brief.year_brief(con, 2023)))
        for name, content in briefs:
            started = time.perf_counter()
            data = printing.brief_pdf(content)
            print(f"{name}: {time.perf_counter() - started:.1f} s", end="; ")
            write_pages(name, data)


if __name__ == "__main__":
    main()
