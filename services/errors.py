"""Service outcomes that are not success; the API and the pages each render them their way."""

from __future__ import annotations


class ServiceError(Exception):
    status = 400
    code = "error"
    title = "Erreur"

    def __init__(self, detail: str, *, code: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if code:
            self.code = code


class NotFound(ServiceError):
    status, code, title = 404, "not_found", "Ressource introuvable"


class Conflict(ServiceError):
    status, code, title = 409, "conflict", "Opération impossible dans l'état actuel"


class Expired(ServiceError):
    status, code, title = 410, "code_expired", "Délai dépassé"


class InvalidCode(ServiceError):
    status, code, title = 422, "invalid_code", "Code d'activation refusé"


class Unauthorized(ServiceError):
    status, code, title = 401, "unauthorized", "Authentification requise"


class InvalidReset(ServiceError):
    """« Mot de passe oublié ? »: wrong code, wrong answer, unknown identifier or expired code,
    all told alike."""

    status, code, title = 422, "invalid_reset", "Réinitialisation refusée"


class Forbidden(ServiceError):
    status, code, title = 403, "invalid_secret", "Vérification refusée"


class TooManyAttempts(ServiceError):
    status, code, title = 429, "too_many_attempts", "Trop de tentatives"

    def __init__(self, detail: str, *, retry_after: int, code: str | None = None) -> None:
        super().__init__(detail, code=code)
        self.retry_after = retry_after


class Unavailable(ServiceError):
    status, code, title = 503, "unavailable", "Service momentanément indisponible"

    def __init__(self, detail: str, *, retry_after: int = 5) -> None:
        super().__init__(detail)
        self.retry_after = retry_after
