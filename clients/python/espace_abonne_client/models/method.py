from enum import StrEnum


class Method(StrEnum):
    EMAIL = "email"
    TOTP = "totp"

    def __str__(self) -> str:
        return str(self.value)
