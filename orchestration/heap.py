"""The garbage collector's settings for the worker, whose heap is mostly built at start-up.

Measured by the bench (docs/benchmarks.md, run U3): with Python's defaults the worker
spent ~6 % of its CPU collecting, ~9 ms per enrollment. A full collection walked the ~200,000
objects start-up leaves for good (modules, the SDK's protobuf descriptors, the print-outs'
fonts), and the young generation was collected every 700 allocations while a workflow task or
a recap PDF allocated thousands. Frozen start-up and a larger young generation: ~1.3 ms.
"""

from __future__ import annotations

import gc

# Container allocations (net of frees) between two collections of the young generation; the
# default, 700, ran one every few milliseconds of a busy worker. The older generations keep
# their default ratios.
YOUNG_GENERATION_THRESHOLD = 10_000


def settle_heap() -> None:
    """Collect once, then leave every object alive now out of later collections (`gc.freeze`):
    they live as long as the process. Call it when start-up is over, never in a test process."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, middle, old)
