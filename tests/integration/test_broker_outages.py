"""The Kafka broker gone: stopped for 30 s in the middle of an ingest, and not
there yet when `k2td run` starts. k2td waits for it (a broker that does not
answer is transient), keeps its place and loses nothing; only a bound the
task sets (options.startup_timeout) ends the wait. The broker is one of the
module's own (own_kafka), stopped and started again on the same ports with
its data kept. The two tests that stop it are `heavy` (the release pass of
scripts/test.sh runs them); the bound, on a closed port, runs in both passes."""

import time

import pytest
from confluent_kafka import KafkaError, KafkaException

import helpers
import meters
from test_group import committed_offsets

DEVICES = 1000
# what the group coordinator answers while a restarted broker loads its offsets
COORDINATOR_LOADING = {KafkaError.COORDINATOR_LOAD_IN_PROGRESS,
                       KafkaError.COORDINATOR_NOT_AVAILABLE, KafkaError.NOT_COORDINATOR}


def produce_meters(kafka, topic, indexes, partitions):
    """Produces the meters messages `indexes` round-robin over the partitions."""
    indexes = list(indexes)
    kafka.produce(topic, [meters.message(i, DEVICES) for i in indexes],
                  partition=[i % partitions for i in indexes])


def group_of(topic):
    """The consumer group of meters.task() for topic (the id_prefix added)."""
    return "taosx" + topic


def offsets_not_ahead(kafka, group, topic, partitions, standin):
    """Reads the group's committed offsets (waiting while a restarted broker's
    coordinator loads them), then the rows TDengine holds, and asserts the
    offsets are not ahead of the rows; returns the offsets."""
    def read():
        try:
            return (committed_offsets(kafka, group, topic, partitions),)
        except KafkaException as e:
            if not (e.args[0].retriable() or e.args[0].code() in COORDINATOR_LOADING):
                raise
            return None

    (committed,) = helpers.wait_until(read, 120, f"the committed offsets of group {group}",
                                      interval=0.5)
    assert committed <= meters.count(standin, timeout=300)
    return committed


def finish_and_compare(kafka, run, group, topic, partitions, standin, n):
    """Waits until the stand-in holds n rows, stops the run (SIGTERM: exit 0)
    and asserts the rows exact and the committed offsets equal to n."""
    helpers.wait_until(lambda: meters.count(standin, timeout=300) >= n or
                       run.returncode is not None, 600, f"{n} rows", interval=0.2)
    assert run.terminate(120) == 0, run.stderr()[-3000:]
    assert committed_offsets(kafka, group, topic, partitions) == n
    assert meters.rows(standin, timeout=300) == meters.expected_rows(range(n), DEVICES)


@pytest.mark.heavy
def test_broker_stopped_30_s_mid_ingest_loses_nothing(own_kafka, standin, k2td):
    kafka, n, partitions = own_kafka, 200_000, 4
    meters.setup_target(standin)
    topic = kafka.create_topic(helpers.unique_name("outage"), partitions)
    # half before the outage, half after it: the stream goes on across it
    # however fast the first half is read
    produce_meters(kafka, topic, range(n // 2), partitions)
    # a session shorter than the outage: the consumer always loses its
    # assignment and rejoins after it (with the default 45 s that depends on
    # how long the broker takes to start again)
    task = meters.task(kafka, standin, [topic], timeout="0", batch_size="5000",
                       **{"session.timeout.ms": "10000", "heartbeat.interval.ms": "1000"})
    run = k2td.start(task)
    helpers.wait_until(lambda: meters.count(standin, timeout=300) >= n // 10 or
                       run.returncode is not None, 300, "a tenth of the rows", interval=0.2)
    offsets_not_ahead(kafka, group_of(topic), topic, partitions, standin)
    kafka.stop()
    time.sleep(30)  # the scenario: the broker stays away 30 s while k2td runs
    assert run.returncode is None, run.stderr()[-3000:]
    kafka.restart()
    offsets_not_ahead(kafka, group_of(topic), topic, partitions, standin)
    produce_meters(kafka, topic, range(n // 2, n), partitions)
    finish_and_compare(kafka, run, group_of(topic), topic, partitions, standin, n)


@pytest.mark.heavy  # a broker of its own, stopped and started again: about a minute
def test_run_started_before_its_broker_waits_then_ingests(own_kafka, standin, k2td):
    kafka, n, partitions = own_kafka, 10_000, 3
    meters.setup_target(standin)
    topic = kafka.create_topic(helpers.unique_name("late"), partitions)
    produce_meters(kafka, topic, range(n), partitions)
    kafka.stop()
    run = k2td.start(meters.task(kafka, standin, [topic], timeout="0", batch_size="2000"))
    # two failed attempts: the wait goes on after the first warning
    helpers.wait_until(lambda: run.stderr().count("do not answer after") >= 2 or
                       run.returncode is not None, 120, "k2td to say it waits for the broker")
    assert run.returncode is None, run.stderr()
    warning = next(line for line in run.stderr().splitlines() if "do not answer after" in line)
    assert " WARN " in warning and kafka.bootstrap in warning, warning
    assert "Connection refused" in warning, warning
    kafka.restart()
    finish_and_compare(kafka, run, group_of(topic), topic, partitions, standin, n)
    assert "answer after" in run.stderr()


def test_startup_timeout_bounds_the_wait(standin, k2td):
    """A bound set and passed is Kafka unreachable (exit 3), naming the
    option and the cause."""
    meters.setup_target(standin)
    closed = "127.0.0.1:1"
    task = meters.task(helpers.Kafka(closed), standin, ["nowhere"])
    task["options"] = {"startup_timeout": "3s"}
    run = k2td.run(task, timeout=120)
    assert run.returncode == 3, run.stderr()
    error = [line for line in run.stderr().splitlines() if " ERROR " in line][-1]
    assert "options.startup_timeout" in error and closed in error, error
    assert "Connection refused" in error, error


def test_sigterm_ends_the_wait(standin, k2td):
    """SIGTERM while no broker answers stops the run cleanly (exit 0),
    nothing consumed."""
    meters.setup_target(standin)
    run = k2td.start(meters.task(helpers.Kafka("127.0.0.1:1"), standin, ["nowhere"]))
    helpers.wait_until(lambda: "do not answer after" in run.stderr() or
                       run.returncode is not None, 120, "k2td to say it waits for the broker")
    assert run.terminate(60) == 0, run.stderr()
    assert "stopped after" in run.stderr() and "consumed 0 messages" in run.stderr()
