"""Faults around loading: archive and rebuild, damaged files, SIGKILL mid-load, readers during loads."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from etl.load import DamagedDatabase, load_paths, rebuild
from etl.queries import connect, report_index
from etl.store.archive import Archive

ROOT = Path(__file__).parent.parent
SEED = ROOT / "tests" / "fixtures" / "reports" / "2020-tianxin-transport-bureau.txt"


def departments(folder: Path, count: int, start: int = 0) -> list[Path]:
    """`count` reports of distinct (synthetic) departments made from the seed's wording."""
    folder.mkdir(parents=True, exist_ok=True)
    text = SEED.read_text(encoding="utf-8")
    paths = []
    for i in range(start, start + count):
        path = folder / f"dept-{i:04d}.txt"
        path.write_text(text.replace("天心区交通运输局整体", f"示例区第{i}局整体", 1), "utf-8")
        paths.append(path)
    return paths


def documents(db: Path) -> list[tuple]:
    with connect(db) as con:
        return con.execute(
            "SELECT department, year, is_current, sha256 FROM documents ORDER BY ALL"
        ).fetchall()


def test_reports_are_archived_by_hash_and_journaled(tmp_path: Path) -> None:
    db = tmp_path / "budget.duckdb"
    load_paths([SEED], db)
    archive = Archive(db)
    (entry,) = archive.entries()
    assert entry["status"] == "loaded"
    assert archive.path(entry["sha256"], ".txt").read_bytes() == SEED.read_bytes()
    load_paths([SEED], db)  # unchanged: nothing new to journal
    assert len(archive.entries()) == 1


def test_rebuild_reproduces_versions_and_current_choice(tmp_path: Path) -> None:
    db = tmp_path / "budget.duckdb"
    text = SEED.read_text("utf-8")
    assert "预算调整数为801.07" in text and "预算调整数为349.4" in text
    v2 = tmp_path / "v2.txt"
    v2.write_text(text.replace("预算调整数为801.07", "预算调整数为802.07"), "utf-8")
    v3 = tmp_path / "v3.txt"
    v3.write_text(text.replace("预算调整数为349.4", "预算调整数为350.4"), "utf-8")
    load_paths([SEED], db)
    load_paths([v2], db)  # kept as history
    load_paths([v3], db, on_conflict="replace")  # becomes current
    before = documents(db)
    v2.unlink()
    v3.unlink()  # the originals are gone; the archive has them
    results = rebuild(db)
    assert [r.status for r in results] == ["loaded", "conflict", "replaced"]
    assert documents(db) == before


def test_damaged_database_is_set_aside_and_rebuilt(tmp_path: Path) -> None:
    db = tmp_path / "budget.duckdb"
    load_paths([SEED], db)
    db.write_bytes(b"not a database" * 100)
    with pytest.raises(DamagedDatabase, match="已移到"):
        load_paths([SEED], db)
    (aside,) = tmp_path.glob("budget.duckdb.damaged-*")
    assert aside.read_bytes().startswith(b"not a database")
    assert not db.exists()
    assert [r.status for r in rebuild(db)] == ["loaded"]
    assert len(documents(db)) == 1


def test_stray_wal_is_set_aside_not_replayed(tmp_path: Path) -> None:
    db = tmp_path / "budget.duckdb"
    load_paths([SEED], db)
    before = db.read_bytes()
    wal = tmp_path / "budget.duckdb.wal"
    wal.write_bytes(b"\x00" * 64)
    with pytest.raises(DamagedDatabase, match="WAL"):
        load_paths([SEED], db)
    assert not wal.exists()
    assert len(list(tmp_path.glob("budget.duckdb.wal.damaged-*"))) == 1
    assert db.read_bytes() == before
    assert load_paths([SEED], db)[0].status == "unchanged"


def test_sigkill_mid_load_leaves_old_data_and_next_run_loads_each_once(tmp_path: Path) -> None:
    db = tmp_path / "budget.duckdb"
    load_paths([SEED], db)
    before = documents(db)
    folder = tmp_path / "batch"
    departments(folder, 600)
    # Nobody reads the load's progress lines (600 x ~140 bytes) until it is killed: once the
    # pipe is full the load blocks inside its working copy, so it can never swap in first.
    load = subprocess.Popen(
        [sys.executable, "-m", "etl", "load", str(folder), "--db", str(db)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob("budget.duckdb.loading-*")) and time.monotonic() < deadline:
        time.sleep(0.005)
    assert list(tmp_path.glob("budget.duckdb.loading-*")), "the load never started writing"
    os.kill(load.pid, signal.SIGKILL)
    load.communicate(timeout=30)
    assert load.returncode == -signal.SIGKILL
    assert documents(db) == before  # none of the killed load's rows
    results = load_paths([folder], db)
    assert [r.status for r in results] == ["loaded"] * 600
    assert len(documents(db)) == 601
    assert not list(tmp_path.glob("*.loading-*"))


READER = r"""
import json, pathlib, sys
from etl.queries import connect, report_index
db, stop = sys.argv[1], pathlib.Path(sys.argv[2])
queries = errors = 0
seen = []
def query():
    global queries, errors
    try:
        with connect(db) as con:
            count = len(report_index(con))
        if not seen or seen[-1] != count:
            seen.append(count)
        queries += 1
    except Exception as exc:
        errors += 1
        print("ERROR", type(exc).__name__, exc, file=sys.stderr)
query()
print("ready", flush=True)
while not stop.exists():
    query()
query()  # once more after the last load finished
print(json.dumps({"queries": queries, "errors": errors, "seen": seen}))
"""


def test_pages_keep_reading_while_loads_run(tmp_path: Path) -> None:
    """A reader process queries in a loop for the whole time another process loads 4 batches."""
    db = tmp_path / "budget.duckdb"
    load_paths([SEED], db)
    batches = [departments(tmp_path / f"b{i}", 10, start=10 * i) for i in range(4)]
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(db), str(stop)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert reader.stdout is not None
    assert reader.stdout.readline() == "ready\n"  # reading before the first load starts
    for batch in batches:
        loaded = subprocess.run(
            [sys.executable, "-m", "etl", "load", str(batch[0].parent), "--db", str(db)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert loaded.returncode == 0, loaded.stderr
    stop.touch()
    out, err = reader.communicate(timeout=60)
    stats = json.loads(out)
    print(stats)  # quoted in the hardening note: queries run, errors seen
    assert err == "" and stats["errors"] == 0
    # Counts only ever grow by whole batches: old or new data, never half a load, never a lock.
    assert stats["seen"][0] == 1 and stats["seen"][-1] == 41
    assert set(stats["seen"]) <= {1, 11, 21, 31, 41}
    assert stats["seen"] == sorted(stats["seen"])


def test_open_read_only_connection_does_not_block_a_load(tmp_path: Path) -> None:
    db = tmp_path / "budget.duckdb"
    load_paths([SEED], db)
    with duckdb.connect(str(db), read_only=True):
        assert load_paths(departments(tmp_path / "more", 2), db)[0].status == "loaded"
    with connect(db) as con:
        assert len(report_index(con)) == 3
