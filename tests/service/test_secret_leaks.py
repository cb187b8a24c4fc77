"""Distinctive secrets (every one holds `xyzzy`) go through every path a
task's secrets can take - API create, get, list, copy, start, status,
update, check, samples, preview, a run that fails, the archive files,
/metrics, the service's log, and `k2td run` (a run and a failing run, its
stderr and stdout, its arguments as `ps` sees them) - and none of them
shows one. The service's SQLite store may hold them: it is where tasks
are kept (docs/security.md), so DIR/k2td.db* is not searched."""

import json
import os
import urllib.parse

import pytest

import helpers
import meters

MARK = "xyzzy"
KAFKA_SASL = "S3cr3t-xyzzy-1"      # sasl.password (unused on a plaintext listener)
KAFKA_KEY = "S3cr3t-xyzzy-2"       # ssl.key.password
KAFKA_TAOSX = "S3cr3t-xyzzy-3"     # taosX's sasl_password, key percent-encoded
TD_PASSWORD = "S3cr3t-xyzzy-4"     # the stand-in's password
TD_WRONG = "S3cr3t-xyzzy-5"        # a wrong one, for a failing run


@pytest.fixture
def k2td(k2td_bin, tmp_path):
    """Runs of `k2td run` with their files under tmp_path/cli."""
    (tmp_path / "cli").mkdir()
    runner = helpers.K2td(k2td_bin, tmp_path / "cli")
    yield runner
    runner.close()


def source(kafka, topic, **more):
    keys = {"topics": topic, "group": "leaks", "timeout": "8s", "batch_timeout": "200ms",
            "sasl.password": KAFKA_SASL, "ssl%2Ekey%2Epassword": KAFKA_KEY,
            "sasl%5Fpassword": urllib.parse.quote(KAFKA_TAOSX)}
    keys.update(more)
    return f"kafka://{kafka.bootstrap}?" + "&".join(f"{k}={v}" for k, v in keys.items())


def target(standin, password=TD_PASSWORD):
    return f"taos+http://root:{password}@127.0.0.1:{standin.port}/kdb"


def files_under(root, skip=()):
    """Yields (path, bytes) of every file under root but those named in skip."""
    for d, _, names in os.walk(root):
        for n in names:
            p = os.path.join(d, n)
            if not any(n.startswith(s) for s in skip):
                with open(p, "rb") as f:
                    yield p, f.read()


def test_no_path_shows_a_secret(serve, kafka, make_topic, produce, standin_factory, k2td,
                                tmp_path, monkeypatch):
    monkeypatch.chdir(k2td.workdir)  # `k2td run` archives under ./k2td-data
    standin = standin_factory(tmp_path / "td", password=TD_PASSWORD)
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    produce(topic, [meters.message(i) for i in range(20)] + ["not json"])
    parser = {"parse": {"value": {"json": ""}}, "model": {"name": "d_{id}", "using": "meters"}}
    task = {"name": "leaks", "from": source(kafka, topic), "to": target(standin),
            "parser": parser}
    seen = []  # every answer and output, to search at the end

    def call(method, path, body=None):
        a = serve.call(method, path, body)
        seen.append((f"{method} {path}", a.body))
        return a

    made = call("POST", "/api/tasks", task)
    assert made.status == 201, made
    tid = made.json()["id"]
    call("GET", f"/api/tasks/{tid}")
    call("GET", "/api/tasks")
    # an update that sends the masked values back keeps the secrets
    back = made.json()
    back["name"] = "leaks2"
    assert call("PUT", f"/api/tasks/{tid}", back).status == 200
    copy = call("POST", f"/api/tasks/{tid}/copy", {"name": "leaks-copy"})
    assert copy.status in (200, 201), copy
    assert call("POST", f"/api/tasks/{tid}/start").status == 200
    helpers.wait_until(lambda: meters.count(standin) >= 20, 120, "20 rows")
    helpers.wait_until(
        lambda: call("GET", f"/api/tasks/{tid}/status").json()["state"] == "finished", 60,
        "the task to finish")
    call("GET", f"/api/tasks/{tid}/status")
    call("GET", "/metrics")
    # a run that fails: TDengine refuses the password
    bad = dict(task, name="leaks-bad", to=target(standin, TD_WRONG))
    bad_id = call("POST", "/api/tasks", bad).json()["id"]
    call("POST", f"/api/tasks/{bad_id}/start")
    helpers.wait_until(
        lambda: call("GET", f"/api/tasks/{bad_id}/status").json()["state"] == "failed", 60,
        "the task to fail")
    call("GET", f"/api/tasks/{bad_id}")
    call("GET", "/api/tasks")
    # the drafts of the form
    call("POST", "/api/check", {"from": task["from"], "to": task["to"]})
    call("POST", "/api/check", {"from": task["from"], "to": bad["to"]})
    call("POST", "/api/samples", {"from": task["from"], "count": 2})
    call("POST", "/api/preview", {"from": task["from"], "to": task["to"], "parser": parser,
                                  "samples": [meters.message(1)]})
    call("POST", "/api/check", {"task_id": tid, "from": made.json()["from"],
                                "to": made.json()["to"]})
    # the same task through `k2td run`: one that works, one that fails
    cli_parser = tmp_path / "parser.json"
    cli_parser.write_text(json.dumps(parser))
    runs = []
    for to in (target(standin), target(standin, TD_WRONG)):
        args = ("run", "--from", source(kafka, topic, group="leaks-cli"), "--to", to,
                "--parser", f"@{cli_parser}")
        run = k2td.start(task, args=args)
        if not runs:  # the failing run ends before its arguments can be read
            helpers.wait_until(lambda: "running: from" in run.stderr(), 20,
                               "k2td run to start")
            with open(f"/proc/{run.pid}/cmdline", "rb") as f:
                seen.append(("ps of k2td run", f.read()))
        run.wait(90)
        runs.append(run)
    assert runs[0].returncode == 0, runs[0].stderr()
    assert runs[1].returncode != 0
    for run in runs:
        seen.append(("k2td run stderr", run.stderr().encode()))
        seen.append(("k2td run stdout", run.stdout().encode()))
    seen.append(("service log", serve.log().encode()))
    files = list(files_under(serve.data_dir, skip=("k2td.db",)))
    assert any("archived" in p for p, _ in files), [p for p, _ in files]
    seen += files
    files = list(files_under(k2td.workdir, skip=("task-", "parser.json")))
    assert any("archived" in p for p, _ in files), [p for p, _ in files]
    seen += files
    leaks = [where for where, text in seen if MARK.encode() in text]
    assert leaks == []
