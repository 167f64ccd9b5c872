"""argon2id hashing for passwords and trust answers (slow on purpose, off the event loop)."""

from __future__ import annotations

import asyncio
from concurrent.futures import Executor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from settings import Settings


class SecretHasher:
    """Hashes and verifies low-entropy secrets; every call runs in an executor thread.

    argon2-cffi releases the GIL while hashing, so threads give real parallelism.
    """

    def __init__(self, settings: Settings, executor: Executor | None = None) -> None:
        self._hasher = PasswordHasher(
            time_cost=settings.argon2_time_cost,
            memory_cost=settings.argon2_memory_kib,
            parallelism=settings.argon2_parallelism,
        )
        self._executor = executor
        # Verified against when the identifier is unknown, so both paths cost the same.
        self._dummy_hash = self._hasher.hash("dummy-password-for-timing")

    def hash_sync(self, secret: str) -> str:
        return self._hasher.hash(secret)

    def verify_sync(self, hashed: str | None, secret: str) -> bool:
        try:
            return self._hasher.verify(hashed or self._dummy_hash, secret) and hashed is not None
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
