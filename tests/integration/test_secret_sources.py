"""Secrets off the command line (docs/security.md): a DSN's secret value
may be ${env:NAME} or ${file:PATH}, and `k2td run` overwrites the passwords
of --from and --to in its own arguments once read, so `ps` does not show
them."""

import json
import os

import pytest

import helpers
import meters


def cli_args(tmp_path, task):
    """`k2td run --from ... --to ... --parser @file` for task (a dict)."""
    parser = tmp_path / "parser.json"
    parser.write_text(json.dumps(task["parser"]))
    return ("run", "--from", task["from"], "--to", task["to"], "--parser", f"@{parser}")


def sasl_task(kafka, standin, topic, password, td_password):
    address, user, _ = kafka.sasl()
    task = meters.task(kafka, standin, [topic], group="secret-src")
    task["from"] = task["from"].replace(kafka.bootstrap, address) + (
        f"&sasl_mechanism=PLAIN&sasl_username={user}&sasl_password={password}")
    task["to"] = task["to"].replace("root:taosdata@", f"root:{td_password}@")
    return task


def test_secrets_from_env_and_file(kafka, make_topic, produce, standin_factory, k2td, tmp_path):
    if kafka.sasl() is None:
        pytest.skip("the broker was given through K2TD_BOOTSTRAP")
    standin = standin_factory(tmp_path / "td", password="Td-S3cr3t-file")
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    produce(topic, [meters.message(i) for i in range(20)])
    pw_file = tmp_path / "td.pw"
    pw_file.write_text("Td-S3cr3t-file\n")
    task = sasl_task(kafka, standin, topic, "${env:K2TD_TEST_KAFKA_PW}", f"${{file:{pw_file}}}")
    run = k2td.run(task, args=cli_args(tmp_path, task),
                   env={"K2TD_TEST_KAFKA_PW": kafka.sasl()[2]}, timeout=90)
    assert run.returncode == 0, run.stderr()
    assert meters.rows(standin) == meters.expected_rows(range(20))
    out = run.stderr() + run.stdout()
    assert kafka.sasl()[2] not in out and "Td-S3cr3t-file" not in out


def test_a_missing_variable_is_named_without_a_value(k2td, tmp_path):
    task = {"from": "kafka://127.0.0.1:1?topics=t&sasl_password=${env:K2TD_NO_SUCH_VAR}",
            "to": "taos+http://root:taosdata@127.0.0.1:1/db",
            "parser": {"parse": {"value": {"json": ""}}, "model": {"name": "d", "using": "m"}}}
    run = k2td.run(task, args=cli_args(tmp_path, task), timeout=30)
    assert run.returncode == 2
    assert "K2TD_NO_SUCH_VAR" in run.stderr() and "sasl_password" in run.stderr()


def test_run_hides_passwords_from_ps(kafka, make_topic, standin_factory, k2td, tmp_path):
    standin = standin_factory(tmp_path / "td", password="Td-Hidden-xyzzy")
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    task = meters.task(kafka, standin, [topic], timeout="30s")
    task["from"] += "&sasl.password=Kafka-Hidden-xyzzy&ssl.key.password=Key-Hidden-xyzzy"
    task["from"] = task["from"].replace("sasl.password", "sasl.username=u&sasl.password")
    task["to"] = task["to"].replace("root:taosdata@", "root:Td-Hidden-xyzzy@")
    run = k2td.start(task, args=cli_args(tmp_path, task))
    cmdline = f"/proc/{run.pid}/cmdline"

    def masked():
        with open(cmdline, "rb") as f:
            text = f.read()
        return b"******" in text and text
    try:
        text = helpers.wait_until(masked, 20, "k2td to mask its arguments")
    finally:
        run.kill()
    assert b"Hidden-xyzzy" not in text
    assert b"--from" in text and b"topics=" in text
