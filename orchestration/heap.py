"""The garbage collector's settings for the worker, whose heap is mostly built at start-up.

Measured by the bench (docs/benchmarks.md, run U3): with Python's defaults the worker
spent ~6 % of its CPU collecting, ~9 ms per enrollment, most of it full collections walking the
~200,000 objects start-up leaves for good (modules, the SDK's protobuf descriptors, the
print-outs' fonts). Frozen after start-up: ~3.9 ms.

The collector's thresholds stay Python's. A young generation collected every 10,000
allocations instead of 700 took it to ~1.3 ms, but with 10,000 enrollments pending (run X1,
`make bench-scale`) the worker's sticky cache evicts a workflow for every new one, and each
evicted sandbox left its cycles to collections ten times rarer: RSS 694 MiB against 476, and
new enrollments' p99 +308 %.
"""

from __future__ import annotations

import gc


def settle_heap() -> None:
    """Collect once, then leave every object alive now out of later collections (`gc.freeze`):
    they live as long as the process. Call it when start-up is over, never in a test process."""
    gc.collect()
    gc.freeze()
