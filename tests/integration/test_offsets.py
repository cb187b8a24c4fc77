"""Where a task starts: Earliest, Latest, ByTime; a committed offset wins."""

import helpers
import meters


def wait_assigned(run):
    """Waits until the run has its partitions and their start offsets."""
    helpers.wait_until(lambda: "kafka: assigned" in run.stderr(), 120,
                       "the partitions to be assigned")


def test_earliest_reads_what_was_there(kafka, make_topic, produce, standin, k2td):
    meters.setup_target(standin)
    topic = make_topic()
    produce(topic, [meters.message(i) for i in range(100)])
    run = k2td.run(meters.task(kafka, standin, [topic], fallback_offset="Earliest"), timeout=90)
    assert run.returncode == 0, run.stderr()
    assert meters.count(standin) == 100


def test_latest_skips_what_was_there(kafka, make_topic, produce, standin, k2td):
    meters.setup_target(standin)
    topic = make_topic()
    produce(topic, [meters.message(i) for i in range(100)])
    # no idle timeout: it counts the group join too, so it could end the run
    # before the new messages come
    run = k2td.start(meters.task(kafka, standin, [topic], fallback_offset="Latest",
                                 timeout="0"))
    wait_assigned(run)
    produce(topic, [meters.message(i) for i in range(100, 150)])
    helpers.wait_until(lambda: meters.count(standin) >= 50, 120, "50 rows")
    assert run.terminate() == 0, run.stderr()
    assert meters.rows(standin) == meters.expected_rows(range(100, 150))


def test_bytime_then_committed_offset_wins(kafka, make_topic, produce, standin, k2td):
    meters.setup_target(standin)
    topic = make_topic(partitions=2)
    t0 = 1760000000000
    # partition 0 holds only messages from before start_time (it starts at its
    # end and receives nothing), partition 1 the rest
    produce(topic, [meters.message(i) for i in range(100)],
            partition=[0 if i < 60 else 1 for i in range(100)],
            timestamp_ms=[t0 + i * 1000 for i in range(100)])
    task = meters.task(kafka, standin, [topic], fallback_offset="ByTime",
                       start_time=str(t0 + 60 * 1000))
    run = k2td.run(task, timeout=90)
    assert run.returncode == 0, run.stderr()
    assert meters.rows(standin) == meters.expected_rows(range(60, 100))

    # the group now has committed offsets on both partitions, also the one
    # that received nothing: an earlier start_time must not rewind either
    produce(topic, [meters.message(i) for i in range(100, 110)],
            partition=[i % 2 for i in range(100, 110)],
            timestamp_ms=[t0 + i * 1000 for i in range(100, 110)])
    task = meters.task(kafka, standin, [topic], fallback_offset="ByTime", start_time=str(t0))
    run = k2td.run(task, timeout=90)
    assert run.returncode == 0, run.stderr()
    assert meters.rows(standin) == meters.expected_rows(range(60, 110))


def test_latest_position_survives_a_run_without_messages(kafka, make_topic, produce, standin,
                                                          k2td):
    meters.setup_target(standin)
    topic = make_topic()
    produce(topic, [meters.message(i) for i in range(20)])
    # stopped once it knows where it starts, not by an idle timeout (which
    # counts the group join too, so it could end the run before that)
    run = k2td.start(meters.task(kafka, standin, [topic], fallback_offset="Latest",
                                 timeout="0"))
    wait_assigned(run)
    assert run.terminate() == 0, run.stderr()
    assert meters.count(standin) == 0

    # produced while no task ran: the next run resumes where the first one
    # started instead of resolving "latest" again
    produce(topic, [meters.message(i) for i in range(20, 50)])
    run = k2td.run(meters.task(kafka, standin, [topic], fallback_offset="Latest"), timeout=90)
    assert run.returncode == 0, run.stderr()
    assert meters.rows(standin) == meters.expected_rows(range(20, 50))


def test_bytime_accepts_rfc3339(kafka, make_topic, produce, standin, k2td):
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    t0 = 1760000000000  # 2025-10-09T08:53:20Z
    produce(topic, [meters.message(i) for i in range(10)],
            timestamp_ms=[t0 + i * 1000 for i in range(10)])
    task = meters.task(kafka, standin, [topic], start_time="2025-10-09T08:53:25Z")
    run = k2td.run(task, timeout=90)
    assert run.returncode == 0, run.stderr()
    assert meters.rows(standin) == meters.expected_rows(range(5, 10))
