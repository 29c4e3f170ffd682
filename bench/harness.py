"""Side-by-side timing: an item and its baseline run in the same rounds, interleaved.

Absolute times on a shared 2-core machine drift from minute to minute, so every round times
both, alternating which goes first, and the verdict uses the median of the per-round ratios;
the medians of the times are shown beside it.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Target:
    """What an item must reach: at most `max_ms` (median), at most `max_ratio` of its baseline,
    at most `max_mib` of memory, at least `min_per_s`. Any of them may be absent."""

    max_ms: float | None = None
    max_ratio: float | None = None
    max_mib: float | None = None
    min_per_s: float | None = None

    def text(self) -> str:
        parts = []
        if self.max_ms is not None:
            parts.append(f"≤ {_num(self.max_ms)} ms")
        if self.max_mib is not None:
            parts.append(f"≤ {_num(self.max_mib)} MiB")
        if self.min_per_s is not None:
            parts.append(f"≥ {_num(self.min_per_s)}/s")
        if self.max_ratio is not None:
            parts.append(f"≤ {_num(self.max_ratio)}×")
        return " and ".join(parts) or "—"


@dataclass
class Measurement:
    """Per-round samples of an item and (optionally) its baseline, in seconds or MiB."""

    ours: list[float]
    baseline: list[float] = field(default_factory=list)
    unit: str = "ms"

    @property
    def ours_median(self) -> float:
        return statistics.median(self.ours)

    @property
    def baseline_median(self) -> float | None:
        return statistics.median(self.baseline) if self.baseline else None

    @property
    def ratio(self) -> float | None:
        """Median of the per-round ratios ours / baseline."""
        if not self.baseline:
            return None
        return statistics.median(o / b for o, b in zip(self.ours, self.baseline, strict=True))


@dataclass
class Row:
    """One line of the results table."""

    item: str
    what: str
    scale: str
    measurement: Measurement | None
    target: Target
    note: str = ""
    pending: str = ""  # why the item could not run (e.g. "pending: reader not landed")
    tightened: Target | None = None  # a stricter target, where the was met easily

    def verdict(self) -> str:
        if self.pending or self.measurement is None:
            return self.pending or "not run"
        if self.target == Target():
            return "info"
        ok = _meets(self.measurement, self.target)
        word = "pass" if ok else "**FAIL**"
        if self.tightened is not None:
            word += ", tightened " + (
                "pass" if _meets(self.measurement, self.tightened) else "FAIL"
            )
        return word


def _meets(m: Measurement, target: Target) -> bool:
    value = m.ours_median
    checks = []
    if target.max_ms is not None:
        checks.append(m.unit == "ms" and value <= target.max_ms)
    if target.max_mib is not None:
        checks.append(m.unit == "MiB" and value <= target.max_mib)
    if target.min_per_s is not None:
        checks.append(m.unit == "ms" and value > 0 and 1000 / value >= target.min_per_s)
    if target.max_ratio is not None:
        checks.append(m.ratio is not None and m.ratio <= target.max_ratio)
    return all(checks)


def timed(fn: Callable[[], object]) -> float:
    """Milliseconds one call takes (garbage collected before, so one call does not pay for
    another's garbage)."""
    gc.collect()
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def side_by_side(
    ours: Callable[[], object],
    baseline: Callable[[], object] | None,
    *,
    rounds: int,
    warmup: int = 1,
    repeat: int = 1,
) -> Measurement:
    """Interleaved rounds: each round times `ours` and `baseline` (alternating which goes first);
    with repeat > 1 a sample is the mean of that many back-to-back calls (for sub-ms items)."""
    for _ in range(warmup):
        ours()
        if baseline is not None:
            baseline()

    def sample(fn: Callable[[], object]) -> float:
        if repeat == 1:
            return timed(fn)
        return timed(lambda: [fn() for _ in range(repeat)]) / repeat

    m = Measurement([])
    for index in range(rounds):
        if baseline is None:
            m.ours.append(sample(ours))
        elif index % 2 == 0:
            m.ours.append(sample(ours))
            m.baseline.append(sample(baseline))
        else:
            m.baseline.append(sample(baseline))
            m.ours.append(sample(ours))
    return m


def _num(value: float) -> str:
    return f"{value:g}" if value >= 1 else f"{value:.2g}"


def fmt_value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "MiB":
        return f"{value:,.0f} MiB"
    if value >= 1000:
        return f"{value / 1000:,.2f} s"
    if value >= 10:
        return f"{value:,.1f} ms"
    return f"{value:.2f} ms"


def fmt_ratio(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.3f}×" if value < 0.1 else f"{value:.2f}×"
