"""At-least-once under failure: kill -9 mid-stream, TDengine gone for 20 s."""

import time

import helpers
import meters

N = 100_000
DEVICES = 100


def test_kill_9_then_restart_loses_nothing(kafka, make_topic, produce, standin, k2td):
    meters.setup_target(standin)
    topic = make_topic(partitions=4)
    produce(topic, [meters.message(i, DEVICES) for i in range(N)])
    task = meters.task(kafka, standin, [topic], group="crash", timeout="8s",
                       batch_size="5000")
    run = k2td.start(task)
    helpers.wait_until(lambda: meters.count(standin) >= N // 5, 120, "a fifth of the rows")
    run.kill()
    landed_at_kill = meters.count(standin)
    assert landed_at_kill < N, "the kill came too late to prove anything"
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
    helpers.wait_until(lambda: meters.count(standin) > 0, 120, "the first rows")
    standin.stop()
    produce(topic, [meters.message(i, DEVICES) for i in range(total // 2, total)])
    time.sleep(20)
    assert run.returncode is None, "k2td must wait for TDengine, not exit"
    standin.start()
    run.wait(240)
    assert run.returncode == 0, run.stderr()
    assert "retrying in" in run.stderr()
    assert meters.rows(standin) == meters.expected_rows(range(total), DEVICES)
