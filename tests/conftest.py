"""Fixtures: databases the UI tests read (the seed report, an empty one, three reports, the demo),
and one Chromium for the browser tests. Helpers live in tests/support/.

Each fixture points BUDGET_LENS_DB at its file and clears Streamlit's caches, so no test sees
another test's connection or frames.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from etl import queries
from tests.support.databases import SEED, build_db, seed_variant, use_db


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
    from tests.support.live_app import CHROMIUM, CHROMIUM_ARGS

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


@pytest.fixture(scope="module")
def con(seed_db_file: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read connection to the seed database, as the app opens one."""
    with queries.connect(seed_db_file) as connection:
        yield connection
