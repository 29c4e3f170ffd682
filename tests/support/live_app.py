"""The real app served by `streamlit run` on a free localhost port, and Debian's Chromium."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling out, and this network is closed.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_command(script: Path, port: int) -> list[str]:
    """`streamlit run script` on localhost:port, headless, without usage statistics."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]


@contextlib.contextmanager
def running_app(
    db: Path, timeout_s: float = 60, *, port: int | None = None, args: list[str] | None = None
) -> Iterator[str]:
    """Serve app.py against `db` (on `port`, else a free one; `args` are more `streamlit run`
    options, e.g. --secrets.files); yields the base URL and stops the server afterwards."""
    port = port or free_port()
    env = {**os.environ, "BUDGET_LENS_DB": str(db)}
    log = db.with_suffix(".server.log")
    with open(log, "w") as out:
        server = subprocess.Popen(
            serve_command(ROOT / "app.py", port) + (args or []),
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.read() == b"ok":
                        break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not start:\n{log.read_text()}") from None
                time.sleep(0.2)
        yield url
    finally:
        stop(server)


def stop(server: subprocess.Popen[bytes]) -> None:
    """End a server this process started: politely, then for good after 10 s."""
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
