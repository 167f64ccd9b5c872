from enum import StrEnum


class EventType(StrEnum):
    ENROLLMENT_ACTIVATED = "enrollment.activated"
    ENROLLMENT_EXPIRED = "enrollment.expired"
    ENROLLMENT_INVITED = "enrollment.invited"
    ENROLLMENT_WITHDRAWN = "enrollment.withdrawn"

    def __str__(self) -> str:
        return str(self.value)
