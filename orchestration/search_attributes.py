"""The search attributes ops filter on in the Temporal UI: statuses and dates, no personal data."""

from __future__ import annotations

from temporalio.common import SearchAttributeKey

ENROLLMENT_STATUS = SearchAttributeKey.for_keyword("EnrollmentStatus")
ACTIVATION_DEADLINE = SearchAttributeKey.for_datetime("ActivationDeadline")
# An adhésion's status (pending, active, expired, withdrawn): `AdhesionStatus = "pending"` lists
# the requests awaiting their code; their letter's deadline is in ActivationDeadline.
ADHESION_STATUS = SearchAttributeKey.for_keyword("AdhesionStatus")

# The service client that started an invitation (its opaque client ID, never its name or key):
# `ServiceClient = "<client_id>"` lists that client's invitations.
SERVICE_CLIENT = SearchAttributeKey.for_keyword("ServiceClient")

ALL = (ENROLLMENT_STATUS, ACTIVATION_DEADLINE, ADHESION_STATUS, SERVICE_CLIENT)


def dev_server_flags() -> list[str]:
    """`temporal server start-dev` arguments that register the attributes at start-up."""
    flags: list[str] = []
    for key in ALL:
        flags += ["--search-attribute", f"{key.name}={key.indexed_value_type.name.title()}"]
    return flags
