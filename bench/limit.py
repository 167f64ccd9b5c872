"""The work an enrollment cannot avoid, timed alone: `python -m bench.limit REPETITIONS`.

Run by `make bench` in a process of its own, with the environment the stack's API and worker
get (so the product's settings, argon2id parameters included), while the stack stands idle. It
times, one call at a time, in process CPU time (`time.process_time`: user + system of this
process, which does nothing else meanwhile):

- `hash`: one argon2id hash by the product's hasher (`security.passwords.SecretHasher`); an
  enrollment makes two (the password, the trust answer);
- `verify`: one argon2id verification by the same hasher, what a sign-in must do;
- `verify_at_once`: the same, as many at once as the hasher has slots (one per core: two on
  the 2-core node), on as many threads (argon2-cffi releases the GIL): what each costs when every
  core verifies, as the API's do through the sign-in phase; the 19 MiB passes then share the
  memory bus and the last-level cache. Not part of the limit: the report sets the sign-ins
  against it and against `verify`, beside the API's own verifications that the sign-in target
  reads against (bench/hashing.py);
- `pdf`: one recap print-out (`documents.recap_pdf`) of the sample subscriber the load driver
  enrolls (`bench.sample`), after a warm-up that pays the fonts' once-per-process cut, as the
  worker has paid it.

The parts are timed in rounds, one call of each per round, rather than each part's calls in a
row: on a shared machine a passing disturbance (another guest of the host, the stack's own
upkeep) then weighs on every part alike, instead of on the whole run of one part (a run of 100
hashes in a row once cost 23.3 ms each against 21.0 for the verifications timed right after it,
the same argon2id work).

It prints one JSON line: for each, the number of calls and the median and mean milliseconds,
and the argon2id parameters it hashed with.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from bench.sample import DETAILS
from companies.registry import registry_from_settings
from documents.recap_pdf import render_recap_pdf
from domain.models import DetailsForm
from domain.rules import check_details
from domain.subscriber_number import make_subscriber_number
from domain.subscriber_view import Account, SubscriberView
from security.passwords import SecretHasher, available_cores
from settings import get_settings

WARM_UP_CALLS = 3
# A password of the length the driver types (its generated ones: "Bench" + 10 hex digits).
SAMPLE_PASSWORD = "Bench" + "0" * 10


def cpu_ms(call: Callable[[], Any]) -> float:
    """Process CPU milliseconds of one call."""
    started = time.process_time()
    call()
    return 1000 * (time.process_time() - started)


def cpu_ms_in_rounds(
    calls: dict[str, Callable[[], Any]], repetitions: int
) -> dict[str, list[float]]:
    """`cpu_ms` of each call in `repetitions` rounds of one call of each, after a few
    unmeasured rounds."""
    for _ in range(WARM_UP_CALLS):
        for call in calls.values():
            call()
    spent: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(repetitions):
        for name, call in calls.items():
            spent[name].append(cpu_ms(call))
    return spent


def at_once(call: Callable[[], Any], pool: ThreadPoolExecutor, count: int) -> Callable[[], None]:
    """`call` made by `count` threads at once: its CPU over `count` is what each costs."""

    def all_of_them() -> None:
        for done in [pool.submit(call) for _ in range(count)]:
            done.result()

    return all_of_them


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "median_ms": statistics.median(values),
        "mean_ms": statistics.fmean(values),
    }


def sample_view() -> SubscriberView:
    """The recap of the subscriber the driver enrolls, as the worker renders it after activation."""
    settings = get_settings()
    checked = check_details(DetailsForm.model_validate(DETAILS))
    identifier = checked.details.company.identifier
    company = asyncio.run(registry_from_settings(settings).company_name(identifier))
    account = Account(make_subscriber_number(12345678901), datetime.now(UTC))
    return SubscriberView("bench.0123456789abcdef@exemple.fr", checked.details, company, account)


def measure(repetitions: int) -> dict[str, Any]:
    settings = get_settings()
    hasher = SecretHasher(settings)
    stored = hasher.hash_sync(SAMPLE_PASSWORD)
    view = sample_view()
    slots = settings.argon2_concurrency or available_cores()

    def verify() -> None:
        if not hasher.verify_sync(stored, SAMPLE_PASSWORD):
            raise RuntimeError("the product's hasher refused its own hash")

    with ThreadPoolExecutor(max_workers=slots) as pool:
        spent = cpu_ms_in_rounds(
            {
                "hash": lambda: hasher.hash_sync(SAMPLE_PASSWORD),
                "verify": verify,
                "verify_at_once": at_once(verify, pool, slots),
                "pdf": lambda: render_recap_pdf(view, datetime.now(UTC)),
            },
            repetitions,
        )
    spent["verify_at_once"] = [each / slots for each in spent["verify_at_once"]]
    timed = {name: summary(values) for name, values in spent.items()}
    timed["verify_at_once"]["at_once"] = slots
    return timed | {
        "argon2id": f"{settings.argon2_memory_kib / 1024:g} MiB, t={settings.argon2_time_cost},"
        f" p={settings.argon2_parallelism}",
    }


if __name__ == "__main__":
    print(json.dumps(measure(int(sys.argv[1]))), flush=True)
