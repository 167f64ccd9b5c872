"""The security events of a space (SPEC §9): what happened to the account, as a closed list.

The values are the API's `type` strings (API.md, "Account security"); the table's column is an
enum of exactly these, so a new kind of event is a migration, never a free string.
"""

from __future__ import annotations

from enum import StrEnum


class EventType(StrEnum):
    SIGN_IN = "sign_in"
    SIGN_IN_REFUSED = "sign_in_refused"
    SIGN_IN_LOCKED = "sign_in_locked"
    SECOND_STEP = "second_step"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 (an event name, not a password)
    PASSWORD_RESET = "password_reset"  # noqa: S105
    EMAIL_CHANGED = "email_changed"
    CONTACT_CHANGED = "contact_changed"
    TOTP_ENABLED = "totp_enabled"
    TOTP_DISABLED = "totp_disabled"
    RECOVERY_CODE_USED = "recovery_code_used"
    SESSION_ENDED = "session_ended"
    DEVICE_FORGOTTEN = "device_forgotten"
    ADHESION_REQUESTED = "adhesion_requested"
    ADHESION_ACTIVATED = "adhesion_activated"
    ADHESION_ENDED = "adhesion_ended"
    SUPPORT_ACTION = "support_action"
