"""Screenshots of every page of the real app in headless Chromium, for the README and notes.

Usage: .venv/bin/python scripts/screenshots.py [--db PATH] [--out docs/screenshots]
Without --db it builds a fresh database from data/reports/ in a temporary folder, and the demo
dataset (python -m etl demo, synthetic, shown with its 示例数据 banner) for the pages across
departments and years, which one real report cannot fill.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.support.live_app import CHROMIUM, CHROMIUM_ARGS, running_app  # noqa: E402

# (url path, file stem, text that shows the page has rendered[, dataset]): the dataset is the
# shipped report unless it says "demo".
PAGES: list[tuple[str, ...]] = [
    ("", "overview", "801.07"),  # 总览 is the app's default page, at the root
    ("adjustments", "adjustments", "调整率"),
    ("fund_sources", "fund_sources", "市级"),
    ("projects", "projects", "农村公路养护"),
    ("audit", "audit", "0.09"),
    ("import_reports", "import_reports", "上传报告"),
    ("year_over_year?department=示例市示例区教育局", "year_over_year", "项目逐年对比", "demo"),
    ("comparison?year=2023", "comparison", "查看部门", "demo"),
    ("summary", "summary", "各年度项目资金来源", "demo"),
    (
        "indicators?department=示例市示例区教育局&year=2022",
        "indicators",
        "输入数字与原文出处",
        "demo",
    ),
]


def take(db: Path, out: Path, pages: list[tuple[str, ...]] = PAGES) -> list[Path]:
    """Serve the app on `db` and save one full-page PNG per page into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    saved = []
    with running_app(db) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1700})
        for path, stem, marker, *_ in pages:
            page.goto(f"{url}/{path}")
            page.get_by_text(marker).first.wait_for(timeout=30_000)
            # Elements still computing show as skeletons until their script run finishes.
            page.wait_for_function(
                "() => !document.querySelector('[data-testid=stSkeleton]')", timeout=90_000
            )
            # Every chart drawn: plotly has put its traces (bars, pie slices) into the SVG.
            page.wait_for_function(
                """() => [...document.querySelectorAll('[data-testid=stPlotlyChart]')].every(
                    c => c.querySelector('.main-svg .trace, .main-svg .slice'))""",
                timeout=90_000,
            )
            page.wait_for_timeout(1500)  # plotly's transitions
            # The app scrolls inside its main block, so a full-page shot stops at the window:
            # make the window as tall as the page's content instead.
            height = page.evaluate(
                "() => document.querySelector('[data-testid=stMain]')?.scrollHeight ?? 0"
            )
            page.set_viewport_size({"width": 1400, "height": max(1700, int(height))})
            page.wait_for_timeout(1000)
            target = out / f"{stem}.png"
            page.screenshot(path=str(target), full_page=True)
            page.set_viewport_size({"width": 1400, "height": 1700})
            saved.append(target)
        browser.close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="database to show (default: built from data/)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.db:
            saved = take(args.db, args.out)
        else:
            from etl import demo

            demo_db = Path(tmp) / "demo.duckdb"
            demo.build(demo_db, Path(tmp) / "demo")
            saved = take(Path(tmp) / "budget.duckdb", args.out, [p for p in PAGES if len(p) == 3])
            saved += take(demo_db, args.out, [p for p in PAGES if p[3:] == ("demo",)])
        for path in saved:
            print(path)


if __name__ == "__main__":
    main()
