"""At-least-once under failure: kill -9 mid-stream, TDengine gone for 20 s."""

import time

import helpers
import meters

N = 100_000
DEVICES = 100


def test_kill_9_then_restart_loses_nothing(kafka, make_topic, produce, standin, k2td):
    meters.setup_target(standin)
    topic = make_topic(partitions=4)
    # half the messages before the kill, the rest after it: the kill always
    # comes mid-stream, however fast the first run is
    produce(topic, [meters.message(i, DEVICES) for i in range(N // 2)])
    # after a kill -9 the group waits session.timeout.ms for the dead member
    task = meters.task(kafka, standin, [topic], group="crash", timeout="15s",
                       batch_size="5000",
                       **{"session.timeout.ms": "6000", "heartbeat.interval.ms": "500"})
    run = k2td.start(task)
    helpers.wait_until(lambda: meters.count(standin) >= N // 5, 300, "a fifth of the rows")
    run.kill()
    produce(topic, [meters.message(i, DEVICES) for i in range(N // 2, N)])
    run = k2td.run(task, timeout=300)
    assert run.returncode == 0, run.stderr()
    assert meters.count(standin) == N
    assert meters.rows(standin) == meters.expected_rows(range(N), DEVICES)


def test_tdengine_down_for_20_seconds_loses_nothing(kafka, make_topic, produce, standin, k2td):
    meters.setup_target(standin)
    topic = make_topic(partitions=4)
    total = 30_000
    produce(topic, [meters.message(i, DEVICES) for i in range(total // 2)])
    task = meters.task(kafka, standin, [topic], group="outage", timeout="10s",
                       batch_size="2000")
    run = k2td.start(task)
    helpers.wait_until(lambda: meters.count(standin) > 0, 300, "the first rows")
    standin.stop()
    produce(topic, [meters.message(i, DEVICES) for i in range(total // 2, total)])
    helpers.wait_until(lambda: "retrying in" in run.stderr(), 120,
                       "k2td to retry the write while TDengine is down")
    time.sleep(20)  # the scenario: TDengine stays down 20 s more while k2td retries
    assert run.returncode is None, "k2td must wait for TDengine, not exit"
    standin.start()
    run.wait(240)
    assert run.returncode == 0, run.stderr()
    assert meters.rows(standin) == meters.expected_rows(range(total), DEVICES)


def test_sigterm_writes_the_open_batch_and_commits(kafka, make_topic, produce, standin, k2td):
    from test_group import committed_offsets
    meters.setup_target(standin)
    topic = make_topic(partitions=2)
    produce(topic, [meters.message(i) for i in range(5000)])
    # a long batch timeout: the last rows are still in the open batch at SIGTERM
    task = meters.task(kafka, standin, [topic], group="term", timeout="0",
                       batch_size="100000", batch_timeout="10m")
    task["options"] = {"status_interval": "1s"}
    run = k2td.start(task, args=("run", "{task}", "--status"))
    helpers.wait_until(lambda: "consumed 5000," in run.stderr(), 120, "all 5000 in the batch")
    assert meters.count(standin) == 0
    run.terminate()
    assert run.returncode == 0, run.stderr()
    assert "summary: task `meters` stopped" in run.stderr()
    assert meters.count(standin) == 5000
    assert committed_offsets(kafka, "taosxterm", topic, 2) == 5000
