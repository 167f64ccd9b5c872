"""The fixed lists behind the details form, with their French labels."""

from __future__ import annotations

from fastapi import APIRouter

from api.schemas.reference import ChoiceOut
from domain.reference import STREET_TYPES, TRUST_QUESTIONS

router = APIRouter(prefix="/api/v1", tags=["reference"])


@router.get("/trust-questions")
async def trust_questions() -> list[ChoiceOut]:
    return [ChoiceOut(code=code, label=label) for code, label in TRUST_QUESTIONS.items()]


@router.get("/street-types")
async def street_types() -> list[ChoiceOut]:
    return [ChoiceOut(code=code, label=label) for code, label in STREET_TYPES.items()]
