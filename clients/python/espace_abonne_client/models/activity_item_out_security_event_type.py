from enum import StrEnum


class ActivityItemOutSecurityEventType(StrEnum):
    ADHESION_ACTIVATED = "adhesion_activated"
    ADHESION_ENDED = "adhesion_ended"
    ADHESION_REQUESTED = "adhesion_requested"
    CONTACT_CHANGED = "contact_changed"
    DEVICE_FORGOTTEN = "device_forgotten"
    EMAIL_CHANGED = "email_changed"
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_RESET = "password_reset"
    RECOVERY_CODE_USED = "recovery_code_used"
    SECOND_STEP = "second_step"
    SESSION_ENDED = "session_ended"
    SIGN_IN = "sign_in"
    SIGN_IN_LOCKED = "sign_in_locked"
    SIGN_IN_REFUSED = "sign_in_refused"
    SUPPORT_ACTION = "support_action"
    TOTP_DISABLED = "totp_disabled"
    TOTP_ENABLED = "totp_enabled"

    def __str__(self) -> str:
        return str(self.value)
