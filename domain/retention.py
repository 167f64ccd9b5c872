"""The tables the retention purge keeps short (SPEC §9), named as in the database."""

from __future__ import annotations

from enum import StrEnum


class RetentionTable(StrEnum):
    CODE_DELIVERIES = "code_deliveries"
    IDEMPOTENT_REQUESTS = "idempotent_requests"
    SESSION_TOKENS = "session_tokens"
    DEVICES = "devices"
    SECURITY_EVENTS = "security_events"
