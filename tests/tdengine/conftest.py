"""Pytest fixtures for the end-to-end tests against a real TDengine server
(scripts/test-tdengine.sh runs them inside td.sh's network namespace).

The Kafka broker, topic, producer and k2td fixtures are those of
tests/integration/conftest.py (re-exported here, as tests/service does), and
`serve` / `serve_factory` (a `k2td serve` driven over its HTTP API) are those
of tests/service/conftest.py. This file adds `td`: a RealTd on the server's
REST endpoint with a database of the test's own, dropped after the test;
`td_processes`, to stop taosd or taosAdapter (started again after the test,
also when it fails); and `gateway`, more taosAdapters on the same taosd with
settings of their own.

Environment:
  K2TD_TD_URL   REST endpoint of the server (default http://127.0.0.1:6041)
  K2TD_BIN      the k2td binary (default <repo>/build/k2td)
  K2TD_TD_SH, TD_STATE  td.sh and its state directory (td_processes, gateway)
"""

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
INTEGRATION = os.path.join(REPO, "tests", "integration")
if INTEGRATION not in sys.path:
    sys.path.insert(0, INTEGRATION)
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import helpers  # noqa: E402
from realtd import RealTd  # noqa: E402
from tdprocs import Gateway, TdProcesses  # noqa: E402


_ic = helpers.load_conftest("k2td_integration_conftest_td",
                           os.path.join(INTEGRATION, "conftest.py"))
kafka = _ic.kafka
make_topic = _ic.make_topic
produce = _ic.produce
k2td_bin = _ic.k2td_bin
k2td = _ic.k2td

_sc = helpers.load_conftest("k2td_service_conftest_td",
                           os.path.join(REPO, "tests", "service", "conftest.py"))
serve_factory = _sc.serve_factory
serve = _sc.serve


@pytest.fixture(scope="session")
def td_server():
    """The real server's REST endpoint; fails the session (never skips)
    when it does not answer."""
    server = RealTd(os.environ.get("K2TD_TD_URL", "http://127.0.0.1:6041"))
    try:
        answer = server.sql("SELECT server_version()")
    except OSError as e:
        pytest.fail(f"no TDengine REST endpoint at {server.url}: {e} "
                    "(run through scripts/test-tdengine.sh)", pytrace=False)
    assert answer["code"] == 0, answer
    return server


@pytest.fixture
def td(td_server, request):
    """td_server with a fresh ms-precision database of this test's own
    (.db; td.database(precision) makes more), all dropped after the test."""
    t = td_server.for_test(request.node.name)
    yield t
    t.drop_all()


@pytest.fixture
def td_processes(td_server):
    """A tdprocs.TdProcesses: .stop("taosd" | "taosadapter") stops one of
    the server's processes; whatever the test stopped is started again
    after it (td.sh up, which waits until REST answers), failed or not."""
    try:
        procs = TdProcesses.from_env()
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)
    yield procs
    if procs.stopped:
        procs.start()


@pytest.fixture
def gateway(td_processes, tmp_path):
    """gateway(port, flags=(), ready=None) -> a started tdprocs.Gateway:
    another taosAdapter on the server's taosd with taosAdapter command-line
    `flags` on top of the suite's configuration, once it listens (and its
    answer satisfies ready: see Gateway.start); stopped after the test."""
    made = []

    def make(port, flags=(), ready=None):
        g = Gateway(td_processes, tmp_path / f"gateway-{port}-{len(made)}", port, flags)
        made.append(g)
        return g.start(ready=ready)

    yield make
    for g in made:
        g.stop()
