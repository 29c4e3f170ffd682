"""Document parsing under limits (etl/sandbox.py): hostile PDFs generated here, fake slow, hungry
and crashing parsers injected into the child, and the loader's and upload page's paths. Each
hostile file's wall time and the child's peak memory are printed (run with -s to see them)."""

from __future__ import annotations

import concurrent.futures
import itertools
import json
import os
import signal
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from etl import sandbox
from etl.load import load_paths
from etl.readers import ReadError
from ui.upload import preview_report

ROOT = Path(__file__).resolve().parent.parent
SEED = Path(__file__).parent / "fixtures" / "reports" / "2020-tianxin-transport-bureau.txt"
LIMIT_SECONDS = 3.0
LIMIT_BYTES = 512 * 1024 * 1024


def pdf(objects: list[bytes]) -> bytes:
    """A PDF whose object N+1 is objects[N], catalog = 1, with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def stream(content: bytes, *, flate: bool = False) -> bytes:
    data = zlib.compress(content, 9) if flate else content
    extra = b" /Filter /FlateDecode" if flate else b""
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"
TEXT = stream(b"BT /F1 12 Tf 72 720 Td (hello) Tj ET")


def self_kids() -> bytes:
    """A page tree whose /Kids holds the tree itself: a naive walk never ends."""
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            PAGE,
            TEXT,
        ]
    )


def parent_cycle() -> bytes:
    """Two page-tree nodes that are each other's only kid."""
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 /Parent 3 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R] /Count 1 /Parent 2 0 R >>",
            TEXT,
        ]
    )


def nested_arrays(depth: int = 200_000) -> bytes:
    """A page whose /MediaBox and content are arrays nested 200,000 deep: a recursive parser's stack."""
    deep = b"[" * depth + b"]" * depth
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /Deep " + deep + b" >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Annots "
            + deep
            + b" >>",
            stream(b"BT /F1 12 Tf 72 720 Td " + deep + b" TJ ET"),
        ]
    )


def nested_dicts(depth: int = 100_000) -> bytes:
    """Dictionaries nested 100,000 deep in the catalog and the page's resources."""
    deep = b"<< /A " * depth + b"1" + b" >>" * depth
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /Deep " + deep + b" >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources "
            + deep
            + b" >>",
            TEXT,
        ]
    )


def ref_chain(length: int = 50_000) -> bytes:
    """A /Contents reached through 50,000 indirect references, the last pointing at the first."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"]
    objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>")
    first = 4
    for n in range(length):
        target = first + n + 1 if n + 1 < length else first
        objects.append(b"%d 0 R" % target)
    return pdf(objects)


def flate_bomb() -> bytes:
    """A 1 MB page stream that inflates to 1 GB of text-drawing operators."""
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            PAGE,
            stream(b"BT /F1 12 Tf (a) Tj ET\n" * (1024 * 1024 * 1024 // 23), flate=True),
        ]
    )


def huge_pages(pages: int = 20_000) -> bytes:
    """A page tree declaring 20,000 pages that all share one content stream."""
    kids = b" ".join(b"3 0 R" for _ in range(pages))
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
            PAGE,
            TEXT,
        ]
    )


@pytest.fixture(scope="session")
def large_pdf(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """500 pages of dense text made by fpdf2 (a real, valid, very large report)."""
    from fpdf import FPDF

    document = FPDF()
    document.set_font("Helvetica", size=9)
    line = "Budget execution line item 1234567.89 yuan, adjusted 2345678.90 yuan. " * 2
    for page in range(500):
        document.add_page()
        for row in range(50):  # 50 rows of 4.5 mm fit one A4 page: 500 pages, not 1000
            document.cell(0, 4.5, f"{page}.{row} {line}", new_x="LMARGIN", new_y="NEXT")
    path = tmp_path_factory.mktemp("large") / "large.pdf"
    document.output(str(path))
    return path.read_bytes()


HOSTILE = {
    "self_kids": self_kids,
    "parent_cycle": parent_cycle,
    "nested_arrays": nested_arrays,
    "nested_dicts": nested_dicts,
    "ref_chain": ref_chain,
    "flate_bomb": flate_bomb,
    "huge_pages": huge_pages,
}
COSTS: dict[str, tuple[float, int | None, str]] = {}


def parse(name: str, data: bytes) -> tuple[float, str]:
    """Outcome of the real reader under the shipped limits: ('text', …) or ('error', message)."""
    started = time.monotonic()
    try:
        text = sandbox.read_text(Path(name), data)
        outcome = f"text ({len(text)} chars)"
    except ReadError as exc:
        message = str(exc)
        assert "\n" not in message and message.startswith(name + ": ")
        outcome = f"ReadError: {exc.problem}"
    elapsed = time.monotonic() - started
    usage = sandbox.last_usage
    COSTS[name] = (elapsed, usage.peak_rss_kb, outcome)
    peak = f"{usage.peak_rss_kb / 1024:.0f} MB" if usage.peak_rss_kb else "killed"
    print(f"\n[hostile] {name}: {elapsed:.2f} s, peak {peak}, {outcome}")
    return elapsed, outcome


@pytest.mark.parametrize("build", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_pdf_ends_within_limits(build: object) -> None:
    data = build()  # type: ignore[operator]
    elapsed, _ = parse(f"{build.__name__}.pdf", data)  # type: ignore[attr-defined]
    assert elapsed < sandbox.TIMEOUT_SECONDS + 5


def test_large_pdf_reads_within_limits(large_pdf: bytes) -> None:
    elapsed, outcome = parse("large-500-pages.pdf", large_pdf)
    assert outcome.startswith("text"), outcome
    assert elapsed < sandbox.TIMEOUT_SECONDS
    assert large_pdf.count(b"/Type /Page\n") == 500


@pytest.mark.parametrize("reader", ["slow", "spin"])
def test_wall_time_limit_stops_a_stuck_parser(reader: str) -> None:
    started = time.monotonic()
    with pytest.raises(ReadError, match=r"^stuck\.pdf: 解析超时（>3 秒）"):
        sandbox.read_text(
            Path("stuck.pdf"),
            b"%PDF-1.4",
            timeout=LIMIT_SECONDS,
            reader=f"tests.hostile_parsers:{reader}",
        )
    assert time.monotonic() - started < LIMIT_SECONDS + 2


def test_memory_limit_stops_a_hungry_parser() -> None:
    with pytest.raises(ReadError, match=r"^bomb\.docx: 解析超出内存上限$"):
        sandbox.read_text(
            Path("bomb.docx"),
            b"PK",
            memory_bytes=LIMIT_BYTES,
            reader="tests.hostile_parsers:hungry",
        )


def test_crashing_parser_is_one_line_error() -> None:
    with pytest.raises(ReadError, match=r"^dies\.pdf: 解析失败（解析进程被信号 6 终止"):
        sandbox.read_text(Path("dies.pdf"), b"%PDF-1.4", reader="tests.hostile_parsers:crash")


def test_limits_leave_real_reports_unchanged() -> None:
    from etl.readers import read_text

    for path in sorted((SEED.parent).glob("*.*")):
        if path.suffix in (".pdf", ".docx"):
            assert sandbox.read_text(path, path.read_bytes()) == read_text(path)


def test_loader_batch_goes_on_past_a_stuck_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sandbox, "READER", "tests.hostile_parsers:slow_on_marker")
    monkeypatch.setattr(sandbox, "TIMEOUT_SECONDS", LIMIT_SECONDS)
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "a-stuck.pdf").write_bytes(b"%PDF-1.4 HANG")
    (reports / "b-good.txt").write_bytes(SEED.read_bytes())
    results = load_paths([reports], tmp_path / "budget.duckdb")
    by_name = {result.path.name: result for result in results}
    assert by_name["a-stuck.pdf"].status == "failed"
    assert by_name["a-stuck.pdf"].message.startswith("解析超时（>3 秒）")
    assert by_name["b-good.txt"].status != "failed"


def test_upload_preview_reports_a_stuck_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "READER", "tests.hostile_parsers:slow_on_marker")
    monkeypatch.setattr(sandbox, "TIMEOUT_SECONDS", LIMIT_SECONDS)
    preview = preview_report("../../etc/上传.pdf", b"%PDF-1.4 HANG", 20)
    assert preview.report is None
    assert preview.error is not None and preview.error.startswith("解析超时（>3 秒）")


def test_workers_are_fresh_forks_of_one_warm_server() -> None:
    # No interpreter start per file: each file gets a new fork (never a worker an earlier file
    # used) of one server, which was started without site and holds the document libraries
    # already, and which has one thread (forking a process with threads copies their locks).
    probes = [
        json.loads(text)
        for text in sandbox.read_texts(
            [(Path(f"probe-{n}.docx"), b"PK") for n in range(4)],
            reader="tests.hostile_parsers:whoami",
        )
    ]
    server = sandbox.start()
    assert {probe["ppid"] for probe in probes} == {server}
    assert len({probe["pid"] for probe in probes}) == 4
    for probe in probes:
        modules = set(probe["modules"])
        assert {"etl.readers", "pypdfium2"} <= modules
        # The server pays for its imports once (the ruled-table reader brings dataclasses):
        # what a worker must never carry is the site machinery of a normal interpreter start.
        assert "site" not in modules, modules
    assert os.listdir(f"/proc/{server}/task") == [str(server)]


MIXED_TIMEOUT = 3.0
MARKED = {  # file name -> its bytes and the outcome the batch must give for it
    "hang.pdf": (b"%PDF-1.4 HANG", "解析超时（>3 秒）：文件可能已损坏或被构造为无限循环"),
    "crash.docx": (b"PK CRASH", "解析失败（解析进程被信号 6 终止，可能超出内存上限）"),
    "hog.pdf": (b"%PDF-1.4 HOG", "解析超出内存上限"),
    "deep.docx": (b"PK DEEP", "解析失败（文件结构嵌套过深）"),
    "broken.pdf": (b"%PDF-1.4 no end marker", "PDF 文件不完整"),
}


def test_many_files_at_once_keep_their_order_past_hostile_ones() -> None:
    """The loader's batch API: 40 files in flight two at a time, real reports between files
    that hang, crash, balloon or recurse, and files the caller could not read; each costs its
    own error and nothing else."""
    from etl.readers import read_text

    reports = [p for p in sorted(SEED.parent.glob("*.*")) if p.suffix in (".pdf", ".docx")]
    reports.append(SEED)  # plain text: decoded in this process, in its place in the order
    files: list[tuple[Path, bytes | ReadError]] = []
    for n in range(40):
        if n % 8 == 3:
            name = list(MARKED)[(n // 8) % len(MARKED)]
            files.append((Path(f"{n:02d}-{name}"), MARKED[name][0]))
        elif n % 8 == 6:  # a file the caller could not read stands in with its error
            path = Path(f"{n:02d}-unreadable.pdf")
            files.append((path, ReadError(path, "无法读取文件（Permission denied）")))
        else:
            report = reports[n % len(reports)]
            files.append((Path(f"{n:02d}-{report.name}"), report.read_bytes()))
    server = sandbox.start()
    outcomes = list(
        sandbox.read_texts(
            files,
            jobs=2,
            timeout=MIXED_TIMEOUT,
            memory_bytes=LIMIT_BYTES,
            reader="tests.hostile_parsers:by_marker",
        )
    )
    assert len(outcomes) == len(files)
    for (path, data), outcome in zip(files, outcomes, strict=True):
        marked = path.name[3:]
        if isinstance(data, ReadError):
            assert outcome is data
        elif marked in MARKED:
            assert isinstance(outcome, ReadError), path
            assert str(outcome).startswith(f"{path.name}: {MARKED[marked][1]}"), outcome
        else:
            assert outcome == read_text(path, data), path
    assert sandbox.start() == server  # the server outlived every worker that failed


def test_files_in_flight_are_parsed_at_the_same_time() -> None:
    spans = [
        tuple(map(float, str(text).split()))
        for text in sandbox.read_texts(
            [(Path(f"nap-{n}.pdf"), b"%PDF-1.4") for n in range(4)],
            jobs=2,
            reader="tests.hostile_parsers:nap",
        )
    ]
    overlapping = sum(
        1 for (a0, a1), (b0, b1) in itertools.combinations(spans, 2) if a0 < b1 and b0 < a1
    )
    assert overlapping >= 2, spans  # two at a time: at least the pairs 0-1 and 2-3


def test_threads_share_the_server_as_the_app_does() -> None:
    # Streamlit serves each session in a thread of its own; every upload parses through the
    # same server, and this process (with its threads) is never forked.
    from etl.readers import read_text

    pdf = next(SEED.parent.glob("*.pdf"))
    expected = read_text(pdf)
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        texts = list(pool.map(lambda _: sandbox.read_text(pdf, pdf.read_bytes()), range(24)))
    assert texts == [expected] * 24


def test_a_server_that_died_is_replaced() -> None:
    pdf = next(SEED.parent.glob("*.pdf"))
    first = sandbox.start()
    os.kill(first, signal.SIGKILL)
    os.waitpid(first, 0)
    assert sandbox.read_text(pdf, pdf.read_bytes()).strip()
    assert sandbox.start() != first


def test_stopping_early_ends_the_workers_in_flight() -> None:
    pdf = next(SEED.parent.glob("*.pdf"))
    server = sandbox.start()
    children = Path(f"/proc/{server}/task/{server}/children")
    outcomes = sandbox.read_texts(
        [(pdf, pdf.read_bytes()), (Path("hang.pdf"), b"%PDF-1.4 HANG")],
        jobs=2,
        reader="tests.hostile_parsers:slow_on_marker",
    )
    assert isinstance(next(outcomes), str)
    assert _until(lambda: bool(children.read_text().split()))  # the hanging file's worker
    outcomes.close()  # a caller leaving early: an error mid-load, a closed page
    assert _until(lambda: not children.read_text().split()), "a worker outlived its caller"


def _until(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    """Whether `condition` holds within `seconds` (a bounded wait for another process)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


_DYING_CLIENT = """
import sys
from pathlib import Path
from etl import sandbox

print(sandbox.start(), flush=True)
sandbox.read_text(Path("hang.pdf"), b"%PDF-1.4 HANG", reader="tests.hostile_parsers:slow_on_marker")
"""


def test_a_client_that_dies_leaves_no_server_and_no_worker() -> None:
    # The loader or the app killed mid-parse: the server sees its socket close, ends the
    # worker and exits; a worker would also die with the server (PR_SET_PDEATHSIG).
    client = subprocess.Popen(
        [sys.executable, "-c", _DYING_CLIENT], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert client.stdout is not None
    server = int(client.stdout.readline())
    children = Path(f"/proc/{server}/task/{server}/children")
    assert _until(lambda: bool(children.read_text().split()))
    (worker,) = map(int, children.read_text().split())
    client.kill()
    client.wait()
    assert _until(lambda: not _alive(server) and not _alive(worker))


def _alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie waiting for init to reap it has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"
