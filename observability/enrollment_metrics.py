"""Business counters of the worker, recorded through the Temporal SDK's metric meter.

The workflow counts its own transitions with `workflow.metric_meter()`, which records nothing
while a history is replayed, so a counter moves once per real transition however often the
workflow is replayed; the mail activity counts with `activity.metric_meter()`. The worker's
Temporal runtime exposes them, next to the SDK's own metrics, on its Prometheus endpoint
(`WORKER_METRICS_ADDRESS`).
"""

from __future__ import annotations

from enum import StrEnum


class EnrollmentEvent(StrEnum):
    STARTED = "started"
    CONFIRMED = "confirmed"
    ACTIVATED = "activated"
    EXPIRED = "expired"
    ABANDONED = "abandoned"


def enrollment_counter_name(event: EnrollmentEvent) -> str:
    return f"enrollments_{event.value}"


EMAILS_SENT = "emails_sent"
EMAILS_FAILED = "emails_failed"
