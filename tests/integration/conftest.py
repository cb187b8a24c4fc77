"""Pytest fixtures for k2td's integration tests: a real Kafka broker with
topics and a fast producer, the TDengine REST stand-in, and the k2td binary.

Environment:
  K2TD_BOOTSTRAP  use this running broker instead of starting one
  K2TD_BIN        the k2td binary (default <repo>/build/k2td)
  K2TD_CACHE, K2TD_KAFKA_START_WAIT, K2TD_KAFKA_HEAP  passed to tests/kafka/broker.sh
"""

import os

import pytest

from helpers import REPO, K2td, Kafka, Kdc, Standin, unique_name


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "heavy: a long scenario (a million messages, a broker stopped and started); "
        "scripts/test.sh runs it with the "
        "release build only (the sanitizer pass covers the same code on smaller runs)")
    config.addinivalue_line(
        "markers", "soak: a longer version of a scenario whose shortened version runs in "
        "scripts/test.sh; run with -m soak (docs/reliability.md records the results)")


@pytest.fixture(scope="session")
def kafka(tmp_path_factory):
    """The session's broker (.bootstrap, .produce(), .create_topic(), .admin()):
    the one named by K2TD_BOOTSTRAP, else a fresh one started in a temporary
    run directory and stopped when the session ends."""
    given = os.environ.get("K2TD_BOOTSTRAP")
    if given:
        broker = Kafka(given)
    else:
        try:
            broker = Kafka.start(tmp_path_factory.mktemp("kafka"))
        except RuntimeError as e:
            pytest.fail(str(e), pytrace=False)
    yield broker
    broker.stop()


@pytest.fixture(scope="module")
def own_kafka(tmp_path_factory, request):
    """A broker of the test module's own (a helpers.Kafka), in a run
    directory of its own, for tests that stop it (.stop()) and start it
    again on the same ports with its data kept (.restart()); the session's
    broker is never touched. Stopped when the module ends, also when a test
    fails."""
    run_dir = tmp_path_factory.mktemp("own-kafka")
    request.addfinalizer(Kafka(None, str(run_dir)).stop)
    try:
        return Kafka.start(run_dir)
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)


@pytest.fixture(scope="session")
def kdc(tmp_path_factory, request):
    """The session's Kerberos KDC (helpers.Kdc: .realm, .env, .keytab()) for
    the GSSAPI tests, started on first use and stopped when the session
    ends, also when a test fails."""
    server = Kdc(tmp_path_factory.mktemp("kdc"))
    request.addfinalizer(server.stop)
    try:
        return server.start()
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)


@pytest.fixture(scope="session")
def kafka3(tmp_path_factory, kdc, request):
    """The session's second broker, Apache Kafka 3 (tests/kafka/pom.xml's
    kafka3.version), for what Kafka 4 refuses to Debian's librdkafka (its
    SCRAM login): a helpers.Kafka like `kafka`, whose SASL_PLAINTEXT listener
    also takes GSSAPI for kdc's realm (service principal kafka/127.0.0.1).
    Always started by the session, K2TD_BOOTSTRAP or not; stopped when the
    session ends, also when a test fails."""
    run_dir = tmp_path_factory.mktemp("kafka3")
    keytab = run_dir / "broker.keytab"
    principal = kdc.keytab("kafka/127.0.0.1", keytab)
    request.addfinalizer(Kafka(None, str(run_dir)).stop)
    env = dict(kdc.env, K2TD_KAFKA_FLAVOUR="3", K2TD_KAFKA_KERBEROS=f"{keytab} {principal}")
    try:
        broker = Kafka.start(run_dir, env)
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)
    request.addfinalizer(broker.stop)
    return broker


@pytest.fixture
def make_topic(kafka, request):
    """make_topic(name=None, partitions=4, config=None) -> name: creates a
    topic (a unique name from the test's name when none is given; topic
    settings `config`) and waits until it is usable. The topics are deleted
    after the test."""
    created = []

    def make(name=None, partitions=4, config=None):
        name = name or unique_name(request.node.name)
        kafka.create_topic(name, partitions, config)
        created.append(name)
        return name

    yield make
    kafka.delete_topics(created)


@pytest.fixture
def produce(kafka):
    """produce(topic, messages, partition=None, key=None, timestamp_ms=None)
    -> count: see helpers.Kafka.produce."""
    return kafka.produce


@pytest.fixture(scope="session")
def standin_factory():
    """standin_factory(data_dir, user="root", password="taosdata") -> a
    started helpers.Standin on data_dir/td.sqlite; every stand-in still
    running is stopped when the session ends."""
    made = []

    def make(data_dir, user="root", password="taosdata"):
        standin = Standin(data_dir, user, password)
        made.append(standin)
        try:
            return standin.start()
        except RuntimeError as e:
            pytest.fail(str(e), pytrace=False)

    yield make
    for standin in made:
        standin.stop()


@pytest.fixture
def standin(standin_factory, tmp_path):
    """A stand-in of this test's own (.url, .port, .sql(), .stop(), .kill(),
    .start()), stopped after the test."""
    s = standin_factory(tmp_path / "standin")
    yield s
    s.stop()


@pytest.fixture(scope="session")
def k2td_bin():
    """Path of the k2td binary under test; fails the test (never skips) when
    it is missing."""
    path = os.environ.get("K2TD_BIN") or os.path.join(REPO, "build", "k2td")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        pytest.fail(f"k2td binary not found at {path}: build it "
                    "(cmake -S . -B build -G Ninja && cmake --build build) or set K2TD_BIN",
                    pytrace=False)
    return path


@pytest.fixture
def k2td(k2td_bin, tmp_path):
    """A helpers.K2td for this test: .start(task, args, env) and .run(task,
    args, env, timeout) with task files, stderr and stdout under tmp_path;
    runs still alive after the test are killed."""
    runner = K2td(k2td_bin, tmp_path)
    yield runner
    runner.close()
