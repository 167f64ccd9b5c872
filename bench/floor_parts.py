"""What the floor's workflow uses, kept out of its module as the product keeps its messages and
activities out of its workflows': the sandbox runs a workflow's module again for every new run,
and a pydantic model defined there would be built again each time."""

from __future__ import annotations

from pydantic import BaseModel
from temporalio import activity

FLOOR_TASK_QUEUE = "bench-floor"


class Step(BaseModel):
    number: int


@activity.defn
async def nothing(step: Step) -> Step:
    return step
