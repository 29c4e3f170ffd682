"""Extraction speed on the test corpus: reports per second and ms per report, by format.

    .venv/bin/python bench/extract_speed.py [--seconds 2] [--profile]

Each report's bytes are read from disk once; the timed loop then runs the reader (decode / .docx
XML / PDF text layer) and the extractor with every check, as `etl extract` does, on one core.
"Extract only" times extract_report + check_report on the already-decoded text: the part that
must stay well under 10 ms per report for plain text.

Times are CPU time of this process (time.process_time), so other work on a shared machine does
not count against the extractor; the wall-clock rate is printed beside it.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl.checks import check_report  # noqa: E402
from etl.extract import extract_report  # noqa: E402
from etl.readers import SUPPORTED_SUFFIXES, read_text  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "reports"


def analyse(text: str) -> None:
    report = extract_report(text)
    report.checks = check_report(report)


def timed(run: object, seconds: float) -> tuple[int, float, float]:
    """Calls of `run` in about `seconds` of CPU time, and the CPU and wall time they took."""
    assert callable(run)
    count, start, wall = 0, time.process_time(), time.perf_counter()
    while True:
        run()
        count += 1
        elapsed = time.process_time() - start
        if elapsed >= seconds:
            return count, elapsed, time.perf_counter() - wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="time per measurement")
    parser.add_argument("--profile", action="store_true", help="profile text extraction")
    args = parser.parse_args()

    paths = sorted(p for p in CORPUS.iterdir() if p.suffix in SUPPORTED_SUFFIXES)
    files = {p: p.read_bytes() for p in paths}
    texts = {p: read_text(p, data) for p, data in files.items()}
    by_format: dict[str, list[Path]] = defaultdict(list)
    for p in paths:
        by_format[p.suffix].append(p)

    for p in paths:  # warm up: regex compilation, the PDF library, caches
        analyse(read_text(p, files[p]))

    print(f"corpus: {len(paths)} reports in {CORPUS.relative_to(ROOT)}, {args.seconds:g} s each")
    print(
        f"{'format':<8}{'reports':>8}{'reports/s':>12}{'ms/report':>11}{'extract only':>15}"
        f"{'wall reports/s':>17}"
    )
    for suffix, group in sorted(by_format.items()):

        def full(group: list[Path] = group) -> None:
            for p in group:
                analyse(read_text(p, files[p]))

        def extract_only(group: list[Path] = group) -> None:
            for p in group:
                analyse(texts[p])

        n, elapsed, wall = timed(full, args.seconds)
        rate = n * len(group) / elapsed
        m, elapsed_x, _ = timed(extract_only, args.seconds)
        ms_x = elapsed_x / (m * len(group)) * 1000
        print(
            f"{suffix:<8}{len(group):>8}{rate:>12.0f}{1000 / rate:>11.3f}{ms_x:>12.3f} ms"
            f"{n * len(group) / wall:>17.0f}"
        )
    if args.profile:
        text_paths = by_format[".txt"]
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(200):
            for p in text_paths:
                analyse(texts[p])
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
    return 0


if __name__ == "__main__":
    sys.exit(main())
