from enum import StrEnum


class AcceptanceTrustInQuestion(StrEnum):
    CHILDHOOD_FRIEND = "childhood_friend"
    FIRST_EMPLOYER = "first_employer"
    FIRST_PET = "first_pet"
    MOTHER_BIRTHPLACE = "mother_birthplace"
    NICKNAME = "nickname"
    PRIMARY_SCHOOL = "primary_school"

    def __str__(self) -> str:
        return str(self.value)
