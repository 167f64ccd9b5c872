"""Recaps rendered in processes of their own (documents/recap_process.py), real child processes:
the same bytes as a render in the worker's threads, several threads served at once, a child
that died, hung or failed replaced without losing the next render, and every child gone when
its worker is."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import pytest

from documents import recap_process
from documents.recap_pdf import render_recap_pdf
from documents.recap_process import RecapRenderer, RecapRenderError, RenderProcessLost
from tests.support import exited
from tests.unit.test_recap_pdf import subscriber, text_of

ROOT = Path(__file__).resolve().parents[2]
PRINTED_AT = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
VIEW = subscriber().view()
GONE_WITHIN = 10.0  # seconds; a child ends as soon as it reads the end of its stdin


@pytest.fixture
def renderer() -> Iterator[RecapRenderer]:
    made = RecapRenderer(1)
    yield made
    made.close()


def test_a_child_renders_the_same_bytes_as_the_worker_would(renderer: RecapRenderer) -> None:
    pdf = renderer.render(VIEW, PRINTED_AT)

    assert pdf == render_recap_pdf(VIEW, PRINTED_AT)
    assert "Lefèvre-Noël" in text_of(pdf)


def test_children_start_when_asked_and_ready() -> None:
    renderer = RecapRenderer(2)
    try:
        assert renderer.pids() == []
        renderer.start()
        started = renderer.pids()
        assert len(started) == 2
        renderer.render(VIEW, PRINTED_AT)
        assert renderer.pids() == started  # no child more for the render
    finally:
        renderer.close()
    assert all(exited(pid, GONE_WITHIN) for pid in started)


def test_threads_at_once_wait_for_a_free_child(renderer: RecapRenderer) -> None:
    views = [subscriber(email=f"personne-{n}@exemple.fr").view() for n in range(6)]

    with ThreadPoolExecutor(max_workers=6) as pool:
        pdfs = list(pool.map(lambda view: renderer.render(view, PRINTED_AT), views))

    for view, pdf in zip(views, pdfs, strict=True):
        assert view.email in text_of(pdf)
    assert len(renderer.pids()) == 1


def test_a_child_killed_while_idle_is_replaced_without_losing_the_render(
    renderer: RecapRenderer,
) -> None:
    renderer.render(VIEW, PRINTED_AT)
    [killed] = renderer.pids()
    os.kill(killed, signal.SIGKILL)
    assert exited(killed, GONE_WITHIN)

    assert renderer.render(VIEW, PRINTED_AT).startswith(b"%PDF")
    assert renderer.pids() not in ([], [killed])


def test_a_hung_child_fails_its_render_and_the_next_gets_a_new_one(
    renderer: RecapRenderer, monkeypatch: pytest.MonkeyPatch
) -> None:
    renderer.start()
    [hung] = renderer.pids()
    monkeypatch.setattr(recap_process, "ANSWER_TIMEOUT", 0.5)
    os.kill(hung, signal.SIGSTOP)

    with pytest.raises(RenderProcessLost, match="did not answer"):
        renderer.render(VIEW, PRINTED_AT)
    monkeypatch.undo()  # the new child gets the time a start takes

    assert exited(hung, GONE_WITHIN)
    assert renderer.render(VIEW, PRINTED_AT).startswith(b"%PDF")


def test_a_failed_render_is_told_and_the_child_goes_on(renderer: RecapRenderer) -> None:
    renderer.start()
    [child] = renderer.pids()

    with pytest.raises(RecapRenderError, match="Error"):
        renderer.render(VIEW, cast(Any, "pas une date"))

    assert renderer.render(VIEW, PRINTED_AT).startswith(b"%PDF")
    assert renderer.pids() == [child]


def test_a_child_ends_when_its_worker_is_killed() -> None:
    """A worker killed outright (SIGKILL) closes nothing itself: its child sees its stdin end."""
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from documents.recap_process import RecapRenderer\n"
            "renderer = RecapRenderer(1)\n"
            "renderer.start()\n"
            "print(renderer.pids()[0], flush=True)\n"
            "time.sleep(600)\n",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        assert not exited(child, within=0.2)
    finally:
        parent.kill()
        parent.wait()
    assert exited(child, GONE_WITHIN)


def test_a_child_outlives_the_signals_that_stop_its_worker(renderer: RecapRenderer) -> None:
    """Ctrl-C or SIGTERM to the worker's process group: the worker finishes its renders in
    flight before it closes the child's stdin, so the child does not stop on them."""
    renderer.start()
    [child] = renderer.pids()
    os.kill(child, signal.SIGINT)
    os.kill(child, signal.SIGTERM)

    assert renderer.render(VIEW, PRINTED_AT).startswith(b"%PDF")
    assert renderer.pids() == [child]
