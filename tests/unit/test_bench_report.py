"""The benchmark's bookkeeping: percentiles, summaries over a window, and the page it rewrites
without touching what was written there by hand. (No timing is asserted anywhere.)"""

from __future__ import annotations

from pathlib import Path

from bench.report import write_section
from bench.stats import Recorder, percentile


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.50) == 50.0
    assert percentile(values, 0.99) == 99.0
    assert percentile([3.0], 0.99) == 3.0
    assert percentile([], 0.5) == 0.0


def test_summary_counts_only_the_window() -> None:
    rec = Recorder()
    rec.add("create", started=1.0, seconds=0.1)  # warm-up: left out
    rec.add("create", started=11.0, seconds=0.2)
    rec.add("create", started=12.0, seconds=0.4)
    rec.completions += [5.0, 11.5, 12.5, 25.0]
    rec.fail("mail", "TimeoutError")
    summary = rec.summary(10.0, 20.0)
    assert summary["completed"] == 2 and summary["per_second"] == 0.2
    assert summary["latency"]["create"]["n"] == 2
    assert summary["latency"]["create"]["p99_ms"] == 400.0
    assert summary["errors"] == {"mail: TimeoutError": 1}


def test_write_section_keeps_the_hand_written_parts(tmp_path: Path) -> None:
    page = tmp_path / "benchmarks.md"
    write_section("latest", "first run", page)
    page.write_text(page.read_text() + "\n## Tuning\n\nkept by hand\n")
    write_section("latest", "second run", page)
    write_section("scale", "scale run", page)
    text = page.read_text()
    assert "second run" in text and "first run" not in text
    assert "scale run" in text and "kept by hand" in text
