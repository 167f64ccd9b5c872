from enum import StrEnum


class EmailDelivery(StrEnum):
    PENDING = "pending"
    SENT = "sent"

    def __str__(self) -> str:
        return str(self.value)
