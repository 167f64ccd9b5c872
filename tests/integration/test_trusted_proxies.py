"""The client address behind a reverse proxy, over HTTP (SPEC §8): the per-address limits count
the address a trusted proxy saw, and a forwarding header from anyone else changes nothing."""

from __future__ import annotations

import httpx

from tests.live import LiveFactory
from tests.support import fresh_hash_key, unique_email

BODY = {"code": "abcdefABCDEF"}


async def attempt(http: httpx.AsyncClient, headers: dict[str, str]) -> int:
    answer = await http.post(
        "/api/v1/activations", json={**BODY, "email": unique_email()}, headers=headers
    )
    return answer.status_code


async def test_a_spoofed_header_changes_nothing(app_with: LiveFactory) -> None:
    """No trusted proxy: every request counts against the connection's address, whatever it
    claims to come from."""
    async with app_with(
        activation_attempts_per_address=2, identifier_hash_key=fresh_hash_key()
    ) as app:
        statuses = [
            await attempt(app.http, {"X-Forwarded-For": f"203.0.113.{n}"}) for n in range(1, 4)
        ]
        forwarded = await attempt(app.http, {"Forwarded": "for=198.51.100.7"})
    assert statuses == [422, 422, 429]
    assert forwarded == 429


async def test_behind_a_trusted_proxy_each_client_counts_apart(app_with: LiveFactory) -> None:
    async with app_with(
        activation_attempts_per_address=2,
        identifier_hash_key=fresh_hash_key(),
        trusted_proxies=["127.0.0.1"],
    ) as app:
        first = [await attempt(app.http, {"X-Forwarded-For": "203.0.113.1"}) for _ in range(3)]
        # Another client behind the same proxy is not stopped by the first one.
        other = await attempt(app.http, {"X-Forwarded-For": "203.0.113.2"})
        # What the client wrote itself, left of what the proxy appended, is not believed.
        spoofed = await attempt(app.http, {"X-Forwarded-For": "198.51.100.9, 203.0.113.1"})
        # The proxy passes a Forwarded header through untouched: it is the client's own.
        other_header = await attempt(
            app.http, {"X-Forwarded-For": "203.0.113.1", "Forwarded": "for=198.51.100.10"}
        )
    assert first == [422, 422, 429]
    assert other == 422
    assert spoofed == 429
    assert other_header == 429


async def test_the_forwarded_header_when_the_proxy_writes_it(app_with: LiveFactory) -> None:
    async with app_with(
        activation_attempts_per_address=1,
        identifier_hash_key=fresh_hash_key(),
        trusted_proxies=["127.0.0.0/8"],
        trusted_proxy_header="forwarded",
    ) as app:
        one = [await attempt(app.http, {"Forwarded": 'for="[2001:db8::1]:4711"'}) for _ in range(2)]
        two = await attempt(app.http, {"Forwarded": "for=192.0.2.60;proto=https"})
        ignored = await attempt(app.http, {"X-Forwarded-For": "192.0.2.61"})
        after_it = await attempt(app.http, {"X-Forwarded-For": "192.0.2.62"})
    assert one == [422, 429]
    assert two == 422
    # Without the header it believes, the proxy's own address is the client.
    assert (ignored, after_it) == (422, 429)
