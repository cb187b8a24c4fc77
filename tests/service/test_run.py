"""Tasks running in the service against a real broker and the TDengine
stand-in: rows land, status and metrics show it, stop commits, errors name
their message, and a service restart (clean or kill -9) resumes the task
without losing a message."""

import json
import os

import helpers
import meters
from test_group import committed_offsets

DEVICES = 10


def make_task(serve, kafka, standin, topic, name="meters", **dsn):
    dsn.setdefault("timeout", "6s")  # tests produce while their task runs
    t = meters.task(kafka, standin, [topic], name=name, **dsn)
    a = serve.call("POST", "/api/tasks", t)
    assert a.status == 201, a
    return a.json()["id"]


def status(serve, task_id):
    a = serve.call("GET", f"/api/tasks/{task_id}/status")
    assert a.status == 200, a
    return a.json()


def wait_status(serve, task_id, ok, what, timeout=120):
    """Polls the task's status until ok(status) holds and returns that status,
    so what a test asserts on it was read after the state was reached."""
    def reached():
        s = status(serve, task_id)
        return s if ok(s) else None

    return helpers.wait_until(reached, timeout, what)


def stored_total(s):
    """The sum of the offsets stored for commit over the assigned partitions
    (a partition that got no message has none), or -1 while one lags."""
    if any(p["lag"] != 0 for p in s["lag"]):
        return -1
    return sum(p["committed"] or 0 for p in s["lag"])


def wait_rows(standin, n, timeout=120):
    helpers.wait_until(lambda: meters.count(standin) >= n, timeout, f"{n} rows")


def test_a_task_runs_shows_its_status_and_stops_with_a_commit(serve, kafka, make_topic,
                                                               produce, standin):
    meters.setup_target(standin)
    topic = make_topic(partitions=2)
    produce(topic, [meters.message(i, DEVICES) for i in range(3000)])
    task_id = make_task(serve, kafka, standin, topic, timeout="0", batch_size="500")
    a = serve.call("POST", f"/api/tasks/{task_id}/start")
    assert a.status == 200 and a.json()["state"] == "running"
    assert serve.call("POST", f"/api/tasks/{task_id}/start").status == 409
    wait_rows(standin, 3000)
    s = wait_status(serve, task_id, lambda s: s["run"]["written_rows"] == 3000 and s["lag"],
                    "the status to show 3000 rows")
    assert s["state"] == "running"
    assert s["health"] in ("Ready", "Idle", "Busy")
    assert s["run"]["kafka_consumed_messages"] == 3000
    assert s["run"]["parsed_rows"] == 3000
    assert s["run"]["processed_batches"] >= 6
    assert s["total"]["total_written_rows"] == 3000
    assert s["run"]["written_points"] == 3000 * 3  # current, voltage, phase
    assert s["run"]["start_time"].endswith("Z")
    assert sorted(p["partition"] for p in s["lag"]) == [0, 1]
    s = wait_status(serve, task_id, lambda s: stored_total(s) == 3000,
                    "every offset stored and no lag")
    # the status saves the events logged before its counters: the start line
    # is there once rows are counted
    assert any("running: from kafka://" in line["message"] for line in s["activity"])
    assert "taosdata" not in str(s)
    t = serve.call("GET", f"/api/tasks/{task_id}").json()
    assert t["written_rows"] == 3000 and t["health"] is not None
    assert serve.call("PUT", f"/api/tasks/{task_id}", meters.task(kafka, standin, [topic], timeout="6s")
                      ).status == 409
    assert serve.call("DELETE", f"/api/tasks/{task_id}").status == 409
    m = serve.call("GET", "/metrics").body.decode()
    assert f'k2td_task_up{{task_id="{task_id}",task="meters"}} 1' in m
    assert "k2td_running_tasks 1" in m

    stopped = serve.call("POST", f"/api/tasks/{task_id}/stop")
    assert stopped.status == 200
    assert stopped.json()["state"] == "stopped" and stopped.json()["health"] is None
    assert committed_offsets(kafka, f"taosx{topic}", topic, 2) == 3000
    assert meters.rows(standin) == meters.expected_rows(range(3000), DEVICES)
    s = status(serve, task_id)
    assert s["run"]["written_rows"] == 3000 and s["lag"] == []
    m = serve.call("GET", "/metrics").body.decode()
    assert f'k2td_task_written_rows{{task_id="{task_id}",task="meters"}} 3000' in m
    # a second run adds to the total
    produce(topic, [meters.message(i, DEVICES) for i in range(3000, 3500)])
    serve.call("POST", f"/api/tasks/{task_id}/start")
    wait_rows(standin, 3500)
    wait_status(serve, task_id, lambda s: s["run"]["written_rows"] == 500,
                "the second run's count")
    serve.call("POST", f"/api/tasks/{task_id}/stop")
    s = status(serve, task_id)
    assert s["run"]["written_rows"] == 500
    assert s["total"]["total_written_rows"] == 3500


def test_bad_messages_are_errors_naming_their_offset(serve, kafka, make_topic, produce,
                                                     standin):
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    produce(topic, [meters.message(0), "{not json", meters.message(1)], partition=0)
    task_id = make_task(serve, kafka, standin, topic, timeout="0")
    serve.call("POST", f"/api/tasks/{task_id}/start")
    wait_rows(standin, 2)
    # the error line and the counters are published separately
    s = wait_status(serve, task_id, lambda s: s["errors"] and s["health"] == "Bounce" and
                    s["run"]["malformed_messages"] + s["run"]["archived_rows"],
                    "the error to show")
    err = s["errors"][0]
    assert (err["topic"], err["partition"], err["offset"]) == (topic, 0, 1)
    assert f"{topic} [0] offset 1" in err["message"]
    assert s["run"]["malformed_messages"] + s["run"]["archived_rows"] >= 1
    assert s["health"] == "Bounce"
    serve.call("POST", f"/api/tasks/{task_id}/stop")
    if s["run"]["archived_rows"]:
        # the row error policy archives under the service's data directory
        archive = os.path.join(serve.data_dir, "tasks", str(task_id), "archived")
        assert os.listdir(archive), archive


def test_a_task_that_archives_every_row_says_so_as_its_last_error(serve, kafka, make_topic,
                                                                  produce, standin):
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    # no `id`, so no subtable name: every row is archived
    produce(topic, [json.dumps({"ts": meters.BASE_MS + i, "voltage": i}) for i in range(3)])
    task_id = make_task(serve, kafka, standin, topic, timeout="2s")
    serve.call("POST", f"/api/tasks/{task_id}/start")
    helpers.wait_until(lambda: serve.call("GET", f"/api/tasks/{task_id}").json()["state"]
                       == "finished", 120, "the task to finish")
    for answer in (serve.call("GET", f"/api/tasks/{task_id}").json(),
                   serve.call("GET", "/api/tasks").json()["tasks"][0]):
        message = answer["last_error"]["message"]
        assert message.startswith("no row written: all 3 rows of the run were archived; "
                                  f"the newest, {topic} [0] offset 2: "), message
        assert "template variable `id` is missing" in message, message
    # the run's check of its first messages named the cause among its activity
    activity = [e["message"] for e in status(serve, task_id)["activity"]]
    assert any("parser.model.name: placeholder `id` is in none of the sample rows that reach it"
               " (checked on 3 message(s) of the first batch)" in m for m in activity), activity
    assert meters.count(standin) == 0


def test_a_task_with_a_timeout_finishes(serve, kafka, make_topic, produce, standin):
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    produce(topic, [meters.message(i) for i in range(10)])
    task_id = make_task(serve, kafka, standin, topic, timeout="2s")
    serve.call("POST", f"/api/tasks/{task_id}/start")
    helpers.wait_until(lambda: serve.call("GET", f"/api/tasks/{task_id}").json()["state"]
                       == "finished", 120, "the task to finish")
    assert meters.count(standin) == 10
    assert serve.call("POST", f"/api/tasks/{task_id}/stop").status == 409
    # finished tasks can be changed and run again
    assert serve.call("PUT", f"/api/tasks/{task_id}",
                      meters.task(kafka, standin, [topic], timeout="2s")).status == 200


def test_each_task_has_its_own_log_level(serve, kafka, make_topic, produce, standin):
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    produce(topic, [meters.message(i) for i in range(5)])
    t_debug = meters.task(kafka, standin, [topic], name="dbg", timeout="0")
    t_debug["options"] = {"log_level": "debug"}
    t_info = meters.task(kafka, standin, [topic], name="inf", timeout="0", group="other")
    ids = [serve.call("POST", "/api/tasks", t).json()["id"] for t in (t_debug, t_info)]
    for i in ids:
        serve.call("POST", f"/api/tasks/{i}/start")
    for i in ids:
        wait_status(serve, i, lambda s: s["run"]["written_rows"] == 5, "the task to write")
    for i in ids:
        serve.call("POST", f"/api/tasks/{i}/stop")
    levels = [{line["level"] for line in status(serve, i)["activity"]} for i in ids]
    assert "debug" in levels[0]
    assert "debug" not in levels[1]
    assert "batch of" not in serve.log()  # the service's own level (info) on stderr


def test_sigterm_keeps_the_task_running_for_the_next_start(serve, kafka, make_topic,
                                                          produce, standin):
    meters.setup_target(standin)
    topic = make_topic(partitions=2)
    produce(topic, [meters.message(i, DEVICES) for i in range(1000)])
    task_id = make_task(serve, kafka, standin, topic, timeout="0", batch_size="100000",
                        batch_timeout="10m")
    serve.call("POST", f"/api/tasks/{task_id}/start")
    wait_status(serve, task_id, lambda s: s["run"]["kafka_consumed_messages"] == 1000,
                "all 1000 in the open batch")
    assert meters.count(standin) == 0
    assert serve.stop() == 0
    # the open batch was written and committed at SIGTERM
    assert meters.count(standin) == 1000
    assert committed_offsets(kafka, f"taosx{topic}", topic, 2) == 1000
    serve.start()
    serve.login()
    t = serve.call("GET", f"/api/tasks/{task_id}").json()
    assert t["state"] == "running"
    produce(topic, [meters.message(i, DEVICES) for i in range(1000, 1200)])
    wait_status(serve, task_id, lambda s: s["run"]["kafka_consumed_messages"] == 200,
                "the resumed run to read the new messages")
    serve.stop()  # the open batch again
    assert meters.rows(standin) == meters.expected_rows(range(1200), DEVICES)
    assert "task 1 (`meters`) resumed" in serve.log()


def test_kill_9_then_restart_resumes_and_loses_nothing(serve, kafka, make_topic, produce,
                                                       standin):
    n, devices = 60_000, 100
    meters.setup_target(standin)
    topic = make_topic(partitions=4)
    # half the messages before the kill, the rest after it: the kill always
    # comes mid-stream, however fast the task is
    produce(topic, [meters.message(i, devices) for i in range(n // 2)])
    # after a kill -9 the group waits session.timeout.ms for the dead member
    task_id = make_task(serve, kafka, standin, topic, group="crash", timeout="0",
                        batch_size="2000",
                        **{"session.timeout.ms": "6000", "heartbeat.interval.ms": "500"})
    serve.call("POST", f"/api/tasks/{task_id}/start")
    wait_rows(standin, n // 5, timeout=300)
    serve.kill()
    produce(topic, [meters.message(i, devices) for i in range(n // 2, n)])
    serve.start()
    serve.login()
    assert serve.call("GET", f"/api/tasks/{task_id}").json()["state"] == "running"
    wait_rows(standin, n, timeout=300)
    # partitions read to the end before the kill may store nothing in this run
    wait_status(serve, task_id, lambda s: len(s["lag"]) == 4 and stored_total(s) >= 0,
                "no lag")
    assert meters.count(standin) == n
    assert meters.rows(standin) == meters.expected_rows(range(n), devices)
    serve.call("POST", f"/api/tasks/{task_id}/stop")
    assert committed_offsets(kafka, "taosxcrash", topic, 4) == n


def test_health_shows_sink_error_while_tdengine_is_down(serve, kafka, make_topic, produce,
                                                        standin):
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    produce(topic, [meters.message(i) for i in range(100)])
    task_id = make_task(serve, kafka, standin, topic, timeout="0")
    serve.call("POST", f"/api/tasks/{task_id}/start")
    wait_rows(standin, 100)
    standin.stop()
    produce(topic, [meters.message(i) for i in range(100, 200)])
    wait_status(serve, task_id, lambda s: s["health"] == "SinkError", "health SinkError")
    t = serve.call("GET", f"/api/tasks/{task_id}").json()
    assert t["state"] == "running" and t["health"] == "SinkError"
    standin.start()
    wait_status(serve, task_id, lambda s: s["health"] in ("Ready", "Idle"),
                "health back to normal")
    wait_rows(standin, 200)
    serve.call("POST", f"/api/tasks/{task_id}/stop")
    assert meters.rows(standin) == meters.expected_rows(range(200), 10)
