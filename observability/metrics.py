"""Prometheus metrics of the API process."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, ProcessCollector

REGISTRY = CollectorRegistry(auto_describe=True)
# The process's own CPU and memory (`process_cpu_seconds_total`, …): what the hashing's share
# below is read against.
ProcessCollector(registry=REGISTRY)

HTTP_REQUESTS = Counter(
    "http_requests_total",
    "HTTP requests by route and status.",
    ["method", "route", "status"],
    registry=REGISTRY,
)
HTTP_LATENCY = Histogram(
    "http_request_duration_seconds",
    "HTTP request latency by route.",
    ["method", "route"],
    registry=REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)

# Every authenticated call of a backend service, by client ID (never the key: SPEC §8).
SERVICE_CALLS = Counter(
    "service_client_requests_total",
    "Calls of backend service clients, by client ID and outcome (allowed, forbidden, quota).",
    ["client_id", "outcome"],
    registry=REGISTRY,
)
SERVICE_KEYS_REFUSED = Counter(
    "service_client_keys_refused_total",
    "Calls refused with invalid_client (missing, wrong, expired or revoked key).",
    registry=REGISTRY,
)

# argon2id's share of the API: the hashes (enrollment, new password) and the verifications
# (sign-in, identity checks), with the CPU their threads spent, so that ops can tell the
# hashing's cost from the requests' around it (docs/capacity.md sizes the API by both).
PASSWORD_HASHING = Counter(
    "password_hashing_total",
    "argon2id calls, by operation (hash, verify).",
    ["operation"],
    registry=REGISTRY,
)
PASSWORD_HASHING_CPU = Counter(
    "password_hashing_cpu_seconds_total",
    "CPU seconds the API's threads spent in argon2id, by operation (hash, verify).",
    ["operation"],
    registry=REGISTRY,
)


def count_password_hashing(operation: str, cpu_seconds: float) -> None:
    PASSWORD_HASHING.labels(operation).inc()
    PASSWORD_HASHING_CPU.labels(operation).inc(cpu_seconds)
