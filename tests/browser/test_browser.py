"""The web page of `k2td serve`. In headless Chromium (flow.mjs, driven by
playwright-core) a user creates a Kafka data source through the form with a
split rule, a filter and a table mapping, checks each preview, submits,
starts it, watches the rows arrive in the list and stops it; then the rows in
the TDengine stand-in must be exactly the expected ones. The GSSAPI kinit
command field follows the operator's `k2td serve --config` (the same flow,
K2TD_FLOW=kinit). The security fields, a CSV sample file, the ByTime start
and the messages beside the fields have a flow of their own
(K2TD_FLOW=fields). The form's JSON builders are also tested on their own
(form_json.test.mjs)."""

import json
import os
import re
import shutil
import socket
import subprocess
import urllib.parse

import pytest

import meters  # tests/integration/meters.py (on sys.path through the service conftest)

HERE = os.path.dirname(os.path.abspath(__file__))
FLOW = os.path.join(HERE, "flow.mjs")
CHROMIUM = os.environ.get("K2TD_CHROMIUM", "/usr/bin/chromium")

DB, STABLE = "kdb", "seed"
COUNT = 6          # messages; id 1 is filtered out
NO_V = 4           # this message has no "v": volt takes the mapping's default
DEFAULT_VOLT = -1


def message(i):
    """The i-th message (i from 1): the seed's "id"/"message" pair plus a
    time and a value."""
    m = {"id": i, "ts": meters.BASE_MS + i * 1000, "message": f"m{i}-x{i}"}
    if i != NO_V:
        m["v"] = i * 10
    return json.dumps(m)


def expected_rows():
    """The rows the task must write, as the stand-in returns them by tbname."""
    return [[f"t_{i}", meters.iso_ms(meters.BASE_MS + i * 1000), f"m{i}", f"x{i}", f"M{i}#{i}",
             DEFAULT_VOLT if i == NO_V else i * 10, i] for i in range(2, COUNT + 1)]


def flow_expectations():
    """What flow.mjs must see in the previews and the list (K2TD_EXPECT)."""
    return {
        "messages": COUNT,
        "rows": COUNT - 1,
        "parsed_fields": ["id", "ts", "message", "v"],
        "split": {"field": "message", "separator": "-", "count": 2,
                  "example": {"message_0": "m2", "message_1": "x2"}},
        "filter": {"expr": "id != 1", "dropped_row": "id=1"},
        "template": "t_{id}",
        "rules": {"label": {"rule": "format", "text": "${message_0.to_upper()}#${id}"},
                  "volt": {"rule": "mapping", "source": "v", "default": str(DEFAULT_VOLT)}},
        "mapped": [{"Subtable": "t_2", "label": "'M2#2'", "volt": "20", "id": "2"},
                   {"Subtable": f"t_{NO_V}", "volt": str(DEFAULT_VOLT)}],
    }


def test_form_json_round_trip():
    """The page's DSN and parser JSON builders (node --test, no browser)."""
    node = shutil.which("node")
    assert node, "node is not on the PATH"
    run = subprocess.run([node, "--test", os.path.join(HERE, "form_json.test.mjs")], cwd=HERE,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


def run_flow(serve, artifacts, **env):
    """Runs flow.mjs against `serve` signed in as its admin (serve.password),
    screenshots in the folder `artifacts` under K2TD_ARTIFACTS (default
    tests/browser/artifacts), with the environment additions env; fails the
    test with its output and the service's log unless it passes."""
    if not os.path.isdir(os.path.join(HERE, "node_modules", "playwright-core")):
        pytest.fail("playwright-core is not installed: run `npm ci --prefix tests/browser`",
                    pytrace=False)
    node = shutil.which("node")
    assert node, "node is not on the PATH"
    assert os.access(CHROMIUM, os.X_OK), f"no browser at {CHROMIUM} (apt-get install chromium)"
    base = os.environ.get("K2TD_ARTIFACTS") or os.path.join(HERE, "artifacts")
    env = dict(os.environ, K2TD_URL=serve.url + "/", K2TD_USER=serve.user,
               K2TD_PASSWORD=serve.password, K2TD_ARTIFACTS=os.path.join(base, artifacts),
               K2TD_CHROMIUM=CHROMIUM, **env)
    run = subprocess.run([node, FLOW], cwd=HERE, env=env, capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, (f"flow.mjs failed ({run.returncode}):\n{run.stdout}\n"
                                 f"{run.stderr}\nservice log:\n{serve.log()[-4000:]}")


def test_create_preview_run_and_stop_a_task_in_the_page(kafka, make_topic, produce, standin,
                                                         serve):
    meters.setup_target(standin, db=DB)
    answer = standin.sql(f"CREATE STABLE {DB}.{STABLE} (ts TIMESTAMP, message_0 VARCHAR(16), "
                         "message_1 VARCHAR(16), label VARCHAR(32), volt INT) TAGS (id INT)")
    assert answer["code"] == 0, answer
    topic = make_topic(partitions=2)
    produce(topic, [message(i) for i in range(1, COUNT + 1)])

    run_flow(serve, ".",
             K2TD_BOOTSTRAP=kafka.bootstrap, K2TD_STANDIN_HOST="127.0.0.1",
             K2TD_STANDIN_PORT=str(standin.port), K2TD_STANDIN_USER=standin.user,
             K2TD_STANDIN_PASSWORD=standin.password, K2TD_DB=DB, K2TD_STABLE=STABLE,
             K2TD_TOPIC=topic, K2TD_TASK_NAME="kafka_to_seed", K2TD_GROUP=f"browser_{topic}",
             K2TD_EXPECT=json.dumps(flow_expectations()))

    got = standin.sql(f"SELECT tbname, ts, message_0, message_1, label, volt, id "
                      f"FROM {DB}.{STABLE} ORDER BY tbname")
    assert got["code"] == 0, got
    assert got["data"] == expected_rows()


@pytest.mark.parametrize("allowed", [False, True], ids=["read-only", "override-allowed"])
def test_the_kinit_field_is_the_operators(serve_factory, tmp_path, allowed):
    """With GSSAPI the form's kinit command field shows the command of the
    operator's `--config` read-only, and a task sends none; when the config
    allows tasks their own (allow_kinit_override), the field is editable
    with the operator's command as its placeholder, and a task sends what
    was typed (flow.mjs, K2TD_FLOW=kinit)."""
    command = "kinit -k -t /etc/k2td/kafka.keytab k2td@EXAMPLE.COM"
    cfg = tmp_path / "serve.json"
    cfg.write_text(json.dumps({"password": "Operator-Pa55",
                               "kafka": {"sasl.kerberos.kinit.cmd": command,
                                         "allow_kinit_override": allowed}}))
    serve = serve_factory(args=["--config", str(cfg)], password="Operator-Pa55")
    run_flow(serve, f"kinit-{'editable' if allowed else 'read-only'}", K2TD_FLOW="kinit",
             K2TD_KINIT_CMD=command, K2TD_KINIT_EDITABLE="1" if allowed else "0")


def test_security_fields_samples_start_time_and_errors_in_the_page(kafka, make_topic, produce,
                                                                 standin, serve):
    """The security fields of each SASL mechanism and of SSL show only when
    chosen, the form sends exactly their settings, and each listener of the
    broker (SASL PLAIN, SSL with the uploaded CA, a client certificate,
    SASL_SSL) takes the login; GSSAPI is checked as fields and settings only
    (its login is test_gssapi.py's). A CSV file gives the samples, ByTime
    sends its start time, and errors (no database, a missing topic, an
    unreachable broker, a bad subtable name template, a misspelt filter
    field) are shown beside the field they are about (flow.mjs,
    K2TD_FLOW=fields). The saved task keeps the settings; the API and the
    page show its secrets masked."""
    if kafka.sasl() is None:
        pytest.skip("the broker was given through K2TD_BOOTSTRAP: its listeners are unknown")
    sasl_address, user, password = kafka.sasl()
    ssl_address, ca = kafka.ssl()
    mtls_address, cert, key, key_password = kafka.mtls()
    meters.setup_target(standin, db=DB)
    answer = standin.sql(f"CREATE STABLE {DB}.fields (ts TIMESTAMP, v INT) TAGS (id INT)")
    assert answer["code"] == 0, answer
    topic = make_topic(partitions=1)
    produce(topic, [json.dumps({"id": i, "ts": meters.BASE_MS + i, "v": i}) for i in range(3)])
    with socket.socket() as s:  # a port nothing listens on once closed
        s.bind(("127.0.0.1", 0))
        closed = f"127.0.0.1:{s.getsockname()[1]}"
    name = "secure_fields"
    fields = {
        "name": name, "db": DB, "stable": "fields", "topic": topic, "plain": kafka.bootstrap.split(",")[0],
        "closed": closed, "sasl": sasl_address, "user": user, "password": password,
        "ssl": ssl_address, "ca": ca, "mtls": mtls_address, "cert": cert, "key": key,
        "keyPassword": key_password, "saslSsl": kafka.sasl_ssl(),
        "principal": "client@EXAMPLE.COM", "startLocal": "2025-11-24T16:30",
        "csv": [json.dumps({"id": 10 + i, "ts": meters.BASE_MS + i, "v": i, "note": "a, \"b\""})
                for i in range(3)],
    }
    run_flow(serve, "fields", K2TD_FLOW="fields", K2TD_FIELDS=json.dumps(fields),
             K2TD_STANDIN_HOST="127.0.0.1", K2TD_STANDIN_PORT=str(standin.port),
             K2TD_STANDIN_PASSWORD=standin.password)

    tasks = serve.call("GET", "/api/tasks").json()
    task_id = next(t["id"] for t in tasks["tasks"] if t["name"] == name)
    got = serve.call("GET", f"/api/tasks/{task_id}")
    assert got.status == 200, got
    assert password.encode() not in got.body and key_password.encode() not in got.body
    query = urllib.parse.parse_qs(got.json()["from"].split("?", 1)[1])
    assert {k: v[0] for k, v in query.items() if k.startswith(("sasl", "ssl", "security"))} == {
        "security.protocol": "sasl_ssl", "sasl.mechanisms": "PLAIN", "sasl.username": user,
        "sasl.password": "******", "ssl.ca.location": query["ssl.ca.location"][0],
        "ssl.certificate.location": query["ssl.certificate.location"][0],
        "ssl.key.location": query["ssl.key.location"][0], "ssl.key.password": "******"}
    for k in ("ssl.ca.location", "ssl.certificate.location", "ssl.key.location"):
        assert re.fullmatch(r"upload:\d+", query[k][0]), query
    assert query["fallback_offset"] == ["bytime"]
    assert re.fullmatch(r"2025-11-2\dT\d\d:30:00Z", query["start_time"][0]), query
