"""Document parsing under limits: each .pdf or .docx is read in a process of its own with a
wall-time and a memory limit, so a file crafted to loop, recurse or balloon costs one error line,
not the loader, the app or the other files. Plain text is decoded in-process (no parser to go
wrong, no process to start).

The processes are forked from a fork server, not started: starting an interpreter and importing
the document libraries costs ~85 % of a sandboxed .docx/.pdf (100-250 ms of CPU each), forking a
process that already has them ~3 ms. The server is ``python -S -m etl.sandbox serve FD``, exec'd
once per client process (so it is single-threaded whatever the client is: the app's server has
threads, and forking it would copy locks other threads hold); it imports readers.py and the
document libraries, reads a tiny PDF and .docx to warm their lazy state, then forks one worker
per document. The worker sets RLIMIT_AS on itself, reads its request, parses under an interval
timer whose SIGALRM the kernel delivers even inside native code, answers and exits. A worker
that hits a limit or dies is simply gone; the next document gets a fresh fork of the same clean
state, so no document sees what an earlier one did to the parser's memory.

Wire: the client holds one end of a SOCK_SEQPACKET pair to the server. A request is one record
(the limits, 16 bytes) carrying two new sockets: the worker's (request in, answer out) and the
server's status socket, on which it writes how the worker ended once it has reaped it. Records
are atomic, so threads and forked children of the client share the pair without a lock.

``read_texts`` keeps several documents in flight from one thread (the loader's batch); ``read_text``
is one document. readers.py stays the only module that imports document libraries; this one
imports it only in the server.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import resource
import selectors  # imported by socket anyway
import signal
import socket
import struct
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import subprocess

    from etl.readers import ReadError

# A real report parses in well under a second and a few tens of MB on top of the interpreter; a
# valid 500-page PDF takes ~10 s. These leave a wide margin while keeping a hostile file's cost bounded.
TIMEOUT_SECONDS = 60.0
MEMORY_BYTES = 1024 * 1024 * 1024
READER = "etl.readers:read_text"

_ROOT = Path(__file__).resolve().parent.parent
_OUT_OF_MEMORY = "解析超出内存上限"
_LIMITS = struct.Struct("!dQ")  # the request record: wall seconds, address-space bytes
_META = struct.Struct("!I")  # the length of the request's JSON head (reader, file name)
# How long a request may go without a byte from its worker or the server while the client
# waits, past its own time limit: only a server that stopped working gets there.
_STALL_SECONDS = 30.0
_START_SECONDS = 60.0  # a server not ready by then (a machine swapping hard) is given up


class Usage(NamedTuple):  # not a dataclass: `dataclasses` imports `inspect`, 10 ms in the server
    """What the last sandboxed parse cost: wall seconds and the worker's peak resident KB."""

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
    """The report's text as readers.read_text gives it, parsed in a limited worker for pdf/docx.

    Raises readers.ReadError naming the file, also for "解析超时（>N 秒）" and "解析超出内存上限".
    """
    outcome = next(
        read_texts(
            [(path, data)], jobs=1, timeout=timeout, memory_bytes=memory_bytes, reader=reader
        )
    )
    if isinstance(outcome, str):
        return outcome
    raise outcome


def read_texts(
    files: Iterable[tuple[Path | str, bytes | ReadError]],
    *,
    jobs: int | None = None,
    timeout: float | None = None,
    memory_bytes: int | None = None,
    reader: str | None = None,
) -> Iterator[str | ReadError]:
    """Each (path, bytes)'s text, or the ReadError read_text would raise, in the order given.

    A file whose bytes could not be read may stand in `files` with its ReadError instead: it
    comes back in its place (so a caller reading files lazily keeps one order for all).
    Up to `jobs` documents (default: this process's CPUs) are parsed at once, each in its own
    worker under the limits, from this thread alone: no thread is started, so a single-threaded
    caller stays one that may fork. `files` is pulled only as workers free up.
    """
    from etl.readers import ReadError
    from etl.readers import read_text as read_in_process

    timeout = TIMEOUT_SECONDS if timeout is None else timeout
    memory_bytes = MEMORY_BYTES if memory_bytes is None else memory_bytes
    reader = reader or READER
    jobs = max(1, jobs or len(os.sched_getaffinity(0)))
    pending = iter(files)
    done: dict[int, str | ReadError] = {}  # outcomes waiting for an earlier file's
    held = 0  # characters of text in `done`
    running: list[_Job] = []
    taken = 0  # files pulled from `pending`
    given = 0  # outcomes yielded
    exhausted = False
    try:
        while True:
            # A slow file (up to the time limit) holds back only its own outcome: the others
            # go on parsing behind it, up to a bound on the text kept waiting. An outcome
            # that can be given is given first (a run of plain text is not decoded ahead).
            while (
                not exhausted and len(running) < jobs and held < _HELD_CHARS and given not in done
            ):
                try:
                    raw_path, data = next(pending)
                except StopIteration:
                    exhausted = True
                    break
                path = Path(raw_path)
                if isinstance(data, ReadError):
                    done[taken] = data
                elif reader == "etl.readers:read_text" and _is_plain_text(path, data):
                    try:
                        done[taken] = read_in_process(path, data)
                    except ReadError as exc:
                        done[taken] = exc
                    held += _size(done[taken])
                else:
                    running.append(_Job(taken, path, data, reader, timeout, memory_bytes))
                taken += 1
            if given in done:  # one at a time, free slots refilled before waiting again
                outcome = done.pop(given)
                held -= _size(outcome)
                given += 1
                yield outcome
                continue
            if not running:  # nothing left to pull either: every outcome has been given
                return
            for job in _advance(running):
                running.remove(job)
                done[job.index] = job.outcome()
                held += _size(done[job.index])
    finally:
        for job in running:  # the caller stopped early: its workers get EOF and exit
            job.close()


_HELD_CHARS = 64 * 1024 * 1024


def _size(outcome: str | ReadError) -> int:
    return len(outcome) if isinstance(outcome, str) else 0


def start() -> int:
    """Start the fork server now, if it is not running (before forking workers that should
    share it, or to pay its start outside a timed request); returns its process id."""
    return _server().process.pid


def stop() -> None:
    """Stop this process's fork server (it also stops by itself when this process exits)."""
    global _current
    with _lock:
        server, _current = _current, None
    if server is not None and server.owner == os.getpid():
        server.close()


def _is_plain_text(path: Path, data: bytes) -> bool:
    from etl.readers import ReadError, detect_kind

    try:
        return bool(data) and detect_kind(path, data) == "txt"
    except ReadError:
        return False  # the worker reports it, with the same message as everywhere else


# --- the client side: the server process and one request ------------------------------------


class _Server:
    """The fork server this process started: its process and the client end of its socket."""

    def __init__(self) -> None:
        import subprocess  # here, not at the top: the server never needs it

        # The server starts without `site` (-S) and is handed this process's import path
        # instead, so it finds the same modules (site-packages, folders a .pth added) without
        # running site and its .pth hooks.
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            dict.fromkeys(filter(None, [str(_ROOT), env.get("PYTHONPATH"), *sys.path]))
        )
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        argv = [sys.executable, "-S", "-m", "etl.sandbox", "serve", str(theirs.fileno())]
        started = time.monotonic()
        try:
            self.process: subprocess.Popen[bytes] = subprocess.Popen(
                argv,
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,  # read only if it fails to start; then it is /dev/null
                env=env,
                cwd=_ROOT,
            )
        finally:
            theirs.close()
        try:
            ours.settimeout(_START_SECONDS)
            ready = ours.recv(16)
        except OSError:
            ready = b""
        assert self.process.stderr is not None
        if ready != b"ready":
            self.process.kill()
            why = self.process.stderr.read().decode("utf-8", "replace").strip().splitlines()
            self.process.wait()
            ours.close()
            raise _ServerFailed(why[-1] if why else f"代码 {self.process.returncode}")
        self.process.stderr.close()
        ours.settimeout(None)
        self.control = ours
        self.owner = os.getpid()
        self.start_seconds = time.monotonic() - started

    def request(self, timeout: float, memory_bytes: int) -> tuple[socket.socket, socket.socket]:
        """A new worker's socket and the server's status socket for it."""
        worker, worker_end = socket.socketpair()
        status, status_end = socket.socketpair()
        try:
            socket.send_fds(
                self.control,
                [_LIMITS.pack(timeout, memory_bytes)],
                [worker_end.fileno(), status_end.fileno()],
            )
        except OSError:
            worker.close()
            status.close()
            raise
        finally:
            worker_end.close()
            status_end.close()
        return worker, status

    def close(self) -> None:
        self.control.close()  # the server sees EOF, stops its workers and exits
        try:
            self.process.wait(timeout=5)
        except Exception:  # subprocess.TimeoutExpired, without importing subprocess here
            self.process.kill()
            self.process.wait()


class _ServerFailed(Exception):
    """The fork server could not be started."""


_lock = threading.Lock()
_current: _Server | None = None


def _server(*, replacing: _Server | None = None) -> _Server:
    """This process's fork server, started on first use or when `replacing` has died.

    A forked child of the client (the loader's workers) uses the server it inherited: requests
    are single atomic records, so sharing the socket is safe, and the server is not started twice.
    """
    global _current
    with _lock:
        if _current is None or _current is replacing:
            if replacing is not None and replacing.owner == os.getpid():
                replacing.close()
            _current = _Server()
        return _current


def _after_fork_in_child() -> None:
    global _lock
    _lock = threading.Lock()  # a thread of the parent may have held it at the fork


os.register_at_fork(after_in_child=_after_fork_in_child)


def _close_at_exit() -> None:
    server = _current
    if server is not None and server.owner == os.getpid():
        server.close()


atexit.register(_close_at_exit)


class _Job:
    """One document in flight: its request going out, the worker's answer and the server's
    account of how the worker ended coming in."""

    def __init__(
        self, index: int, path: Path, data: bytes, reader: str, timeout: float, memory: int
    ) -> None:
        self.index, self.path, self.timeout = index, path, timeout
        self.started = time.monotonic()
        self.answer = bytearray()
        self.status = bytearray()
        self.idle = 0.0  # seconds waited with nothing from this job
        self.failed: str | None = None
        head = json.dumps({"reader": reader, "name": path.name}).encode("utf-8")
        self.outgoing: memoryview | None = memoryview(_META.pack(len(head)) + head + data)
        self.worker: socket.socket | None = None
        self.status_socket: socket.socket | None = None
        server = None
        for _ in range(2):  # a server that died (killed, out of memory) is started again once
            try:
                server = _server(replacing=server)
                self.worker, self.status_socket = server.request(timeout, memory)
            except _ServerFailed as exc:
                self.failed = f"解析失败（解析服务未能启动：{exc}）"
                return
            except OSError as exc:
                self.failed = f"解析失败（解析服务不可用：{exc}）"
                continue
            self.failed = None
            self.worker.setblocking(False)
            self.status_socket.setblocking(False)
            return

    @property
    def finished(self) -> bool:
        return self.worker is None and self.status_socket is None

    def close(self) -> None:
        for sock in (self.worker, self.status_socket):
            if sock is not None:
                sock.close()
        self.worker = self.status_socket = None

    def send(self) -> None:
        assert self.worker is not None and self.outgoing is not None
        try:
            sent = self.worker.send(self.outgoing[: 1 << 20])
        except BlockingIOError:
            return
        except OSError:  # the worker died before reading it all: its status says how
            sent = len(self.outgoing)
        self.outgoing = self.outgoing[sent:]
        if not self.outgoing:
            self.outgoing = None
            with contextlib.suppress(OSError):  # a worker gone already: its status says how
                self.worker.shutdown(socket.SHUT_WR)  # the worker reads to EOF

    def receive(self, sock: socket.socket) -> None:
        into = self.answer if sock is self.worker else self.status
        try:
            chunk = sock.recv(1 << 20)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if chunk:
            into += chunk
            return
        sock.close()
        if sock is self.worker:
            self.worker = None
            self.outgoing = None
        else:
            self.status_socket = None

    def outcome(self) -> str | ReadError:
        global last_usage
        from etl.readers import ReadError

        elapsed = time.monotonic() - self.started
        try:
            answer = json.loads(self.answer.decode("utf-8"))
        except ValueError:
            answer = None
        peak = int(answer.get("peak_rss_kb", 0)) or None if isinstance(answer, dict) else None
        last_usage = Usage(elapsed, peak)
        if isinstance(answer, dict) and "text" in answer:
            return str(answer["text"])
        if isinstance(answer, dict) and "problem" in answer:
            return ReadError(self.path, str(answer["problem"]))
        if self.failed:
            return ReadError(self.path, self.failed)
        try:
            status = json.loads(self.status.decode("utf-8"))
        except ValueError:
            status = {}
        number = status.get("signal")
        if number == signal.SIGALRM or self.idle > self.timeout + _STALL_SECONDS:
            return ReadError(
                self.path, f"解析超时（>{self.timeout:g} 秒）：文件可能已损坏或被构造为无限循环"
            )
        if number is not None:
            # Native code that cannot allocate under RLIMIT_AS usually aborts or faults.
            return ReadError(
                self.path, f"解析失败（解析进程被信号 {number} 终止，可能超出内存上限）"
            )
        if "fork_failed" in status:
            return ReadError(self.path, "解析失败（无法创建解析进程：系统进程数或内存不足）")
        if "exit" in status:
            return ReadError(self.path, f"解析失败（解析进程异常退出，代码 {status['exit']}）")
        return ReadError(self.path, "解析失败（解析服务意外退出）")


def _advance(running: list[_Job]) -> list[_Job]:
    """Wait until some job can move on, move each that can; the jobs that are finished."""
    finished = [job for job in running if job.finished]
    if finished:
        return finished
    with selectors.DefaultSelector() as selector:
        for job in running:
            _watch(selector, job)
        wait = max(0.0, min(job.timeout + _STALL_SECONDS - job.idle for job in running))
        began = time.monotonic()
        ready = selector.select(wait)
        waited = time.monotonic() - began
    moved = set()
    for key, events in ready:
        sock, job = key.fileobj, key.data
        moved.add(job.index)
        assert isinstance(sock, socket.socket)
        if events & selectors.EVENT_WRITE and sock is job.worker and job.outgoing is not None:
            job.send()
        if events & selectors.EVENT_READ:
            job.receive(sock)
    for job in running:
        if job.index in moved:
            job.idle = 0.0
        else:
            job.idle += waited
            if job.idle > job.timeout + _STALL_SECONDS:
                job.close()  # the server stopped answering: count it as a timeout
    return [job for job in running if job.finished]


def _watch(selector: selectors.BaseSelector, job: _Job) -> None:
    if job.worker is not None:
        events = selectors.EVENT_READ | (selectors.EVENT_WRITE if job.outgoing is not None else 0)
        selector.register(job.worker, events, job)
    if job.status_socket is not None:
        selector.register(job.status_socket, selectors.EVENT_READ, job)


# --- the server side: the fork server and its workers ---------------------------------------


class _Worker(NamedTuple):
    """A worker as the server sees it: its process, a pidfd to wait on, the client's status
    socket."""

    pid: int
    pidfd: int
    status: socket.socket


def _serve(control_fd: int) -> None:
    """The fork server's loop: a worker per request, each reaped and accounted for."""
    import select

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the client's; EOF ends the server
    control = socket.socket(fileno=control_fd)
    _warm_up()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)  # from here on the client no longer reads the start-up errors
    os.close(devnull)
    control.send(b"ready")
    poller = select.poll()
    poller.register(control_fd, select.POLLIN)
    by_pidfd: dict[int, _Worker] = {}
    by_status: dict[int, _Worker] = {}  # readable only when the client closed it: gave up
    while True:
        events = [fd for fd, _ in poller.poll()]
        # The control socket last: a request opens new descriptors, which may take the number
        # of one closed earlier in this round, whose event would then reach the wrong worker.
        for fd in sorted(events, key=lambda fd: fd == control_fd):
            if fd in by_pidfd:  # a worker ended
                worker = by_pidfd.pop(fd)
                poller.unregister(fd)
                os.close(fd)
                if by_status.pop(worker.status.fileno(), None) is not None:
                    poller.unregister(worker.status)
                _, code = os.waitpid(worker.pid, 0)
                _report(worker.status, os.waitstatus_to_exitcode(code))
            elif fd in by_status:  # the client stopped waiting for it (stopped early, gone)
                worker = by_status.pop(fd)
                poller.unregister(fd)
                os.kill(worker.pid, signal.SIGKILL)  # not reaped yet: the pid is still its
            elif fd == control_fd:
                try:
                    new = _fork_worker(control, by_pidfd)
                except EOFError:  # the client and every fork of it are gone
                    for other in by_pidfd.values():
                        os.kill(other.pid, signal.SIGKILL)
                        os.waitpid(other.pid, 0)
                    return
                if new is not None:
                    by_pidfd[new.pidfd] = by_status[new.status.fileno()] = new
                    poller.register(new.pidfd, select.POLLIN)
                    poller.register(new.status, select.POLLIN)


def _fork_worker(control: socket.socket, others: dict[int, _Worker]) -> _Worker | None:
    """The worker for the request waiting on `control`; None for a malformed request or a fork
    that failed (the client is told). EOFError when the client is gone."""
    try:
        message, fds, _, _ = socket.recv_fds(control, 64, 4)
    except OSError:
        message, fds = b"", []
    if not message:
        raise EOFError
    if len(message) != _LIMITS.size or len(fds) != 2:
        for stray in fds:
            os.close(stray)
        return None
    timeout, memory = _LIMITS.unpack(message)
    worker_fd, status_fd = fds
    status = socket.socket(fileno=status_fd)
    try:
        pid = os.fork()
    except OSError:  # out of processes or memory: the client says so for this file
        os.close(worker_fd)
        _report(status, None)
        return None
    if pid == 0:
        # The worker keeps its own socket only: not the client's, nor the server's handles
        # on the other workers.
        control.close()
        status.close()
        for other in others.values():
            os.close(other.pidfd)
            other.status.close()
        _work(worker_fd, timeout, memory)  # never returns
    os.close(worker_fd)
    return _Worker(pid, os.pidfd_open(pid), status)


def _report(status: socket.socket, exit_code: int | None) -> None:
    """Tell the client how its worker ended (exit code, or the signal that ended it)."""
    if exit_code is None:
        message: dict[str, int] = {"fork_failed": 1}
    elif exit_code < 0:
        message = {"signal": -exit_code}
    else:
        message = {"exit": exit_code}
    try:
        status.setblocking(False)  # a few bytes into an empty buffer; never wait on a client
        status.send(json.dumps(message).encode())
    except OSError:
        pass  # the client gave up on this document
    status.close()


_die_with_server: Any = None  # prctl(PR_SET_PDEATHSIG, SIGKILL), resolved once in the server
_OUT_OF_MEMORY_ANSWER = json.dumps({"problem": _OUT_OF_MEMORY}, ensure_ascii=False).encode()


def _work(worker_fd: int, timeout: float, memory: int) -> None:
    """A forked worker: limits on itself, one request read, parsed and answered; then exit."""
    server = os.getppid()
    code = 0
    try:
        if _die_with_server is not None:
            _die_with_server(1, signal.SIGKILL)  # no worker outlives the server
        if os.getppid() != server:
            os._exit(1)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash costs a line, not a core file
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        conn = socket.socket(fileno=worker_fd)
        chunks = []
        while chunk := conn.recv(1 << 20):
            chunks.append(chunk)
        request = b"".join(chunks)
        del chunks
        (size,) = _META.unpack_from(request)
        head = json.loads(request[_META.size : _META.size + size])
        data = request[_META.size + size :]
        del request
        # The wall-time limit covers the parse alone, not waiting for the client to send or
        # read. SIGALRM's default action ends the process wherever it is, in native code too.
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.setitimer(signal.ITIMER_REAL, max(timeout, 0.001))  # 0 would mean no limit
        answer = _parse(str(head["reader"]), str(head["name"]), data)
        signal.setitimer(signal.ITIMER_REAL, 0)
        del data
        answer["peak_rss_kb"] = _peak_rss_kb()
        conn.sendall(json.dumps(answer, ensure_ascii=False).encode("utf-8"))
    except MemoryError:
        signal.setitimer(signal.ITIMER_REAL, 0)
        try:  # what the parse held is freed by now: room for a small answer with the peak
            message = {"problem": _OUT_OF_MEMORY, "peak_rss_kb": _peak_rss_kb()}
            reply = json.dumps(message, ensure_ascii=False).encode()
        except MemoryError:
            reply = _OUT_OF_MEMORY_ANSWER
        try:
            os.write(worker_fd, reply)
        except OSError:
            code = 3
    except BaseException:  # a bug, not the document: the client reports the exit code
        code = 1
    os._exit(code)  # no atexit hooks, no interpreter teardown: the server's state is not ours


def _parse(reader: str, name: str, data: bytes) -> dict[str, object]:
    import importlib

    from etl.readers import ReadError

    module_name, _, function_name = reader.partition(":")
    function = getattr(importlib.import_module(module_name), function_name)
    try:
        return {"text": function(Path(name), data)}
    except ReadError as exc:
        return {"problem": exc.problem}
    except RecursionError:
        return {"problem": "解析失败（文件结构嵌套过深）"}


def _peak_rss_kb() -> int:
    # VmHWM starts afresh at fork (at the worker's resident size then, shared pages included).
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _warm_up() -> None:
    """Import the readers and the document libraries and read a tiny PDF and .docx, so each
    worker starts with them loaded and their lazy state built (pypdfium2, ctypes, the
    paragraph regex): a fork keeps all of it, a worker's own work is lost when it exits."""
    global _die_with_server
    import ctypes
    import importlib
    import io
    import zipfile

    from etl import readers

    importlib.import_module(READER.partition(":")[0])
    try:
        _die_with_server = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        _die_with_server = None
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>",
    ]
    content = b"BT /F1 12 Tf 72 720 Td (1. warm) Tj ET"
    objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
    pdf = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr(
            "word/document.xml",
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>预热</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r>"
            "<w:t>1</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>",
        )
    for name, data in (("warm.pdf", bytes(pdf)), ("warm.docx", docx.getvalue())):
        with contextlib.suppress(readers.ReadError):  # loaded and warm either way
            readers.read_text(Path(name), data)


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        _serve(int(sys.argv[2]))
