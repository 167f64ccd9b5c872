"""argon2id's work in the API, as its own metrics count it (`password_hashing_total` and
`password_hashing_cpu_seconds_total` by operation, observability/metrics.py).

The bench reads them at each end of a phase's measured window, as it reads every process's CPU:
the verifications' CPU over their number is what one cost in the API in that window, beside
everything else the phase ran. The sign-in target reads against it, so that the machine's pace,
which drifts between the phases of a run, weighs on the sign-ins and on their verifications
alike.
"""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

_FAMILIES = {"password_hashing": "", "password_hashing_cpu_seconds": "_cpu_s"}


async def hashing_spent(metrics_url: str) -> dict[str, float]:
    """The API's argon2id calls so far and their CPU seconds: `verify`, `verify_cpu_s`,
    `hash`, `hash_cpu_s`."""
    async with httpx.AsyncClient(timeout=10) as http:
        text = (await http.get(metrics_url)).text
    return hashing_by_operation(text)


def hashing_by_operation(text: str) -> dict[str, float]:
    spent: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        suffix = _FAMILIES.get(family.name)
        if suffix is None:
            continue
        for sample in family.samples:
            if sample.name.endswith("_total"):
                key = sample.labels.get("operation", "?") + suffix
                spent[key] = spent.get(key, 0.0) + sample.value
    return spent
