"""The Temporal server's persistence requests as the bench reads them from its metrics: summed
by operation over services and namespaces, differenced over a window, split into writes and
reads, and set per workflow in the report. (The text below is the server's format, trimmed.)"""

from __future__ import annotations

from bench.persistence import difference, is_write, requests_by_operation
from bench.report import persistence_per, persistence_table

SERVED = """\
# HELP persistence_requests persistence_requests counter
# TYPE persistence_requests counter
persistence_requests{namespace="ns",operation="UpdateWorkflowExecution",service_name="history"} 40
persistence_requests{namespace="sys",operation="UpdateWorkflowExecution",service_name="history"} 2
persistence_requests{namespace="default",operation="GetTasks",service_name="matching"} 7
persistence_requests{namespace="default",operation="AppendHistoryNodes",service_name="history"} 30
# HELP visibility_persistence_requests visibility_persistence_requests counter
# TYPE visibility_persistence_requests counter
visibility_persistence_requests{operation="UpsertWorkflowExecution",service_name="history"} 9
# HELP persistence_latency persistence_latency histogram
# TYPE persistence_latency histogram
persistence_latency_count{namespace="default",operation="GetTasks",service_name="matching"} 7
"""


def test_requests_are_summed_by_operation_and_other_metrics_left_out() -> None:
    assert requests_by_operation(SERVED) == {
        "UpdateWorkflowExecution": 42.0,
        "GetTasks": 7.0,
        "AppendHistoryNodes": 30.0,
        "visibility: UpsertWorkflowExecution": 9.0,
    }


def test_a_window_keeps_only_what_grew() -> None:
    before = {"UpdateWorkflowExecution": 42.0, "GetTasks": 7.0}
    after = {"UpdateWorkflowExecution": 52.0, "GetTasks": 7.0, "CreateWorkflowExecution": 2.0}
    assert difference(before, after) == {
        "UpdateWorkflowExecution": 10.0,
        "CreateWorkflowExecution": 2.0,
    }


def test_reads_are_the_operations_that_fetch() -> None:
    for op in ("GetTasks", "ListNamespaces", "ReadHistoryBranch", "WatchNamespaces"):
        assert not is_write(op)
    assert not is_write("visibility: ListWorkflowExecutions")
    for op in (
        "UpdateWorkflowExecution",
        "RangeCompleteTimerTasks",
        "visibility: UpsertWorkflowExecution",
    ):
        assert is_write(op)


def test_the_table_sets_writes_per_enrollment_beside_the_floor() -> None:
    phases = {
        "product": {"completed": 10, "persistence": {"UpdateWorkflowExecution": 120.0,
                                                     "AppendHistoryNodes": 80.0,
                                                     "GetTasks": 30.0}},
        "floor": {"completed": 20, "persistence": {"UpdateWorkflowExecution": 160.0,
                                                   "GetTasks": 20.0}},
    }  # fmt: skip
    assert persistence_per(phases["product"]) == {
        "UpdateWorkflowExecution": 12.0,
        "AppendHistoryNodes": 8.0,
        "GetTasks": 3.0,
    }
    table = persistence_table(phases)
    assert table[0] == "| operation | product, per enrollment | floor, per workflow |"
    assert table[2:] == [
        "| UpdateWorkflowExecution | 12.0 | 8.0 |",
        "| AppendHistoryNodes | 8.0 | 0.0 |",
        "| **all writes** | **20.0** | **8.0** |",
        "| GetTasks | 3.0 | 1.0 |",
        "| **all reads** | **3.0** | **1.0** |",
    ]


def test_no_metrics_read_says_so() -> None:
    assert persistence_table({"product": {"completed": 5}}) == [
        "The server's metrics could not be read."
    ]
