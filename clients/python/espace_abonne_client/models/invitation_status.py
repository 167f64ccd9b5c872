from enum import StrEnum


class InvitationStatus(StrEnum):
    ACTIVATED = "activated"
    EXPIRED = "expired"
    INVITED = "invited"
    WITHDRAWN = "withdrawn"

    def __str__(self) -> str:
        return str(self.value)
