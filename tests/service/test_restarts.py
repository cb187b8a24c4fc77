"""`k2td serve` killed again and again while a task ingests: the task resumes
by itself after every restart, takes its place in the consumer group at once
(static membership), loses nothing, and finishes only when it has read its
partitions to their end; its last run counts exactly what it consumed."""

import random
import time

import pytest

import helpers
import meters
from test_group import committed_offsets
from test_run import make_task, status, wait_status

N_SOAK = 1_000_000
N_SHORT = 250_000
DEVICES = 1000
PARTITIONS = 4


def five_kills_then_the_task_finishes(serve, kafka, make_topic, produce, standin, N):
    """Ingests N messages into 4 partitions through a task of `serve` while the
    service is killed with SIGKILL 5 times and restarted; the task resumes by
    itself and finishes. Checks its last run's counts and the target."""
    meters.setup_target(standin)
    topic = make_topic(partitions=PARTITIONS)
    produce(topic, [meters.message(i, DEVICES) for i in range(N)],
            partition=[i % PARTITIONS for i in range(N)])
    # the task finishes 8 s after it has read its partitions to their end; the
    # broker's default session timeout (45 s) applies to the killed members
    group = f"svc_restarts{N}"  # a group of its own: the other size's dead member is not in it
    task_id = make_task(serve, kafka, standin, topic, group=group, timeout="8s",
                        batch_size="5000")
    assert serve.call("POST", f"/api/tasks/{task_id}/start").status == 200
    pauses = random.Random(12).sample([x / 10 for x in range(5, 31)], 5)
    for k, pause in enumerate(pauses):
        goal = N * (k + 1) // 7  # each kill when another seventh of the rows landed
        helpers.wait_until(lambda: meters.count(standin, timeout=300) >= goal, 600,
                           lambda: f"{goal} rows (the target has {meters.count(standin)}); "
                                   f"the service's log ends:\n{serve.log()[-3000:]}",
                           interval=0.5)
        serve.kill()
        time.sleep(pause)  # the scenario: the service comes back `pause` s after the crash
        serve.start()
        serve.login()
        assert serve.call("GET", f"/api/tasks/{task_id}").json()["state"] == "running"
    assert meters.count(standin, timeout=300) < N, "the ingest ended before the last kill"
    # the last kill and restart, with the committed offsets read in between
    serve.kill()
    committed = committed_offsets(kafka, "taosx" + group, topic, PARTITIONS)
    serve.start()
    serve.login()
    s = wait_status(serve, task_id, lambda s: s["state"] == "finished", "the task to finish",
                    timeout=900)
    assert s["run"]["kafka_consumed_messages"] == N - committed
    assert s["run"]["written_rows"] == N - committed
    assert committed_offsets(kafka, "taosx" + group, topic, PARTITIONS) == N
    assert meters.count(standin, timeout=300) == N
    assert meters.rows(standin, timeout=300) == meters.expected_rows(range(N), DEVICES)
    assert "every assigned partition read to its end: the task is finished" in serve.log()


@pytest.mark.heavy
def test_five_kill_9_of_the_service_then_the_task_finishes(serve, kafka, make_topic, produce,
                                                           standin):
    five_kills_then_the_task_finishes(serve, kafka, make_topic, produce, standin, N_SHORT)


@pytest.mark.soak
def test_five_kill_9_of_the_service_during_1_m_messages(serve, kafka, make_topic, produce,
                                                        standin):
    five_kills_then_the_task_finishes(serve, kafka, make_topic, produce, standin, N_SOAK)


def test_a_task_waiting_for_partitions_is_not_shown_ready(serve, kafka, make_topic, produce,
                                                          standin, k2td):
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    produce(topic, [meters.message(i) for i in range(10)])
    # a member of the same group crashed: the group waits for it until its
    # 20 s session times out, and the task waits meanwhile
    ghost = k2td.start(meters.task(kafka, standin, [topic], group="held", timeout="0",
                                   enable_group_instance_id="false",
                                   **{"session.timeout.ms": "20000"}))
    helpers.wait_until(lambda: "assigned 1 partition(s)" in ghost.stderr(), 120,
                       "the other member to hold the partition")
    ghost.kill()
    task_id = make_task(serve, kafka, standin, topic, group="held", timeout="0")
    serve.call("POST", f"/api/tasks/{task_id}/start")
    s = wait_status(serve, task_id, lambda s: any(
        "waiting for partitions" in line["message"] for line in s["activity"]),
        "the task to say it waits")
    assert s["state"] == "running" and s["health"] == "Waiting", s
    assert s["lag"] == []
    assert serve.call("GET", f"/api/tasks/{task_id}").json()["health"] == "Waiting"
    # the dead member's session ended: the task holds the partition
    s = wait_status(serve, task_id, lambda s: s["health"] != "Waiting" and s["lag"],
                    "the task to hold the partition", timeout=180)
    assert s["health"] in ("Ready", "Idle", "Busy"), s
    serve.call("POST", f"/api/tasks/{task_id}/stop")
