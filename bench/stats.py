"""What a load phase records, and its summary over the measured window."""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def spread(seconds: list[float]) -> dict[str, Any]:
    """How many calls, and their median, p95 and p99 in milliseconds."""
    return {
        "n": len(seconds),
        "p50_ms": 1000 * percentile(seconds, 0.50),
        "p95_ms": 1000 * percentile(seconds, 0.95),
        "p99_ms": 1000 * percentile(seconds, 0.99),
    }


@dataclass
class Recorder:
    """Latency samples per step (start time, seconds), completions, and errors per step."""

    samples: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    completions: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)

    def add(self, step: str, started: float, seconds: float) -> None:
        self.samples.setdefault(step, []).append((started, seconds))

    def fail(self, step: str, reason: str) -> None:
        self.errors[f"{step}: {reason}"] += 1

    def complete(self) -> None:
        self.completions.append(time.perf_counter())

    async def timed(self, step: str, call: Awaitable[T]) -> T:
        started = time.perf_counter()
        result = await call
        self.add(step, started, time.perf_counter() - started)
        return result

    def summary(
        self, window_start: float, window_end: float, keep_values: bool = False
    ) -> dict[str, Any]:
        """Throughput over the window; latency of the calls that began in it (each one's
        seconds too with `keep_values`, for `pooled`); every error."""
        seconds = window_end - window_start
        done = sum(window_start <= t < window_end for t in self.completions)
        latency: dict[str, dict[str, Any]] = {}
        for step, samples in self.samples.items():
            values = [s for started, s in samples if window_start <= started < window_end]
            latency[step] = spread(values) | ({"values_s": values} if keep_values else {})
        return _summary(seconds, done, len(self.completions), latency, self.errors)


def pooled(summaries: list[dict[str, Any]]) -> dict[str, Any]:
    """One summary of several windows run apart (`keep_values` summaries): their throughput
    over their summed length, each step's percentiles over every call, their errors added."""
    seconds = sum(s["window_s"] for s in summaries)
    done = sum(s["completed"] for s in summaries)
    values: dict[str, list[float]] = {}
    errors: Counter[str] = Counter()
    for summary in summaries:
        for step, found in summary["latency"].items():
            values.setdefault(step, []).extend(found["values_s"])
        errors.update(summary["errors"])
    total = sum(s["completed_total"] for s in summaries)
    latency = {step: spread(found) for step, found in values.items()}
    return _summary(seconds, done, total, latency, errors)


def _summary(
    seconds: float,
    done: int,
    total: int,
    latency: dict[str, dict[str, Any]],
    errors: Counter[str],
) -> dict[str, Any]:
    """A phase's result: `done` completed in the measured `seconds`, `total` in the phase."""
    return {
        "window_s": seconds,
        "completed": done,
        "per_second": done / seconds if seconds > 0 else 0.0,
        "completed_total": total,
        "latency": latency,
        "errors": dict(errors),
    }
