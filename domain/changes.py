"""The kinds of sensitive change a subscriber is told of (SPEC §6): what the workflows and services
name when they ask for a notice, and what the notice's wording is keyed by (mail.notifications)."""

from __future__ import annotations

from enum import StrEnum


class Change(StrEnum):
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - a kind of change
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a kind of change
    EMAIL_CHANGED = "email_changed"
    CONTACT_CHANGED = "contact_changed"
    SPACE_CLOSED = "space_closed"
