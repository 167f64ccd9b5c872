"""Plug the web pages into the FastAPI app: routes, static files, the session cookie."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from domain.support import SupportChannel
from settings import Environment, Settings
from web import (
    account_pages,
    account_settings_pages,
    activity_pages,
    adhesion_pages,
    codec_pages,
    enrollment_pages,
    invitation_pages,
    legal_pages,
    password_reset_pages,
    rgaa,
    security_pages,
)
from web.dev.inbox import inbox_router
from web.dev.letters import letters_router
from web.page import TEMPLATES
from web.session import SessionCookies

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI, settings: Settings) -> None:
    app.state.session_cookies = SessionCookies(settings)
    app.state.page_settings = settings  # for the pages that need no service (web.legal_pages)
    # Every page's footer names the assistance channel.
    TEMPLATES.env.globals["support"] = SupportChannel.from_settings(settings)
    # …and the accessibility status the audit supports (web/rgaa.py), linking the statement.
    TEMPLATES.env.globals["accessibility"] = rgaa.result().conformance
    # The time limits the pages announce (RGAA 13.1), as the notices write them.
    TEMPLATES.env.globals["durations"] = legal_pages.durations(settings)
    app.include_router(account_pages.router)
    app.include_router(account_settings_pages.router)
    app.include_router(activity_pages.router)
    app.include_router(password_reset_pages.router)
    app.include_router(enrollment_pages.router)
    app.include_router(invitation_pages.router)
    app.include_router(codec_pages.router)
    app.include_router(adhesion_pages.router)
    app.include_router(legal_pages.router)
    app.include_router(security_pages.router)
    mail_folder = settings.data_dir / "mail"
    if settings.app_env is Environment.DEVELOPMENT and mail_folder.is_dir():
        app.include_router(inbox_router(mail_folder))
    if settings.app_env is Environment.DEVELOPMENT and settings.letter_outbox_dir is None:
        app.include_router(letters_router(settings.data_dir / "courrier"))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
