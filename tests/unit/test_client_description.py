"""What an event keeps of the client: a short browser name, the address cut to /24 or /48."""

from __future__ import annotations

import pytest

from domain.client_description import ClientDescription, describe_browser, network_of

FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
EDGE_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


@pytest.mark.parametrize(
    ("user_agent", "expected"),
    [
        (FIREFOX_LINUX, "Firefox sur Linux"),
        (EDGE_WINDOWS, "Microsoft Edge sur Windows"),
        (SAFARI_IPHONE, "Safari sur iOS"),
        ("python-httpx/0.28.1", "Autre navigateur"),
        ("", "Navigateur inconnu"),
    ],
)
def test_the_browser_is_named_not_copied(user_agent: str, expected: str) -> None:
    assert describe_browser(user_agent) == expected


def test_a_long_header_gives_a_short_description() -> None:
    assert len(describe_browser("Firefox/1 " + "x" * 5000)) <= 60


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("203.0.113.77", "203.0.113.0/24"),
        ("2001:db8:1234:5678::1", "2001:db8:1234::/48"),
        ("::ffff:198.51.100.9", "198.51.100.0/24"),
        ("testclient", ""),
        (None, ""),
        ("", ""),
    ],
)
def test_the_address_is_cut_to_its_network(address: str | None, expected: str) -> None:
    assert network_of(address) == expected


def test_a_description_holds_neither_the_header_nor_the_address() -> None:
    described = ClientDescription.of(FIREFOX_LINUX, "203.0.113.77")
    assert described == ClientDescription(browser="Firefox sur Linux", network="203.0.113.0/24")
