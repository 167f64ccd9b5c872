"""How the limit's parts are timed (bench/limit.py): in rounds, one call of each, so that a
passing disturbance weighs on every part alike. (No timing is asserted: the order of the calls
and what is counted are.)"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.limit import at_once, cpu_ms_in_rounds


def test_the_parts_are_timed_in_rounds_after_unmeasured_ones() -> None:
    made: list[str] = []
    spent = cpu_ms_in_rounds({"a": lambda: made.append("a"), "b": lambda: made.append("b")}, 4)
    assert made == ["a", "b"] * 7  # three rounds of warm-up, then four timed
    assert {name: len(values) for name, values in spent.items()} == {"a": 4, "b": 4}
    assert all(value >= 0 for values in spent.values() for value in values)


@pytest.mark.parametrize("count", [2, 4])
def test_at_once_makes_the_call_on_as_many_threads_and_waits_for_all(count: int) -> None:
    threads: list[int] = []
    all_in = threading.Barrier(count, timeout=5)  # each call waits for the others: truly at once

    def call() -> None:
        all_in.wait()
        threads.append(threading.get_ident())

    with ThreadPoolExecutor(max_workers=count) as pool:
        at_once(call, pool, count)()
    assert len(set(threads)) == count
