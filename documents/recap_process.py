"""Recap PDFs rendered in processes of their own, beside the worker.

Why: the worker keeps its recent runs in memory (the sticky cache). With it full, each of
Python's full collections walks every cached run and stops the whole worker for 80–110 ms
(docs/capacity.md, « The worker's memory »). The recap is the worker's largest allocator, so it
set off many of those collections and waited through the others: with 10,000 enrollments
pending, the PDF's p99 rose by +161 % where every other step stayed within +27 % (run AA4 in
docs/benchmarks.md). In a process of its own, the render's allocations count towards a heap of
fonts and nothing else, and the render no longer waits for the worker's GIL.

Why not `multiprocessing`: started by spawn or forkserver, each of its children imports the
parent's main module again, here the whole worker with the SDK; forking the worker, whose
threads (the SDK's among them) hold locks, is not safe. This child imports the renderer alone,
and it ends when its stdin closes, which a worker killed outright does too.

The protocol: one request at a time per child, each way a 4-byte length, then the request
pickled (the worker is the only writer of its child's stdin), or the answer: one byte, then the
PDF or the render's error.
"""

from __future__ import annotations

import gc
import os
import pickle
import queue
import select
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

from domain.subscriber_view import SubscriberView

# Far above a render (30–80 ms), below the activity's start-to-close timeout (30 s): a child
# that does not answer by then is replaced, and the activity's attempt fails and is retried.
ANSWER_TIMEOUT = 20.0
_HEADER = 4
# An answer's first byte: the PDF follows, or the render's error (the worker unpickles nothing).
_RENDERED, _FAILED = b"R", b"F"
_ROOT = Path(__file__).resolve().parents[1]


class RenderProcessLost(RuntimeError):
    """The child died or hung during a render; a new one serves the next call."""


class RecapRenderError(RuntimeError):
    """The render itself failed in the child (as it would have in the worker)."""


class RecapRenderer:
    """Renders recaps in `processes` children, started on first use (or by `start`).

    Thread-safe: the worker's activity threads call `render` at once; each takes a free child,
    or waits for one."""

    def __init__(self, processes: int) -> None:
        if processes < 1:
            raise ValueError("a renderer needs at least one process")
        self._free: queue.SimpleQueue[_Child | None] = queue.SimpleQueue()
        for _ in range(processes):
            self._free.put(None)  # a slot whose child is started when first needed
        self._processes = processes
        self._children: list[_Child] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start every child now, and wait until each is ready (the worker, at start-up)."""
        slots = [self._free.get() for _ in range(self._processes)]
        try:
            for index, child in enumerate(slots):
                slots[index] = child or self._spawn()
        finally:
            for child in slots:
                self._free.put(child)

    def render(self, view: SubscriberView, printed_at: datetime) -> bytes:
        child = self._free.get()
        try:
            if child is not None and not child.alive():
                self._forget(child)  # gone while idle (killed, out of memory): nothing lost
                child = None
            if child is None:
                child = self._spawn()
            return child.render(view, printed_at)
        except RenderProcessLost:
            if child is not None:
                self._forget(child)
            child = None  # its slot starts a new child at the next call
            raise
        finally:
            self._free.put(child)

    def pids(self) -> list[int]:
        """The children's process IDs, those started so far."""
        with self._lock:
            return [child.pid for child in self._children]

    def close(self) -> None:
        """End every child: each finishes the render it is doing, then sees its stdin closed."""
        with self._lock:
            children, self._children = self._children, []
        for child in children:
            child.close()

    def _spawn(self) -> _Child:
        child = _Child()
        with self._lock:
            self._children.append(child)
        return child

    def _forget(self, child: _Child) -> None:
        with self._lock:
            if child in self._children:
                self._children.remove(child)
        child.kill()


class _Child:
    def __init__(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "documents.recap_process"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=_ROOT,  # where `documents` is, wherever the worker was started from
        )
        assert self._process.stdin is not None and self._process.stdout is not None
        self._requests = self._process.stdin.fileno()
        self._answers = self._process.stdout.fileno()
        # Ready once its fonts are parsed: the first render then costs no more than the next.
        try:
            self._answer()
        except RenderProcessLost:
            self.kill()
            raise

    def render(self, view: SubscriberView, printed_at: datetime) -> bytes:
        try:
            _write_frame(self._requests, pickle.dumps((view, printed_at)))
        except OSError as error:
            raise RenderProcessLost(f"the recap process is gone: {error}") from None
        answer = self._answer()
        if answer[:1] != _RENDERED:
            raise RecapRenderError(answer[1:].decode())
        return answer[1:]

    def close(self) -> None:
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.close()
        try:
            self._process.wait(timeout=ANSWER_TIMEOUT)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process.stdout.close()

    def kill(self) -> None:
        self._process.kill()
        self._process.wait()
        for pipe in (self._process.stdin, self._process.stdout):
            if pipe is not None:
                pipe.close()

    @property
    def pid(self) -> int:
        return self._process.pid

    def alive(self) -> bool:
        return self._process.poll() is None

    def describe(self) -> str:
        code = self._process.poll()
        return f"pid {self._process.pid}" + ("" if code is None else f", exit code {code}")

    def _answer(self) -> bytes:
        try:
            return _read_frame(self._answers, time.monotonic() + ANSWER_TIMEOUT)
        except TimeoutError:
            lost = f"the recap process did not answer ({self.describe()})"
        except EOFError:
            lost = f"the recap process is gone ({self.describe()})"
        raise RenderProcessLost(lost)


def _write_frame(fd: int, payload: bytes) -> None:
    data = memoryview(len(payload).to_bytes(_HEADER, "big") + payload)
    while data:
        data = data[os.write(fd, data) :]


def _read_frame(fd: int, deadline: float | None = None) -> bytes:
    size = int.from_bytes(_read_exactly(fd, _HEADER, deadline), "big")
    return _read_exactly(fd, size, deadline)


def _read_exactly(fd: int, size: int, deadline: float | None) -> bytes:
    """`size` bytes; EOFError at the end of the pipe, TimeoutError past `deadline` (if any)."""
    chunks: list[bytes] = []
    while size:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError
        chunk = os.read(fd, size)
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


# -- the child --------------------------------------------------------------------------------


def _serve() -> None:
    # One way to end: the worker closes its stdin (or dies). A Ctrl-C in a terminal, or a
    # SIGTERM to the worker's process group, would otherwise end it before the worker's
    # graceful shutdown had finished the renders in flight.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    # The answers get a descriptor of their own; whatever else writes to stdout (a library's
    # print) goes to stderr, the worker's log, instead of into a frame.
    answers = os.dup(1)
    os.dup2(2, 1)
    from documents.recap_pdf import render_recap_pdf
    from documents.typeface import common_faces

    common_faces()
    # Everything alive now (modules, the parsed fonts) lives as long as the process: left out
    # of later collections, as the worker does (orchestration/heap.py).
    gc.collect()
    gc.freeze()
    _write_frame(answers, b"")
    while True:
        try:
            # Written by the worker that started this process, and by nothing else.
            view, printed_at = pickle.loads(_read_frame(0))  # noqa: S301
        except EOFError:
            return  # the worker closed the pipe, or is gone
        try:
            answer = _RENDERED + render_recap_pdf(view, printed_at)
        except Exception as error:  # told to the worker, whose activity is retried
            answer = _FAILED + f"{type(error).__name__}: {error}".encode()
        _write_frame(answers, answer)


if __name__ == "__main__":
    _serve()
