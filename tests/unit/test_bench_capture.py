"""The bench's SMTP capture: a code e-mail hands its code to the recipient's waiter (the
activation's 12 characters, the second step's 6 digits); a notice without a code leaves the
waiter in place and is counted. Messages go through aiosmtpd's own envelope handling."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from email.message import EmailMessage

import aiosmtplib
import pytest

from bench.capture import CodeCapture

TO = "lila@exemple.fr"


def mail(body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "ne-pas-repondre@exemple.fr"
    message["To"] = TO
    message["Subject"] = "Espace abonné des professionnels"
    message.set_content(body)
    return message


@pytest.fixture
async def capture() -> AsyncIterator[tuple[CodeCapture, int]]:
    found = CodeCapture()
    port = await found.start()
    yield found, port
    await found.stop()


@pytest.mark.parametrize("code", ["az84RTw0DD5r", "073915"])
async def test_the_code_on_its_own_line_is_handed_back(
    capture: tuple[CodeCapture, int], code: str
) -> None:
    codes, port = capture
    waiting = codes.expect(TO)
    await aiosmtplib.send(mail(f"Saisissez le code suivant :\n\n{code}\n\nMerci."), port=port,
                          hostname="127.0.0.1")  # fmt: skip
    assert (await asyncio.wait_for(waiting, 5))[0] == code


async def test_a_notice_without_a_code_leaves_the_waiter_waiting(
    capture: tuple[CodeCapture, int],
) -> None:
    codes, port = capture
    waiting = codes.expect(TO)
    notice = "Une connexion depuis un nouveau navigateur a eu lieu le 6 décembre 2026."
    await aiosmtplib.send(mail(notice), port=port, hostname="127.0.0.1")
    assert codes.without_code == 1 and not waiting.done()
    await aiosmtplib.send(mail("Votre code :\n\n482210\n"), port=port, hostname="127.0.0.1")
    assert (await asyncio.wait_for(waiting, 5))[0] == "482210"
