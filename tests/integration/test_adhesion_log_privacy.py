"""No personal datum or code in the logs of a whole adhésion over HTTP (API, services, worker,
letter channel, Temporal SDK, uvicorn: everything in this process)."""

from __future__ import annotations

from sqlalchemy import Engine

from settings import Settings
from tests.integration.project_logs import ProjectLogs
from tests.letters import PASSWORD, code_in, letter, letter_folder, new_subscriber
from tests.live import LiveFactory
from tests.support import distinctive

API = "/api/v1/me/adhesions"


async def test_adhesion_logs_hold_no_personal_data(
    app_with: LiveFactory,
    settings: Settings,
    engine: Engine,
    project_logs: ProjectLogs,
) -> None:
    subscriber = new_subscriber(engine, settings, last_name=distinctive("Nom"))
    folder = letter_folder(settings)

    async with app_with() as app:
        session = await app.http.post(
            "/api/v1/sessions", json={"email": subscriber.email, "password": PASSWORD}
        )
        auth = {"Authorization": f"Bearer {session.json()['access_token']}"}
        created = await app.http.post(API, json={"company_identifier": "555 444 330"}, headers=auth)
        assert created.status_code == 202, created.text
        adhesion_id = created.json()["adhesion_id"]
        first = code_in(await letter(folder, adhesion_id))
        wrong = await app.http.post(
            f"{API}/{adhesion_id}/activate", json={"code": first[::-1]}, headers=auth
        )
        assert wrong.status_code == 422
        assert (await app.http.post(f"{API}/{adhesion_id}/resend", headers=auth)).status_code == 202
        second = code_in(await letter(folder, adhesion_id, 2))
        done = await app.http.post(
            f"{API}/{adhesion_id}/activate", json={"code": second}, headers=auth
        )
        assert done.status_code == 200, done.text
        assert (await app.http.delete(f"{API}/{adhesion_id}", headers=auth)).status_code == 204

    logged = project_logs.text()
    assert "adhesion requested" in logged and "adhesion revoked" in logged  # it saw the app
    secrets = [
        subscriber.email,
        subscriber.last_name,
        "555444330",
        "555 444 330",
        "BOULANGERIE DE DÉMONSTRATION",
        "27 PL DU MARCHE",
        first,
        first[::-1],
        second,
        session.json()["access_token"],
    ]
    project_logs.assert_none_of(secrets)
