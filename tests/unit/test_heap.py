"""The worker's heap, settled after start-up: what is alive then is left out of every later
collection, and the collector's thresholds stay Python's (a rarer young collection let evicted
workflows' cycles pile up). Run in a process of its own: freezing the test process's heap would
keep every test's garbage to the end."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc, json
from orchestration.heap import settle_heap
kept = [[i] for i in range(1000)]
before = {"frozen": gc.get_freeze_count(), "threshold": gc.get_threshold()}
settle_heap()
gc.collect()
print(json.dumps({
    "before": before,
    "frozen": gc.get_freeze_count(),
    "threshold": gc.get_threshold(),
    "tracked": len(gc.get_objects()),
}))
"""


def _probe() -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603 (this interpreter, the module's own script)
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_start_up_objects_are_frozen_and_the_thresholds_kept() -> None:
    result = _probe()
    before = result["before"]
    assert before["frozen"] == 0
    # Every object alive at start-up (the 1,000 lists among them) is out of the collector's walk.
    assert result["frozen"] > 1000
    assert result["tracked"] < 100
    assert result["threshold"] == before["threshold"]
