"""Drafts of an edited task: every draft endpoint takes "task_id", and the
secrets a stored task's answer masks ("******") are put back from it, as
PUT /api/tasks/{id} does; an unknown task_id is a 404 naming the field."""

import pytest

import meters

PARSER = {"parse": {"value": {"json": ""}}, "model": {"name": "d_{id}", "using": "meters"}}
FROM = "kafka://127.0.0.1:1?topics=t"

# (path, extra body) of every draft endpoint that reads TDengine
TARGET_CALLS = [
    ("/api/target/databases", {}),
    ("/api/target/stables", {}),
    ("/api/preview", {"parser": PARSER, "samples": [meters.message(1)]}),
    ("/api/target/databases/create", {"name": "made_by_draft"}),
    ("/api/target/stables/create", {"name": "made_by_draft",
                                    "columns": [{"name": "ts", "type": "TIMESTAMP"},
                                                {"name": "v", "type": "INT"}],
                                    "tags": [{"name": "g", "type": "INT"}]}),
]
ALL_DRAFT_PATHS = [p for p, _ in TARGET_CALLS] + ["/api/target/stables/propose", "/api/check",
                                                  "/api/samples"]


@pytest.fixture
def stored(serve, standin):
    """A stored task on the stand-in (password taosdata) and its answer,
    whose `to` is masked."""
    meters.setup_target(standin)
    a = serve.call("POST", "/api/tasks", {
        "name": "edited", "from": FROM + "&sasl.password=kafka-secret",
        "to": f"taos+http://root:taosdata@127.0.0.1:{standin.port}/kdb", "parser": PARSER})
    assert a.status == 201, a
    task = a.json()
    assert ":******@" in task["to"] and "sasl.password=******" in task["from"]
    return task


@pytest.mark.parametrize("path,extra", TARGET_CALLS)
def test_masked_password_is_restored_from_the_task(serve, stored, path, extra):
    body = dict(extra, to=stored["to"], **{"from": stored["from"]})
    masked = serve.call("POST", path, body)
    assert masked.status == 502 and masked.json()["field"] == "to", masked
    a = serve.call("POST", path, dict(body, task_id=stored["id"]))
    assert a.status in (200, 201), a
    assert b"taosdata" not in a.body and b"kafka-secret" not in a.body


def test_check_restores_the_password(serve, stored):
    body = {"from": stored["from"], "to": stored["to"]}
    a = serve.call("POST", "/api/check", body).json()
    assert a["tdengine"]["ok"] is False and "credentials" in a["tdengine"]["error"]
    a = serve.call("POST", "/api/check", dict(body, task_id=stored["id"]))
    assert a.status == 200, a
    assert a.json()["tdengine"] == {"ok": True, "database": "kdb", "precision": "ms"}
    assert b"kafka-secret" not in a.body


def test_a_new_password_wins_over_the_stored_one(serve, stored, standin):
    to = f"taos+http://root:wrong@127.0.0.1:{standin.port}/kdb"
    a = serve.call("POST", "/api/target/databases", {"to": to, "task_id": stored["id"]})
    assert a.status == 502, a


@pytest.mark.parametrize("path", ALL_DRAFT_PATHS)
def test_unknown_task_id_is_404(serve, stored, path):
    body = {"from": stored["from"], "to": stored["to"], "parser": PARSER, "samples": ["{}"],
            "task_id": stored["id"] + 100}
    a = serve.call("POST", path, body)
    assert a.status == 404, a
    assert a.json()["field"] == "task_id"
    assert str(stored["id"] + 100) in a.json()["error"]


@pytest.mark.parametrize("bad", ["1", 0, -1, 1.5, True, [1]])
def test_task_id_must_be_an_id(serve, stored, bad):
    a = serve.call("POST", "/api/target/databases", {"to": stored["to"], "task_id": bad})
    assert a.status == 400, a
    assert a.json()["field"] == "task_id"


def test_task_id_null_is_no_task(serve, stored):
    a = serve.call("POST", "/api/target/databases", {"to": stored["to"], "task_id": None})
    assert a.status == 502, a
