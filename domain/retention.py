"""The tables the retention purge keeps short (SPEC §9), named as in the database."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

# How long a security event is kept and shown to its subscriber (« 12 months », SPEC §9).
EVENTS_KEPT = timedelta(days=365)
# How long the other spent rows are kept (spent codes, idempotent answers, ended sessions,
# forgotten devices, expired sign-in challenges).
SPENT_KEPT = timedelta(days=30)


class RetentionTable(StrEnum):
    CODE_DELIVERIES = "code_deliveries"
    IDEMPOTENT_REQUESTS = "idempotent_requests"
    SESSION_TOKENS = "session_tokens"
    DEVICES = "devices"
    SECURITY_EVENTS = "security_events"
    # Last: a purge run started before it was added replays without it (workflows/retention.py).
    SIGN_IN_CHALLENGES = "sign_in_challenges"
