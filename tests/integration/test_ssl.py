"""SSL through a real broker: taosX's `ca` key (a file, or the PEM text
itself) makes k2td trust the broker's certificate on its SSL listener, with
security.protocol derived as taosX does and host name verification kept on;
a broker whose certificate is not trusted is a clear error. With the SASL
keys too k2td uses SASL_SSL; `cert`, `cert_key` and `ca_password` give it
the client certificate a listener requires (mutual TLS). The refusals of
those listeners are in test_refusals.py."""

import urllib.parse

import pytest

import meters


def ssl_task(kafka, standin, topic, ca=None):
    """A task reading topic over the SSL listener; `ca` is added as taosX's
    key when given (already in DSN form: "@path" or the PEM text)."""
    address, _ = kafka.ssl()
    task = meters.task(kafka, standin, [topic])
    task["from"] = task["from"].replace(kafka.bootstrap, address)
    if ca is None:
        task["from"] += "&security.protocol=ssl"
    else:
        task["from"] += "&ca=" + urllib.parse.quote(ca, safe="@/")
    return task


@pytest.fixture
def ssl_broker(kafka):
    if kafka.ssl() is None:
        pytest.skip("the broker was given through K2TD_BOOTSTRAP")
    return kafka


@pytest.mark.parametrize("inline", [False, True], ids=["ca-file", "ca-pem-text"])
def test_trusted_certificate_reads_the_topic(ssl_broker, make_topic, produce, standin, k2td,
                                             inline):
    kafka = ssl_broker
    meters.setup_target(standin)
    topic = make_topic(partitions=2)
    produce(topic, [meters.message(i) for i in range(40)])
    ca_path = kafka.ssl()[1]
    if inline:
        with open(ca_path) as f:
            ca = f.read()
    else:
        ca = "@" + ca_path
    run = k2td.run(ssl_task(kafka, standin, topic, ca), timeout=90)
    assert run.returncode == 0, run.stderr()
    assert meters.rows(standin) == meters.expected_rows(range(40))


def test_untrusted_certificate_is_a_clear_error(ssl_broker, make_topic, standin, k2td):
    kafka = ssl_broker
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    run = k2td.run(ssl_task(kafka, standin, topic), timeout=90)
    assert run.returncode == 3, run.stderr()
    assert "certificate verify failed" in run.stderr()


def test_sasl_over_ssl_reads_the_topic(ssl_broker, make_topic, produce, standin, k2td):
    """SASL PLAIN over TLS: the SASL keys and `ca` together make k2td use
    sasl_ssl on the SASL_SSL listener; it reads the topic and never shows the
    password."""
    kafka = ssl_broker
    meters.setup_target(standin)
    topic = make_topic(partitions=2)
    produce(topic, [meters.message(i) for i in range(40)])
    _, user, password = kafka.sasl()
    task = meters.secure_task(kafka, standin, [topic], kafka.sasl_ssl(), name="sasl_ssl",
                              sasl_mechanism="PLAIN", sasl_username=user,
                              sasl_password=password, ca="@" + kafka.ssl()[1])
    run = k2td.run(task, timeout=90)
    assert run.returncode == 0, run.stderr()
    assert meters.rows(standin) == meters.expected_rows(range(40))
    assert password not in run.stderr() + run.stdout()


@pytest.mark.parametrize("inline", [False, True], ids=["cert-files", "cert-pem-text"])
def test_client_certificate_reads_the_topic(ssl_broker, make_topic, produce, standin, k2td,
                                            inline):
    """Mutual TLS: taosX's `cert`, `cert_key` (encrypted, opened with
    `ca_password`) and `ca`, as files or as PEM text, get k2td through the
    listener that requires a client certificate from its CA."""
    kafka = ssl_broker
    meters.setup_target(standin)
    topic = make_topic(partitions=2)
    produce(topic, [meters.message(i) for i in range(40)])
    address, cert, key, key_password = kafka.mtls()
    if inline:
        with open(cert) as c, open(key) as k:
            cert, key = c.read(), k.read()
    else:
        cert, key = "@" + cert, "@" + key
    task = meters.secure_task(kafka, standin, [topic], address, name="mtls",
                              ca="@" + kafka.ssl()[1], cert=cert, cert_key=key,
                              ca_password=key_password)
    run = k2td.run(task, timeout=90)
    assert run.returncode == 0, run.stderr()
    assert meters.rows(standin) == meters.expected_rows(range(40))
    assert key_password not in run.stderr() + run.stdout()
