"""Databases the UI tests read: the seed report, an empty one, and one with three reports.

Each fixture points BUDGET_LENS_DB at its file and clears Streamlit's caches, so no test sees
another test's connection or frames.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from etl.load import load_paths

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `pages.ui` is not an installed package; the app runs from ROOT
    sys.path.insert(0, str(ROOT))

SEED = ROOT / "tests" / "fixtures" / "reports" / "2020-tianxin-transport-bureau.txt"
DEPARTMENT = "长沙市天心区交通运输局"
OTHER_DEPARTMENT = "长沙市雨花区交通运输局"


LEGACY_PAGES_INIT = PagesManager.__init__


@pytest.fixture(autouse=True)
def routed_by_app_py(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every AppTest run through app.py, as a server does once st.navigation has run.

    Streamlit takes a pages/ folder beside the entry script for its legacy multipage layout
    until st.navigation runs in the process, and AppTest resets that before each run, so every
    rerun would run the page script alone. The app's own guard for a server's first deep link
    (widgets._leave_legacy_page_mode) is tested separately with LEGACY_PAGES_INIT.
    """

    def init(self: PagesManager, *args: object, **kwargs: object) -> None:
        LEGACY_PAGES_INIT(self, *args, **kwargs)  # type: ignore[arg-type]
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


def build_db(db: Path, reports: list[Path]) -> Path:
    results = load_paths(reports, db)
    assert all(r.ok for r in results), [r.message for r in results]
    return db


def seed_variant(folder: Path, name: str, *replacements: tuple[str, str]) -> Path:
    """The seed report with words replaced: another year, department or a figure left out."""
    text = SEED.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def use_db(db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("BUDGET_LENS_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield db
    st.cache_data.clear()
    st.cache_resource.clear()  # closes the cached connection


@pytest.fixture(scope="session")
def seed_db_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_db(tmp_path_factory.mktemp("seed") / "budget.duckdb", [SEED])


@pytest.fixture
def seed_db(seed_db_file: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The seed report only (长沙市天心区交通运输局, 2020)."""
    yield from use_db(seed_db_file, monkeypatch)


@pytest.fixture
def empty_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A database with the schema and no report."""
    yield from use_db(build_db(tmp_path / "empty.duckdb", []), monkeypatch)


@pytest.fixture(scope="session")
def three_reports_db_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("three")
    reports = [
        SEED,
        # The same department a year later, with another basic adjusted/actual figure.
        seed_variant(folder, "2021-tianxin.txt", ("2020", "2021"), ("801.07", "812.34")),
        # Another department whose report leaves out the project actual spending.
        seed_variant(
            folder, "2020-yuhua.txt", ("天心区", "雨花区"), ("；实际支出数为349.4万元", "")
        ),
    ]
    return build_db(folder / "budget.duckdb", reports)


@pytest.fixture
def three_reports_db(
    three_reports_db_file: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """天心区 2020 (seed) and 2021, and 雨花区 2020 without project actual spending."""
    yield from use_db(three_reports_db_file, monkeypatch)


@pytest.fixture(scope="session")
def demo_db_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`python -m etl demo` with its defaults: six made-up departments, 2021-2023, seed 1."""
    from etl import demo

    folder = tmp_path_factory.mktemp("demo")
    results = demo.build(folder / "demo.duckdb", folder / "reports")
    assert all(r.ok for r in results), [r.message for r in results]
    return folder / "demo.duckdb"


@pytest.fixture
def demo_db(demo_db_file: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The demo dataset (示例数据): synthetic reports, flagged as such."""
    yield from use_db(demo_db_file, monkeypatch)


# Browser tests (marked `browser`): one Debian Chromium for the whole session, a fresh context per
# test; a page error in the browser fails the test.
@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from tests.live_app import CHROMIUM, CHROMIUM_ARGS

    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1600})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == []
