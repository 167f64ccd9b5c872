"""Replay the recorded histories against today's workflow code: a change that would make running
enrollments take a different path (non-determinism) fails here before it reaches production.
Record new histories with `uv run python -m tests.histories.record` (docs/workflows.md).

Every history in tests/histories/ must replay: a run like it may still be open. A history goes to
tests/histories/retired/ (out of the replay set) only with the old path it took, once no run that
took that path can be alive, as RETIRED says."""

from __future__ import annotations

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer, UnsandboxedWorkflowRunner, WorkflowRunner
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from orchestration.client import data_converter
from orchestration.codec import EncryptionCodec
from settings import parse_codec_keys
from tests.histories import HISTORIES, REPLAY_CODEC_KEYS
from workflows.adhesion import AdhesionWorkflow
from workflows.email_change import EmailChangeWorkflow
from workflows.enrollment import EnrollmentWorkflow
from workflows.notification import NotificationWorkflow
from workflows.password_reset import PasswordResetWorkflow
from workflows.retention import RetentionWorkflow
from workflows.sign_in_code import SignInCodeWorkflow
from workflows.webhook_delivery import WebhookDeliveryWorkflow

RECORDED = {path.stem: path.read_text() for path in sorted(HISTORIES.glob("*.json"))}

# Enrollments recorded before the code challenge (`code-challenge`, 2026-11-28 07:00 UTC): the
# confirm update sent the code itself (activities/mail.py). Such a run was confirmed before that
# deploy and lived at most 48 h per code, with three resends: none was open after 2026-12-06
# 07:00 UTC, which `python -m admin workflows unpatched EnrollmentWorkflow code-challenge` checks.
# The old path is gone from the code (workflow.deprecate_patch), so they can no longer replay.
# The one before the recap patch is older still: it took the same old path.
RETIRED = {
    "enrollment_activated_before_code_challenge",
    "enrollment_expired_before_code_challenge",
    "enrollment_activated_before_recap_patch",
}


def test_histories_are_recorded() -> None:
    retired = {path.stem for path in (HISTORIES / "retired").glob("*.json")}
    assert retired == RETIRED
    assert not RETIRED & set(RECORDED)
    assert set(RECORDED) >= {
        "enrollment_activated",
        "enrollment_expired",
        "adhesion_activated",
        "adhesion_expired",
    }
    # The processes of SPEC §6 (tests/histories/record_account.py).
    assert set(RECORDED) >= {
        "password_reset_done",
        "password_reset_expired",
        "email_change_done",
        "email_change_expired",
        "notification_sent",
    }
    # The retention purge (tests/histories/record_retention.py).
    assert "retention_purge" in RECORDED
    # The invited path of the enrollment (tests/histories/record_invitation.py).
    assert set(RECORDED) >= {
        "invitation_accepted",
        "invitation_opened",
        "invitation_expired",
        "invitation_withdrawn",
    }
    # The second step at sign-in (tests/histories/record_sign_in.py).
    assert set(RECORDED) >= {"sign_in_code_passed", "sign_in_code_expired"}
    # The webhook deliveries of SPEC §8 (tests/histories/record_webhooks.py).
    assert set(RECORDED) >= {"webhook_delivered_after_retries", "webhook_endpoint_gone"}


# In the sandbox, as every test runs workflows; and as plain Python, as a production worker may
# (WORKER_WORKFLOW_SANDBOX=false): the same history takes the same path either way.
RUNNERS = {"sandboxed": SandboxedWorkflowRunner, "unsandboxed": UnsandboxedWorkflowRunner}


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("name", RECORDED)
async def test_recorded_history_replays(name: str, runner: str) -> None:
    history = WorkflowHistory.from_json(name, RECORDED[name])
    workflow_runner: WorkflowRunner = RUNNERS[runner]()
    replayer = Replayer(
        workflows=[
            EnrollmentWorkflow,
            AdhesionWorkflow,
            PasswordResetWorkflow,
            EmailChangeWorkflow,
            NotificationWorkflow,
            RetentionWorkflow,
            SignInCodeWorkflow,
            WebhookDeliveryWorkflow,
        ],
        data_converter=data_converter(EncryptionCodec(parse_codec_keys(REPLAY_CODEC_KEYS))),
        workflow_runner=workflow_runner,
    )
    result = await replayer.replay_workflow(history)
    assert result.replay_failure is None
