"""The service's SQLite store on a disk that fills up: API writes answer 503
naming the store and change nothing, a running task keeps writing rows, and
its counters, events and state reach the store once the disk has room
again (and survive a restart)."""

import os

import pytest

import helpers
import meters
from test_run import make_task, status, wait_rows
from tmpfs import mounted


@pytest.fixture
def store_disk(tmp_path):
    with mounted(tmp_path / "disk", size="8m") as disk:
        yield disk


def test_a_full_store_refuses_writes_keeps_tasks_running_and_catches_up(
        store_disk, serve_factory, kafka, make_topic, produce, standin):
    # the data dir is the tmpfs itself (the service's log is beside it)
    serve = serve_factory(data_dir=store_disk.path)
    serve.login()
    store = os.path.join(store_disk.path, "k2td.db")
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    task_id = make_task(serve, kafka, standin, topic, timeout="0")
    assert serve.call("POST", f"/api/tasks/{task_id}/start").status == 200
    produce(topic, [meters.message(i) for i in range(10)])
    wait_rows(standin, 10)

    store_disk.fill()
    a = serve.call("POST", "/api/tasks", meters.task(kafka, standin, [topic], name="second",
                                                            timeout="6s"))
    assert a.status == 503, a
    message = a.json()["error"]
    assert f"store {store} cannot be written" in message, message
    assert "full" in message, message
    a = serve.call("POST", f"/api/tasks/{task_id}/copy")
    assert a.status == 503, a
    names = [t["name"] for t in serve.call("GET", "/api/tasks").json()["tasks"]]
    assert names == ["meters"]  # nothing half-written

    # the task goes on writing; its counters live in memory meanwhile
    produce(topic, [meters.message(i) for i in range(10, 20)])
    wait_rows(standin, 20)
    helpers.wait_until(lambda: status(serve, task_id)["run"]["written_rows"] == 20, 60,
                       "the live counters at 20 rows")
    assert serve.call("POST", f"/api/tasks/{task_id}/stop").status == 200

    store_disk.empty()
    helpers.wait_until(lambda: (lambda s: s["state"] == "stopped" and
                                s["total"]["total_written_rows"] == 20)(
                                    status(serve, task_id)), 60,
                       "the stopped state and 20 rows stored")
    assert f"task {task_id}: store {store} cannot be written" in serve.log()
    assert f"task {task_id}: the store can be written again" in serve.log()
    a = serve.call("POST", "/api/tasks", meters.task(kafka, standin, [topic], name="second",
                                                            timeout="6s"))
    assert a.status == 201, a

    serve.restart().login()
    s = status(serve, task_id)
    assert s["state"] == "stopped"
    assert s["total"]["total_written_rows"] == 20
    assert meters.rows(standin) == meters.expected_rows(range(20))
