"""The floor: a bare workflow with the enrollment's shape and none of its work.

Like an enrollment it is created by an update-with-start, answers three more updates and one
query, and runs four activities (one for the details, one for the confirmation, two for the
activation) — but the activities do nothing and the payloads are tiny and unencrypted. Driven
at the same concurrency on the same server, it measures what Temporal itself costs, so that the
product's figures can be read as a ratio over it.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from bench.floor_parts import Step, nothing

_TIMEOUT = timedelta(seconds=30)


@workflow.defn
class FloorWorkflow:
    def __init__(self) -> None:
        self._step = 0
        self._done = False

    @workflow.run
    async def run(self, start: Step) -> int:
        await workflow.wait_condition(lambda: self._done and workflow.all_handlers_finished())
        return self._step

    @workflow.update
    def begin(self, step: Step) -> Step:
        """Sent with update-with-start, like the enrollment's identifiers."""
        self._step = step.number
        return step

    @workflow.update
    async def one_activity(self, step: Step) -> Step:
        """Like the details (company look-up) and the confirmation (the e-mail)."""
        self._step = step.number
        return await workflow.execute_activity(nothing, step, start_to_close_timeout=_TIMEOUT)

    @workflow.update
    async def finish(self, step: Step) -> Step:
        """Like the activation: two activities (create the subscriber, render the recap)."""
        await workflow.execute_activity(nothing, step, start_to_close_timeout=_TIMEOUT)
        result = await workflow.execute_activity(nothing, step, start_to_close_timeout=_TIMEOUT)
        self._step = step.number
        self._done = True
        return result

    @workflow.query
    def step(self) -> int:
        return self._step
