"""Wrong credentials at every secure listener: `k2td check` exits 3 (or 2
for a client key it cannot open) and what it prints names the cause: a
wrong SCRAM or PLAIN password, Kafka 4 refusing librdkafka 2.0.2's SCRAM
login (confluentinc/librdkafka#4895), a missing or untrusted client
certificate, a server certificate that is not for the host name used, and
for Kerberos a failed kinit - an unknown principal, a stale keytab, a KDC
nobody answers at, the operator's own kinit command - named by kinit's own
reason.

A refused login ends the check as soon as librdkafka reports it, but a
missing certificate or ticket may last k2td's whole wait for the brokers,
so all cases run side by side once per module (the `refusals` fixture) and
the tests read their results. Two things are asserted per case: the cause is named
somewhere in k2td's output (librdkafka's log lines on stderr), and the
check's own verdict line names it.

The Kafka 4 broker's authorizer refuses its SASL user one topic and one
consumer group (every operation, so that the check sees it), and another
topic and group for reading only (so that only consuming meets it): the
check and `k2td run` name the topic or group and the user, and a run ends
with it (exit 4 for a topic, 3 for a group), at start or once polling meets
the refusal."""

import os
import subprocess

import pytest

import meters
from helpers import K2TD_TASK_ARGS, K2td, check_all, check_verdict, unique_name

# topics and groups (the group text of the DSN; k2td's group id is "taosx" +
# it) the Kafka 4 broker refuses its SASL user: every operation, or reading
DENIED_TOPIC = unique_name("refusals_denied")
DENIED_GROUP = unique_name("refusals_denied_group")
READ_DENIED_TOPIC = unique_name("refusals_read_denied")
READ_DENIED_GROUP = unique_name("refusals_read_denied_group")
SASL_USER = "k2tdtest"  # broker.sh's
TOPIC_DENIED = f"topic `{DENIED_TOPIC}` is not authorised for user `{SASL_USER}`"
GROUP_DENIED = f"group `taosx{DENIED_GROUP}` is not authorised for user `{SASL_USER}`"

# name -> (expected exit status, text naming the cause)
CASES = {
    "scram-wrong-password": (3, "invalid credentials"),
    "scram-at-kafka4": (3, "confluentinc/librdkafka#4895"),
    "sasl-ssl-wrong-password": (3, "Invalid username or password"),
    "mechanism-not-enabled": (3, "SCRAM-SHA-512 is not enabled on the broker, which offers: PLAIN"),
    "mtls-no-client-certificate": (3, "alert bad certificate"),
    "mtls-untrusted-client-certificate": (3, "alert certificate unknown"),
    "mtls-wrong-key-password": (2, "a wrong key password, ca_password"),
    "host-name-mismatch": (3, "certificate verify failed"),
    "gssapi-unknown-principal": (3, "kinit failed: Keytab contains no suitable keys for nobody@"),
    "gssapi-stale-keytab": (3, "kinit failed: Password incorrect"),
    "gssapi-kdc-unreachable": (3, "kinit failed: Cannot contact any KDC for realm"),
    "gssapi-own-kinit-command": (3, "kinit failed: Keytab contains no suitable keys for nobody@"),
    "topic-not-authorised": (4, TOPIC_DENIED),
    "group-not-authorised": (3, GROUP_DENIED),
}
# the check line of a case whose verdict is not the first Kafka line's
VERDICT_STEP = {"topic-not-authorised": "kafka topics", "group-not-authorised": "kafka group"}
# `k2td run` of a task its user may not read: at start (the check's cases)
# or while polling (reading refused, describing allowed)
RUN_DENIALS = {
    "run-topic-not-authorised": (4, TOPIC_DENIED),
    "run-group-not-authorised": (3, GROUP_DENIED),
    "run-topic-read-denied": (4, f"topic `{READ_DENIED_TOPIC}` is not authorised for user "
                                 f"`{SASL_USER}`"),
    "run-group-read-denied": (3, f"group `taosx{READ_DENIED_GROUP}` is not authorised for user "
                                 f"`{SASL_USER}`"),
}
# Cases at the main (Kafka 4) broker's listeners, which a broker given
# through K2TD_BOOTSTRAP does not have.
AT_KAFKA4 = {"scram-at-kafka4", "sasl-ssl-wrong-password", "mechanism-not-enabled", "mtls-no-client-certificate",
             "mtls-untrusted-client-certificate", "mtls-wrong-key-password",
             "host-name-mismatch", "host-name-unverified", "topic-not-authorised",
             "group-not-authorised", *RUN_DENIALS}
WRONG_PASSWORD = "Wrong-Pa55word"


def untrusted_certificate(directory):
    """Writes a self-signed client certificate and key that no broker trusts;
    returns (cert_path, key_path)."""
    cert, key = os.path.join(directory, "rogue.pem"), os.path.join(directory, "rogue.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=rogue", "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    return cert, key


@pytest.fixture(scope="module")
def refusals(kafka, kafka3, kdc, k2td_bin, standin_factory, tmp_path_factory):
    """Runs `k2td check` on every case of CASES side by side (the host name
    case also with host name verification turned off, as its control; the
    wrong SCRAM password also through `k2td run`; the cases of RUN_DENIALS
    through `k2td run` only) and returns {name: finished run}; the Kafka 4
    cases are left out for a broker given through K2TD_BOOTSTRAP."""
    work = tmp_path_factory.mktemp("refusals")
    standin = standin_factory(work / "standin")
    meters.setup_target(standin)
    topic = kafka3.create_topic(unique_name("refusals"), 1)

    def at(broker, address, **keys):
        return meters.secure_task(broker, standin, [topic], address, name="refusal", **keys)

    address3, user, password = kafka3.sasl()
    tasks = {
        "scram-wrong-password": at(kafka3, address3, sasl_mechanism="SCRAM-SHA-512",
                                   sasl_username=user, sasl_password=WRONG_PASSWORD),
    }
    tasks["run-scram-wrong-password"] = tasks["scram-wrong-password"]
    args = {"run-scram-wrong-password": K2TD_TASK_ARGS}
    env = {}
    # Kerberos: one principal unknown to the KDC (k2td's keytab, another
    # name), one whose key changed after its keytab was written (also through
    # `k2td run`), a good keytab with a KDC nobody answers at, and the
    # operator's own kinit command (ending in a comment) for the unknown
    # principal.
    good_keytab = work / "k2td.keytab"
    good = kdc.keytab("k2td", good_keytab)
    stale_keytab = work / "stale.keytab"
    stale = kdc.keytab("k2td-stale", stale_keytab)
    kdc.rekey("k2td-stale")
    nobody = f"nobody@{kdc.realm}"
    no_kdc = work / "no-kdc-krb5.conf"
    with open(kdc.env["KRB5_CONFIG"]) as f:
        no_kdc.write_text(f.read().replace(f"127.0.0.1:{kdc.port}", "127.0.0.1:1"))
    own_kinit = f"kinit -k -t '{good_keytab}' {nobody}  # the operator's own"
    for name, principal, keytab, more in (
            ("gssapi-unknown-principal", nobody, good_keytab, {}),
            ("gssapi-stale-keytab", stale, stale_keytab, {}),
            ("gssapi-kdc-unreachable", good, good_keytab, {}),
            ("gssapi-own-kinit-command", nobody, good_keytab,
             {"sasl_kerberos_kinit_cmd": own_kinit})):
        tasks[name] = at(kafka3, address3, sasl_mechanism="GSSAPI",
                         sasl_kerberos_service_name="kafka", sasl_kerberos_principal=principal,
                         sasl_kerberos_keytab=f"@{keytab}", **more)
        os.makedirs(work / name / "tmp")
        env[name] = dict(kdc.env, KRB5CCNAME=f"FILE:{work / name}/krb5cc",
                         TMPDIR=str(work / name / "tmp"))
    env["gssapi-kdc-unreachable"]["KRB5_CONFIG"] = str(no_kdc)
    tasks["run-gssapi-stale-keytab"] = tasks["gssapi-stale-keytab"]
    args["run-gssapi-stale-keytab"] = K2TD_TASK_ARGS
    env["run-gssapi-stale-keytab"] = env["gssapi-stale-keytab"]
    if kafka.sasl() is not None:
        address, user, password = kafka.sasl()
        _, ca = kafka.ssl()
        mtls, cert, key, key_password = kafka.mtls()
        rogue_cert, rogue_key = untrusted_certificate(work)
        ssl_port = kafka.ssl()[0].rsplit(":", 1)[1]
        tasks.update({
            "scram-at-kafka4": at(kafka, address, sasl_mechanism="SCRAM-SHA-256",
                                  sasl_username=user, sasl_password=password),
            "sasl-ssl-wrong-password": at(kafka, kafka.sasl_ssl(), sasl_mechanism="PLAIN",
                                          sasl_username=user, sasl_password=WRONG_PASSWORD,
                                          ca=f"@{ca}"),
            # its SASL_SSL listener offers PLAIN only
            "mechanism-not-enabled": at(kafka, kafka.sasl_ssl(), sasl_mechanism="SCRAM-SHA-512",
                                        sasl_username=user, sasl_password=WRONG_PASSWORD,
                                        ca=f"@{ca}"),
            "mtls-no-client-certificate": at(kafka, mtls, ca=f"@{ca}"),
            "mtls-untrusted-client-certificate": at(kafka, mtls, ca=f"@{ca}",
                                                    cert=f"@{rogue_cert}",
                                                    cert_key=f"@{rogue_key}"),
            "mtls-wrong-key-password": at(kafka, mtls, ca=f"@{ca}", cert=f"@{cert}",
                                          cert_key=f"@{key}", ca_password=WRONG_PASSWORD),
            # the certificate is for IP 127.0.0.1 only, "localhost" is not in it
            "host-name-mismatch": at(kafka, f"localhost:{ssl_port}", ca=f"@{ca}"),
            "host-name-unverified": at(kafka, f"localhost:{ssl_port}", ca=f"@{ca}",
                                       **{"ssl.endpoint.identification.algorithm": "none"}),
        })
    acls, denied_topics = [], []
    if kafka.sasl() is not None:
        acls, denied_topics = denials(kafka, standin, tasks, args)
    runner = K2td(k2td_bin, work)
    try:
        yield check_all(runner, tasks, env, args)
    finally:
        runner.close()
        kafka3.delete_topics([topic])
        if acls:
            kafka.allow_again(acls)
        kafka.delete_topics(denied_topics)
        standin.stop()


def denials(kafka, standin, tasks, args):
    """Makes the Kafka 4 broker refuse its SASL user the topics and groups
    of CASES and RUN_DENIALS, and adds their tasks (PLAIN login) to tasks
    and their `k2td run` arguments to args. Returns (the ACL bindings, the
    topics made)."""
    address, user, password = kafka.sasl()
    assert user == SASL_USER
    allowed = unique_name("refusals_allowed")
    topics = [kafka.create_topic(t, 1) for t in (DENIED_TOPIC, READ_DENIED_TOPIC, allowed)]
    acls = (kafka.deny(user, "topic", DENIED_TOPIC) +
            kafka.deny(user, "group", f"taosx{DENIED_GROUP}") +
            kafka.deny(user, "topic", READ_DENIED_TOPIC, only_read=True) +
            kafka.deny(user, "group", f"taosx{READ_DENIED_GROUP}", only_read=True))

    def plain(topic, group):
        return meters.secure_task(kafka, standin, [topic], address, name="refusal",
                                  sasl_mechanism="PLAIN", sasl_username=user,
                                  sasl_password=password, group=group)

    tasks.update({
        "topic-not-authorised": plain(DENIED_TOPIC, allowed),
        "group-not-authorised": plain(allowed, DENIED_GROUP),
        "run-topic-read-denied": plain(READ_DENIED_TOPIC, allowed),
        "run-group-read-denied": plain(allowed, READ_DENIED_GROUP),
    })
    tasks["run-topic-not-authorised"] = tasks["topic-not-authorised"]
    tasks["run-group-not-authorised"] = tasks["group-not-authorised"]
    args.update({name: K2TD_TASK_ARGS for name in RUN_DENIALS})
    return acls, topics


def refused(refusals, name):
    """The finished run of case `name`; skips a Kafka 4 case the given broker
    cannot have."""
    if name not in refusals:
        assert name in AT_KAFKA4, name
        pytest.skip("the broker was given through K2TD_BOOTSTRAP")
    return refusals[name]


@pytest.mark.parametrize("name", CASES)
def test_refusal_output_names_the_cause(refusals, kafka, name):
    """The check fails with the case's exit status, its output (stdout and
    stderr) names the cause, and no password given is shown."""
    status, cause = CASES[name]
    run = refused(refusals, name)
    output = run.stdout() + run.stderr()
    assert run.returncode == status, output
    assert "FAIL  kafka" in run.stdout(), run.stdout()
    assert WRONG_PASSWORD not in output
    assert kafka.sasl() is None or kafka.sasl()[2] not in output
    assert cause in output, output


@pytest.mark.parametrize("name", CASES)
def test_refusal_verdict_names_the_cause(refusals, name):
    """The check's verdict line on Kafka (what a user reads first, and what
    the check reports as its result) names the cause itself."""
    _, cause = CASES[name]
    run = refused(refusals, name)
    verdict = check_verdict(run, VERDICT_STEP.get(name, "kafka"))
    assert verdict.startswith("FAIL"), run.stdout()
    assert cause in verdict, verdict


def test_scram_at_kafka4_also_shows_the_broker_refusal(refusals):
    """Against Kafka 4 the right SCRAM password is refused as invalid
    credentials, and k2td's warning before it names librdkafka#4895 as the
    reason (test_scram.py shows the same login working with a newer
    librdkafka)."""
    run = refused(refusals, "scram-at-kafka4")
    assert "invalid credentials with SASL mechanism SCRAM-SHA-256" in run.stderr()
    assert "fixed in librdkafka 2.6.1" in run.stderr()


def test_host_name_mismatch_is_the_only_fault(refusals):
    """The host name case fails only because of the name: the same CA and
    address pass the brokers check once host name verification is off."""
    run = refused(refusals, "host-name-unverified")
    assert check_verdict(run).startswith("ok    kafka brokers"), run.stdout() + run.stderr()


def test_run_with_a_wrong_password_logs_the_cause(refusals):
    """`k2td run` with a wrong SCRAM password exits 3 (Kafka unreachable) and
    its output names the refusal."""
    run = refusals["run-scram-wrong-password"]
    assert run.returncode == 3, run.stderr()
    assert "invalid credentials" in run.stderr()
    assert WRONG_PASSWORD not in run.stdout() + run.stderr()


@pytest.mark.parametrize("name", ["scram-wrong-password", "gssapi-stale-keytab"])
def test_run_error_names_the_cause(refusals, name):
    """The error `k2td run` ends with (the task's error, also in the service)
    names the refusal itself: for Kerberos, kinit's own reason."""
    run = refusals[f"run-{name}"]
    errors = [line for line in run.stderr().splitlines() if " ERROR " in line]
    assert run.returncode == 3, run.stderr()
    assert errors, run.stderr()
    assert CASES[name][1] in errors[-1], errors[-1]


@pytest.mark.parametrize("name", ["gssapi-stale-keytab", "gssapi-own-kinit-command"])
def test_kinit_output_is_told_by_k2td(refusals, name):
    """kinit's error output does not reach stderr raw: k2td tells it in its
    own line ("kafka: SASLREFRESH: kinit failed: ..."), without the command
    line librdkafka quotes; the private file it went to (under $TMPDIR, the
    case's own folder here) is removed when k2td ends."""
    run = refused(refusals, name)
    stderr = run.stderr()
    assert "SASLREFRESH: kinit failed: " in stderr, stderr
    assert not [line for line in stderr.splitlines() if line.startswith("kinit: ")], stderr
    assert "kinit -" not in stderr, stderr
    tmp = os.path.join(os.path.dirname(run.task_path), name, "tmp")
    assert os.listdir(tmp) == []


@pytest.mark.parametrize("name", RUN_DENIALS)
def test_run_ends_when_the_user_may_not_read(refusals, kafka, name):
    """`k2td run` of a topic or group the brokers refuse its user ends -
    at start, or when polling meets the refusal - with exit 4 (topic) or 3
    (group), its last error naming the topic or group and the user, and
    never the password."""
    status, cause = RUN_DENIALS[name]
    run = refused(refusals, name)
    errors = [line for line in run.stderr().splitlines() if " ERROR " in line]
    assert run.returncode == status, run.stderr()
    assert errors and cause in errors[-1], run.stderr()
    assert kafka.sasl()[2] not in run.stdout() + run.stderr()
