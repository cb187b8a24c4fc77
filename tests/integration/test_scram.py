"""SCRAM through real brokers: taosX's sasl_mechanism=SCRAM-SHA-256 and
SCRAM-SHA-512 log k2td in on an Apache Kafka 3 broker (users created at
storage format time) and it reads the topic. Against Kafka 4 Debian's
librdkafka 2.0.2 cannot log in with SCRAM (confluentinc/librdkafka#4895):
test_refusals.py shows what k2td says then, and this file shows that the
credentials themselves are right there."""

import confluent_kafka
import pytest
from confluent_kafka.admin import AdminClient

import meters
from helpers import unique_name

MECHANISMS = ["SCRAM-SHA-256", "SCRAM-SHA-512"]


@pytest.mark.parametrize("mechanism", MECHANISMS)
def test_scram_reads_the_topic_on_kafka3(kafka3, standin, k2td, request, mechanism):
    """k2td logs in with SCRAM on Kafka 3, writes every message, and never
    shows the password."""
    meters.setup_target(standin)
    topic = kafka3.create_topic(unique_name(request.node.name), 2)
    kafka3.produce(topic, [meters.message(i) for i in range(50)])
    address, user, password = kafka3.sasl()
    task = meters.secure_task(kafka3, standin, [topic], address, name="scram",
                              sasl_mechanism=mechanism, sasl_username=user,
                              sasl_password=password)
    run = k2td.run(task, timeout=90)
    assert run.returncode == 0, run.stderr()
    assert meters.rows(standin) == meters.expected_rows(range(50))
    assert password not in run.stderr() + run.stdout()


@pytest.mark.parametrize("mechanism", MECHANISMS)
def test_kafka4_takes_the_scram_login_of_a_fixed_librdkafka(kafka, mechanism):
    """The Kafka 4 broker's SCRAM user is right: the Python client's newer
    librdkafka (2.6.1 or later) logs in with it, so k2td's refusal there
    (test_refusals.py) is librdkafka 2.0.2's defect, not the setup."""
    if kafka.sasl() is None:
        pytest.skip("the broker was given through K2TD_BOOTSTRAP")
    assert confluent_kafka.libversion()[1] >= 0x020601FF, confluent_kafka.libversion()
    address, user, password = kafka.sasl()
    admin = AdminClient({"bootstrap.servers": address, "security.protocol": "SASL_PLAINTEXT",
                         "sasl.mechanisms": mechanism, "sasl.username": user,
                         "sasl.password": password})
    metadata = admin.list_topics(timeout=30)
    assert len(metadata.brokers) == 1
