from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.details_in import DetailsIn
from ...models.enrollment_out import EnrollmentOut
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    enrollment_id: str,
    *,
    body: DetailsIn,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/api/v1/enrollments/{enrollment_id}/details".format(
            enrollment_id=quote(str(enrollment_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> EnrollmentOut | Problem | None:
    if response.status_code == 200:
        response_200 = EnrollmentOut.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[EnrollmentOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    enrollment_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: DetailsIn,
) -> Response[EnrollmentOut | Problem]:
    """Submit Details

    Args:
        enrollment_id (str): L'identifiant rendu par l'étape 1 (`enrollment_id`).
        body (DetailsIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EnrollmentOut | Problem]
    """

    kwargs = _get_kwargs(
        enrollment_id=enrollment_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    enrollment_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: DetailsIn,
) -> EnrollmentOut | Problem | None:
    """Submit Details

    Args:
        enrollment_id (str): L'identifiant rendu par l'étape 1 (`enrollment_id`).
        body (DetailsIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EnrollmentOut | Problem
    """

    return sync_detailed(
        enrollment_id=enrollment_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    enrollment_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: DetailsIn,
) -> Response[EnrollmentOut | Problem]:
    """Submit Details

    Args:
        enrollment_id (str): L'identifiant rendu par l'étape 1 (`enrollment_id`).
        body (DetailsIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EnrollmentOut | Problem]
    """

    kwargs = _get_kwargs(
        enrollment_id=enrollment_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    enrollment_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: DetailsIn,
) -> EnrollmentOut | Problem | None:
    """Submit Details

    Args:
        enrollment_id (str): L'identifiant rendu par l'étape 1 (`enrollment_id`).
        body (DetailsIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EnrollmentOut | Problem
    """

    return (
        await asyncio_detailed(
            enrollment_id=enrollment_id,
            client=client,
            body=body,
        )
    ).parsed
