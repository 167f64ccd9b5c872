from enum import StrEnum


class ProblemCode(StrEnum):
    ACTIVATION_PENDING = "activation_pending"
    ADHESION_CLOSED = "adhesion_closed"
    ADHESION_EXISTS = "adhesion_exists"
    ADHESION_LIMIT = "adhesion_limit"
    ADHESION_NOT_PENDING = "adhesion_not_pending"
    ALREADY_SUBSCRIBED = "already_subscribed"
    CODE_EXPIRED = "code_expired"
    CONFLICT = "conflict"
    DETAILS_MISSING = "details_missing"
    EMAIL_TAKEN = "email_taken"
    ERROR = "error"
    FORBIDDEN = "forbidden"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    IDEMPOTENCY_REQUEST_IN_FLIGHT = "idempotency_request_in_flight"
    IDEMPOTENT_ANSWER_NOT_KEPT = "idempotent_answer_not_kept"
    INVALID_CODE = "invalid_code"
    INVALID_CREDENTIALS = "invalid_credentials"
    INVALID_FIELDS = "invalid_fields"
    INVALID_PAYLOADS = "invalid_payloads"
    INVALID_RESET = "invalid_reset"
    INVALID_SECRET = "invalid_secret"
    LETTER_LIMIT = "letter_limit"
    MALFORMED_REQUEST = "malformed_request"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_FOUND = "not_found"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    UNAUTHORIZED = "unauthorized"
    UNAVAILABLE = "unavailable"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"

    def __str__(self) -> str:
        return str(self.value)
