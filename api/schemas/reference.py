"""The fixed lists' entries: a code and its French label."""

from __future__ import annotations

from pydantic import BaseModel


class ChoiceOut(BaseModel):
    code: str
    label: str
