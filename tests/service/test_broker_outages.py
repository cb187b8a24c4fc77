"""A task of `k2td serve` started while its Kafka broker is down: it waits
(health Waiting, the cause among its errors) instead of failing, and ingests
everything, exactly, once the broker is back. The broker is one of the
module's own (own_kafka), stopped and started again with its data kept."""

import pytest

import helpers
import meters
from test_group import committed_offsets
from test_run import DEVICES, make_task, stored_total, wait_rows, wait_status


@pytest.mark.heavy  # a broker of its own, stopped and started again: about a minute
def test_a_task_started_before_its_broker_waits_then_ingests(serve, own_kafka, standin):
    kafka, n, partitions = own_kafka, 5000, 2
    meters.setup_target(standin)
    topic = kafka.create_topic(helpers.unique_name("late"), partitions)
    kafka.produce(topic, [meters.message(i, DEVICES) for i in range(n)],
                  partition=[i % partitions for i in range(n)])
    kafka.stop()
    task_id = make_task(serve, kafka, standin, topic, timeout="0", batch_size="1000")
    assert serve.call("POST", f"/api/tasks/{task_id}/start").status == 200

    def waits(s):
        return [e["message"] for e in s["errors"] if "do not answer after" in e["message"]]

    # two failed attempts: the task still waits after the first warning
    s = wait_status(serve, task_id, lambda s: len(waits(s)) >= 2 or s["state"] != "running",
                    "the task to say it waits for its broker")
    assert s["state"] == "running" and s["health"] == "Waiting", s
    assert kafka.bootstrap in waits(s)[0] and "Connection refused" in waits(s)[0], waits(s)
    assert s["run"]["kafka_consumed_messages"] == 0
    kafka.restart()
    wait_rows(standin, n)
    wait_status(serve, task_id, lambda s: stored_total(s) == n, "every offset stored")
    stopped = serve.call("POST", f"/api/tasks/{task_id}/stop")
    assert stopped.status == 200 and stopped.json()["state"] == "stopped", stopped
    assert committed_offsets(kafka, f"taosx{topic}", topic, partitions) == n
    assert meters.rows(standin) == meters.expected_rows(range(n), DEVICES)
