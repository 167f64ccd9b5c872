"""Every answer of API.md « Adhésions » over HTTP: the real API (uvicorn), a real worker, the
Temporal dev server, the real database and the letters in the print-and-post folder.

An accountant adds three client companies, receives three letters, activates two, withdraws or
lets one lapse (the clock is in tests/workflows), résilie one; another subscriber's token
reaches none of it (404, never 403); the cap of 100 companies holds without 100 workflows."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from domain.models import AdhesionStatus
from settings import Settings
from storage.adhesions import AdhesionRepository
from storage.tables import Adhesion
from tests.integration.problems import problem
from tests.letters import PASSWORD, code_in, letter, letter_folder, new_subscriber
from tests.live import LiveApp, LiveFactory
from tests.support import free_port

API = "/api/v1/me/adhesions"
CLIENTS = ("732 829 320", "123456782", "987 654 324")  # in the embedded registry


async def signed_in(app: LiveApp, engine: Engine, settings: Settings) -> dict[str, str]:
    email = new_subscriber(engine, settings).email
    session = await app.http.post("/api/v1/sessions", json={"email": email, "password": PASSWORD})
    assert session.status_code == 201, session.text
    return {"Authorization": f"Bearer {session.json()['access_token']}"}


async def test_an_accountant_runs_three_client_companies(
    app: LiveApp, engine: Engine, settings: Settings
) -> None:
    auth = await signed_in(app, engine, settings)
    folder = letter_folder(settings)
    ids = []
    for siren in CLIENTS:
        started = datetime.now(UTC)
        created = await app.http.post(API, json={"company_identifier": siren}, headers=auth)
        assert created.status_code == 202, created.text
        body = created.json()
        assert body["siren"] == siren.replace(" ", "") and body["status"] == "pending"
        assert body["company_name"]
        expires = datetime.fromisoformat(body["expires_at"])
        assert expires.utcoffset() is not None
        assert abs(expires - (started + timedelta(days=60))) < timedelta(minutes=1)
        assert created.headers["location"] == f"{API}/{body['adhesion_id']}"
        ids.append(body["adhesion_id"])
    first, second, third = ids
    letters = {i: await letter(folder, i) for i in ids}  # three letters, one per company
    assert "ATELIERS FICTIFS DE LA PAIX" in letters[first] and "75002 PARIS" in letters[first]
    assert "69003 LYON" in letters[second]

    listed = await app.http.get(API, headers=auth)
    assert listed.status_code == 200
    rows = {r["adhesion_id"]: r for r in listed.json()}
    assert set(rows) == set(ids)
    for row in rows.values():
        assert set(row) >= {
            "adhesion_id",
            "siren",
            "company_name",
            "status",
            "requested_at",
            "activated_at",
            "expires_at",
        }
        assert row["status"] == "pending" and row["activated_at"] is None

    wrong = await app.http.post(
        f"{API}/{first}/activate", json={"code": "AAAAbbbb1111"}, headers=auth
    )
    problem(wrong, 422, "invalid_code")
    malformed = await app.http.post(f"{API}/{first}/activate", json={"code": "x"}, headers=auth)
    problem(malformed, 422, "invalid_code")

    for adhesion_id in (first, second):
        code = code_in(letters[adhesion_id])
        activated = await app.http.post(
            f"{API}/{adhesion_id}/activate", json={"code": code}, headers=auth
        )
        assert activated.status_code == 200, activated.text
        assert activated.json()["status"] == "active" and activated.json()["activated_at"]

    # The third company's request is withdrawn while pending: gone from the list.
    assert (await app.http.delete(f"{API}/{third}", headers=auth)).status_code == 204
    # The second one is résiliée.
    assert (await app.http.delete(f"{API}/{second}", headers=auth)).status_code == 204
    problem(await app.http.delete(f"{API}/{second}", headers=auth), 409, "adhesion_closed")

    statuses = {
        r["adhesion_id"]: r["status"] for r in (await app.http.get(API, headers=auth)).json()
    }
    assert statuses == {first: "active", second: "revoked"}

    # Résiliée, the company may be asked for again; active, it may not.
    again = await app.http.post(API, json={"company_identifier": CLIENTS[1]}, headers=auth)
    assert again.status_code == 202, again.text
    dup = await app.http.post(API, json={"company_identifier": CLIENTS[0]}, headers=auth)
    problem(dup, 409, "adhesion_exists")
    # An active adhésion awaits no code.
    code = code_in(letters[first])
    done = await app.http.post(f"{API}/{first}/activate", json={"code": code}, headers=auth)
    problem(done, 409, "adhesion_not_pending")
    problem(await app.http.post(f"{API}/{first}/resend", headers=auth), 409, "adhesion_not_pending")


async def test_a_new_letter_voids_the_code_and_five_wrong_codes_void_it(
    app: LiveApp, engine: Engine, settings: Settings
) -> None:
    auth = await signed_in(app, engine, settings)
    folder = letter_folder(settings)
    created = await app.http.post(API, json={"company_identifier": CLIENTS[0]}, headers=auth)
    adhesion_id = created.json()["adhesion_id"]
    first = code_in(await letter(folder, adhesion_id))

    resent = await app.http.post(f"{API}/{adhesion_id}/resend", headers=auth)
    assert resent.status_code == 202, resent.text
    assert resent.json()["status"] == "pending"
    second = code_in(await letter(folder, adhesion_id, 2))
    stale = await app.http.post(f"{API}/{adhesion_id}/activate", json={"code": first}, headers=auth)
    problem(stale, 422, "invalid_code")  # the first letter's code is void: 1 wrong try

    for _ in range(settings.max_code_attempts - 1):
        wrong = await app.http.post(
            f"{API}/{adhesion_id}/activate", json={"code": second[::-1]}, headers=auth
        )
        problem(wrong, 422, "invalid_code")
    void = await app.http.post(f"{API}/{adhesion_id}/activate", json={"code": second}, headers=auth)
    problem(void, 429, "too_many_attempts")
    assert int(void.headers["retry-after"]) > 0

    for number in (3, 4):  # the 2nd and 3rd new letters
        assert (await app.http.post(f"{API}/{adhesion_id}/resend", headers=auth)).status_code == 202
        await letter(folder, adhesion_id, number)
    over = await app.http.post(f"{API}/{adhesion_id}/resend", headers=auth)
    problem(over, 409, "letter_limit")
    last = code_in(await letter(folder, adhesion_id, 4))
    ok = await app.http.post(f"{API}/{adhesion_id}/activate", json={"code": last}, headers=auth)
    assert ok.status_code == 200 and ok.json()["status"] == "active"


async def test_bad_input_every_field_in_french(
    app: LiveApp, engine: Engine, settings: Settings
) -> None:
    auth = await signed_in(app, engine, settings)
    # The messages of docs/rules.md's error table.
    required = "Ce champ est obligatoire."
    invalid_siren = "Le numéro SIREN doit comporter 9 chiffres et être valide."
    for value, code, message in (
        ("", "required", required),
        ("123 456 789", "invalid_siren", invalid_siren),  # the Luhn key is wrong
        ("abc", "invalid_siren", invalid_siren),
    ):
        bad = await app.http.post(API, json={"company_identifier": value}, headers=auth)
        body = problem(bad, 422, "invalid_fields")
        assert body["errors"] == [{"field": "company_identifier", "code": code, "message": message}]
    # Luhn-valid, but no such company in the registry: no address to post the code to.
    unknown = await app.http.post(API, json={"company_identifier": "130025265"}, headers=auth)
    body = problem(unknown, 422, "invalid_fields")
    assert body["errors"][0]["code"] == "unknown_company"
    typed = await app.http.post(API, json={"company_identifier": 732829320}, headers=auth)
    problem(typed, 422, "invalid_fields")
    problem(await app.http.post(API, content=b"{", headers=auth), 400, "malformed_request")
    listed = await app.http.get(API, headers=auth)
    assert listed.status_code == 200 and listed.json() == []  # nothing left behind


async def test_without_a_token_401(app: LiveApp) -> None:
    for method, path in (
        ("POST", API),
        ("GET", API),
        ("POST", f"{API}/x/activate"),
        ("POST", f"{API}/x/resend"),
        ("DELETE", f"{API}/x"),
    ):
        answer = await app.http.request(method, path, json={"code": "x"})
        problem(answer, 401, "unauthorized")
        bogus = await app.http.request(
            method, path, json={"code": "x"}, headers={"Authorization": "Bearer nope"}
        )
        problem(bogus, 401, "unauthorized")


async def test_another_subscribers_token_finds_nothing(
    app: LiveApp, engine: Engine, settings: Settings
) -> None:
    owner = await signed_in(app, engine, settings)
    other = await signed_in(app, engine, settings)
    folder = letter_folder(settings)
    created = await app.http.post(API, json={"company_identifier": CLIENTS[0]}, headers=owner)
    adhesion_id = created.json()["adhesion_id"]
    code = code_in(await letter(folder, adhesion_id))
    unknown_id = uuid.uuid4().hex

    for target in (adhesion_id, unknown_id):
        answers = [
            await app.http.get(f"{API}/{target}", headers=other),
            await app.http.post(f"{API}/{target}/activate", json={"code": code}, headers=other),
            await app.http.post(f"{API}/{target}/resend", headers=other),
            await app.http.delete(f"{API}/{target}", headers=other),
        ]
        for answer in answers:
            problem(answer, 404, "not_found")
    # Another's and a non-existent one look exactly alike.
    mine = await app.http.post(f"{API}/{adhesion_id}/resend", headers=other)
    none = await app.http.post(f"{API}/{unknown_id}/resend", headers=other)
    assert mine.json() == none.json()
    assert (await app.http.get(API, headers=other)).json() == []
    # Nothing the other one did touched it: still pending, one letter, the code still good.
    assert (await app.http.get(f"{API}/{adhesion_id}", headers=owner)).json()["letters_sent"] == 1
    ok = await app.http.post(f"{API}/{adhesion_id}/activate", json={"code": code}, headers=owner)
    assert ok.status_code == 200, ok.text


async def test_at_most_100_companies_per_space(
    app: LiveApp, engine: Engine, settings: Settings
) -> None:
    """100 open requests straight in the database (the limit reads the table, not Temporal);
    the 101st over HTTP is refused, and a closed one frees its place."""
    subscriber = new_subscriber(engine, settings)
    session = await app.http.post(
        "/api/v1/sessions", json={"email": subscriber.email, "password": PASSWORD}
    )
    auth = {"Authorization": f"Bearer {session.json()['access_token']}"}
    repository = AdhesionRepository(engine)
    assert subscriber.id is not None and settings.adhesions_per_space == 100
    now = datetime.now(UTC)
    seeded = [
        repository.add(
            Adhesion(
                id=uuid.uuid4().hex,
                subscriber_id=subscriber.id,
                siren=f"{n:09d}",  # distinct; the limit does not look at validity
                company_name=f"CLIENT {n}",
                company_address="1 RUE DU TEST\n75001 PARIS",
                status=AdhesionStatus.PENDING.value if n % 2 else AdhesionStatus.ACTIVE.value,
                expires_at=now + timedelta(days=60),
                workflow_id=f"adhesion-test-{n}",
            ),
            limit=100,
        )
        for n in range(100)
    ]
    over = await app.http.post(API, json={"company_identifier": CLIENTS[0]}, headers=auth)
    problem(over, 409, "adhesion_limit")
    assert len((await app.http.get(API, headers=auth)).json()) == 100

    assert repository.transition(
        seeded[0].id, AdhesionStatus.REVOKED, now, from_=AdhesionStatus.ACTIVE
    )
    room = await app.http.post(API, json={"company_identifier": CLIENTS[0]}, headers=auth)
    assert room.status_code == 202, room.text
    problem(
        await app.http.post(API, json={"company_identifier": CLIENTS[1]}, headers=auth),
        409,
        "adhesion_limit",
    )


async def test_a_registry_that_does_not_answer_is_503_and_leaves_nothing(
    app_with: LiveFactory, settings: Settings, engine: Engine
) -> None:
    """The enrollment goes on with an unknown name; an adhésion cannot: no address, no letter."""
    async with app_with(
        company_registry_url=f"http://127.0.0.1:{free_port()}",
        company_registry_timeout=timedelta(seconds=0.2),
    ) as app:
        auth = await signed_in(app, engine, settings)
        down = await app.http.post(API, json={"company_identifier": CLIENTS[0]}, headers=auth)
        problem(down, 503, "unavailable")
        assert int(down.headers["retry-after"]) > 0
        assert (await app.http.get(API, headers=auth)).json() == []


async def test_a_retried_request_with_its_idempotency_key_is_one_request(
    app: LiveApp, engine: Engine, settings: Settings
) -> None:
    auth = await signed_in(app, engine, settings)
    folder = letter_folder(settings)
    keyed = auth | {"Idempotency-Key": uuid.uuid4().hex}
    body = {"company_identifier": CLIENTS[2]}
    first = await app.http.post(API, json=body, headers=keyed)
    again = await app.http.post(API, json=body, headers=keyed)
    assert first.status_code == again.status_code == 202, again.text
    assert first.json() == again.json()
    await letter(folder, first.json()["adhesion_id"])
    assert len((await app.http.get(API, headers=auth)).json()) == 1
    # Without a token, the same key is no one's: 401, whatever was kept under it.
    anonymous = await app.http.post(
        API, json=body, headers={"Idempotency-Key": keyed["Idempotency-Key"]}
    )
    problem(anonymous, 401, "unauthorized")
