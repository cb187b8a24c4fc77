"""/api/tasks without a broker: create, list, get, update, delete, copy,
their validation (every bad field named), secrets, and what a task whose
ends are unreachable shows."""

import copy

import helpers
import pytest

PARSER = {"parse": {"value": {"json": ""}}, "model": {"name": "d_{id}", "using": "meters"}}


def task_def(name="meters", **over):
    t = {"name": name,
         "from": "kafka://127.0.0.1:1?topics=meters&group=g&sasl.password=kafka-secret-1",
         "to": "taos+http://root:td-secret-1@127.0.0.1:1/kdb",
         "parser": copy.deepcopy(PARSER)}
    t.update(over)
    return t


def create(serve, **over):
    a = serve.call("POST", "/api/tasks", task_def(**over))
    assert a.status == 201, a
    return a.json()


def test_create_returns_the_task_with_secrets_hidden(serve):
    t = create(serve)
    assert t["id"] >= 1
    assert t["name"] == "meters"
    assert t["state"] == "created"
    assert t["health"] is None
    assert t["last_error"] is None
    assert t["written_rows"] == 0 and t["rate"] == 0
    assert t["from"] == "kafka://127.0.0.1:1?topics=meters&group=g&sasl.password=******"
    assert t["to"] == "taos+http://root:******@127.0.0.1:1/kdb"
    assert t["parser"] == PARSER
    assert t["created_at"].endswith("Z") and t["updated_at"] == t["created_at"]
    for a in (serve.call("GET", f"/api/tasks/{t['id']}"), serve.call("GET", "/api/tasks"),
              serve.call("GET", f"/api/tasks/{t['id']}/status"), serve.call("GET", "/metrics")):
        assert a.status == 200
        assert b"kafka-secret-1" not in a.body and b"td-secret-1" not in a.body
    assert "kafka-secret-1" not in serve.log() and "td-secret-1" not in serve.log()


def test_list_is_ordered_by_id_and_get_matches(serve):
    ids = [create(serve, name=f"t{i}")["id"] for i in range(3)]
    tasks = serve.call("GET", "/api/tasks").json()["tasks"]
    assert [t["id"] for t in tasks] == sorted(ids)
    one = serve.call("GET", f"/api/tasks/{ids[1]}").json()
    assert one == tasks[1]


@pytest.mark.parametrize("mutate,field", [
    (lambda t: t.pop("name"), "name"),
    (lambda t: t.update(name=""), "name"),
    (lambda t: t.update(name=7), "name"),
    (lambda t: t.pop("from"), "from"),
    (lambda t: t.update({"from": "kafka://127.0.0.1:9092?group=x"}), "from.topics"),
    (lambda t: t.update({"from": "kafka://127.0.0.1:9092?topics=a&batch_size=0"}),
     "from.batch_size"),
    (lambda t: t.update({"from": "kafka://127.0.0.1:9092?topics=a&nosuchkey=1"}),
     "from.nosuchkey"),
    (lambda t: t.pop("to"), "to"),
    (lambda t: t.update(to="taos://root:x@h:6030/db"), "to"),
    (lambda t: t.update(to="taos+http://root:x@h:6041/"), "to"),
    (lambda t: t.pop("parser"), "parser"),
    (lambda t: t.update(parser="@/etc/passwd"), "parser"),
    (lambda t: t["parser"]["model"].pop("name"), "parser.model.name"),
    (lambda t: t["parser"]["model"].update(name="t_{id"), "parser.model.name"),
    (lambda t: t["parser"]["model"].update(using="s_{}"), "parser.model.using"),
    (lambda t: t.update(options={"timezone": "Mars/Base"}), "options.timezone"),
    (lambda t: t.update(options={"log_level": "loud"}), "options.log_level"),
    (lambda t: t.update(options={"nosuch": 1}), "options.nosuch"),
    (lambda t: t.update(extra=1), "extra"),
])
def test_bad_definitions_name_the_field_and_save_nothing(serve, mutate, field):
    t = task_def()
    mutate(t)
    a = serve.call("POST", "/api/tasks", t)
    assert a.status == 400, a
    err = a.json()
    assert err["field"] == field, err
    assert isinstance(err["error"], str) and err["error"]
    assert serve.call("GET", "/api/tasks").json() == {"tasks": []}


def test_names_are_unique(serve):
    create(serve, name="same")
    a = serve.call("POST", "/api/tasks", task_def(name="same"))
    assert a.status == 409
    assert a.json()["field"] == "name"
    assert len(serve.call("GET", "/api/tasks").json()["tasks"]) == 1


def test_readonly_keys_of_a_task_answer_may_be_sent_back(serve):
    t = create(serve)
    back = dict(t, name="renamed", state="running", health="Ready", id=999)
    a = serve.call("PUT", f"/api/tasks/{t['id']}", back)
    assert a.status == 200, a
    u = a.json()
    assert u["id"] == t["id"] and u["name"] == "renamed" and u["state"] == "created"


def stored_def(serve, task_id):
    """The definition as the store keeps it (secrets included)."""
    import json
    import os
    import sqlite3
    db = sqlite3.connect(os.path.join(serve.data_dir, "k2td.db"))
    try:
        return json.loads(db.execute("SELECT def FROM tasks WHERE id = ?",
                                     (task_id,)).fetchone()[0])
    finally:
        db.close()


def test_update_keeps_masked_secrets_and_takes_new_ones(serve):
    t = create(serve)
    u = serve.call("PUT", f"/api/tasks/{t['id']}", dict(t, name="m2")).json()
    assert u["to"] == t["to"] and u["from"] == t["from"]
    kept = stored_def(serve, t["id"])
    assert kept["to"] == "taos+http://root:td-secret-1@127.0.0.1:1/kdb"
    assert kept["from"].endswith("sasl.password=kafka-secret-1")
    new = dict(u, to="taos+http://root:new-secret@127.0.0.1:2/kdb",
               **{"from": u["from"].replace("group=g", "group=h")})
    u = serve.call("PUT", f"/api/tasks/{t['id']}", new).json()
    assert u["to"] == "taos+http://root:******@127.0.0.1:2/kdb"
    kept = stored_def(serve, t["id"])
    assert kept["to"] == "taos+http://root:new-secret@127.0.0.1:2/kdb"
    assert kept["from"] == "kafka://127.0.0.1:1?topics=meters&group=h&sasl.password=kafka-secret-1"


def test_update_validates_and_changes_nothing_on_error(serve):
    t = create(serve)
    a = serve.call("PUT", f"/api/tasks/{t['id']}", task_def(parser={"parse": {}}))
    assert a.status == 400
    assert a.json()["field"].startswith("parser")
    assert serve.call("GET", f"/api/tasks/{t['id']}").json() == t


def test_delete(serve):
    t = create(serve)
    assert serve.call("DELETE", f"/api/tasks/{t['id']}").status == 204
    assert serve.call("GET", f"/api/tasks/{t['id']}").status == 404
    assert serve.call("DELETE", f"/api/tasks/{t['id']}").status == 404


def test_copy_names_copies_and_keeps_the_definition(serve):
    t = create(serve, name="src")
    c1 = serve.call("POST", f"/api/tasks/{t['id']}/copy")
    c2 = serve.call("POST", f"/api/tasks/{t['id']}/copy")
    assert c1.status == 201 and c2.status == 201
    assert c1.json()["name"] == "src (copy)"
    assert c2.json()["name"] == "src (copy 2)"
    for c in (c1.json(), c2.json()):
        assert c["state"] == "created" and c["id"] not in (t["id"],)
        assert c["from"] == t["from"] and c["to"] == t["to"] and c["parser"] == t["parser"]


@pytest.mark.parametrize("path", ["/api/tasks/999", "/api/tasks/abc", "/api/tasks/0",
                                  "/api/tasks/-1", "/api/tasks/99999999999999999999",
                                  "/api/tasks/1.5"])
def test_unknown_or_bad_ids_are_404(serve, path):
    for method, suffix in (("GET", ""), ("PUT", ""), ("DELETE", ""), ("POST", "/start"),
                           ("POST", "/stop"), ("POST", "/copy"), ("GET", "/status")):
        a = serve.call(method, path + suffix, task_def() if method == "PUT" else None)
        assert a.status == 404, (method, path + suffix, a)
        assert "error" in a.json()


def test_stop_of_a_task_that_is_not_running_is_409(serve):
    t = create(serve)
    a = serve.call("POST", f"/api/tasks/{t['id']}/stop")
    assert a.status == 409


def test_a_task_whose_target_is_unreachable_fails_with_its_reason(serve):
    t = create(serve)
    a = serve.call("POST", f"/api/tasks/{t['id']}/start")
    assert a.status == 200
    assert a.json()["state"] in ("running", "failed")

    def failed():
        got = serve.call("GET", f"/api/tasks/{t['id']}").json()
        return got if got["state"] == "failed" else None

    got = helpers.wait_until(failed, 120, "the task to fail")
    assert got["health"] == "Fatal"
    assert "unreachable" in got["last_error"]["message"]
    assert "td-secret-1" not in got["last_error"]["message"]
    status = serve.call("GET", f"/api/tasks/{t['id']}/status").json()
    assert status["state"] == "failed"
    assert any("unreachable" in e["message"] for e in status["errors"])
    assert any("unreachable" in e["message"] for e in status["activity"])
    assert status["run"]["start_time"] is not None
    # failed tasks can be changed and started again
    assert serve.call("PUT", f"/api/tasks/{t['id']}", dict(t, name="again")).status == 200


def test_metrics_lists_every_task(serve):
    t = create(serve, name='odd "name"\\x')
    a = serve.call("GET", "/metrics")
    assert a.status == 200
    assert a.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = a.body.decode()
    label = f'{{task_id="{t["id"]}",task="odd \\"name\\"\\\\x"}}'
    for metric in ("kafka_consumed_messages", "written_rows", "failed_rows", "invalid_rows",
                   "up"):
        assert f"k2td_task_{metric}{label} 0" in text, metric
    assert 'k2td_tasks{state="created"} 1' in text
    assert "k2td_running_tasks 0" in text


def test_concurrent_starts_stops_and_reads_stay_consistent(serve):
    """Starts, stops, reads, updates and copies from several threads at once:
    every answer is a planned one, and the service stops cleanly after."""
    import threading
    t = create(serve)
    path = f"/api/tasks/{t['id']}"
    allowed = {"start": {200, 409}, "stop": {200, 409}, "status": {200}, "get": {200},
               "put": {200, 409}, "copy": {201}}
    bad = []

    def worker(seed):
        import random
        rng = random.Random(seed)
        for _ in range(25):
            op = rng.choice(sorted(allowed))
            if op in ("start", "stop", "copy"):
                a = serve.call("POST", f"{path}/{op}")
            elif op == "status":
                a = serve.call("GET", f"{path}/status")
            elif op == "get":
                a = serve.call("GET", path)
            else:
                a = serve.call("PUT", path, task_def())
            if a.status not in allowed[op]:
                bad.append((op, a))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert bad == []
    helpers.wait_until(lambda: serve.call("GET", path).json()["state"] != "running", 120,
                       "the task to end")
