"""S1-S3: the Streamlit app itself: page runs (AppTest), the app process's memory, cold start.

python -m bench.app_items memory ours|naive DB   # prints the process's peak RSS in MiB
"""

from __future__ import annotations

import contextlib
import os
import resource
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.harness import Measurement, Row, Target, timed

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
NAIVE = Path(__file__).with_name("naive_page.py")
CHART_ONLY = Path(__file__).with_name("chart_page.py")
FLOOR = Path(__file__).with_name("floor_page.py")
CHART_ROUTED = Path(__file__).with_name("chart_page_routed.py")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TARGETS = {
    "S1 cold": Target(max_ratio=0.12),
    "S1 warm": Target(max_ratio=0.12),
    "S1 draw": Target(max_ratio=1.1),
    "S2": Target(max_mib=300, max_ratio=0.15),
    "S3": Target(max_ms=1000),
}


def app_pages() -> dict[str, str]:
    """{path: title} of every page of the app, in navigation order (ui.frame.PAGES)."""
    from ui.frame import PAGES

    return dict(PAGES)


def _clear_caches() -> None:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def _fail_on_exception(at: object, what: str) -> None:
    exceptions = getattr(at, "exception", [])
    if exceptions:
        raise RuntimeError(f"{what}: {[e.value for e in exceptions]}")


def page_rows(db: Path, scale: str, *, rounds: int, timeout: float = 300) -> list[Row]:
    """S1: per page of app.py, a cold run (caches cleared) and a warm rerun, against the naive
    page (cold and warm, same rounds) and against a page that only draws the chart."""
    from streamlit.testing.v1 import AppTest

    os.environ["BUDGET_LENS_DB"] = str(db)
    pages = app_pages()
    cold: dict[str, list[float]] = {p: [] for p in pages}
    warm: dict[str, list[float]] = {p: [] for p in pages}
    naive_cold: list[float] = []
    naive_warm: list[float] = []
    chart_warm: list[float] = []
    routed_warm: list[float] = []  # the chart-only page inside app.py's router and sidebar
    # One round not recorded: the first AppTest in a process pays every import.
    failed: dict[str, str] = {}
    for round_index in range(rounds + 1):
        if round_index == 1:
            for samples in (
                *cold.values(),
                *warm.values(),
                naive_cold,
                naive_warm,
                chart_warm,
                routed_warm,
            ):
                samples.clear()
        _clear_caches()
        naive = AppTest.from_file(str(NAIVE), default_timeout=timeout)
        naive_cold.append(timed(naive.run))
        naive_warm.append(timed(naive.run))
        _fail_on_exception(naive, "naive page")
        chart = AppTest.from_file(str(CHART_ONLY), default_timeout=timeout)
        chart.run()
        chart_warm.append(timed(chart.run))
        routed = AppTest.from_file(str(CHART_ROUTED), default_timeout=timeout)
        routed.run()
        routed_warm.append(timed(routed.run))
        _fail_on_exception(routed, "chart-only page in the router")
        for path in pages:
            if path in failed:
                continue
            try:
                at = AppTest.from_file(str(APP), default_timeout=timeout)
                at.run()  # the router and the default page, caches then cleared
                _clear_caches()
                if path == "pages/overview.py":
                    cold[path].append(timed(at.run))
                else:
                    cold[path].append(timed(lambda at=at, path=path: at.switch_page(path).run()))
                warm[path].append(timed(at.run))
                _fail_on_exception(at, path)
            except Exception as exc:  # a page that raises is reported, not timed
                failed[path] = f"error: the page raised {type(exc).__name__}: {exc}"[:200]
    rows = [
        Row(
            "S1",
            "floor: the chart-only page inside app.py's router (selectors, banner, navigation)"
            " warm rerun vs the chart-only page",
            scale,
            Measurement(routed_warm, chart_warm),
            TARGETS["S1 draw"],
        )
    ]
    for path, title in pages.items():
        if path in failed:
            rows.append(
                Row("S1", f"page {title}", scale, None, TARGETS["S1 cold"], pending=failed[path])
            )
            continue
        rows.append(
            Row(
                "S1",
                f"page {title} cold run (AppTest, caches cleared) vs the naive pandas page cold",
                scale,
                Measurement(cold[path], naive_cold),
                TARGETS["S1 cold"],
            )
        )
        rows.append(
            Row(
                "S1",
                f"page {title} warm rerun vs the naive pandas page warm rerun",
                scale,
                Measurement(warm[path], naive_warm),
                TARGETS["S1 warm"],
            )
        )
        rows.append(
            Row(
                "S1",
                f"page {title} warm rerun vs a page that only draws the chart",
                scale,
                Measurement(warm[path], chart_warm),
                TARGETS["S1 draw"],
            )
        )
    return rows


# --- S2: memory, each in a process of its own ------------------------------------------------


def _run_for_memory(which: str, db: Path) -> None:
    """Run every page of app.py (or the naive page) once, as the app process would serve them."""
    from streamlit.testing.v1 import AppTest

    os.environ["BUDGET_LENS_DB"] = str(db)
    if which == "naive":
        at = AppTest.from_file(str(NAIVE), default_timeout=600)
        at.run()
        at.run()
        _fail_on_exception(at, "naive page")
        return
    at = AppTest.from_file(str(APP), default_timeout=600)
    at.run()
    for path in app_pages():
        if path != "pages/overview.py":
            at.switch_page(path).run()
        at.run()
        _fail_on_exception(at, path)


def peak_rss_mib(which: str, db: Path) -> float:
    """Peak RSS (MiB) of a fresh Python process that serves the pages."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.app_items", "memory", which, str(db)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return float(out.strip().splitlines()[-1])


def memory_row(db: Path, scale: str, *, rounds: int) -> Row:
    """S2: peak RSS of the app's process over every page vs the naive page's process."""
    what = (
        "peak RSS of the app process serving every page once (AppTest in a fresh process)"
        " vs the naive page that holds the figures in pandas"
    )
    target = TARGETS["S2"] if scale == "10M" else Target()
    m = Measurement([], unit="MiB")
    try:
        for index in range(rounds):
            order = ("ours", "naive") if index % 2 == 0 else ("naive", "ours")
            got = {which: peak_rss_mib(which, db) for which in order}
            m.ours.append(got["ours"])
            m.baseline.append(got["naive"])
    except subprocess.CalledProcessError as exc:
        error = (exc.stderr or "").strip().splitlines()[-1:] or ["?"]
        return Row("S2", what, scale, None, target, pending=f"error: {error[0][:200]}")
    return Row("S2", what, scale, m, target)


# --- S3: `streamlit run` to the first rendered page ------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def _server(db: Path, port: int, script: Path = APP) -> Iterator[subprocess.Popen[bytes]]:
    env = {**os.environ, "BUDGET_LENS_DB": str(db)}
    from tests.support.live_app import serve_command, stop

    server = subprocess.Popen(
        serve_command(script, port),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield server
    finally:
        stop(server)


def cold_start_row(db: Path, scale: str, *, rounds: int) -> Row:
    """S3: from spawning `streamlit run app.py` to the overview's KPI cards drawn in Chromium
    (the browser is started before the clock, so its own start is not counted)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return Row("S3", "cold start", scale, None, TARGETS["S3"], pending="pending: no playwright")
    if not Path(CHROMIUM).exists():
        return Row("S3", "cold start", scale, None, TARGETS["S3"], pending="pending: no chromium")
    try:
        return _cold_start(db, scale, rounds, sync_playwright)
    except Exception as exc:  # a page that never draws is reported, not waited for forever
        return Row("S3", "cold start", scale, None, TARGETS["S3"], pending=f"error: {exc}"[:200])


def _cold_start(db: Path, scale: str, rounds: int, sync_playwright: Any) -> Row:
    samples: list[float] = []
    health: list[float] = []
    floor: list[float] = []  # the same, for bench/floor_page.py: one st.metric and nothing else
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _ in range(rounds):
                for script in (APP, FLOOR):
                    drawn, answered = _start_and_draw(browser, db, script)
                    if script == APP:
                        samples.append(drawn)
                        health.append(answered)
                    else:
                        floor.append(drawn)
        finally:
            browser.close()
    return Row(
        "S3",
        "`streamlit run app.py` cold start to the first rendered page (总览 KPI cards in Chromium)",
        scale,
        Measurement(samples),
        TARGETS["S3"],
        note=f"server answering /_stcore/health after {_median(health):,.0f} ms; the floor, a"
        f" page with one st.metric and no data started the same way: {_median(floor):,.0f} ms"
        " (medians)",
    )


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def _start_and_draw(browser: Any, db: Path, script: Path) -> tuple[float, float]:
    """ms from spawning `streamlit run script` to a st.metric drawn in Chromium, and to health."""
    page = browser.new_page()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    try:
        with _server(db, port, script) as server:
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                        if r.read() == b"ok":
                            break
                except OSError:
                    if server.poll() is not None:
                        raise RuntimeError("streamlit exited during start") from None
                    time.sleep(0.02)
            answered = (time.perf_counter() - started) * 1000
            page.goto(url)
            page.wait_for_selector('[data-testid="stMetric"]', timeout=120_000)
            drawn = (time.perf_counter() - started) * 1000
    finally:
        page.close()
    return drawn, answered


def _own_peak_rss_mib() -> float:
    """This process's peak RSS since its exec (VmHWM). Not getrusage's ru_maxrss: Linux carries
    that over from the parent across fork and exec, so a child of a big benchmark process
    reports the parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux


if __name__ == "__main__":
    if sys.argv[1] == "memory":
        _run_for_memory(sys.argv[2], Path(sys.argv[3]))
        print(_own_peak_rss_mib())
