from enum import StrEnum


class AdhesionStatus(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    PENDING = "pending"
    REVOKED = "revoked"
    WITHDRAWN = "withdrawn"

    def __str__(self) -> str:
        return str(self.value)
