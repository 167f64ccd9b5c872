"""The generated client (clients/python/) drives the live app: a backend starts an enrollment,
gives the details, reads the recap back, and gets every refused field at once as a typed
problem, as docs/integration.md shows."""

from __future__ import annotations

from espace_abonne_client import AuthenticatedClient, Client
from espace_abonne_client.api.enrollment import create_enrollment, get_enrollment, submit_details
from espace_abonne_client.api.invitations import find_invitations, invite
from espace_abonne_client.models import (
    CompanyIn,
    CompanyOut,
    ContactIn,
    ContactInCountry,
    ContactInStreetType,
    ContactOut,
    DetailsIn,
    DetailsInCivility,
    EnrollmentCreatedOut,
    EnrollmentOut,
    EnrollmentStartIn,
    EnrollmentStatus,
    InvitationCompanyIn,
    InvitationContactIn,
    InvitationContactInCountry,
    InvitationCreatedOut,
    InvitationIn,
    InvitationInCivility,
    InvitationStatus,
    Problem,
    TrustIn,
    TrustInQuestion,
    TrustOut,
)
from sqlalchemy import Engine

from settings import Settings
from tests.invitations import admin_key
from tests.live import LiveApp
from tests.support import unique_email

PASSWORD = "Abcd1234"


def _start(email: str, confirmation: str) -> EnrollmentStartIn:
    return EnrollmentStartIn(
        terms_accepted=True,
        email=email,
        email_confirmation=confirmation,
        password=PASSWORD,
        password_confirmation=PASSWORD,
    )


async def test_the_generated_client_starts_an_enrollment_and_reads_it_back(app: LiveApp) -> None:
    email = unique_email("client")
    async with Client(base_url=app.base_url) as client:
        created = await create_enrollment.asyncio(client=client, body=_start(email, email))
        assert isinstance(created, EnrollmentCreatedOut), created
        assert created.status is EnrollmentStatus.IDENTIFIERS_SET

        details = DetailsIn(
            civility=DetailsInCivility.MADAME,
            last_name="Rosemonde",
            first_name="Lila",
            company=CompanyIn(identifier="732 829 320"),
            contact=ContactIn(
                phone="01 23 45 67 89",
                street_number="12",
                street_type=ContactInStreetType.RUE,
                street_name="de la Paix",
                postal_code="75002",
                city="Paris",
                country=ContactInCountry.FR,
            ),
            trust=TrustIn(question=TrustInQuestion.NICKNAME, answer="Tâta"),
        )
        given = await submit_details.asyncio(
            enrollment_id=created.enrollment_id, client=client, body=details
        )
        assert isinstance(given, EnrollmentOut), given

        recap = await get_enrollment.asyncio(enrollment_id=created.enrollment_id, client=client)
    assert isinstance(recap, EnrollmentOut), recap
    assert recap.status is EnrollmentStatus.AWAITING_CONFIRMATION
    assert recap.email == email
    assert recap.last_name == "Rosemonde"
    assert isinstance(recap.company, CompanyOut) and recap.company.identifier == "732 829 320"
    assert isinstance(recap.contact, ContactOut) and recap.contact.phone == "+33123456789"
    assert isinstance(recap.trust, TrustOut)
    assert recap.trust.question_label == "Quel est votre surnom ?"


async def test_the_generated_client_gets_every_refused_field_at_once(app: LiveApp) -> None:
    email = unique_email("client")
    body = _start(email, unique_email("autre"))
    body.password_confirmation = "Autre1234"
    async with Client(base_url=app.base_url) as client:
        refused = await create_enrollment.asyncio_detailed(client=client, body=body)

    assert refused.status_code == 422
    problem = refused.parsed
    assert isinstance(problem, Problem), refused.content
    assert problem.code.value == "invalid_fields"
    assert problem.errors
    assert {(e.field, e.code, e.message) for e in problem.errors} == {
        (
            "email_confirmation",
            "email_mismatch",
            "Les deux adresses électroniques ne sont pas identiques.",
        ),
        (
            "password_confirmation",
            "password_mismatch",
            "Les deux mots de passe ne sont pas identiques.",
        ),
    }


async def test_a_service_invites_with_the_generated_client(
    app: LiveApp, settings: Settings, engine: Engine
) -> None:
    """docs/integration.md « Invitations »: the service's key in an AuthenticatedClient, a typed
    invitation, the same reference found again, and a refusal as a typed problem."""
    key = (await admin_key(settings, engine, "Logiciel comptable", "enrollments"))["Authorization"]
    email = unique_email("client-invite")
    person = InvitationIn(
        external_reference="crm-7",
        email=email,
        civility=InvitationInCivility.MADAME,
        last_name="Rosemonde",
        first_name="Lila",
        company=InvitationCompanyIn(identifier="732 829 320"),
        contact=InvitationContactIn(
            phone="01 23 45 67 89",
            street_name="de la Paix",
            postal_code="75002",
            city="Paris",
            country=InvitationContactInCountry.FR,
        ),
    )
    token = key.removeprefix("Bearer ")
    async with AuthenticatedClient(base_url=app.base_url, token=token) as api:
        made = await invite.asyncio(client=api, body=person)
        assert isinstance(made, InvitationCreatedOut), made
        assert made.status is InvitationStatus.INVITED and made.email == email
        found = await find_invitations.asyncio(client=api, external_reference="crm-7")
        assert isinstance(found, list)
        assert [i.invitation_id for i in found] == [made.invitation_id]

        person.contact.postal_code = "7500"
        person.external_reference = "crm-8"
        refused = await invite.asyncio(client=api, body=person)
    assert isinstance(refused, Problem), refused
    assert refused.status == 422
    assert [e.field for e in refused.errors or []] == ["contact.postal_code"]
