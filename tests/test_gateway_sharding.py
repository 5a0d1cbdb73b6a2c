"""Which store worker takes a message (gateway.service.shard_of), and the time spans a batch's merge
candidates are looked up in (registry.ingest.resolve.spans): pure."""

from datetime import UTC, datetime, timedelta

from gateway.service import shard_of
from registry.ingest.resolve import spans

T0 = datetime(2026, 12, 6, 8, tzinfo=UTC)
MINUTE = timedelta(seconds=60)


def test_a_gates_messages_go_to_one_worker_whatever_the_topic_layout():
    assert {shard_of("gates/G0001-01/events", 4) for _ in range(3)} == {shard_of("gates/G0001-01/events", 4)}
    camera = "cam-17"
    assert shard_of(f"device/{camera}/message/up/ivs_result", 4) == shard_of(
        f"{camera}/device/message/up/ivs_result", 4
    )
    assert shard_of(f"device/{camera}/message/up/keep_alive", 4) == shard_of(
        f"device/{camera}/message/up/ivs_result", 4
    )
    assert {shard_of(f"gates/G{n:04d}-01/events", 4) for n in range(40)} == {0, 1, 2, 3}  # all are used
    assert shard_of("gates/G0001-01/events", 1) == 0


def test_reads_close_in_time_are_one_span_and_a_backlog_is_at_most_a_few():
    assert spans([T0, T0 + timedelta(seconds=30), T0 + timedelta(seconds=90)], MINUTE) == [
        (T0 - MINUTE, T0 + timedelta(seconds=150))
    ]
    two = spans([T0, T0 + timedelta(hours=5)], MINUTE)
    assert two == [(T0 - MINUTE, T0 + MINUTE), (T0 + timedelta(hours=5) - MINUTE, T0 + timedelta(hours=5) + MINUTE)]
    backlog = [T0 + timedelta(minutes=10 * n) for n in range(500)]  # three and a half days, a read every 10 min
    merged = spans(backlog, MINUTE, most=32)
    assert len(merged) == 32
    assert merged[0][0] == T0 - MINUTE and merged[-1][1] == backlog[-1] + MINUTE
    assert all(any(start <= moment <= end for start, end in merged) for moment in backlog)
    assert all(merged[i][1] < merged[i + 1][0] for i in range(31))  # disjoint, in order
