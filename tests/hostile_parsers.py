"""Fake parsers the sandbox tests inject into its child process (``tests.hostile_parsers:NAME``)."""

from __future__ import annotations

import time
from pathlib import Path


def slow(path: Path, data: bytes) -> str:
    """Takes 20 s, far past the tests' limit: the wall-time limit must stop it first."""
    time.sleep(20)
    return "finished"


def slow_on_marker(path: Path, data: bytes) -> str:
    """Hangs on a file containing HANG, reads any other file normally (for batch tests)."""
    if b"HANG" in data:
        time.sleep(20)
    from etl.readers import read_text

    return read_text(path, data)


def spin(path: Path, data: bytes) -> str:
    """Loops on the CPU for 20 s, as a parser caught in a reference cycle would."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        pass
    return "finished"


def hungry(path: Path, data: bytes) -> str:
    """Allocates 2 GiB, as a parser expanding a bomb would: the memory limit must stop it."""
    hoard = [bytearray(64 * 1024 * 1024) for _ in range(32)]
    return f"finished holding {sum(map(len, hoard))} bytes"


def crash(path: Path, data: bytes) -> str:
    """Dies the way native code does (abort), leaving no answer."""
    import os

    os.abort()


def loaded_modules(path: Path, data: bytes) -> str:
    """Not a parser: the names of the modules the child has imported, one per line."""
    import sys

    return "\n".join(sorted(sys.modules))


def by_marker(path: Path, data: bytes) -> str:
    """A batch's misbehaving files by marker: HANG sleeps, CRASH aborts, HOG allocates 2 GiB,
    DEEP recurses without end; any other file is read by the real reader."""
    if b"HANG" in data:
        return slow(path, data)
    if b"CRASH" in data:
        return crash(path, data)
    if b"HOG" in data:
        return hungry(path, data)
    if b"DEEP" in data:
        return by_marker(path, data + b"!")
    from etl.readers import read_text

    return read_text(path, data)


def whoami(path: Path, data: bytes) -> str:
    """Not a parser: the worker's pid, its parent's, and the modules loaded before this one."""
    import json
    import os
    import sys

    modules = sorted(name for name in sys.modules if not name.startswith("tests"))
    return json.dumps({"pid": os.getpid(), "ppid": os.getppid(), "modules": modules})


def nap(path: Path, data: bytes) -> str:
    """Sleeps half a second and says when it started and ended (to see workers overlap)."""
    started = time.time()
    time.sleep(0.5)
    return f"{started} {time.time()}"
