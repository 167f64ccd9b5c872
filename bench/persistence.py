"""What an enrollment asks of Temporal's database: persistence requests, counted by the server.

The dev server publishes its own metrics (`--metrics-port`): `persistence_requests` counts every
call its services make to the persistence layer, by operation, and
`visibility_persistence_requests` the same for the visibility store (what search attributes and
workflow lists are kept in). The bench reads both at each end of a phase's measured window: the
difference, divided by the workflows completed in the window, is what sizes a cluster's
database (writes per second at a peak), where history events only count what a history keeps.
The counters cover the whole server — the shard's upkeep and the task queues' polls as well —
as a production cluster would see it.
"""

from __future__ import annotations

from collections import defaultdict

import httpx
from prometheus_client.parser import text_string_to_metric_families

_FAMILIES = {"persistence_requests": "", "visibility_persistence_requests": "visibility: "}
# Operations that only read (Get…, List…, a namespace watch, …); every other one writes.
_READS = ("Get", "List", "Read", "Count", "Scan", "Assert", "Describe", "Watch")


async def persistence_requests(metrics_url: str) -> dict[str, float]:
    """The server's persistence requests so far, by operation (summed over its services)."""
    async with httpx.AsyncClient(timeout=10) as http:
        text = (await http.get(metrics_url)).text
    return requests_by_operation(text)


def requests_by_operation(text: str) -> dict[str, float]:
    """`persistence_requests` by operation, and `visibility_persistence_requests` (the store
    that search attributes and workflow lists read from) as « visibility: operation »."""
    counts: defaultdict[str, float] = defaultdict(float)
    for family in text_string_to_metric_families(text):
        prefix = _FAMILIES.get(family.name)
        if prefix is None:
            continue
        for sample in family.samples:
            if sample.name.endswith("_total") or sample.name == family.name:
                counts[prefix + sample.labels.get("operation", "?")] += sample.value
    return dict(counts)


def difference(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {op: after[op] - before.get(op, 0.0) for op in after if after[op] > before.get(op, 0.0)}


def is_write(operation: str) -> bool:
    return not operation.removeprefix("visibility: ").startswith(_READS)
