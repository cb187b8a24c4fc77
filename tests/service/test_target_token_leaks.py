"""A TDengine Cloud token in a task's target DSN, through every path of
`k2td serve` that carries the DSN - create, get, list, update with the
masked form sent back, copy, start, status, /metrics, a run refused for a
wrong token, check, preview, the supertable helpers, the service's log -
against the stand-in acting as a cloud gateway (it serves /rest/sql only
with its token). The token works wherever it is used and shows in no
answer; the masked form sent back keeps it."""

import helpers
import meters

MARK = "xyzzy"
TOKEN = "cl0ud-token-xyzzy-6f1e2d3c4b5a"
WRONG = "wr0ng-token-xyzzy-000000000000"


def test_the_token_is_used_and_never_shown(serve, kafka, make_topic, produce, tmp_path):
    gateway = helpers.Standin(tmp_path / "gateway", cloud_token=TOKEN).start()
    try:
        meters.setup_target(gateway)
        to = f"taos+http://127.0.0.1:{gateway.port}/kdb?token={TOKEN}"
        topic = make_topic(partitions=1)
        produce(topic, [meters.message(i) for i in range(20)])
        task = meters.task(kafka, gateway, [topic], name="cloud", to=to, timeout="6s")
        call = serve.call  # every answer is searched at the end (serve.answers)
        made = call("POST", "/api/tasks", task)
        assert made.status == 201, made
        tid = made.json()["id"]
        assert made.json()["to"] == (f"taos+http://127.0.0.1:{gateway.port}/kdb"
                                     "?token=******")
        call("GET", f"/api/tasks/{tid}")
        call("GET", "/api/tasks")
        # the masked form sent back keeps the token: the task then writes
        assert call("PUT", f"/api/tasks/{tid}", made.json()).status == 200
        assert call("POST", f"/api/tasks/{tid}/copy", {"name": "cloud-copy"}).status in (200, 201)
        assert call("POST", f"/api/tasks/{tid}/start").status == 200
        helpers.wait_until(lambda: meters.count(gateway) >= 20, 120, "20 rows")
        helpers.wait_until(
            lambda: call("GET", f"/api/tasks/{tid}/status").json()["state"] == "finished", 60,
            "the task to finish")
        assert meters.rows(gateway) == meters.expected_rows(range(20))
        call("GET", "/metrics")

        bad = call("POST", "/api/tasks", dict(task, name="cloud-bad",
                                              to=to.replace(TOKEN, WRONG)))
        bad_id = bad.json()["id"]
        call("POST", f"/api/tasks/{bad_id}/start")
        helpers.wait_until(
            lambda: call("GET", f"/api/tasks/{bad_id}/status").json()["state"] == "failed", 60,
            "the task with a wrong token to fail")
        failed = call("GET", f"/api/tasks/{bad_id}").json()
        assert "rejected the credentials" in failed["last_error"]["message"], failed
        call("GET", "/api/tasks")

        good = call("POST", "/api/check", {"from": task["from"], "to": to}).json()
        assert good["tdengine"]["ok"] is True, good
        refused = call("POST", "/api/check", {"from": task["from"],
                                              "to": to.replace(TOKEN, WRONG)}).json()
        assert refused["tdengine"]["ok"] is False, refused
        preview = call("POST", "/api/preview", {"to": to, "parser": task["parser"],
                                                "samples": [meters.message(1)]})
        assert preview.status == 200, preview
        assert call("POST", "/api/target/databases", {"to": to}).json()["databases"] == ["kdb"]
        assert call("POST", "/api/target/stables", {"to": to}).status == 200
        unauthorized = call("POST", "/api/target/stables", {"to": to.replace(TOKEN, WRONG)})
        assert unauthorized.status == 502, unauthorized

        seen = serve.answers + [("service log", serve.log().encode())]
        assert [where for where, text in seen if MARK.encode() in text] == []
    finally:
        gateway.stop()
