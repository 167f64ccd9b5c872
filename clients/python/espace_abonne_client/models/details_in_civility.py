from enum import StrEnum


class DetailsInCivility(StrEnum):
    MADAME = "madame"
    MONSIEUR = "monsieur"

    def __str__(self) -> str:
        return str(self.value)
