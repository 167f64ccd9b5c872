from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.adhesion_out import AdhesionOut
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    adhesion_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/me/adhesions/{adhesion_id}".format(
            adhesion_id=quote(str(adhesion_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AdhesionOut | Problem | None:
    if response.status_code == 200:
        response_200 = AdhesionOut.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

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
) -> Response[AdhesionOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    adhesion_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[AdhesionOut | Problem]:
    """Get Adhesion

    Args:
        adhesion_id (str): L'`adhesion_id` rendu par la demande d'adhésion.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AdhesionOut | Problem]
    """

    kwargs = _get_kwargs(
        adhesion_id=adhesion_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    adhesion_id: str,
    *,
    client: AuthenticatedClient,
) -> AdhesionOut | Problem | None:
    """Get Adhesion

    Args:
        adhesion_id (str): L'`adhesion_id` rendu par la demande d'adhésion.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AdhesionOut | Problem
    """

    return sync_detailed(
        adhesion_id=adhesion_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    adhesion_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[AdhesionOut | Problem]:
    """Get Adhesion

    Args:
        adhesion_id (str): L'`adhesion_id` rendu par la demande d'adhésion.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AdhesionOut | Problem]
    """

    kwargs = _get_kwargs(
        adhesion_id=adhesion_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    adhesion_id: str,
    *,
    client: AuthenticatedClient,
) -> AdhesionOut | Problem | None:
    """Get Adhesion

    Args:
        adhesion_id (str): L'`adhesion_id` rendu par la demande d'adhésion.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AdhesionOut | Problem
    """

    return (
        await asyncio_detailed(
            adhesion_id=adhesion_id,
            client=client,
        )
    ).parsed
