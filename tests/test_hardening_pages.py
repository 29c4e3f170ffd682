"""Every page of app.py through AppTest on hostile names, an empty database, a populated one and
one a foreign process holds open read-write: no exception, no traceback, a Chinese message, and
report text shown literally (markdown escaped, plotly text entity-escaped)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apptest import PAGES, open_page, plain
from tests.support.databases import SEED, build_db, seed_variant, use_db
from tests.support.hostile import HOSTILE, HOSTILE_DEPARTMENT, HOSTILE_OTHER, make_hostile

# md_escape puts a backslash before each of their punctuation marks, so none survives whole.
MARKUP = ("<script>", "<img src=x", '<a href="', "<b>", "](http", ":red[", "**粗体**", *HOSTILE)
TEXT_KINDS = (
    "markdown",
    "caption",
    "info",
    "warning",
    "error",
    "success",
    "title",
    "header",
    "subheader",
    "text",
)


@pytest.fixture(scope="session")
def hostile_db_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    reports = [
        SEED,
        seed_variant(folder, "2021-tianxin.txt", ("2020", "2021"), ("801.07", "812.34")),
        seed_variant(folder, "2020-yuhua.txt", ("天心区", "雨花区")),
    ]
    db = build_db(folder / "budget.duckdb", reports)
    make_hostile(db)
    return db


@pytest.fixture
def hostile_db(hostile_db_file: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    yield from use_db(hostile_db_file, monkeypatch)


def markdown_bodies(at: AppTest) -> list[str]:
    """Every string Streamlit renders as markdown: text elements, metric labels, help."""
    bodies = [str(e.value) for kind in TEXT_KINDS for e in getattr(at, kind)]
    bodies += [str(m.label) for m in at.metric]
    return bodies


def chart_specs(at: AppTest) -> list[str]:
    return [e.proto.spec for e in at.get("plotly_chart")]


def assert_no_traceback(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    for body in markdown_bodies(at):
        assert "Traceback" not in body and 'File "' not in body, body


@pytest.mark.parametrize("department", [HOSTILE_DEPARTMENT, HOSTILE_OTHER], ids=["script", "img"])
@pytest.mark.parametrize("path", list(PAGES), ids=list(PAGES.values()))
def test_hostile_names_are_literal(hostile_db: Path, path: str, department: str) -> None:
    at = open_page(path, {"department": department})
    assert_no_traceback(at)
    bodies = markdown_bodies(at)
    for body in bodies:
        for markup in MARKUP:
            assert markup not in body, (markup, body)  # md_escape left it unescaped
    for spec in chart_specs(at):
        text = json.dumps(json.loads(spec)["data"], ensure_ascii=False)
        for markup in ("<script", "<img", "<a href", "<b>"):
            assert markup not in text, (markup, text[:300])  # plotly would read it as HTML
    shown = "\n".join(plain(b) for b in bodies)
    shown += "\n".join(str(v) for frame in at.dataframe for v in frame.value.to_numpy().ravel())
    shown += "\n".join(str(s.value) for s in at.selectbox)
    assert department in shown or path.endswith(
        ("comparison.py", "snapshot.py", "import_reports.py")
    ), "the hostile name should be on the page, as text"


def test_hostile_names_reach_charts_escaped(hostile_db: Path) -> None:
    at = open_page("pages/projects.py", {"department": HOSTILE_DEPARTMENT})
    names = [v for spec in chart_specs(at) for v in json.loads(spec)["data"][0]["y"]]
    assert '&lt;a href="http://evil"&gt;链接&lt;/a&gt;' in names  # plotly shows it as typed
    assert "**粗体** &amp; &lt;b&gt;b&lt;/b&gt;" in names
    assert "[点击](http://evil)" in names  # plotly reads no markdown: left as typed


@pytest.mark.parametrize("path", list(PAGES), ids=list(PAGES.values()))
def test_every_page_on_an_empty_database(empty_db: Path, path: str) -> None:
    at = open_page(path)
    assert_no_traceback(at)
    assert any("还没有" in plain(b) or "载入" in plain(b) for b in markdown_bodies(at))


@pytest.mark.parametrize("path", list(PAGES), ids=list(PAGES.values()))
def test_every_page_on_a_populated_database(three_reports_db: Path, path: str) -> None:
    at = open_page(path)
    assert_no_traceback(at)
    assert not at.error, [e.value for e in at.error]


HOLDER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])  # read-write, as a foreign writer (another loader, a DBA) holds it
con.execute("BEGIN TRANSACTION")
con.execute("CREATE TEMP TABLE held AS SELECT 1")
print("holding", flush=True)
sys.stdin.read()
"""


@pytest.fixture
def held_db(
    tmp_path: Path, three_reports_db_file: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """A populated database another process has open read-write for as long as the test runs."""
    db = tmp_path / "budget.duckdb"
    shutil.copy(three_reports_db_file, db)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert holder.stdout is not None and holder.stdout.readline() == b"holding\n"
    try:
        yield from use_db(db, monkeypatch)
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize("path", list(PAGES), ids=list(PAGES.values()))
def test_every_page_while_a_foreign_writer_holds_the_file(held_db: Path, path: str) -> None:
    at = open_page(path)
    assert_no_traceback(at)
    messages = [plain(b) for b in markdown_bodies(at)]
    assert any("数据库" in m for m in messages), messages  # says what is wrong, in Chinese
