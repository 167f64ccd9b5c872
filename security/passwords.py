"""argon2id hashing for passwords and trust answers (slow on purpose, off the event loop)."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from settings import Settings

Operation = Literal["hash", "verify"]
# Told of every argon2id call once it ends: which one, and the CPU seconds its thread spent in it.
WorkObserver = Callable[[Operation, float], None]


def available_cores() -> int:
    """The cores this process may run on (its affinity), as the hashing's default width."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class SecretHasher:
    """Hashes and verifies low-entropy secrets; every call runs in an executor thread.

    argon2-cffi releases the GIL while hashing, so threads give real parallelism — up to one
    hash per core: more at once only take turns on the cores, and each switch costs the other
    its 19 MiB working set (8 verifications at once on 2 cores cost ~30 % more CPU each than 2
    at once, docs/benchmarks.md). Calls beyond that wait for a slot, holding no memory.

    `observe`, when given, learns the CPU of each call (the API counts it in its metrics): the
    thread's own CPU time, so the wait for a slot and the other threads' work are not in it.
    """

    def __init__(
        self,
        settings: Settings,
        executor: Executor | None = None,
        observe: WorkObserver | None = None,
    ) -> None:
        self._hasher = PasswordHasher(
            time_cost=settings.argon2_time_cost,
            memory_cost=settings.argon2_memory_kib,
            parallelism=settings.argon2_parallelism,
        )
        self._executor = executor
        self._slots = threading.BoundedSemaphore(settings.argon2_concurrency or available_cores())
        self._observe = observe
        # Verified against when the identifier is unknown, so both paths cost the same.
        self._dummy_hash = self._hasher.hash("dummy-password-for-timing")

    @contextmanager
    def _slot(self, operation: Operation) -> Iterator[None]:
        with self._slots:
            started = time.thread_time()
            try:
                yield
            finally:
                if self._observe is not None:
                    self._observe(operation, time.thread_time() - started)

    def hash_sync(self, secret: str) -> str:
        with self._slot("hash"):
            return self._hasher.hash(secret)

    def verify_sync(self, hashed: str | None, secret: str) -> bool:
        try:
            with self._slot("verify"):
                verified = self._hasher.verify(hashed or self._dummy_hash, secret)
            return verified and hashed is not None
        except (VerificationError, InvalidHashError):
            return False

    async def hash(self, secret: str) -> str:
        return await asyncio.get_running_loop().run_in_executor(
            self._executor, self.hash_sync, secret
        )

    async def verify(self, hashed: str | None, secret: str) -> bool:
        return await asyncio.get_running_loop().run_in_executor(
            self._executor, self.verify_sync, hashed, secret
        )
