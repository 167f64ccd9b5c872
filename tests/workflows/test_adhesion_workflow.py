"""The adhésion workflow in Temporal's time-skipping server, with the real worker, the real
letter channel (PDF + folder) and the real database: 60 days pass in milliseconds.

Each test reads the codes from the letters, as the company would, and drives the request
through the service the API and the pages use."""

from __future__ import annotations

import asyncio
from datetime import UTC, timedelta

import pytest
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

from domain.models import AdhesionStatus
from services.errors import Conflict, Expired, InvalidCode, NotFound, TooManyAttempts
from settings import Settings
from storage.adhesions import AdhesionRepository
from storage.tables import Adhesion
from tests.letters import (
    PASSWORD,
    adhesion_service,
    code_in,
    delivered,
    letter,
    letter_folder,
    new_subscriber,
)
from tests.live import live_app
from workflows.adhesion import AdhesionWorkflow
from workflows.adhesion_messages import AdhesionOutcome

SIREN = "732829320"


def row(engine: Engine, adhesion: Adhesion) -> Adhesion:
    found = AdhesionRepository(engine).get(adhesion.id)
    assert found is not None
    return found


async def outcome(env: WorkflowEnvironment, adhesion: Adhesion) -> AdhesionOutcome:
    handle = env.client.get_workflow_handle_for(AdhesionWorkflow.run, adhesion.workflow_id)
    return await handle.result()


async def test_a_request_expires_after_60_days(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    subscriber = new_subscriber(engine, settings)
    folder = letter_folder(settings)
    async with adhesion_service(time_env, settings, engine) as service:
        adhesion = await service.request(subscriber, "732 829 320")
        assert adhesion.status == AdhesionStatus.PENDING and adhesion.company_name
        code = code_in(await letter(folder, adhesion.id))
        handle = time_env.client.get_workflow_handle_for(AdhesionWorkflow.run, adhesion.workflow_id)
        sent = await delivered(time_env.client, adhesion)
        assert sent.expires_at is not None
        recorded = row(engine, adhesion)
        assert recorded.letters_sent == 1
        assert recorded.expires_at.replace(tzinfo=UTC) == sent.expires_at

        await time_env.sleep(timedelta(days=59))
        assert (await handle.query(AdhesionWorkflow.state)).status is AdhesionStatus.PENDING
        assert row(engine, adhesion).status == AdhesionStatus.PENDING

        await time_env.sleep(timedelta(days=2))
        assert (await outcome(time_env, adhesion)).status is AdhesionStatus.EXPIRED
        expired = row(engine, adhesion)
        assert expired.status == AdhesionStatus.EXPIRED and expired.open_siren is None
        assert expired.ended_at is not None
        ended = expired.ended_at.replace(tzinfo=expired.ended_at.tzinfo or UTC)
        assert ended >= sent.expires_at

        with pytest.raises(Expired):  # the right code, too late
            await service.activate(subscriber, adhesion.id, code)
        listed = await service.listed(subscriber)
        assert [(a.id, a.status) for a in listed] == [(adhesion.id, AdhesionStatus.EXPIRED)]
        # The SIREN is free again: a new request, a new letter.
        again = await service.request(subscriber, SIREN)
        assert again.id != adhesion.id and again.workflow_id == adhesion.workflow_id
        assert code_in(await letter(folder, again.id)) != code


async def test_a_new_letter_voids_the_previous_code_and_restarts_the_clock(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    subscriber = new_subscriber(engine, settings)
    folder = letter_folder(settings)
    async with adhesion_service(time_env, settings, engine) as service:
        adhesion = await service.request(subscriber, SIREN)
        first = code_in(await letter(folder, adhesion.id, 1))
        await delivered(time_env.client, adhesion, 1)

        await time_env.sleep(timedelta(days=50))
        await service.resend(subscriber, adhesion.id)
        second_letter = await letter(folder, adhesion.id, 2)
        second = code_in(second_letter)
        assert second != first
        assert "annule et remplace le précédent" in second_letter
        await delivered(time_env.client, adhesion, 2)
        with pytest.raises(InvalidCode):  # the first letter's code is void
            await service.activate(subscriber, adhesion.id, first)

        # 50 + 50 days: past the first letter's deadline, within the second's.
        await time_env.sleep(timedelta(days=50))
        active = await service.activate(subscriber, adhesion.id, second)
        assert active.status == AdhesionStatus.ACTIVE and active.activated_at is not None
        assert (await outcome(time_env, adhesion)).status is AdhesionStatus.ACTIVE
        assert row(engine, adhesion).letters_sent == 2


async def test_three_new_letters_at_most(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    subscriber = new_subscriber(engine, settings)
    folder = letter_folder(settings)
    async with adhesion_service(time_env, settings, engine) as service:
        adhesion = await service.request(subscriber, SIREN)
        codes = [code_in(await letter(folder, adhesion.id, 1))]
        for number in (2, 3, 4):
            await service.resend(subscriber, adhesion.id)
            codes.append(code_in(await letter(folder, adhesion.id, number)))
        with pytest.raises(Conflict) as refused:
            await service.resend(subscriber, adhesion.id)
        assert refused.value.code == "letter_limit"
        assert len(set(codes)) == 4
        for old in codes[:3]:
            with pytest.raises(InvalidCode):
                await service.activate(subscriber, adhesion.id, old)
        assert (await service.activate(subscriber, adhesion.id, codes[3])).status == "active"


async def test_the_same_activation_twice_at_once_succeeds_twice(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    """A double click: two activations with the right code at the same moment both succeed,
    and the code is spent for anything else."""
    subscriber = new_subscriber(engine, settings)
    folder = letter_folder(settings)
    async with adhesion_service(time_env, settings, engine) as service:
        adhesion = await service.request(subscriber, SIREN)
        code = code_in(await letter(folder, adhesion.id))
        await delivered(time_env.client, adhesion)
        both = await asyncio.gather(
            service.activate(subscriber, adhesion.id, code),
            service.activate_siren(subscriber, SIREN, code),
        )
        assert [a.status for a in both] == ["active", "active"]
        assert both[0].activated_at == both[1].activated_at
        with pytest.raises(Conflict):  # another code on an active adhésion
            await service.activate(subscriber, adhesion.id, code[::-1])


async def test_five_wrong_tries_void_the_code(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    subscriber = new_subscriber(engine, settings)
    folder = letter_folder(settings)
    async with adhesion_service(time_env, settings, engine) as service:
        adhesion = await service.request(subscriber, SIREN)
        code = code_in(await letter(folder, adhesion.id))
        for _ in range(settings.max_code_attempts):
            with pytest.raises(InvalidCode):
                await service.activate(subscriber, adhesion.id, code[::-1])
        with pytest.raises(TooManyAttempts):  # void: even the right code is refused
            await service.activate(subscriber, adhesion.id, code)
        await service.resend(subscriber, adhesion.id)
        fresh = code_in(await letter(folder, adhesion.id, 2))
        assert (await service.activate(subscriber, adhesion.id, fresh)).status == "active"


async def test_withdraw_and_revoke(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    subscriber = new_subscriber(engine, settings)
    folder = letter_folder(settings)
    async with adhesion_service(time_env, settings, engine) as service:
        pending = await service.request(subscriber, SIREN)
        code = code_in(await letter(folder, pending.id))
        await service.end(subscriber, pending.id)  # withdrawn
        assert (await outcome(time_env, pending)).status is AdhesionStatus.WITHDRAWN
        assert row(engine, pending).status == AdhesionStatus.WITHDRAWN
        with pytest.raises(NotFound):  # no longer listed, no longer reachable
            await service.activate(subscriber, pending.id, code)
        assert await service.listed(subscriber) == []

        # At once, without waiting for anything: the same company again.
        third = await service.request(subscriber, SIREN)
        await service.end(subscriber, third.id)
        again = await service.request(subscriber, SIREN)
        active = await service.activate(
            subscriber, again.id, code_in(await letter(folder, again.id))
        )
        await service.end(subscriber, active.id)  # résiliée
        revoked = row(engine, active)
        assert revoked.status == AdhesionStatus.REVOKED and revoked.ended_at is not None
        with pytest.raises(Conflict):
            await service.end(subscriber, active.id)
        assert [a.status for a in await service.listed(subscriber)] == ["revoked"]


async def test_only_the_owner_reaches_an_adhesion(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    owner, other = new_subscriber(engine, settings), new_subscriber(engine, settings)
    folder = letter_folder(settings)
    async with adhesion_service(time_env, settings, engine) as service:
        adhesion = await service.request(owner, SIREN)
        code = code_in(await letter(folder, adhesion.id))
        for attempt in (
            service.get(other, adhesion.id),
            service.activate(other, adhesion.id, code),
            service.resend(other, adhesion.id),
            service.end(other, adhesion.id),
        ):
            with pytest.raises(NotFound):
                await attempt
        with pytest.raises(NotFound):  # by SIREN, the other space has no such request
            await service.activate_siren(other, SIREN, code)
        # The same company may be requested by another space: its own request, its own letter.
        theirs = await service.request(other, SIREN)
        assert theirs.workflow_id != adhesion.workflow_id
        assert (await service.activate_siren(owner, "732 829 320", code)).status == "active"


async def test_the_accountant_over_http_three_companies_one_expires_on_the_clock(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    """The issue's scenario through the real API: three client companies, three letters, two
    activated, one left to expire (61 days on the server's clock: 410 `code_expired`), one
    résiliée."""
    subscriber = new_subscriber(engine, settings)
    folder = letter_folder(settings)
    api = "/api/v1/me/adhesions"
    async with live_app(time_env.client, settings, engine) as app:
        session = await app.http.post(
            "/api/v1/sessions", json={"email": subscriber.email, "password": PASSWORD}
        )
        auth = {"Authorization": f"Bearer {session.json()['access_token']}"}
        ids = []
        for siren in (SIREN, "123 456 782", "987 654 324"):
            created = await app.http.post(api, json={"company_identifier": siren}, headers=auth)
            assert created.status_code == 202, created.text
            ids.append(created.json()["adhesion_id"])
        first, second, late = (row_by_id(engine, i) for i in ids)
        codes = {a.id: code_in(await letter(folder, a.id)) for a in (first, second, late)}
        for adhesion in (first, second, late):
            await delivered(time_env.client, adhesion)
        for adhesion in (first, second):
            path = f"{api}/{adhesion.id}/activate"
            done = await app.http.post(path, json={"code": codes[adhesion.id]}, headers=auth)
            assert done.status_code == 200 and done.json()["status"] == "active", done.text

        await time_env.sleep(timedelta(days=61))
        await outcome(time_env, late)
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
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    subscriber = new_subscriber(engine, settings)
    folder = letter_folder(settings)
    async with adhesion_service(time_env, settings, engine) as service:
        pending = await service.request(subscriber, SIREN)
        active = await service.request(subscriber, "123456782")
        await service.activate(subscriber, active.id, code_in(await letter(folder, active.id)))
        assert await service.withdraw_all(subscriber) == 1
        assert (await outcome(time_env, pending)).status is AdhesionStatus.WITHDRAWN
        assert [a.status for a in await service.listed(subscriber)] == ["active"]


def row_by_id(engine: Engine, adhesion_id: str) -> Adhesion:
    found = AdhesionRepository(engine).get(adhesion_id)
    assert found is not None
    return found
