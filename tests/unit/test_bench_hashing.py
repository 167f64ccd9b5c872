"""The API's argon2id calls as the bench reads them from its metrics (bench/hashing.py): the
text the API serves, each operation's calls and CPU seconds, differenced over a window."""

from __future__ import annotations

from prometheus_client import generate_latest

from bench.hashing import hashing_by_operation
from bench.persistence import difference
from observability.metrics import REGISTRY, count_password_hashing


def served() -> dict[str, float]:
    return hashing_by_operation(generate_latest(REGISTRY).decode())


def test_calls_and_cpu_are_read_by_operation_over_a_window() -> None:
    count_password_hashing("hash", 0.030)  # both families exist from here on
    count_password_hashing("verify", 0.020)
    before = served()
    count_password_hashing("verify", 0.025)
    count_password_hashing("verify", 0.035)
    spent = difference(before, served())
    assert spent.keys() == {"verify", "verify_cpu_s"}  # no hash in the window
    assert spent["verify"] == 2
    assert round(spent["verify_cpu_s"], 6) == 0.060
