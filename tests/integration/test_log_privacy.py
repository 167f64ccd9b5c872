"""No personal datum or secret in the logs of a whole enrollment over HTTP (API, services,
worker, Temporal SDK, uvicorn: everything in this process)."""

from __future__ import annotations

from devstack.mail_sink import MailSink
from settings import Settings
from tests.integration.project_logs import ProjectLogs
from tests.live import LiveFactory, pre_register_and_confirm
from tests.support import details, distinctive, unique_email


async def test_enrollment_logs_hold_no_personal_data(
    app_with: LiveFactory,
    settings: Settings,
    mail_sink: MailSink,
    project_logs: ProjectLogs,
) -> None:
    email = unique_email(distinctive("log"))
    password = "Lg" + distinctive("p", 8)[:8] + "77"
    last_name, first_name = distinctive("Nom"), distinctive("Prenom")
    answer = distinctive("Réponse ")
    body = details(last_name=last_name, first_name=first_name)
    body["trust"]["answer"] = answer

    async with app_with() as app:
        _, code = await pre_register_and_confirm(app.http, mail_sink, email, password, body)
        activated = await app.http.post("/api/v1/activations", json={"email": email, "code": code})
        assert activated.status_code == 201
        token = activated.json()["access_token"]
        signed = await app.http.post(
            "/api/v1/sessions", json={"email": email, "password": password}
        )
        assert signed.status_code == 201

    logged = project_logs.text()
    assert "enrollment started" in logged  # the capture saw the app's own records
    secrets = [
        email,
        email.split("@")[0],
        password,
        last_name,
        first_name,
        answer,
        "+33123456789",
        "732829320",
        "732 829 320",
        code,
        token,
        settings.codec_auth_token.get_secret_value(),
    ]
    project_logs.assert_none_of(secrets)
