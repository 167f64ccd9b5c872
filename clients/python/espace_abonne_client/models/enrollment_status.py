from enum import StrEnum


class EnrollmentStatus(StrEnum):
    ABANDONED = "abandoned"
    ACTIVATED = "activated"
    AWAITING_ACTIVATION = "awaiting_activation"
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    EXPIRED = "expired"
    IDENTIFIERS_SET = "identifiers_set"
    INVITED = "invited"
    WITHDRAWN = "withdrawn"

    def __str__(self) -> str:
        return str(self.value)
