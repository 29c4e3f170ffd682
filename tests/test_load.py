"""Loader: idempotent by content hash, one transaction per report, bad files named, atomic swap."""

from __future__ import annotations

import fcntl
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from etl import load as load_module
from etl.load import LoadBusy, load_paths
from etl.queries import budget_phases, connect
from etl.store import batch as batch_module
from etl.store import versions

ROOT = Path(__file__).resolve().parent.parent

SEED = Path(__file__).parent / "fixtures" / "reports" / "2020-tianxin-transport-bureau.txt"
TABLES = ("documents", "figures", "fund_sources", "projects", "checks")
DEPARTMENT = "长沙市天心区交通运输局"


def dump(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table, the times of loads and restores excluded, for before/after
    comparisons."""
    with duckdb.connect(str(db), read_only=True) as con:
        out = {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}
        names = [
            name
            for (name,) in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = 'documents'"
                " ORDER BY column_index"
            ).fetchall()
        ]
    kept = [i for i, name in enumerate(names) if name not in ("loaded_at", "restored_at")]
    out["documents"] = [tuple(row[i] for i in kept) for row in out["documents"]]
    return out


def counts(db: Path) -> dict[str, int]:
    return {table: len(rows) for table, rows in dump(db).items()}


def variant(tmp_path: Path, name: str, old: str, new: str) -> Path:
    text = SEED.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "budget.duckdb"


def test_load_seed(db: Path) -> None:
    (result,) = load_paths([SEED], db)
    assert (result.status, result.department, result.year) == ("loaded", DEPARTMENT, 2020)
    assert counts(db) == {
        "documents": 1,
        "figures": 12,
        "fund_sources": 2,
        "projects": 6,
        "checks": 8,
    }


def test_loading_twice_changes_nothing(db: Path) -> None:
    load_paths([SEED], db)
    before = dump(db)
    (result,) = load_paths([SEED], db)
    assert result.status == "unchanged"
    assert dump(db) == before


def test_amounts_are_exact_in_the_database(db: Path) -> None:
    load_paths([SEED], db)
    with connect(db) as con:
        value = con.execute(
            "SELECT value FROM figures WHERE section = 'basic' AND item = 'personnel'"
        ).fetchone()
    assert value == (Decimal("758.010000"),)


def test_bad_files_are_named_and_do_not_stop_the_others(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-empty.txt").write_bytes(b"")
    (folder / "b-garbage.txt").write_bytes(b"\x80\xff\xfe\x81" * 64)
    (folder / "c-seed.txt").write_bytes(SEED.read_bytes())
    (folder / "d-no-title.txt").write_text("基本支出年初预算数为1万元。", encoding="utf-8")
    results = {r.path.name: r for r in load_paths([folder], db)}
    assert results["c-seed.txt"].status == "loaded"
    assert results["a-empty.txt"].status == "failed"
    assert "为空" in results["a-empty.txt"].message
    assert "编码" in results["b-garbage.txt"].message
    assert "标题" in results["d-no-title.txt"].message
    assert counts(db)["documents"] == 1


def test_unsupported_file_named_explicitly_fails(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "report.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    (result,) = load_paths([path], db)
    assert result.status == "failed"
    assert ".xls" in result.message


def test_other_version_is_kept_as_history_by_default(db: Path, tmp_path: Path) -> None:
    load_paths([SEED], db)
    other = variant(tmp_path, "v2.txt", "预算调整数为801.07万元", "预算调整数为802.07万元")
    (result,) = load_paths([other], db)
    assert result.status == "conflict"
    with connect(db) as con:
        phases = budget_phases(con, DEPARTMENT, 2020)
        versions = con.execute("SELECT count(*) FROM documents").fetchone()
    assert phases.loc[0, "adjusted_wan"] == Decimal("801.07")
    assert versions == (2,)


def test_replace_then_restore(db: Path, tmp_path: Path) -> None:
    load_paths([SEED], db)
    other = variant(tmp_path, "v2.txt", "预算调整数为801.07万元", "预算调整数为802.07万元")
    assert load_paths([other], db, on_conflict="replace")[0].status == "replaced"
    with connect(db) as con:
        assert budget_phases(con, DEPARTMENT, 2020).loc[0, "adjusted_wan"] == Decimal("802.07")
        assert con.execute("SELECT count(*) FROM current_documents").fetchone() == (1,)
    assert load_paths([SEED], db, on_conflict="replace")[0].status == "restored"
    with connect(db) as con:
        assert budget_phases(con, DEPARTMENT, 2020).loc[0, "adjusted_wan"] == Decimal("801.07")
        assert con.execute("SELECT count(*) FROM current_documents").fetchone() == (1,)


def test_failure_midway_leaves_none_of_that_reports_rows(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = variant(tmp_path, "other.txt", "2020年度长沙市天心区", "2021年度长沙市天心区")
    other.write_text(other.read_text(encoding="utf-8").replace("党建经费", "党建活动经费"), "utf-8")
    real = versions.insert_many

    def fail_on_projects(
        con: duckdb.DuckDBPyConnection, table: str, rows: list, *args: object
    ) -> None:
        # Every write of the first report's projects fails, after its figures went in: the
        # batch they are in fails, and then that report's own transaction.
        if table == "projects" and any("党建经费" in row for row in rows):
            raise RuntimeError("disk full")
        real(con, table, rows, *args)

    for module in (versions, batch_module):  # one report at a time, and a whole batch
        monkeypatch.setattr(module, "insert_many", fail_on_projects)
    results = load_paths([SEED, other], db)
    assert [r.status for r in results] == ["failed", "loaded"]
    assert "disk full" in results[0].message
    with connect(db) as con:
        years = con.execute("SELECT DISTINCT year FROM documents").fetchall()
        orphans = con.execute(
            "SELECT count(*) FROM figures WHERE document_id NOT IN (SELECT document_id FROM documents)"
        ).fetchone()
    assert years == [(2021,)]
    assert orphans == (0,)
    monkeypatch.undo()
    assert load_paths([SEED], db)[0].status == "loaded"
    assert counts(db)["documents"] == 2


def test_interrupted_load_leaves_the_live_file_untouched(db: Path, tmp_path: Path) -> None:
    load_paths([SEED], db)
    before = db.read_bytes()
    other = variant(tmp_path, "other.txt", "2020年度长沙市天心区", "2021年度长沙市天心区")

    def interrupt(index: int, total: int, result: object) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        load_paths([other], db, progress=interrupt)
    assert db.read_bytes() == before
    assert not list(tmp_path.glob("*.loading-*"))


def test_second_concurrent_load_is_refused(db: Path) -> None:
    lock = db.with_name(db.name + ".lock")
    with open(lock, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        with pytest.raises(LoadBusy, match="another load is running"):
            load_paths([SEED], db)
    assert not db.exists()


def test_readers_keep_working_while_a_load_swaps_the_file(db: Path, tmp_path: Path) -> None:
    load_paths([SEED], db)
    reader = connect(db)
    other = variant(tmp_path, "other.txt", "2020年度长沙市天心区", "2021年度长沙市天心区")
    assert load_paths([other], db)[0].status == "loaded"
    # The open reader still sees the complete old file; a new connection sees the new one.
    assert reader.execute("SELECT count(*) FROM documents").fetchone() == (1,)
    reader.close()
    with connect(db) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone() == (2,)


def test_ensure_database_builds_only_when_missing(db: Path, tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / SEED.name).write_bytes(SEED.read_bytes())
    assert [r.status for r in load_module.ensure_database(db, reports)] == ["loaded"]
    assert load_module.ensure_database(db, reports) == []


def test_a_batch_stores_what_one_file_at_a_time_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Versions, conflicts, duplicates and aliases decided within one batch (one transaction)
    come out as loading the same files one load at a time does."""
    folder = tmp_path / "in"
    folder.mkdir()
    files = [
        variant(folder, "a.txt", "预算调整数为801.07万元", "预算调整数为801.07万元"),
        variant(folder, "b.txt", "预算调整数为801.07万元", "预算调整数为802.07万元"),
        variant(folder, "c.txt", "2020年度长沙市天心区", "2021年度长沙市天心区"),
        variant(folder, "d.txt", "长沙市天心区交通运输局", "天心区交通运输局"),
        variant(folder, "e.txt", "预算调整数为801.07万元", "预算调整数为803.07万元"),
    ]
    (folder / "f.txt").write_bytes(files[1].read_bytes())  # the same bytes as b.txt
    files.append(folder / "f.txt")
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("alias,department\n天心区交通运输局,长沙市天心区交通运输局\n", "utf-8")
    for on_conflict in ("keep", "replace"):
        one_by_one = tmp_path / on_conflict / "one" / "budget.duckdb"
        single = [
            load_paths([f], one_by_one, on_conflict=on_conflict, aliases=aliases)[0] for f in files
        ]
        batch = tmp_path / on_conflict / "batch" / "budget.duckdb"
        with monkeypatch.context() as patch:  # no falling back to one transaction per report
            patch.setattr(batch_module, "store_one", None)
            together = load_paths(files, batch, on_conflict=on_conflict, aliases=aliases)
        assert [(r.status, r.message, r.sha256) for r in together] == [
            (r.status, r.message, r.sha256) for r in single
        ]
        assert dump(batch) == dump(one_by_one)
        assert len({r.status for r in together}) >= 3  # loaded, conflict/replaced, unchanged


# The loader forks workers only from a single-threaded process (the CLI), and a pytest process
# that has run AppTest or Chromium tests has threads, so the parallel load runs in a fresh one.
_PARALLEL_LOAD = """
import multiprocessing.pool, sys
from pathlib import Path
from etl import load
from etl.store import batch

used = []
real_imap = multiprocessing.pool.Pool.imap

def imap(self, *args, **kwargs):
    used.append(self)
    return real_imap(self, *args, **kwargs)

multiprocessing.pool.Pool.imap = imap
batch.PARALLEL_FROM = 2
results = load.load_paths([Path(p) for p in sys.argv[2:]], Path(sys.argv[1]))
print("workers" if used else "no workers")
for r in results:
    print(r.path, r.status, r.sha256)
"""


def test_worker_processes_extract_what_this_process_extracts(tmp_path: Path) -> None:
    files = [
        variant(tmp_path, f"{year}.txt", "2020年度长沙市天心区", f"{year}年度长沙市天心区")
        for year in range(2015, 2023)
    ]
    serial = tmp_path / "serial" / "budget.duckdb"
    expected = load_paths(files, serial)
    parallel = tmp_path / "parallel" / "budget.duckdb"
    parallel.parent.mkdir()
    out = subprocess.run(
        [sys.executable, "-c", _PARALLEL_LOAD, str(parallel), *map(str, files)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    assert out[0] == "workers"
    assert out[1:] == [f"{r.path} {r.status} {r.sha256}" for r in expected]
    assert dump(parallel) == dump(serial)
    assert dump(parallel) == dump(serial)


def test_every_kind_in_every_format_loads(tmp_path: Path) -> None:
    """Every corpus document loads (as the current version or as history of its department-year),
    a document that names neither department nor year once the user gives them."""
    import json

    from etl.load import Given
    from etl.model import DOCUMENT_KINDS

    corpus = Path(__file__).parent / "corpus"
    db = tmp_path / "budget.duckdb"
    truths = {}
    for expected in sorted(corpus.glob("*/expected/*.json")):
        (document,) = (expected.parent.parent / "documents").glob(expected.stem + ".*")
        truths[document] = json.loads(expected.read_text(encoding="utf-8"))
    results = load_paths(list(truths), db)
    seen: set[tuple[str, str]] = set()
    for document, result in zip(truths, results, strict=True):
        truth = truths[document]
        if not result.ok:  # named by neither title, field nor first lines: the user names it
            given = Given(truth["department"] or "青禾县测试局", truth["year"] or 2021)
            (result,) = load_paths([document], db, given=given)
        assert result.ok, (document.name, result.message)
        seen.add((truth["kind"], document.suffix))
    assert {kind for kind, _ in seen} == set(DOCUMENT_KINDS)
    for suffix in (".txt", ".docx", ".pdf"):
        assert {kind for kind, s in seen if s == suffix} == set(DOCUMENT_KINDS), suffix
