"""The stable English codes of every refusal: the `code` of the API's problem+json (API.md), the
type of a workflow's rejected update, and what the pages test to choose their answer."""

from __future__ import annotations

from enum import StrEnum


class ProblemCode(StrEnum):
    # Request-level refusals (api/problems.py, the middleware, the codec).
    ERROR = "error"
    MALFORMED_REQUEST = "malformed_request"
    INVALID_FIELDS = "invalid_fields"
    INVALID_PAYLOADS = "invalid_payloads"
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    UNAVAILABLE = "unavailable"
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    # The Idempotency-Key header (api/idempotency.py).
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    IDEMPOTENCY_REQUEST_IN_FLIGHT = "idempotency_request_in_flight"
    IDEMPOTENT_ANSWER_NOT_KEPT = "idempotent_answer_not_kept"
    # The procedure's refusals (services/, and the enrollment workflow's updates).
    CONFLICT = "conflict"
    ALREADY_SUBSCRIBED = "already_subscribed"
    ACTIVATION_PENDING = "activation_pending"
    DETAILS_MISSING = "details_missing"
    INVALID_CODE = "invalid_code"
    CODE_EXPIRED = "code_expired"
    INVALID_CREDENTIALS = "invalid_credentials"
    # Invitations (services/invitations.py).
    INVITATION_CLOSED = "invitation_closed"
    # Adhésions (services/adhesions.py).
    ADHESION_EXISTS = "adhesion_exists"
    ADHESION_LIMIT = "adhesion_limit"
    ADHESION_NOT_PENDING = "adhesion_not_pending"
    ADHESION_CLOSED = "adhesion_closed"
    LETTER_LIMIT = "letter_limit"
    # The subscriber's own changes (SPEC §6).
    INVALID_SECRET = "invalid_secret"  # noqa: S105 - a problem code, not a secret
    INVALID_RESET = "invalid_reset"
    EMAIL_TAKEN = "email_taken"
    # Backend services (SPEC §8): their keys, scopes and webhook endpoints.
    INVALID_CLIENT = "invalid_client"
    INSUFFICIENT_SCOPE = "insufficient_scope"
    INVALID_URL = "invalid_url"
