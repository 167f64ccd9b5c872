from enum import StrEnum


class Civility(StrEnum):
    MADAME = "madame"
    MONSIEUR = "monsieur"

    def __str__(self) -> str:
        return str(self.value)
