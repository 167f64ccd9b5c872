"""Migration 0005 on a database in use: the sessions open during the upgrade keep working, each
with a session ID of its own and its start as last use; the downgrade takes it all back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import inspect, text

from storage.engine import make_engine
from storage.migrate import downgrade, upgrade
from storage.subscribers import SessionRepository

BEFORE = "0002"


def test_open_sessions_survive_the_upgrade(empty_url: str) -> None:
    upgrade(empty_url, BEFORE)
    engine = make_engine(empty_url)
    started = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO subscribers (id, subscriber_number, email, civility, last_name,"
                    " first_name, company_foreign, company_identifier, phone, street_number,"
                    " street_type, street_name, address_complement, postal_code, city, country,"
                    " trust_question, terms_version, terms_accepted_at, activated_at,"
                    " enrollment_key, password_hash, trust_answer_hash, updated_at) VALUES (1,"
                    " '000000000018', 'a@exemple.fr', 'madame', 'A', 'B', false, '732829320',"
                    " '+33123456789', '', '', '', '', '', 'Paris', 'FR', 'nickname', '2026-01',"
                    " :t, :t, 'k', 'h', 'h', :t)"
                ),
                {"t": started},
            )
            for digest in ("a" * 64, "b" * 64):
                connection.execute(
                    text(
                        "INSERT INTO session_tokens (token_digest, subscriber_id, created_at,"
                        " expires_at) VALUES (:d, 1, :c, :e)"
                    ),
                    {"d": digest, "c": started, "e": started + timedelta(days=365)},
                )
        engine.dispose()

        upgrade(empty_url)

        sessions = SessionRepository(engine).list_for(1, started)
        assert len(sessions) == 2
        assert len({s.session_id for s in sessions}) == 2 and all(s.session_id for s in sessions)
        for session in sessions:
            moment = session.last_used_at
            assert (moment if moment.tzinfo else moment.replace(tzinfo=UTC)) == started
            assert session.user_agent == ""
        engine.dispose()

        downgrade(empty_url, BEFORE)
        columns = {c["name"] for c in inspect(engine).get_columns("session_tokens")}
        assert "session_id" not in columns and "retired_subscriber_numbers" not in set(
            inspect(engine).get_table_names()
        )
    finally:
        engine.dispose()
