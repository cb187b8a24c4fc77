"""SASL through a real broker: taosX's source DSN keys (sasl_mechanism,
sasl_username, sasl_password) authenticate k2td on the broker's
SASL_PLAINTEXT listener, and a wrong password is a clear error that never
shows the password."""

import pytest

import meters


def sasl_task(kafka, standin, topic, password):
    address, user, _ = kafka.sasl()
    task = meters.task(kafka, standin, [topic])
    task["from"] = task["from"].replace(kafka.bootstrap, address) + (
        f"&sasl_mechanism=PLAIN&sasl_username={user}&sasl_password={password}")
    return task


def test_plain_credentials_read_the_topic(kafka, make_topic, produce, standin, k2td):
    if kafka.sasl() is None:
        pytest.skip("the broker was given through K2TD_BOOTSTRAP")
    meters.setup_target(standin)
    topic = make_topic(partitions=2)
    produce(topic, [meters.message(i) for i in range(50)])
    password = kafka.sasl()[2]
    run = k2td.run(sasl_task(kafka, standin, topic, password), timeout=90)
    assert run.returncode == 0, run.stderr()
    assert meters.rows(standin) == meters.expected_rows(range(50))
    assert password not in run.stderr() + run.stdout()


def test_wrong_password_is_a_clear_error(kafka, make_topic, standin, k2td):
    if kafka.sasl() is None:
        pytest.skip("the broker was given through K2TD_BOOTSTRAP")
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    run = k2td.run(sasl_task(kafka, standin, topic, "Wrong-Pa55word"), timeout=90)
    assert run.returncode == 3, run.stderr()
    assert "Authentication failed" in run.stderr()
    assert "Wrong-Pa55word" not in run.stderr() + run.stdout()
