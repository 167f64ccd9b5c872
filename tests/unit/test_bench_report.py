"""The benchmark's bookkeeping: percentiles, summaries over a window, and the page it rewrites
without touching what was written there by hand. (No timing is asserted anywhere.)"""

from __future__ import annotations

from pathlib import Path

from bench.report import scale_report, write_section
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


def _latency(p99_ms: float) -> dict[str, float]:
    return {"n": 240, "p50_ms": p99_ms / 2, "p95_ms": p99_ms * 0.9, "p99_ms": p99_ms}


def test_the_scale_target_judges_every_step_the_mail_included() -> None:
    steps = ("create", "details", "confirm", "mail", "activate", "pdf")
    empty = {"latency": {step: _latency(100.0) for step in steps}}
    slower_mail = {
        "latency": {step: _latency(150.0 if step == "mail" else 100.0) for step in steps}
    }
    run = {
        "empty": empty,
        "full": slower_mail,
        "fill": {"window_s": 900.0, "per_second": 11.1, "completed_total": 10_000},
        "pending": 10_000,
        "worker_rss_kib": 400 * 1024,
        "worker_peak_kib": 410 * 1024,
        "db_bytes": 345 * 2**20,
        "db_growth_bytes": 330 * 2**20,
        "machine": {"date": "2026-12-04 19:45 UTC", "cpu": "2 cores", "memory": "23.5 GiB"},
        "settings": {"fill_users": 16, "probe_rate": 2.0},
    }
    report = scale_report(run)
    assert "| mail | 50.0 / 100 | 75.0 / 150 | +50% |" in report
    assert "largest change +50% | **not met** |" in report
    assert "| worker RSS < 500 MB with them pending | 400 MiB" in report
