"""The baseline of bench L5: the per-file sandbox as it was at d503b93 (etl/sandbox.py then),
a new interpreter (`python -S -m bench.per_file_sandbox READER NAME SECONDS BYTES`) for each
.docx/.pdf with RLIMIT_AS and a wall timeout, its start paid by every file.

    python -m bench.per_file_sandbox load FOLDER --db FILE   # `etl load` through it

Kept here verbatim (the module the child runs renamed) so the load can be timed against it on
the same machine and in the same rounds; the app no longer uses it.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

# The limits etl/sandbox.py has (the same then and now).
TIMEOUT_SECONDS = 60.0
MEMORY_BYTES = 1024 * 1024 * 1024
READER = "etl.readers:read_text"

_ROOT = Path(__file__).resolve().parent.parent
_OUT_OF_MEMORY = "解析超出内存上限"


class Usage(NamedTuple):
    """What the last sandboxed parse cost: wall seconds and the child's peak resident KB."""

    seconds: float
    peak_rss_kb: int | None


last_usage = Usage(0.0, None)


def read_text(
    path: Path | str,
    data: bytes,
    *,
    timeout: float | None = None,
    memory_bytes: int | None = None,
    reader: str | None = None,
) -> str:
    """The report's text as readers.read_text gives it, parsed in a limited child for pdf/docx.

    Raises readers.ReadError naming the file, also for "解析超时（>N 秒）" and "解析超出内存上限".
    """
    from etl.readers import read_text as read_in_process

    path = Path(path)
    timeout = TIMEOUT_SECONDS if timeout is None else timeout
    memory_bytes = MEMORY_BYTES if memory_bytes is None else memory_bytes
    reader = reader or READER
    if reader == "etl.readers:read_text" and _is_plain_text(path, data):
        return read_in_process(path, data)
    return _run_child(path, data, timeout, memory_bytes, reader)


def _is_plain_text(path: Path, data: bytes) -> bool:
    from etl.readers import ReadError, detect_kind

    try:
        return bool(data) and detect_kind(path, data) == "txt"
    except ReadError:
        return False  # the child reports it, with the same message as everywhere else


def _run_child(path: Path, data: bytes, timeout: float, memory_bytes: int, reader: str) -> str:
    global last_usage
    import subprocess  # here, not at the top: the child never needs it

    from etl.readers import ReadError

    # The child starts without `site` (-S) and is handed the parent's import path instead, so it
    # finds the same modules (site-packages, folders a .pth added) without running site and its
    # .pth hooks: an editable install's finder alone imports pathlib, fnmatch and re, and that
    # costs more than parsing a .docx.
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        dict.fromkeys(filter(None, [str(_ROOT), env.get("PYTHONPATH"), *sys.path]))
    )
    argv = [
        sys.executable,
        "-S",
        "-m",
        "bench.per_file_sandbox",
        reader,
        path.name,
        str(timeout),
        str(memory_bytes),
    ]
    started = time.monotonic()
    try:
        done = subprocess.run(
            argv, input=data, capture_output=True, timeout=timeout, env=env, cwd=_ROOT, check=False
        )
    except subprocess.TimeoutExpired as exc:  # run() has killed and reaped the child
        last_usage = Usage(time.monotonic() - started, None)
        raise ReadError(
            path, f"解析超时（>{timeout:g} 秒）：文件可能已损坏或被构造为无限循环"
        ) from exc
    elapsed = time.monotonic() - started
    try:
        answer = json.loads(done.stdout.decode("utf-8"))
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        last_usage = Usage(elapsed, None)
        if b"MemoryError" in done.stderr:
            raise ReadError(path, _OUT_OF_MEMORY)
        if done.returncode < 0:
            # Native code that cannot allocate under RLIMIT_AS usually aborts or faults.
            raise ReadError(
                path, f"解析失败（解析进程被信号 {-done.returncode} 终止，可能超出内存上限）"
            )
        raise ReadError(path, f"解析失败（解析进程异常退出，代码 {done.returncode}）")
    last_usage = Usage(elapsed, int(answer.get("peak_rss_kb", 0)) or None)
    if "text" in answer:
        return str(answer["text"])
    raise ReadError(path, str(answer.get("problem", "解析失败")))


def _child(reader: str, name: str, memory_bytes: int) -> dict[str, object]:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    data = sys.stdin.buffer.read()
    module_name, _, function_name = reader.partition(":")
    import importlib

    from etl.readers import ReadError

    function = getattr(importlib.import_module(module_name), function_name)
    try:
        answer: dict[str, object] = {"text": function(Path(name), data)}
    except ReadError as exc:
        answer = {"problem": exc.problem}
    except MemoryError:
        answer = {"problem": _OUT_OF_MEMORY}
    except RecursionError:
        answer = {"problem": "解析失败（文件结构嵌套过深）"}
    answer["peak_rss_kb"] = _peak_rss_kb()
    return answer


def _peak_rss_kb() -> int:
    # VmHWM starts afresh at exec; ru_maxrss keeps the forking parent's peak across it.
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def read_texts(
    files: Iterable[tuple[Path | str, bytes | Exception]],
    *,
    jobs: int | None = None,
    **limits: Any,
) -> Iterator[str | Exception]:
    """etl.sandbox.read_texts as it was before the fork server: one file at a time (`jobs` is
    not used), each through read_text above (a ReadError standing for unreadable bytes comes
    back in its place)."""
    from etl.readers import ReadError

    for path, data in files:
        if isinstance(data, Exception):
            yield data
            continue
        try:
            yield read_text(path, data, **limits)
        except ReadError as exc:
            yield exc


if __name__ == "__main__":
    if sys.argv[1:2] == ["load"]:  # the whole `etl load`, each .docx/.pdf through read_text above
        import etl.__main__
        import etl.sandbox

        # Every way the loader reaches the sandbox, and no fork server to start.
        etl.sandbox.read_text = read_text
        etl.sandbox.read_texts = read_texts  # type: ignore[assignment]
        etl.sandbox.start = lambda: 0
        raise SystemExit(etl.__main__.main(sys.argv[1:]))
    _reader, _name, _seconds, _memory = sys.argv[1:5]
    sys.stdout.write(json.dumps(_child(_reader, _name, int(_memory)), ensure_ascii=False))
