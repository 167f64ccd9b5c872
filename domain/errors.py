"""Field errors: a stable English code for programs and a French message for people."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    code: str
    message: str


class InvalidFields(Exception):
    """One or more fields break a rule; every broken rule is listed, not just the first."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(", ".join(f"{e.field}:{e.code}" for e in errors))
        self.errors = errors
