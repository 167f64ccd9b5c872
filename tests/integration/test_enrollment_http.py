"""One whole enrollment over HTTP: the Temporal dev server, a real worker, the API served by
uvicorn on loopback, mail through a real SMTP server, the recap PDF read back as text."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from sqlalchemy import Engine
from sqlmodel import Session, col, delete
from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink
from storage.subscribers import SubscriberRepository
from storage.tables import RecapDocument
from tests.live import LiveApp, pre_register_and_confirm
from tests.support import code_from, details, identifiers, unique_email


async def test_full_enrollment_over_http(app: LiveApp, mail_sink: MailSink) -> None:
    http = app.http
    email = unique_email("sullivan")

    created = await http.post("/api/v1/enrollments", json=identifiers(email, "Secret2026"))
    assert created.status_code == 201, created.text
    enrollment_id = created.json()["enrollment_id"]
    assert created.headers["Location"] == f"/api/v1/enrollments/{enrollment_id}"
    assert created.json()["status"] == "identifiers_set"

    recap = await http.put(f"/api/v1/enrollments/{enrollment_id}/details", json=details())
    assert recap.status_code == 200, recap.text
    body = recap.json()
    assert body["status"] == "awaiting_confirmation"
    assert body["company"] == {
        "foreign": False,
        "identifier": "732 829 320",
        "name": "ATELIERS FICTIFS DE LA PAIX",
    }
    assert body["trust"] == {"question": "nickname", "question_label": "Quel est votre surnom ?"}
    assert "answer" not in str(body["trust"]) and "Secret2026" not in recap.text

    confirmed = await http.post(f"/api/v1/enrollments/{enrollment_id}/confirm")
    assert confirmed.status_code == 202, confirmed.text
    assert confirmed.json()["status"] == "awaiting_activation"
    code = code_from(await mail_sink.message_to(email))

    state = (await http.get(f"/api/v1/enrollments/{enrollment_id}")).json()
    assert state["status"] == "awaiting_activation"
    assert state["activation_deadline"] == confirmed.json()["activation_deadline"]

    activated = await http.post("/api/v1/activations", json={"email": email, "code": code})
    assert activated.status_code == 201, activated.text
    result = activated.json()
    assert result["email"] == email and result["recap_pdf_url"] == "/api/v1/me/recap.pdf"
    auth = {"Authorization": f"Bearer {result['access_token']}"}

    me = await http.get("/api/v1/me", headers=auth)
    assert me.status_code == 200
    assert me.json()["subscriber_number"] == result["subscriber_number"]

    pdf = await http.get(result["recap_pdf_url"], headers=auth)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    for expected in (
        result["subscriber_number_formatted"],
        "Nom Rosemonde",  # as on the recap screen
        "Lila",
        "732 829 320",
        "ATELIERS FICTIFS DE LA PAIX",
        "Bâtiment B",
        "Quel est votre surnom ?",
        email,
    ):
        assert expected in text, expected
    for secret in ("Secret2026", code, "Tâta", "tata"):
        assert secret not in text

    signed_in = await http.post("/api/v1/sessions", json={"email": email, "password": "Secret2026"})
    assert signed_in.status_code == 201
    assert (await http.get("/api/v1/me", headers=auth)).status_code == 200
    assert (await http.get("/api/v1/enrollments/" + enrollment_id)).json()["status"] == "activated"


async def test_ops_endpoints(app: LiveApp) -> None:
    assert (await app.http.get("/healthz")).json() == {"status": "ok"}
    ready = await app.http.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"] == {"database": "ok", "temporal": "ok", "smtp": "ok"}
    metrics = (await app.http.get("/metrics")).text
    # Counted by route template, never by concrete path.
    assert 'http_requests_total{method="GET",route="/readyz",status="200"}' in metrics
    assert re.search(r'route="[^"]*[0-9a-f]{32}', metrics) is None  # no enrollment IDs


async def test_me_requires_a_token(app: LiveApp) -> None:
    refused = await app.http.get("/api/v1/me")
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"
    bogus = await app.http.get("/api/v1/me", headers={"Authorization": "Bearer nope"})
    assert bogus.status_code == 401


async def test_recap_is_rendered_on_demand_when_the_stored_one_is_missing(
    app: LiveApp, mail_sink: MailSink, engine: Engine, dev_env: WorkflowEnvironment
) -> None:
    email = unique_email()
    _, code = await pre_register_and_confirm(app.http, mail_sink, email, "Secret2026", details())
    activated = await app.http.post("/api/v1/activations", json={"email": email, "code": code})
    subscriber = SubscriberRepository(engine).by_email(email)
    assert subscriber is not None and subscriber.id is not None
    workflow_id, _, run_id = subscriber.enrollment_key.partition("/")
    await dev_env.client.get_workflow_handle(workflow_id, run_id=run_id).result()
    with Session(engine) as session:  # as if the worker had failed to render it
        session.exec(delete(RecapDocument).where(col(RecapDocument.subscriber_id) == subscriber.id))
        session.commit()

    auth = {"Authorization": f"Bearer {activated.json()['access_token']}"}
    pdf = await app.http.get("/api/v1/me/recap.pdf", headers=auth)

    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert SubscriberRepository(engine).recap(subscriber.id) is not None  # and kept
