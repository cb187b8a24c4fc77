"""A service task whose Kafka login is refused: it fails as soon as the
broker refuses it, with the cause (mechanism and user, never the password)
as its last error, and is never shown running as Ready on the way."""

import pytest

import helpers
import meters
from test_run import status

WRONG = "Wrong-Pa55word"


def test_a_refused_login_fails_the_task_and_is_never_ready(serve, kafka, make_topic, standin):
    if kafka.sasl() is None:
        pytest.skip("the broker was given through K2TD_BOOTSTRAP")
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    address, user, _ = kafka.sasl()
    task = meters.task(kafka, standin, [topic], timeout="0")
    task["from"] = task["from"].replace(kafka.bootstrap, address) + (
        f"&sasl_mechanism=PLAIN&sasl_username={user}&sasl_password={WRONG}")
    created = serve.call("POST", "/api/tasks", task)
    assert created.status == 201, created
    task_id = created.json()["id"]
    assert serve.call("POST", f"/api/tasks/{task_id}/start").status == 200
    seen = []

    def failed():
        s = status(serve, task_id)
        seen.append((s["state"], s.get("health")))
        return s if s["state"] == "failed" else None

    s = helpers.wait_until(failed, 60, lambda: f"the task to fail; seen {seen[-5:]}",
                           interval=0.05)
    assert ("running", "Ready") not in seen, seen
    listed = serve.call("GET", f"/api/tasks/{task_id}").json()
    message = listed["last_error"]["message"]
    assert "Authentication failed" in message, message
    assert f"(SASL PLAIN as user `{user}`)" in message, message
    answers = b"".join(body for _, body in serve.answers)
    assert WRONG.encode() not in answers and WRONG not in serve.log()
