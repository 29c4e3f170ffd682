"""A reader for bench L5's memory figures: reads the document as etl.readers does, then answers
with the worker's own memory (from /proc/self) instead of the text. Imports nothing else, so
the figures are the parse's and the worker's, not the benchmark's."""

from __future__ import annotations

import json
from pathlib import Path


def read_and_measure(path: Path, data: bytes) -> str:
    from etl.readers import read_text

    chars = len(read_text(path, data))
    fields = {}
    for name in ("/proc/self/smaps_rollup", "/proc/self/status"):
        for line in Path(name).read_text().splitlines():
            key, _, value = line.partition(":")
            if value.strip().endswith("kB"):
                fields[key] = int(value.split()[0])
    return json.dumps(
        {
            "chars": chars,
            "peak_rss_kb": fields["VmHWM"],
            "rss_kb": fields["Rss"],
            "pss_kb": fields["Pss"],
            "private_kb": fields["Private_Clean"] + fields["Private_Dirty"],
        }
    )
