"""The adhésion workflow in Temporal's time-skipping server, with the real worker, the real
letter channel (PDF + folder) and the real database: 60 days pass in milliseconds.

Each test reads the codes from the letters, as the company would, and drives the request
through the service the API and the pages use."""

from __future__ import annotations

import asyncio
from datetime import UTC, timedelta

import pytest
from sqlalchemy import Engine
from temporalio.client import (
    Client,
    Interceptor,
    OutboundInterceptor,
    StartWorkflowInput,
    WorkflowHandle,
)
from temporalio.service import RPCError, RPCStatusCode

from companies.registry import EmbeddedRegistry
from devstack.mail_sink import MailSink, text_of
from domain.models import AdhesionStatus
from services.adhesions import AdhesionService
from services.errors import Conflict, Expired, InvalidCode, NotFound, TooManyAttempts, Unavailable
from settings import Settings
from storage.adhesions import AdhesionRepository
from storage.tables import Subscriber
from tests.accounts import PASSWORD, AccountServices
from tests.letters import code_in, new_subscriber
from tests.live import live_app
from tests.quiet import quiet
from tests.workflow_env import Backstage
from workflows.adhesion import AdhesionWorkflow

SIREN = "732829320"


class RefusedStarts(Interceptor):
    """The server's answer to the next `failures` workflow starts is this error, before it
    starts anything; later starts reach it."""

    def __init__(self, status: RPCStatusCode, failures: int) -> None:
        self.status, self.failures, self.refused = status, failures, 0

    def intercept_client(self, next: OutboundInterceptor) -> OutboundInterceptor:
        return _RefusedStarts(next, self)


class _RefusedStarts(OutboundInterceptor):
    def __init__(self, next: OutboundInterceptor, plan: RefusedStarts) -> None:
        super().__init__(next)
        self._plan = plan

    async def start_workflow(self, input: StartWorkflowInput) -> WorkflowHandle[object, object]:
        if self._plan.refused < self._plan.failures:
            self._plan.refused += 1
            raise RPCError("refused by the test", self._plan.status, b"")
        return await super().start_workflow(input)


def refusing(
    services: AccountServices, settings: Settings, engine: Engine, plan: RefusedStarts
) -> AdhesionService:
    """The adhésion service the API builds, over a client whose starts follow `plan`."""
    config = services.env.client.config()
    config["interceptors"] = [plan]
    client = Client(**config)
    return AdhesionService(
        client, settings, AdhesionRepository(engine), EmbeddedRegistry(), services.keyed
    )


async def test_a_request_expires_after_60_days(
    adhesions: AdhesionService, subscriber: Subscriber, backstage: Backstage
) -> None:
    adhesion = await adhesions.request(subscriber, "732 829 320")
    assert adhesion.status == AdhesionStatus.PENDING and adhesion.company_name
    code = await backstage.code(adhesion)
    handle = backstage.process(adhesion)
    sent = await backstage.delivered(adhesion)
    assert sent.expires_at is not None
    recorded = backstage.row(adhesion.id)
    assert recorded.letters_sent == 1
    assert recorded.expires_at.replace(tzinfo=UTC) == sent.expires_at

    await backstage.env.sleep(timedelta(days=59))
    assert (await handle.query(AdhesionWorkflow.state)).status is AdhesionStatus.PENDING
    assert backstage.row(adhesion.id).status == AdhesionStatus.PENDING

    await backstage.env.sleep(timedelta(days=2))
    assert (await backstage.outcome(adhesion)).status is AdhesionStatus.EXPIRED
    expired = backstage.row(adhesion.id)
    assert expired.status == AdhesionStatus.EXPIRED and expired.open_siren is None
    assert expired.ended_at is not None
    ended = expired.ended_at.replace(tzinfo=expired.ended_at.tzinfo or UTC)
    assert ended >= sent.expires_at

    with pytest.raises(Expired):  # the right code, too late
        await adhesions.activate(subscriber, adhesion.id, code)
    listed = await adhesions.listed(subscriber)
    assert [(a.id, a.status) for a in listed] == [(adhesion.id, AdhesionStatus.EXPIRED)]
    # The SIREN is free again: a new request, a new letter.
    again = await adhesions.request(subscriber, SIREN)
    assert again.id != adhesion.id and again.workflow_id == adhesion.workflow_id
    assert await backstage.code(again) != code


async def test_the_right_code_on_day_59_activates_and_never_went_by_email(
    adhesions: AdhesionService,
    subscriber: Subscriber,
    backstage: Backstage,
    mail_sink: MailSink,
) -> None:
    """SPEC §7: the code goes by post, never by e-mail, and is valid 60 days: on day 59 the
    letter's code still activates. No e-mail at all reaches the SMTP server meanwhile."""
    mails_before = len(mail_sink.messages)
    adhesion = await adhesions.request(subscriber, SIREN)
    code = await backstage.code(adhesion)
    await backstage.delivered(adhesion)
    await quiet(backstage.process(adhesion))
    assert len(mail_sink.messages) == mails_before
    assert mail_sink.count_to(subscriber.email) == 0

    await backstage.env.sleep(timedelta(days=59))
    active = await adhesions.activate(subscriber, adhesion.id, code)

    assert active.status == AdhesionStatus.ACTIVE
    assert (await backstage.outcome(adhesion)).status is AdhesionStatus.ACTIVE
    assert backstage.row(adhesion.id).status == AdhesionStatus.ACTIVE
    assert not any(code in text_of(message) for message in mail_sink.messages)


async def test_a_new_letter_voids_the_previous_code_and_restarts_the_clock(
    adhesions: AdhesionService, subscriber: Subscriber, backstage: Backstage
) -> None:
    adhesion = await adhesions.request(subscriber, SIREN)
    first = await backstage.code(adhesion, 1)
    await backstage.delivered(adhesion, 1)

    await backstage.env.sleep(timedelta(days=50))
    await adhesions.resend(subscriber, adhesion.id)
    second_letter = await backstage.letter(adhesion, 2)
    second = code_in(second_letter)
    assert second != first
    assert "annule et remplace le précédent" in second_letter
    await backstage.delivered(adhesion, 2)
    with pytest.raises(InvalidCode):  # the first letter's code is void
        await adhesions.activate(subscriber, adhesion.id, first)

    # 50 + 50 days: past the first letter's deadline, within the second's.
    await backstage.env.sleep(timedelta(days=50))
    active = await adhesions.activate(subscriber, adhesion.id, second)
    assert active.status == AdhesionStatus.ACTIVE and active.activated_at is not None
    assert (await backstage.outcome(adhesion)).status is AdhesionStatus.ACTIVE
    assert backstage.row(adhesion.id).letters_sent == 2


async def test_three_new_letters_at_most(
    adhesions: AdhesionService, subscriber: Subscriber, backstage: Backstage
) -> None:
    adhesion = await adhesions.request(subscriber, SIREN)
    codes = [await backstage.code(adhesion, 1)]
    for number in (2, 3, 4):
        await adhesions.resend(subscriber, adhesion.id)
        codes.append(await backstage.code(adhesion, number))
    with pytest.raises(Conflict) as refused:
        await adhesions.resend(subscriber, adhesion.id)
    assert refused.value.code == "letter_limit"
    assert len(set(codes)) == 4
    for old in codes[:3]:
        with pytest.raises(InvalidCode):
            await adhesions.activate(subscriber, adhesion.id, old)
    assert (await adhesions.activate(subscriber, adhesion.id, codes[3])).status == "active"


async def test_the_same_activation_twice_at_once_succeeds_twice(
    adhesions: AdhesionService, subscriber: Subscriber, backstage: Backstage
) -> None:
    """A double click: two activations with the right code at the same moment both succeed,
    and the code is spent for anything else."""
    adhesion = await adhesions.request(subscriber, SIREN)
    code = await backstage.code(adhesion)
    await backstage.delivered(adhesion)
    both = await asyncio.gather(
        adhesions.activate(subscriber, adhesion.id, code),
        adhesions.activate_siren(subscriber, SIREN, code),
    )
    assert [a.status for a in both] == ["active", "active"]
    assert both[0].activated_at == both[1].activated_at
    with pytest.raises(Conflict):  # another code on an active adhésion
        await adhesions.activate(subscriber, adhesion.id, code[::-1])


async def test_five_wrong_tries_void_the_code(
    adhesions: AdhesionService, subscriber: Subscriber, backstage: Backstage, settings: Settings
) -> None:
    adhesion = await adhesions.request(subscriber, SIREN)
    code = await backstage.code(adhesion)
    for _ in range(settings.max_code_attempts):
        with pytest.raises(InvalidCode):
            await adhesions.activate(subscriber, adhesion.id, code[::-1])
    with pytest.raises(TooManyAttempts):  # void: even the right code is refused
        await adhesions.activate(subscriber, adhesion.id, code)
    await adhesions.resend(subscriber, adhesion.id)
    fresh = await backstage.code(adhesion, 2)
    assert (await adhesions.activate(subscriber, adhesion.id, fresh)).status == "active"


async def test_withdraw_and_revoke(
    adhesions: AdhesionService, subscriber: Subscriber, backstage: Backstage
) -> None:
    pending = await adhesions.request(subscriber, SIREN)
    code = await backstage.code(pending)
    await adhesions.end(subscriber, pending.id)  # withdrawn
    assert (await backstage.outcome(pending)).status is AdhesionStatus.WITHDRAWN
    assert backstage.row(pending.id).status == AdhesionStatus.WITHDRAWN
    with pytest.raises(NotFound):  # no longer listed, no longer reachable
        await adhesions.activate(subscriber, pending.id, code)
    assert await adhesions.listed(subscriber) == []

    # At once, without waiting for anything: the same company again.
    third = await adhesions.request(subscriber, SIREN)
    await adhesions.end(subscriber, third.id)
    again = await adhesions.request(subscriber, SIREN)
    active = await adhesions.activate(subscriber, again.id, await backstage.code(again))
    await adhesions.end(subscriber, active.id)  # résiliée
    revoked = backstage.row(active.id)
    assert revoked.status == AdhesionStatus.REVOKED and revoked.ended_at is not None
    with pytest.raises(Conflict):
        await adhesions.end(subscriber, active.id)
    assert [a.status for a in await adhesions.listed(subscriber)] == ["revoked"]


async def test_a_closing_run_gone_before_its_termination_is_started_again(
    services: AccountServices,
    settings: Settings,
    engine: Engine,
    subscriber: Subscriber,
    backstage: Backstage,
) -> None:
    """A request right after a withdrawal: the withdrawn run may close between the server's
    look and its termination, which then finds nothing (NOT_FOUND). The start is made again and
    the subscriber sees no error."""
    plan = RefusedStarts(RPCStatusCode.NOT_FOUND, failures=1)
    adhesion = await refusing(services, settings, engine, plan).request(subscriber, SIREN)
    assert plan.refused == 1
    assert backstage.row(adhesion.id).run_id == adhesion.run_id is not None
    assert await backstage.code(adhesion)  # its letter went out


async def test_a_start_the_server_refuses_leaves_nothing(
    services: AccountServices,
    settings: Settings,
    engine: Engine,
    adhesions: AdhesionService,
    subscriber: Subscriber,
    backstage: Backstage,
) -> None:
    """Temporal down, or refusing twice: 503, no row left, and the same request works later."""
    for status, failures in ((RPCStatusCode.UNAVAILABLE, 1), (RPCStatusCode.NOT_FOUND, 2)):
        plan = RefusedStarts(status, failures)
        with pytest.raises(Unavailable):
            await refusing(services, settings, engine, plan).request(subscriber, SIREN)
        assert plan.refused == failures
        assert await adhesions.listed(subscriber) == []
    later = await adhesions.request(subscriber, SIREN)
    assert await backstage.code(later)


async def test_only_the_owner_reaches_an_adhesion(
    adhesions: AdhesionService,
    subscriber: Subscriber,
    backstage: Backstage,
    settings: Settings,
    engine: Engine,
) -> None:
    owner, other = subscriber, new_subscriber(engine, settings)
    adhesion = await adhesions.request(owner, SIREN)
    code = await backstage.code(adhesion)
    for attempt in (
        adhesions.get(other, adhesion.id),
        adhesions.activate(other, adhesion.id, code),
        adhesions.resend(other, adhesion.id),
        adhesions.end(other, adhesion.id),
    ):
        with pytest.raises(NotFound):
            await attempt
    with pytest.raises(NotFound):  # by SIREN, the other space has no such request
        await adhesions.activate_siren(other, SIREN, code)
    # The same company may be requested by another space: its own request, its own letter.
    theirs = await adhesions.request(other, SIREN)
    assert theirs.workflow_id != adhesion.workflow_id
    assert (await adhesions.activate_siren(owner, "732 829 320", code)).status == "active"


async def test_the_accountant_over_http_three_companies_one_expires_on_the_clock(
    subscriber: Subscriber, backstage: Backstage, settings: Settings
) -> None:
    """The issue's scenario through the real API: three client companies, three letters, two
    activated, one left to expire (61 days on the server's clock: 410 `code_expired`), one
    résiliée."""
    api = "/api/v1/me/adhesions"
    async with live_app(backstage.env.client, settings, backstage.engine) as app:
        session = await app.http.post(
            "/api/v1/sessions", json={"email": subscriber.email, "password": PASSWORD}
        )
        auth = {"Authorization": f"Bearer {session.json()['access_token']}"}
        ids = []
        for siren in (SIREN, "123 456 782", "987 654 324"):
            created = await app.http.post(api, json={"company_identifier": siren}, headers=auth)
            assert created.status_code == 202, created.text
            ids.append(created.json()["adhesion_id"])
        first, second, late = (backstage.row(i) for i in ids)
        codes = {a.id: await backstage.code(a) for a in (first, second, late)}
        for adhesion in (first, second, late):
            await backstage.delivered(adhesion)
        for adhesion in (first, second):
            path = f"{api}/{adhesion.id}/activate"
            done = await app.http.post(path, json={"code": codes[adhesion.id]}, headers=auth)
            assert done.status_code == 200 and done.json()["status"] == "active", done.text

        await backstage.env.sleep(timedelta(days=61))
        await backstage.outcome(late)
        path = f"{api}/{late.id}"
        expired = await app.http.post(
            f"{path}/activate", json={"code": codes[late.id]}, headers=auth
        )
        assert expired.status_code == 410, expired.text
        assert expired.headers["content-type"] == "application/problem+json"
        assert expired.json()["code"] == "code_expired"
        assert (await app.http.post(f"{path}/resend", headers=auth)).status_code == 410
        closed = await app.http.delete(path, headers=auth)
        assert closed.status_code == 409 and closed.json()["code"] == "adhesion_closed"

        assert (await app.http.delete(f"{api}/{first.id}", headers=auth)).status_code == 204
        listed = (await app.http.get(api, headers=auth)).json()
        assert {r["adhesion_id"]: (r["status"], r["expires_at"]) for r in listed} == {
            first.id: ("revoked", None),
            second.id: ("active", None),
            late.id: ("expired", None),
        }


async def test_closing_a_space_withdraws_its_pending_requests(
    adhesions: AdhesionService, subscriber: Subscriber, backstage: Backstage
) -> None:
    pending = await adhesions.request(subscriber, SIREN)
    active = await adhesions.request(subscriber, "123456782")
    await adhesions.activate(subscriber, active.id, await backstage.code(active))
    assert await adhesions.withdraw_all(subscriber) == 1
    assert (await backstage.outcome(pending)).status is AdhesionStatus.WITHDRAWN
    assert [a.status for a in await adhesions.listed(subscriber)] == ["active"]
