"""Adhésions (SPEC §7) as services: the JSON API and the web pages both call these.

The database holds what « Mes adhésions » lists; each pending request is also a workflow that
owns its clock and its code (`workflows.adhesion`), and mirrors its transitions back into the
table through an activity. A subscriber only ever reaches their own adhésions: anyone else's
is "not found", never "forbidden", so its existence is not confirmed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import ParamSpec, TypeVar

from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from companies.registry import CompanyRegistry, RegistryUnavailable
from domain.client_description import NO_CLIENT, ClientDescription
from domain.codes import CodePurpose, is_code_shaped
from domain.errors import FieldError, InvalidFields
from domain.models import AdhesionStatus
from domain.problems import ProblemCode
from domain.rules import MESSAGES, compact_siren
from domain.security_events import EventType
from security.keyed_hash import KeyedHasher
from services.errors import (
    Conflict,
    Expired,
    InvalidCode,
    NotFound,
    TooManyAttempts,
    Unavailable,
)
from services.workflow_calls import WorkflowCalls
from settings import Settings
from storage.adhesions import AdhesionExists, AdhesionLimit, AdhesionRepository, new_adhesion_id
from storage.security_events import new_event
from storage.tables import Adhesion, Subscriber
from workflows.adhesion import AdhesionWorkflow
from workflows.adhesion_messages import (
    ActivateAdhesion,
    AdhesionActivationOutcome,
    AdhesionOutcome,
    AdhesionParams,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
P = ParamSpec("P")

NOT_FOUND = "Adhésion introuvable."
UNKNOWN_COMPANY = (
    "Aucune entreprise n'est connue à ce numéro SIREN avec une adresse postale : le code "
    "d'adhésion ne peut pas lui être envoyé par courrier."
)
WRONG_CODE = "Le code d'adhésion est incorrect."


def _field_error(field: str, code: str, message: str) -> InvalidFields:
    return InvalidFields([FieldError(field, code, message)])


def _siren_refused(field: str, typed: str) -> FieldError:
    """The error of a SIREN that compact_siren refused: left empty, or not a valid SIREN."""
    code = "required" if not typed.strip() else "invalid_siren"
    return FieldError(field, code, MESSAGES[code])


class AdhesionService:
    # A closed or vanished workflow: the database's word is the one that counts.
    _call = WorkflowCalls(
        refused=lambda _: Conflict(
            "Cette demande d'adhésion n'attend pas de code.", code=ProblemCode.ADHESION_NOT_PENDING
        ),
        gone=lambda: Conflict(
            "Cette demande d'adhésion n'attend plus de code.",
            code=ProblemCode.ADHESION_NOT_PENDING,
        ),
    )

    def __init__(
        self,
        client: Client,
        settings: Settings,
        adhesions: AdhesionRepository,
        registry: CompanyRegistry,
        keyed: KeyedHasher,
    ) -> None:
        self._client = client
        self._settings = settings
        self._adhesions = adhesions
        self._registry = registry
        self._keyed = keyed

    # -- « Demander une adhésion » ------------------------------------------------------------

    async def request(
        self,
        subscriber: Subscriber,
        company_identifier: str,
        client: ClientDescription = NO_CLIENT,
    ) -> Adhesion:
        """Record the request and start its workflow, which posts the letter."""
        assert subscriber.id is not None
        siren = compact_siren(company_identifier)
        if siren is None:
            raise InvalidFields([_siren_refused("company_identifier", company_identifier)])
        limit = self._settings.adhesions_per_space
        await self._in_thread(self._adhesions.check_room, subscriber.id, siren, limit)
        try:
            company = await self._registry.company(siren)
        except RegistryUnavailable:
            raise Unavailable(
                "Le répertoire des entreprises ne répond pas : réessayez dans quelques minutes."
            ) from None
        if company is None or company.address is None or not company.name:
            raise _field_error("company_identifier", "unknown_company", UNKNOWN_COMPANY)
        now = datetime.now(UTC)
        workflow_id = self._keyed.adhesion_workflow_id(subscriber.id, siren)
        row = Adhesion(
            id=new_adhesion_id(),
            subscriber_id=subscriber.id,
            siren=siren,
            company_name=company.name,
            company_address="\n".join(company.address.lines()),
            status=AdhesionStatus.PENDING.value,
            requested_at=now,
            # Until the letter goes out and its deadline is recorded.
            expires_at=now + self._settings.adhesion_window,
            workflow_id=workflow_id,
        )
        adhesion = await self._in_thread(self._adhesions.add, row, limit)
        try:
            handle = await self._start(adhesion.id, workflow_id)
        except (RPCError, WorkflowAlreadyStartedError) as error:
            # Nothing is left behind: the row goes, the request can be made again.
            await asyncio.to_thread(self._adhesions.delete, adhesion.id)
            status = error.status.name if isinstance(error, RPCError) else ""
            log.warning("adhesion workflow not started: %s %s", type(error).__name__, status)
            raise Unavailable() from None
        assert handle.first_execution_run_id is not None
        requested = new_event(subscriber.id, EventType.ADHESION_REQUESTED, client=client, at=now)
        await asyncio.to_thread(
            self._adhesions.set_run, adhesion.id, handle.first_execution_run_id, requested
        )
        log.info("adhesion requested", extra={"workflow_id": workflow_id})
        adhesion.run_id = handle.first_execution_run_id
        return adhesion

    async def _start(
        self, adhesion_id: str, workflow_id: str
    ) -> WorkflowHandle[AdhesionWorkflow, AdhesionOutcome]:
        """Start the request's workflow. A new request for the same company may follow the
        previous one at once: the row just inserted proves no other request of this space for
        this SIREN is open, so a run still under this ID is one finishing its close (a withdrawn
        or expired request, already recorded), and it may be ended."""

        async def start() -> WorkflowHandle[AdhesionWorkflow, AdhesionOutcome]:
            return await self._client.start_workflow(
                AdhesionWorkflow.run,
                self._params(adhesion_id),
                id=workflow_id,
                task_queue=self._settings.temporal_task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
                id_conflict_policy=WorkflowIDConflictPolicy.TERMINATE_EXISTING,
            )

        try:
            return await start()
        except RPCError as error:
            # That closing run may finish between the server's look and its termination, which
            # then finds nothing to end (NOT_FOUND, seen on the time-skipping test server):
            # nothing was started and the ID is free now, so the start is made again, once.
            if error.status is not RPCStatusCode.NOT_FOUND:
                raise
        return await start()

    def _params(self, adhesion_id: str) -> AdhesionParams:
        s = self._settings
        return AdhesionParams(
            adhesion_id=adhesion_id,
            window=s.adhesion_window,
            max_code_attempts=s.max_code_attempts,
            max_resends=s.adhesion_max_resends,
        )

    # -- « Mes adhésions » --------------------------------------------------------------------

    async def listed(self, subscriber: Subscriber) -> list[Adhesion]:
        assert subscriber.id is not None
        return await asyncio.to_thread(self._adhesions.listed, subscriber.id)

    async def get(self, subscriber: Subscriber, adhesion_id: str) -> Adhesion:
        assert subscriber.id is not None
        adhesion = await asyncio.to_thread(self._adhesions.owned, subscriber.id, adhesion_id)
        if adhesion is None or adhesion.status == AdhesionStatus.WITHDRAWN.value:
            raise NotFound(NOT_FOUND)
        return adhesion

    # -- « Activer une adhésion » -------------------------------------------------------------

    async def activate(
        self,
        subscriber: Subscriber,
        adhesion_id: str,
        code: str,
        client: ClientDescription = NO_CLIENT,
    ) -> Adhesion:
        adhesion = await self.get(subscriber, adhesion_id)
        if adhesion.status != AdhesionStatus.ACTIVE.value:
            # Active: perhaps by this very code a moment ago (a double click, a retry), which
            # the workflow, while it is still open, answers again as a success.
            self._check_pending(adhesion)
        code = code.strip()
        if not is_code_shaped(code):
            raise InvalidCode(WRONG_CODE)
        digest = self._keyed.code_digest(CodePurpose.ADHESION, adhesion.workflow_id, code)
        answer = await self._call(
            self._handle(adhesion).execute_update(
                AdhesionWorkflow.activate, ActivateAdhesion(code_digest=digest, client=client)
            )
        )
        match answer.outcome:
            case AdhesionActivationOutcome.ACTIVATED:
                log.info("adhesion activated", extra={"workflow_id": adhesion.workflow_id})
                return await self.get(subscriber, adhesion_id)
            case AdhesionActivationOutcome.INVALID_CODE:
                raise InvalidCode(WRONG_CODE)
            case AdhesionActivationOutcome.CODE_VOID:
                raise TooManyAttempts(
                    "Ce code n'est plus valable après trop d'essais : demandez un nouveau "
                    "courrier.",
                    retry_after=60,
                )
            case AdhesionActivationOutcome.EXPIRED:
                raise self._expired()
        raise Conflict(
            "Cette demande d'adhésion n'attend pas de code.", code=ProblemCode.ADHESION_NOT_PENDING
        )

    async def activate_siren(
        self,
        subscriber: Subscriber,
        siren_input: str,
        code: str,
        client: ClientDescription = NO_CLIENT,
    ) -> Adhesion:
        """The page's form: the SIREN names the pending request of this space."""
        assert subscriber.id is not None
        siren = compact_siren(siren_input)
        errors = []
        if siren is None:
            errors.append(_siren_refused("siren", siren_input))
        if not code.strip():
            errors.append(FieldError("code", "required", MESSAGES["required"]))
        if errors:
            raise InvalidFields(errors)
        assert siren is not None
        adhesion = await asyncio.to_thread(self._adhesions.latest_for, subscriber.id, siren)
        if adhesion is not None and adhesion.status == AdhesionStatus.EXPIRED.value:
            raise self._expired()
        if adhesion is None or adhesion.status not in (
            AdhesionStatus.PENDING.value,
            AdhesionStatus.ACTIVE.value,
        ):
            raise NotFound("Aucune demande d'adhésion en attente du code pour ce SIREN.")
        return await self.activate(subscriber, adhesion.id, code, client)

    # -- a new letter ---------------------------------------------------------------------------

    async def resend(self, subscriber: Subscriber, adhesion_id: str) -> Adhesion:
        adhesion = await self.get(subscriber, adhesion_id)
        self._check_pending(adhesion)
        handle = self._handle(adhesion)
        result = await self._call(handle.execute_update(AdhesionWorkflow.new_letter))
        if not result.sent:
            raise Conflict(
                "Le nombre maximal de nouveaux courriers est atteint pour cette demande.",
                code=ProblemCode.LETTER_LIMIT,
            )
        log.info("adhesion letter sent again", extra={"workflow_id": adhesion.workflow_id})
        return await self.get(subscriber, adhesion_id)

    # -- résilier / withdraw ------------------------------------------------------------------

    async def end(
        self, subscriber: Subscriber, adhesion_id: str, client: ClientDescription = NO_CLIENT
    ) -> None:
        """Résilier an active adhésion; withdraw a pending request (its code dies with it)."""
        adhesion = await self.get(subscriber, adhesion_id)
        status = AdhesionStatus(adhesion.status)
        if status is AdhesionStatus.ACTIVE:
            now = datetime.now(UTC)
            moved = await asyncio.to_thread(
                self._adhesions.transition,
                adhesion.id,
                AdhesionStatus.REVOKED,
                now,
                from_=AdhesionStatus.ACTIVE,
                event=lambda owner: new_event(
                    owner, EventType.ADHESION_ENDED, client=client, at=now
                ),
            )
            if moved:
                log.info("adhesion revoked", extra={"workflow_id": adhesion.workflow_id})
                return
        elif status is AdhesionStatus.PENDING:
            await self._call(self._handle(adhesion).execute_update(AdhesionWorkflow.withdraw))
            log.info("adhesion withdrawn", extra={"workflow_id": adhesion.workflow_id})
            return
        raise Conflict("Cette adhésion est déjà terminée.", code=ProblemCode.ADHESION_CLOSED)

    async def withdraw_all(self, subscriber: Subscriber) -> int:
        """Withdraw every pending request of a space, e.g. before it is closed (SPEC §6): no
        letter goes out for a space that no longer exists. Returns how many were withdrawn."""
        withdrawn = 0
        for adhesion in await self.listed(subscriber):
            if adhesion.status == AdhesionStatus.PENDING.value:
                try:
                    await self._call(
                        self._handle(adhesion).execute_update(AdhesionWorkflow.withdraw)
                    )
                except Conflict:
                    continue  # it ended meanwhile
                withdrawn += 1
        return withdrawn

    # -- helpers ------------------------------------------------------------------------------

    def _check_pending(self, adhesion: Adhesion) -> None:
        if adhesion.status == AdhesionStatus.EXPIRED.value:
            raise self._expired()
        if adhesion.status != AdhesionStatus.PENDING.value:
            raise Conflict(
                "Cette demande d'adhésion n'attend pas de code.",
                code=ProblemCode.ADHESION_NOT_PENDING,
            )

    @staticmethod
    def _expired() -> Expired:
        return Expired(
            "Le délai de saisie du code est dépassé : la demande d'adhésion a expiré. Faites une "
            "nouvelle demande."
        )

    def _handle(self, adhesion: Adhesion) -> WorkflowHandle[AdhesionWorkflow, AdhesionOutcome]:
        return self._client.get_workflow_handle_for(
            AdhesionWorkflow.run, adhesion.workflow_id, run_id=adhesion.run_id or None
        )

    @staticmethod
    async def _in_thread(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a repository call off the event loop; its limit errors become the API's 409s."""
        try:
            return await asyncio.to_thread(function, *args, **kwargs)
        except AdhesionExists:
            raise Conflict(
                "Une demande d'adhésion est déjà en cours ou active pour ce SIREN.",
                code=ProblemCode.ADHESION_EXISTS,
            ) from None
        except AdhesionLimit:
            raise Conflict(
                "Votre espace compte déjà le nombre maximal d'entreprises.",
                code=ProblemCode.ADHESION_LIMIT,
            ) from None
