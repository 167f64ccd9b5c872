"""What a security event keeps of the client: a short browser name and the address's network.

Neither the raw User-Agent header nor the full address is kept: the browser's family and
platform are enough for a subscriber to recognise (or not) a sign-in, and the network (/24 for
IPv4, /48 for IPv6) says where from without naming one machine.
"""

from __future__ import annotations

import ipaddress

from pydantic import BaseModel, ConfigDict

IPV4_PREFIX = 24
IPV6_PREFIX = 48
BROWSER_MAX = 60
NETWORK_MAX = 50

# Order matters: Edge and Opera also name Chrome, Chrome also names Safari.
_BROWSERS = (
    ("Edg/", "Microsoft Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_PLATFORMS = (
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)
UNKNOWN_BROWSER = "Navigateur inconnu"
OTHER_BROWSER = "Autre navigateur"


def describe_browser(user_agent: str) -> str:
    """« Firefox sur Linux », « Chrome », « Autre navigateur » or « Navigateur inconnu »."""
    if not user_agent.strip():
        return UNKNOWN_BROWSER
    browser = next((name for marker, name in _BROWSERS if marker in user_agent), OTHER_BROWSER)
    platform = next((name for marker, name in _PLATFORMS if marker in user_agent), None)
    described = f"{browser} sur {platform}" if platform else browser
    return described[:BROWSER_MAX]


def network_of(address: str | None) -> str:
    """The address cut to its network ("203.0.113.0/24", "2001:db8:1::/48"); "" when there
    is no address or it is not an IP address (a test client, a Unix socket)."""
    if not address:
        return ""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = IPV4_PREFIX if ip.version == 4 else IPV6_PREFIX
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


class ClientDescription(BaseModel):
    """What an event records of the client that acted; empty when no client did (a timer).

    A model, so that it can travel in an update's and an activity's input (encrypted by the
    payload codec like every payload) to the activity that records the event."""

    model_config = ConfigDict(frozen=True)

    browser: str = ""
    network: str = ""

    @classmethod
    def of(cls, user_agent: str, address: str | None) -> ClientDescription:
        return cls(browser=describe_browser(user_agent), network=network_of(address))


NO_CLIENT = ClientDescription()
