"""GSSAPI (Kerberos) through a real broker and a real KDC: taosX's keys
sasl_mechanism=GSSAPI, sasl_kerberos_service_name, sasl_kerberos_principal
and sasl_kerberos_keytab=@path make `k2td run` get a ticket with librdkafka's
kinit command and read the topic from the Kafka 3 broker's SASL_PLAINTEXT
listener (service principal kafka/127.0.0.1). The KDC is Debian's krb5-kdc
in a realm of the session's own (tests/kafka/kdc.sh); refusals are in
test_refusals.py."""

import meters
from helpers import unique_name


def gssapi_task(kafka3, standin, topic, principal, keytab, name="gssapi"):
    """A task reading `topic` from kafka3 with Kerberos as `principal`."""
    return meters.secure_task(kafka3, standin, [topic], kafka3.sasl()[0], name=name,
                              sasl_mechanism="GSSAPI", sasl_kerberos_service_name="kafka",
                              sasl_kerberos_principal=principal,
                              sasl_kerberos_keytab=f"@{keytab}")


def kerberos_env(kdc, directory):
    """The environment of a k2td run that uses kdc, with a ticket cache of its
    own in `directory` (so no run logs in with a ticket another left)."""
    return dict(kdc.env, KRB5CCNAME=f"FILE:{directory}/krb5cc")


def test_keytab_login_reads_the_topic(kafka3, kdc, standin, k2td, tmp_path, request):
    """k2td logs in with a client keytab, writes every message and exits 0."""
    meters.setup_target(standin)
    topic = kafka3.create_topic(unique_name(request.node.name), 2)
    kafka3.produce(topic, [meters.message(i) for i in range(30)])
    keytab = tmp_path / "k2td.keytab"
    principal = kdc.keytab("k2td", keytab)
    run = k2td.run(gssapi_task(kafka3, standin, topic, principal, keytab),
                   env=kerberos_env(kdc, tmp_path), timeout=90)
    assert run.returncode == 0, run.stderr()
    assert meters.rows(standin) == meters.expected_rows(range(30))
