"""argon2id in the API: hashes and verifications run at most `ARGON2_CONCURRENCY` at once (one
per core by default), whatever the number of threads asking; the others wait their turn."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal

from argon2 import PasswordHasher

from security.passwords import SecretHasher, available_cores
from settings import Settings


class Watched(PasswordHasher):
    """The real hasher, recording how many of its calls overlap."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._lock = threading.Lock()
        self.running = 0
        self.most = 0

    def _enter(self) -> None:
        with self._lock:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(0.02)  # long enough for the other threads to try to come in

    def _leave(self) -> None:
        with self._lock:
            self.running -= 1

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        self._enter()
        try:
            return super().hash(password, salt=salt)
        finally:
            self._leave()

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        self._enter()
        try:
            return super().verify(hash, password)
        finally:
            self._leave()


def watched_hasher(concurrency: int | None) -> tuple[SecretHasher, Watched]:
    settings = Settings(argon2_memory_kib=64, argon2_time_cost=1, argon2_concurrency=concurrency)
    hasher = SecretHasher(settings)
    watched = Watched(memory_cost=64, time_cost=1, parallelism=1)
    hasher._hasher = watched
    return hasher, watched


def test_no_more_hashes_at_once_than_allowed() -> None:
    hasher, watched = watched_hasher(2)
    stored = hasher.hash_sync("Secret2026")
    with ThreadPoolExecutor(8) as threads:
        verified = list(threads.map(lambda _: hasher.verify_sync(stored, "Secret2026"), range(16)))
        hashed = list(threads.map(lambda _: hasher.hash_sync("Secret2026"), range(8)))
        refused = list(threads.map(lambda _: hasher.verify_sync(stored, "wrong"), range(8)))
    assert verified == [True] * 16
    assert all(value.startswith("$argon2id$") for value in hashed)
    assert refused == [False] * 8  # a mismatch gives its slot back too
    assert watched.most == 2
    assert watched.running == 0


def test_one_per_core_by_default() -> None:
    hasher, watched = watched_hasher(None)
    with ThreadPoolExecutor(available_cores() + 4) as threads:
        list(threads.map(lambda _: hasher.hash_sync("Secret2026"), range(3 * available_cores())))
    assert watched.most <= available_cores()


def test_each_call_is_observed_with_its_threads_cpu_not_its_wait() -> None:
    observed: list[tuple[str, float]] = []
    settings = Settings(argon2_memory_kib=64, argon2_time_cost=1, argon2_concurrency=1)
    hasher = SecretHasher(settings, observe=lambda op, cpu: observed.append((op, cpu)))
    hasher._hasher = Watched(memory_cost=64, time_cost=1, parallelism=1)  # sleeps 20 ms a call
    stored = hasher.hash_sync("Secret2026")
    with ThreadPoolExecutor(4) as threads:
        results = list(threads.map(lambda p: hasher.verify_sync(stored, p), ["Secret2026", "x"]))
    assert results == [True, False]  # a refusal is observed as well
    assert [operation for operation, _ in observed] == ["hash", "verify", "verify"]
    # The 20 ms each call sleeps in its slot, and the other call's turn, are not CPU.
    assert all(0 <= cpu < 0.015 for _, cpu in observed)
