"""No personal datum or secret in the logs of the account flows over HTTP (SPEC §6): a password
reset, an e-mail change, a new password, new contact details, the sessions, closing the space —
API, services, worker, Temporal SDK, uvicorn: everything in this process."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink
from settings import Settings
from tests.accounts import ANSWER, API, PASSWORD, enroll, notice_to, own_dev_server
from tests.integration.account_forms import change_body, password_change, reset_body
from tests.integration.project_logs import ProjectLogs
from tests.live import LiveFactory
from tests.support import code_from, distinctive, unique_email


@pytest.fixture(scope="module")
async def dev_env(base_settings: Settings) -> AsyncIterator[WorkflowEnvironment]:
    """This module's own dev server (tests.accounts.own_dev_server): its deletions stay here."""
    async with own_dev_server(base_settings) as env:
        yield env


async def test_account_flows_log_no_personal_data(
    app_with: LiveFactory,
    mail_sink: MailSink,
    project_logs: ProjectLogs,
) -> None:
    email = unique_email(distinctive("logold"))
    new_email = unique_email(distinctive("lognew"))
    reset_password = "Rs" + distinctive("p", 8)[:8] + "11"
    changed_password = "Ch" + distinctive("p", 8)[:8] + "22"
    city = distinctive("Ville")

    async with app_with() as app:
        http = app.http
        me = await enroll(http, mail_sink, email)
        # « Mot de passe oublié ? »
        assert (await http.post(f"{API}/password-resets", json={"email": email})).status_code == 202
        reset_code = code_from(await mail_sink.message_to(email, 2))
        done = await http.post(
            f"{API}/password-resets/complete",
            json=reset_body(email, reset_code, new=reset_password),
        )
        assert done.status_code == 204, done.text
        signed = await http.post(
            f"{API}/sessions", json={"email": email, "password": reset_password}
        )
        token = signed.json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        # « Modifier mon mot de passe », « Mes coordonnées », sessions
        changed = await http.put(
            f"{API}/me/password",
            json=password_change(current=reset_password, new=changed_password),
            headers=auth,
        )
        assert changed.status_code == 204
        contact = await http.patch(f"{API}/me/contact", json={"city": city}, headers=auth)
        assert contact.status_code == 200
        assert (await http.get(f"{API}/me/sessions", headers=auth)).status_code == 200
        # « Modifier mon adresse électronique »
        requested = await http.post(
            f"{API}/me/email-change",
            json=change_body(new_email, password=changed_password),
            headers=auth,
        )
        assert requested.status_code == 202
        change_code = code_from(await mail_sink.message_to(new_email))
        confirmed = await http.post(
            f"{API}/me/email-change/confirm", json={"code": change_code}, headers=auth
        )
        assert confirmed.status_code == 200
        await notice_to(mail_sink, email, "identifiant a été modifié")
        # « Fermer mon espace »
        closed = await http.request(
            "DELETE",
            f"{API}/me",
            json={"password": changed_password, "trust_answer": ANSWER},
            headers=auth,
        )
        assert closed.status_code == 204
        await notice_to(mail_sink, new_email, "votre espace a été fermé")

    logged = project_logs.text()
    assert "password reset code requested" in logged  # the capture saw the app's own records
    assert "e-mail changed" in logged and "space closed" in logged
    secrets = [
        email,
        email.split("@")[0],
        new_email,
        new_email.split("@")[0],
        PASSWORD,
        reset_password,
        changed_password,
        ANSWER,
        city,
        reset_code,
        change_code,
        token,
        me.token,
    ]
    project_logs.assert_none_of(secrets)
