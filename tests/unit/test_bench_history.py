"""The bench's count of history events: each event by its kind, markers by name, and per
enrollment each workflow type weighted by how many of it an enrollment starts. The events are
real protobuf history events, as the Temporal client returns them."""

from __future__ import annotations

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent

from bench.history import kind, mean_counts, ordered_kinds, per_anchor


def event(event_type: EventType.ValueType, marker: str = "") -> HistoryEvent:
    found = HistoryEvent(event_type=event_type)
    if marker:
        found.marker_recorded_event_attributes.marker_name = marker
    return found


def test_each_event_reads_as_its_kind_and_markers_by_name() -> None:
    assert kind(event(EventType.EVENT_TYPE_TIMER_STARTED)) == "timer started"
    assert (
        kind(event(EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES))
        == "upsert workflow search attributes"
    )
    marker = EventType.EVENT_TYPE_MARKER_RECORDED
    assert kind(event(marker, "core_patch")) == "marker: patch"
    assert kind(event(marker, "core_local_activity")) == "marker: local activity"
    assert kind(event(marker, "other")) == "marker: other"


def test_counts_are_means_over_the_histories() -> None:
    timer = event(EventType.EVENT_TYPE_TIMER_STARTED)
    activity = event(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
    means = mean_counts([[timer, activity, activity], [timer]])
    assert means == {"timer started": 1.0, "activity task scheduled": 1.0}
    assert mean_counts([]) == {}


def test_per_enrollment_every_workflow_it_starts_counts_by_its_share() -> None:
    started = {"EnrollmentWorkflow": 10, "NotificationWorkflow": 5}
    means = {
        "EnrollmentWorkflow": {"timer started": 2.0, "activity task scheduled": 4.0},
        "NotificationWorkflow": {"activity task scheduled": 3.0},
    }
    events = per_anchor(started, means, "EnrollmentWorkflow")
    assert events["timer started"] == pytest.approx(2.0)
    assert events["activity task scheduled"] == pytest.approx(5.5)  # 4 + 0.5 × 3
    assert per_anchor({}, means, "EnrollmentWorkflow") == {}


def test_the_kinds_the_overhead_is_looked_for_in_come_first() -> None:
    product = {"workflow task scheduled": 12.0, "timer started": 2.0, "marker: patch": 1.0}
    floor = {"workflow task scheduled": 9.0, "workflow task completed": 9.0}
    assert ordered_kinds(product, floor) == [
        "workflow task completed",
        "marker: patch",
        "timer started",
        "workflow task scheduled",
    ]
