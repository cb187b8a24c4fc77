"""What the API refuses in a task that a task file's operator may write or
that would harm logs and /metrics: names that are not plain text, archive
locations outside the task's folder (security review)."""

import json
import os
import sqlite3

import pytest

TASK = {"name": "t", "from": "kafka://h:9092?topics=t", "to": "taos+http://h:6041/db",
        "parser": {"parse": {"value": {"json": ""}}, "model": {"name": "t", "using": "s"}}}


@pytest.mark.parametrize("name", ["red\x1b[31m", "two\r\nlines", "nul\u0000cut", "x" * 129,
                                  "tab\there", "c1\u009b"])
def test_task_names_must_be_text(serve, name):
    a = serve.call("POST", "/api/tasks", dict(TASK, name=name))
    assert a.status == 400, a
    assert a.json()["field"] == "name", a


def test_a_task_name_that_is_not_utf8_is_refused(serve):
    raw = json.dumps(dict(TASK, name="NAME")).encode().replace(b"NAME", b"bad\xff")
    a = serve.call("POST", "/api/tasks", raw=raw, headers={"Content-Type": "application/json"})
    assert a.status == 400, a
    assert a.json()["field"] == "name", a


def test_unicode_task_names_are_fine(serve):
    a = serve.call("POST", "/api/tasks", dict(TASK, name="Zähler 温度 ✓"))
    assert a.status == 201, a
    assert serve.call("GET", "/api/tasks").json()["tasks"][0]["name"] == "Zähler 温度 ✓"


@pytest.mark.parametrize("name", ["x" * 128, "é" * 64])
def test_a_copy_of_a_long_name_stays_within_the_limit(serve, name):
    assert serve.call("POST", "/api/tasks", dict(TASK, name=name)).status == 201
    for want in (" (copy)", " (copy 2)"):
        a = serve.call("POST", "/api/tasks/1/copy")
        assert a.status == 201, a
        copy = a.json()["name"]
        assert copy.endswith(want) and len(copy.encode()) <= 128, copy
        assert name.startswith(copy[:-len(want)])


def test_old_names_with_control_characters_reach_metrics_escaped(serve):
    assert serve.call("POST", "/api/tasks", dict(TASK, name="plain")).status == 201
    assert serve.stop() == 0
    # a name stored before names were checked
    db = sqlite3.connect(os.path.join(serve.data_dir, "k2td.db"))
    name = b'a\r\x1b[2Jb\xff"\\\nc'
    (defn,) = db.execute("SELECT def FROM tasks").fetchone()
    defn = defn.encode().replace(b'"plain"', b'"a\\r\\u001b[2Jb\xff\\"\\\\\\nc"')
    db.execute("UPDATE tasks SET name = CAST(? AS TEXT), def = CAST(? AS TEXT)", (name, defn))
    db.commit()
    db.close()
    serve.start()
    serve.login()
    a = serve.call("GET", "/metrics")
    assert a.status == 200
    text = a.body.decode("utf-8")  # valid UTF-8
    assert "\r" not in text and "\x1b" not in text
    line = [ln for ln in text.split("\n") if ln.startswith("k2td_task_up{")][0]
    assert line == 'k2td_task_up{task_id="1",task="a\ufffd\ufffd[2Jb\ufffd\\"\\\\\\nc"} 0'
    # such a name no longer passes as a task's: it does not start
    a = serve.call("POST", "/api/tasks/1/start")
    assert a.status == 500 and "task.name: must be UTF-8 text" in a.json()["error"], a


@pytest.mark.parametrize("location", ["/tmp/k2td-archive", "../../elsewhere", "a/../../b",
                                      ".."])
def test_api_archive_location_stays_in_the_task_folder(serve, location):
    task = json.loads(json.dumps(TASK))
    task["parser"]["global"] = {"archive": {"location": location}}
    a = serve.call("POST", "/api/tasks", task)
    assert a.status == 400, a
    assert a.json()["field"] == "parser.global.archive.location", a


def test_relative_archive_locations_are_fine(serve):
    task = json.loads(json.dumps(TASK))
    task["parser"]["global"] = {"archive": {"location": "rejected/..x"}}
    assert serve.call("POST", "/api/tasks", task).status == 201
