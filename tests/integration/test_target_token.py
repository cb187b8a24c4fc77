"""TDengine Cloud's token in the target DSN, against the stand-in acting as
a cloud gateway (it serves /rest/sql only with `?token=` its token): `k2td
run` and `k2td check` with the token write and pass; a wrong token stops k2td
with exit status 6, the credentials' own; the token shows nowhere k2td writes
(stderr, stdout, archive) nor in its arguments as `ps` sees them."""

import json
import os

import pytest

import helpers
import meters

TOKEN = "c10ud-t0ken-xyzzy-0123456789abcdef"
WRONG = "wr0ng-t0ken-xyzzy-fedcba9876543210"


@pytest.fixture
def gateway(tmp_path):
    """The stand-in as a cloud gateway with TOKEN, holding kdb.meters."""
    g = helpers.Standin(tmp_path / "gateway", cloud_token=TOKEN).start()
    meters.setup_target(g)
    yield g
    g.stop()


def to(gateway, token=TOKEN):
    """The target DSN of kdb with `token` and no credentials."""
    return f"taos+http://127.0.0.1:{gateway.port}/kdb?token={token}"


def files_under(root):
    """Every file under root as (path, bytes), but the task files k2td was given."""
    for d, _, names in os.walk(root):
        for n in names:
            if not n.startswith("task-"):
                with open(os.path.join(d, n), "rb") as f:
                    yield os.path.join(d, n), f.read()


def test_the_token_writes_and_never_shows(kafka, make_topic, produce, gateway, k2td, tmp_path):
    """Rows go through the token (one malformed message is archived); with a
    wrong token `run` exits 6 and `check` fails its TDengine step; the token
    is in no output, archive or argument list."""
    topic = make_topic(partitions=1)
    produce(topic, [meters.message(i) for i in range(20)] + ["not json"])
    task = meters.task(kafka, gateway, [topic], to=to(gateway), timeout="6s")
    task["options"] = {"data_dir": str(tmp_path / "data")}
    run = k2td.run(task, timeout=120)
    assert run.returncode == 0, run.stderr()
    assert meters.rows(gateway) == meters.expected_rows(range(20))
    assert "taos+http://127.0.0.1:%d/kdb?token=***" % gateway.port in run.stderr()

    parser = tmp_path / "parser.json"
    parser.write_text(json.dumps(task["parser"]))
    cli = ("run", "--from", task["from"].replace(f"group={topic}", "group=cli"),
           "--to", to(gateway), "--parser", f"@{parser}", "--status")
    running = k2td.start(task, args=cli)
    helpers.wait_until(lambda: "running: from" in running.stderr(), 60, "k2td run to start")
    with open(f"/proc/{running.pid}/cmdline", "rb") as f:
        cmdline = f.read()
    assert running.wait(120) == 0, running.stderr()

    wrong = dict(task, to=to(gateway, WRONG))
    refused = k2td.run(wrong, timeout=120)
    assert refused.returncode == 6, refused.stderr()
    assert "rejected the credentials" in refused.stderr()
    check = k2td.run(wrong, args=("check", "{task}"), timeout=120)
    assert check.returncode == 6, check.stdout() + check.stderr()
    assert helpers.check_verdict(check, "tdengine credentials").startswith("FAIL"), \
        check.stdout()
    good_check = k2td.run(task, args=("check", "{task}"), timeout=120)
    assert good_check.returncode == 0, good_check.stdout() + good_check.stderr()

    seen = [("ps of k2td run", cmdline)]
    for r in (run, running, refused, check, good_check):
        seen += [("stderr", r.stderr().encode()), ("stdout", r.stdout().encode())]
    archive = list(files_under(tmp_path / "data"))
    assert any("archived" in p for p, _ in archive), archive
    seen += archive
    assert [w for w, text in seen if b"t0ken-xyzzy" in text] == []


def test_the_gateway_refuses_basic_credentials(kafka, make_topic, produce, gateway, k2td):
    """The stand-in gateway serves only its token: the same DSN with user
    and password instead is refused (exit 6), so the writing test above
    cannot pass on the credentials."""
    topic = make_topic(partitions=1)
    produce(topic, [meters.message(0)])
    task = meters.task(kafka, gateway, [topic])  # taos+http://root:taosdata@...
    run = k2td.run(task, timeout=120)
    assert run.returncode == 6, run.stderr()
    assert meters.count(gateway) == 0
