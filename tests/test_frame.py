"""ui/frame.py: every page is whole on its own. AppTest resets Streamlit's pages/ mode before
every run, as a restarted server starts, so a page opened by its path as the first run is run
on its own by Streamlit; it must show what the same page shows when reached from 总览.
(tests/test_browser.py proves the same on the real server in Chromium.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apptest import APP, PAGES, open_page, plain
from tests.support.databases import ROOT
from ui import frame


def what_frames_it(at: AppTest) -> dict[str, object]:
    """The page's title, the sidebar's selectors and the banner: what must match."""
    assert not at.exception, [e.value for e in at.exception]
    return {
        "titles": [t.value for t in at.title],
        "department": at.selectbox(key="department").value,
        "departments": at.selectbox(key="department").options,
        "year": at.selectbox(key="year").value,
        "banner": [plain(w.value) for w in at.warning if "示例数据" in w.value],
    }


@pytest.mark.parametrize("path", list(PAGES), ids=list(PAGES.values()))
def test_a_page_opened_first_is_the_page_reached_from_the_overview(
    demo_db: Path, path: str
) -> None:
    first = AppTest.from_file(str(APP), default_timeout=30)
    first.switch_page(path).run()
    framed = what_frames_it(first)
    assert framed == what_frames_it(open_page(path))
    assert framed["banner"]  # the demo data says so on every page
    if path not in ("pages/comparison.py", "pages/summary.py"):  # titled without the report
        assert framed["titles"][0] == PAGES[path]


def test_the_navigation_lists_every_page_script_once() -> None:
    scripts = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))
    assert sorted(path for path, _ in frame.PAGES) == scripts
    assert frame.PAGES[0][1] == "总览"  # the default page, at "/"


# Streamlit's internals move between releases; the app uses its public API only.
PRIVATE = re.compile(r"PagesManager|uses_pages_directory|streamlit\.runtime|_mpa_v1")


def test_no_private_streamlit_hook_anywhere() -> None:
    sources = [ROOT / "app.py", *ROOT.glob("ui/*.py"), *ROOT.glob("pages/*.py")]
    sources += [*ROOT.glob("bench/*.py"), *ROOT.glob("scripts/*.py"), *ROOT.glob("tests/**/*.py")]
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sources
        if path.name != "test_frame.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if PRIVATE.search(line)
    ]
    assert found == []
