"""Screenshots of every page of the real app in headless Chromium, for the README and notes.

Usage: .venv/bin/python scripts/screenshots.py [--db PATH] [--out docs/screenshots]
Without --db it builds a fresh database from data/reports/ in a temporary folder.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.live_app import CHROMIUM, CHROMIUM_ARGS, running_app  # noqa: E402

# (url path, file stem, text that shows the page has rendered)
PAGES = [
    ("overview", "overview", "801.07"),
    ("adjustments", "adjustments", "调整率"),
    ("fund_sources", "fund_sources", "市级"),
    ("projects", "projects", "农村公路养护"),
    ("audit", "audit", "0.09"),
]


def take(db: Path, out: Path, pages: list[tuple[str, str, str]] = PAGES) -> list[Path]:
    """Serve the app on `db` and save one full-page PNG per page into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    saved = []
    with running_app(db) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1700})
        for path, stem, marker in pages:
            page.goto(f"{url}/{path}")
            page.get_by_text(marker).first.wait_for(timeout=30_000)
            page.wait_for_timeout(1500)  # let plotly finish drawing
            target = out / f"{stem}.png"
            page.screenshot(path=str(target), full_page=True)
            saved.append(target)
        browser.close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="database to show (default: built from data/)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "budget.duckdb"
        for path in take(db, args.out):
            print(path)


if __name__ == "__main__":
    main()
