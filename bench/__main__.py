"""python -m bench: the Budget Lens benchmark suite; writes bench/RESULTS.md.

    .venv/bin/python -m bench --quick     # 1M rows, queries and loaders: under a minute once
                                          # the 1M database is cached (first run adds ~30 s)
    .venv/bin/python -m bench --full      # every item at 10k / 1M / 10M rows: ~45 min on the
                                          # shared 2-core machine, 5 GB disk, 13 GB RAM at peak

Synthetic databases are cached in bench/.data/ (or --data); --scales and --only narrow a run
(e.g. --only S1 runs the page benchmark, which quick mode leaves out). Benchmark-only tools:
pip install -e '.[dev,bench]'.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench import synth
from bench.harness import Row, Target

HERE = Path(__file__).resolve().parent
MODES = {
    # scales, query rounds, L1 reports / rounds, L2 reports / rounds, reader rounds,
    # L5 .docx/.pdf reports / rounds
    "quick": {
        "scales": ["1M"],
        "rounds": 5,
        "l1": (30, 1),
        "l2": (100, 3),
        "rr": 5,
        "l5": (100, 1),
    },
    "full": {
        "scales": ["10k", "1M", "10M"],
        "rounds": 15,
        "l1": (1000, 3),
        "l2": (1000, 5),
        "rr": 15,
        "l5": (1000, 3),
    },
}
# The scale each item's target is stated for.
ROUNDS = [7]  # rounds per timed query item, set from the mode or --rounds
TARGET_SCALE = {
    "Q1": "1M",
    "Q2": "10M",
    "Q3": "1M",
    "Q4": "10M",
    "S1": "1M",
    "S2": "10M",
    "S3": "1M",
}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    mode = "full" if args.full else "quick"
    plan = MODES[mode]
    scales = args.scales.split(",") if args.scales else list(plan["scales"])
    only = set(args.only.split(",")) if args.only else None
    ROUNDS[0] = args.rounds or int(plan["rounds"])
    data = Path(args.data)
    started = time.perf_counter()
    load_at_start = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    rows: list[Row] = []

    def wanted(item: str) -> bool:
        return only is None or item in only

    def wanted_app(item: str) -> bool:
        """The app items take minutes: in full mode, or when named with --only."""
        return item in only if only is not None else mode == "full"

    def step(label: str, make: Callable[[], list[Row]]) -> None:
        began = time.perf_counter()
        print(f"bench: {label} …", file=sys.stderr, flush=True)
        new = make()
        rows.extend(new)
        print(f"bench: {label} done in {time.perf_counter() - began:.1f} s", file=sys.stderr)
        report(partial=True)  # a run stopped half-way still leaves what it measured

    scale_facts: list[str] = []

    def report(*, partial: bool) -> None:
        from bench import results

        notes = [
            f"Load average at the start of the run (1 / 5 / 15 min): {load_at_start}.",
            "",
            "## Synthetic databases",
            "",
            "| scale | reports | project rows | rows in all tables | file | generated in |",
            "|---|---|---|---|---|---|",
            *scale_facts,
        ]
        command = "python -m bench " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:]))
        results.write(
            Path(args.out),
            rows,
            mode=mode + (", PARTIAL: still running or stopped" if partial else ""),
            command=command.strip(),
            seconds=time.perf_counter() - started,
            notes=notes,
        )

    for name in scales:
        scale = synth.SCALES[name]
        db, built = synth.database(scale, data)
        counts = synth.row_counts(db)
        scale_facts.append(
            f"| {name} | {counts['documents']:,} | {counts['projects']:,} | "
            f"{sum(counts.values()):,} | {db.stat().st_size / 2**20:,.0f} MiB | "
            + (f"{built:.1f} s" if built is not None else "cached")
            + " |"
        )
        q_item = {"1M": "Q1", "10M": "Q2"}.get(name, "curve")
        if wanted(q_item) or (q_item == "curve" and wanted("Q1")):
            step(
                f"{q_item} at {name}",
                lambda db=db, name=name, q_item=q_item: _queries(db, name, pandas_item=q_item),
            )
        if wanted("Q3") and name == TARGET_SCALE["Q3"]:
            step(f"Q3 at {name}", lambda db=db, name=name: _queries(db, name, raw=True))
        last = name == scales[-1]
        if wanted("Q4") and (name == TARGET_SCALE["Q4"] or (mode == "quick" and last)):
            step(f"Q4 at {name}", lambda db=db, name=name: _queries(db, name, export=True))
        if wanted_app("S1") and name == TARGET_SCALE["S1"]:
            step(f"S1 at {name}", lambda db=db, name=name: _pages(db, name))
        if wanted_app("S2") and name in ("1M", "10M"):
            step(f"S2 at {name}", lambda db=db, name=name: _memory(db, name))
        if wanted_app("S3") and name == TARGET_SCALE["S3"]:
            step(f"S3 at {name}", lambda db=db, name=name: _cold_start(db, name))

    l1_count, l1_rounds = plan["l1"]
    l2_count, l2_rounds = plan["l2"]
    from bench import load_items

    if wanted("L1"):
        step("L1", lambda: [load_items.etl_load_row(data, l1_count, rounds=l1_rounds)])
    if wanted("L2"):
        step("L2", lambda: [load_items.extraction_row(data, l2_count, rounds=l2_rounds)])
    if wanted("L3"):
        step("L3", lambda: [load_items.pdf_row(data, rounds=int(plan["rr"]))])
    if wanted("L4"):
        step("L4", lambda: [load_items.docx_row(data, rounds=int(plan["rr"]))])
    if wanted("L5"):
        l5_count, l5_rounds = plan["l5"]
        step("L5", lambda: [load_items.documents_load_row(data, l5_count, rounds=l5_rounds)])

    report(partial=False)
    print(f"bench: wrote {args.out}", file=sys.stderr)
    return 0


def _queries(db: Path, scale: str, **what: object) -> list[Row]:
    from bench import query_items

    rows = query_items.query_rows(db, scale, rounds=ROUNDS[0], **what)  # type: ignore[arg-type]
    for row in rows:
        if row.item == "curve" or (row.item == "Q4" and scale != TARGET_SCALE["Q4"]):
            row.target = Target()  # the target is stated for another scale
    return rows


def _pages(db: Path, scale: str) -> list[Row]:
    from bench import app_items

    return app_items.page_rows(db, scale, rounds=max(3, ROUNDS[0] // 3))


def _memory(db: Path, scale: str) -> list[Row]:
    from bench import app_items

    return [app_items.memory_row(db, scale, rounds=1)]  # peak memory barely varies by run


def _cold_start(db: Path, scale: str) -> list[Row]:
    from bench import app_items

    return [app_items.cold_start_row(db, scale, rounds=5)]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    how = parser.add_mutually_exclusive_group()
    how.add_argument("--quick", action="store_true", help="10k and 1M rows, few rounds (default)")
    how.add_argument("--full", action="store_true", help="10k, 1M and 10M rows, every item")
    parser.add_argument("--scales", help="comma-separated subset of 10k,1M,10M")
    parser.add_argument("--only", help="comma-separated item ids, e.g. Q1,L2")
    parser.add_argument("--rounds", type=int, help="rounds per timed item")
    parser.add_argument("--data", default=str(HERE / ".data"), help="cache for generated data")
    parser.add_argument("--out", default=str(HERE / "RESULTS.md"), help="the Markdown report")
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
