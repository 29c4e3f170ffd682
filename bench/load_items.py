"""L1-L5: loading 1,000 text reports, extraction speed, the PDF and .docx readers, and loading
1,000 .docx/.pdf reports through the sandbox."""

from __future__ import annotations

import contextlib
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from bench.documents import build_docx, build_pdf, pdf_pages, write_documents
from bench.harness import Measurement, Row, Target, side_by_side, timed
from bench.report_texts import figures_for, write_reports
from etl import readers
from etl.extract import extract_report

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).with_name("fixtures")
TARGETS = {
    "L1": Target(max_ms=500, max_ratio=0.1),
    "L2": Target(max_ms=1.0, min_per_s=1000),  # issue 11: plain text ≤ 1 ms a report, one core
    "L3": Target(max_ms=10, max_ratio=0.1),
    "L4": Target(max_ms=1, max_ratio=0.15),
    "L5": Target(max_ms=30_000),
}


def _run(argv: list[str]) -> None:
    subprocess.run(argv, cwd=ROOT, check=True, capture_output=True)


def etl_load_row(data_dir: Path, count: int, *, rounds: int) -> Row:
    """L1: `python -m etl load FOLDER --db FILE` as a whole process, against the row-by-row
    loader (also a whole process), each into a new database every round."""
    folder = data_dir / f"reports-{count}"
    paths = write_reports(folder, count)
    work = Path(tempfile.mkdtemp(prefix="bench-l1-"))
    load = [sys.executable, "-m", "etl", "load"]
    try:

        def fresh(name: str) -> Path:
            target = work / name
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir()
            return target / "budget.duckdb"

        def ours() -> None:
            _run([*load, str(folder), "--db", str(fresh("ours"))])

        def baseline() -> None:
            db = fresh("rowwise")
            _run([sys.executable, "-m", "bench.rowwise_loader", str(db), *map(str, paths)])

        cpu = {"ours": 0.0, "rowwise": 0.0}

        def child_cpu() -> float:
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            return usage.ru_utime + usage.ru_stime

        def counted(name: str, fn: Callable[[], None]) -> Callable[[], None]:
            def run() -> None:
                before = child_cpu()
                fn()
                cpu[name] += child_cpu() - before

            return run

        m = side_by_side(
            counted("ours", ours), counted("rowwise", baseline), rounds=rounds, warmup=0
        )
        reports = _count_documents(work / "ours" / "budget.duckdb")
        # The floor, in the same run: the same command with no reports (interpreter, imports,
        # a new file with the schema, the summary refresh and the swap).
        empty = work / "no-reports"
        empty.mkdir()
        floor = [
            timed(lambda: _run([*load, str(empty), "--db", str(fresh("floor"))]))
            for _ in range(max(rounds, 3))
        ]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Row(
        "L1",
        f"ETL of {count:,} text reports into a new DuckDB file, whole process"
        " vs a row-by-row INSERT loader",
        f"{count:,} reports",
        m,
        TARGETS["L1"] if count >= 1000 else Target(),
        note=f"{reports:,} reports in the database after each run; CPU time (user + sys) per"
        f" run: ours {cpu['ours'] / rounds:.1f} s, row-by-row"
        f" {cpu['rowwise'] / rounds:.1f} s. Floor, the same command with no reports (python"
        f" start, imports, new file + schema, swap): {statistics.median(floor):,.0f} ms, so"
        f" {(m.ours_median - statistics.median(floor)) / count:,.2f} ms per report above it",
    )


def _count_documents(db: Path) -> int:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        return int(con.execute("SELECT count(*) FROM documents").fetchall()[0][0])


def extraction_row(data_dir: Path, count: int, *, rounds: int) -> Row:
    """L2: read_text + extract_report per report, in this process, one core."""
    paths = write_reports(data_dir / f"reports-{count}", count)

    def one_pass() -> None:
        for path in paths:
            extract_report(readers.read_text(path))

    one_pass()
    samples = [timed(one_pass) / len(paths) for _ in range(rounds)]
    chars = sum(len(p.read_text(encoding="utf-8")) for p in paths) // len(paths)
    return Row(
        "L2",
        "extraction of a plain-text report in process (read_text + extract_report), one core",
        f"{count:,} reports, {chars:,} chars each",
        Measurement(samples),
        TARGETS["L2"],
        note=f"{1000 / sorted(samples)[len(samples) // 2]:,.0f} reports/s",
    )


def pdf_fixture() -> tuple[Path, str]:
    """bench/fixtures/report-4-pages.pdf and the text it was made from (built when missing)."""
    path = FIXTURES / "report-4-pages.pdf"
    return path, build_pdf(figures_for(3), path)


def _figures_intact(text: str, source: str) -> str:
    """'' when every number and every CJK character run of the source survives in `text`."""
    flat = re.sub(r"\s+", "", text)
    numbers = re.findall(r"\d+(?:\.\d+)?", source)
    missing = [n for n in numbers if n not in flat]
    if missing:
        return f"numbers lost: {missing[:5]}"
    extracted = extract_report(text)
    expected = extract_report(source)
    got = {k: v.value for k, v in extracted.figures.items()}
    want = {k: v.value for k, v in expected.figures.items()}
    if got != want:
        return "extracted figures differ from the source text's"
    return ""


def pdf_row(data_dir: Path, *, rounds: int) -> Row:
    """L3: our PDF reader (pypdfium2) vs pdfplumber on the same 4-page report."""
    # Committed: fpdf2 takes a minute to embed the CJK font on this machine. Delete both files
    # to build them again (python -c "from bench.load_items import ...; pdf_fixture()").
    path, source = pdf_fixture()
    data = path.read_bytes()
    import pypdfium2

    try:
        import pdfplumber
    except ImportError:
        return Row(
            "L3",
            "PDF text of a 4-page report",
            "",
            None,
            TARGETS["L3"],
            pending="pending: pdfplumber not installed (pip install -e '.[bench]')",
        )

    def ours() -> str:
        return readers.read_text(path, data)

    def baseline() -> str:
        with pdfplumber.open(path) as pdf:
            return "\n".join(page.extract_text() or "" for page in pdf.pages)

    def floor() -> None:
        # PDFium's own work before any text is read: the document, each page (the content
        # stream parsed, each glyph's box computed from its outline) and each text page.
        document = pypdfium2.PdfDocument(data)
        try:
            for index in range(len(document)):
                document[index].get_textpage()
        finally:
            document.close()

    problem = _figures_intact(ours(), source)
    m = side_by_side(ours, baseline, rounds=rounds)
    bare = side_by_side(floor, baseline, rounds=rounds)
    return Row(
        "L3",
        "PDF text of a 4-page report: etl.readers (pypdfium2) vs pdfplumber",
        f"{pdf_pages(path)} pages",
        m,
        TARGETS["L3"],
        note=(problem or "CJK text and every figure intact")
        + f"; floor: PDFium loading the document, its pages and text pages (no text read yet)"
        f" takes {bare.ours_median:.1f} ms against pdfplumber's {bare.baseline_median or 0:.1f} ms"
        f" in the same rounds, {bare.ratio or 0:.2f}×",
    )


def docx_row(data_dir: Path, *, rounds: int) -> Row:
    """L4: our .docx reader (zip + XML) vs python-docx, paragraphs and table cells."""
    f = figures_for(3)
    path = build_docx(f, data_dir / "report.docx")
    data = path.read_bytes()
    import io
    import zipfile
    from xml.etree import ElementTree

    import docx

    def ours() -> str:
        return readers.read_text(path, data)

    def baseline() -> str:
        document = docx.Document(str(path))
        lines = [p.text for p in document.paragraphs]
        for table in document.tables:
            lines.extend("\t".join(c.text for c in row.cells) for row in table.rows)
        return "\n".join(lines)

    def floor() -> None:
        # The least any reader does: the zip directory, word/document.xml inflated and parsed.
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            ElementTree.fromstring(archive.read("word/document.xml"))

    text = ours()
    problem = "" if all(name in text for name, _ in f.projects) else "table cells lost"
    m = side_by_side(ours, baseline, rounds=rounds, repeat=10)
    low = side_by_side(floor, ours, rounds=rounds, repeat=10)
    return Row(
        "L4",
        ".docx text incl. table cells: etl.readers (zip + XML) vs python-docx",
        "1 report",
        m,
        TARGETS["L4"],
        note=(problem or "every paragraph and table cell read")
        + f"; floor: unzipping and parsing word/document.xml alone takes {low.ours_median:.2f} ms"
        f" against our reader's {low.baseline_median or 0:.2f} ms in the same rounds,"
        f" {low.ratio or 0:.2f}×",
    )


def documents_load_row(data_dir: Path, count: int, *, rounds: int) -> Row:
    """L5: `python -m etl load FOLDER --db FILE` of .docx and .pdf reports as a whole process,
    each file parsed in a fork of the sandbox's fork server, against the same load through the
    per-file sandbox it replaced (a new interpreter per file: bench/per_file_sandbox.py), each
    into a new database every round."""
    folder = data_dir / f"documents-{count}"
    paths = write_documents(folder, count)
    work = Path(tempfile.mkdtemp(prefix="bench-l5-"))
    cpu = {"ours": 0.0, "per-file": 0.0}
    stored: dict[str, int] = {}

    def load(name: str, module: str) -> Callable[[], None]:
        def run() -> None:
            target = work / name
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir()
            with _counting_cpu(cpu, name):
                _run(
                    [sys.executable, "-m", module, "load", str(folder), "--db", str(target / "db")]
                )
            stored[name] = _count_documents(target / "db")

        return run

    try:
        m = side_by_side(
            load("ours", "etl"), load("per-file", "bench.per_file_sandbox"), rounds=rounds, warmup=0
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    start, first, warm, memory = _pool_facts(paths)
    pdfs = sum(1 for path in paths if path.suffix == ".pdf")
    return Row(
        "L5",
        f"ETL of {count:,} .docx/.pdf reports into a new DuckDB file, whole process: each file"
        " parsed in a fork of the sandbox's fork server vs the per-file sandbox (a new"
        " interpreter per file), both under the same limits",
        f"{count - pdfs:,} .docx + {pdfs:,} .pdf",
        m,
        TARGETS["L5"] if count >= 1000 else Target(),
        note=f"{stored.get('ours', 0):,} and {stored.get('per-file', 0):,} reports in the"
        f" database after each run; CPU time (user + sys, every process) per run: ours"
        f" {cpu['ours'] / rounds:.1f} s, per-file {cpu['per-file'] / rounds:.1f} s. Cold start of"
        f" the pool (exec, imports, warm-up, until it answers): {start:.0f} ms, then the first"
        f" 4-page PDF {first:.1f} ms against {warm:.1f} ms warm (medians). Memory per worker:"
        f" {memory}",
    )


@contextlib.contextmanager
def _counting_cpu(cpu: dict[str, float], name: str) -> Iterator[None]:
    """Adds the CPU time of the command run inside, and of every process it left behind, to
    cpu[name]. The loader's workers each start a fork server that outlives them by a moment:
    as a subreaper this process inherits and waits for it, so its CPU is counted too."""
    import ctypes

    prctl = ctypes.CDLL(None, use_errno=True).prctl
    set_child_subreaper = 36
    before_children = _children()

    def used() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    before = used()
    prctl(set_child_subreaper, 1)
    try:
        yield
    finally:
        for pid in _children() - before_children:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)  # a fork server whose client is gone: it exits at once
        prctl(set_child_subreaper, 0)
        cpu[name] += used() - before


def _children() -> set[int]:
    tasks = Path("/proc/self/task")
    return {int(pid) for task in tasks.iterdir() for pid in (task / "children").read_text().split()}


def _pool_facts(paths: list[Path]) -> tuple[float, float, float, str]:
    """The fork server's cold start, the first PDF after it and a warm one (ms, medians of 5),
    and what a worker holds in memory for a PDF and a .docx, beside the per-file child's peak."""
    from bench import per_file_sandbox
    from etl import sandbox

    pdf = next(path for path in paths if path.suffix == ".pdf")
    docx = next(path for path in paths if path.suffix == ".docx")
    starts, firsts, warms = [], [], []
    for _ in range(5):
        sandbox.stop()
        starts.append(timed(sandbox.start))
        firsts.append(timed(lambda: sandbox.read_text(pdf, pdf.read_bytes())))
        warms.append(timed(lambda: sandbox.read_text(pdf, pdf.read_bytes())))
    kinds = []
    for path in (pdf, docx):
        worker = json.loads(
            sandbox.read_text(
                path, path.read_bytes(), reader="bench.worker_memory:read_and_measure"
            )
        )
        per_file_sandbox.read_text(path, path.read_bytes())
        old_peak = per_file_sandbox.last_usage.peak_rss_kb or 0
        kinds.append(
            f"{path.suffix}: peak RSS {worker['peak_rss_kb'] / 1024:.1f} MiB, of it"
            f" {worker['private_kb'] / 1024:.1f} MiB its own (the rest shared with the server,"
            f" PSS {worker['pss_kb'] / 1024:.1f} MiB); per-file child's peak RSS"
            f" {old_peak / 1024:.1f} MiB"
        )
    server = sandbox.start()
    rollup = Path(f"/proc/{server}/smaps_rollup").read_text()
    rss = next(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Rss:"))
    sandbox.stop()
    memory = "; ".join(kinds) + f"; the server {rss / 1024:.1f} MiB RSS, one per client process"
    med = statistics.median
    return med(starts), med(firsts), med(warms), memory
