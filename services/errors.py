"""Service outcomes that are not success; the API and the pages each render them their way."""

from __future__ import annotations

from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from domain.problems import ProblemCode


class ServiceError(Exception):
    status = 400
    code = ProblemCode.ERROR
    title = "Erreur"

    def __init__(self, detail: str, *, code: ProblemCode | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if code:
            self.code = code


class NotFound(ServiceError):
    status, code, title = 404, ProblemCode.NOT_FOUND, "Ressource introuvable"


class Conflict(ServiceError):
    status, code, title = 409, ProblemCode.CONFLICT, "Opération impossible dans l'état actuel"


class Expired(ServiceError):
    status, code, title = 410, ProblemCode.CODE_EXPIRED, "Délai dépassé"


class InvalidCode(ServiceError):
    status, code, title = 422, ProblemCode.INVALID_CODE, "Code d'activation refusé"


class Unauthorized(ServiceError):
    status, code, title = 401, ProblemCode.UNAUTHORIZED, "Authentification requise"


class InvalidReset(ServiceError):
    """« Mot de passe oublié ? »: wrong code, wrong answer, unknown identifier or expired code,
    all told alike."""

    status, code, title = 422, ProblemCode.INVALID_RESET, "Réinitialisation refusée"


class Forbidden(ServiceError):
    status, code, title = 403, ProblemCode.INVALID_SECRET, "Vérification refusée"


class InvalidClient(ServiceError):
    """A service's key missing, wrong, expired or revoked, or its client disabled: one answer."""

    status, code, title = 401, ProblemCode.INVALID_CLIENT, "Clé de service refusée"


class InsufficientScope(ServiceError):
    status, code, title = 403, ProblemCode.INSUFFICIENT_SCOPE, "Droit d'accès insuffisant"


class TooManyAttempts(ServiceError):
    status, code, title = 429, ProblemCode.TOO_MANY_ATTEMPTS, "Trop de tentatives"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


# What the user reads when Temporal cannot be reached or a workflow call fails unexpectedly.
UNAVAILABLE = "Le service est momentanément indisponible."


class Unavailable(ServiceError):
    status, code, title = 503, ProblemCode.UNAVAILABLE, "Service momentanément indisponible"

    def __init__(self, detail: str = UNAVAILABLE, *, retry_after: int = 5) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


# The database's own outage errors (not a constraint violation, which is a bug or a race the
# repositories handle): the server is down, restarting or refusing connections.
DATABASE_OUTAGES: tuple[type[Exception], ...] = (
    OperationalError,
    InterfaceError,
    DisconnectionError,
    PoolTimeout,
)


def database_unavailable() -> Unavailable:
    return Unavailable(
        "Le service est momentanément indisponible : réessayez dans quelques instants. "
        "Rien n'a été enregistré.",
        retry_after=5,
    )
