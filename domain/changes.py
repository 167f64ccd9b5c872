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
    # Account security (SPEC §9).
    NEW_DEVICE_SIGN_IN = "new_device_sign_in"
    TOTP_ENABLED = "totp_enabled"
    TOTP_DISABLED = "totp_disabled"
    RECOVERY_CODE_USED = "recovery_code_used"
