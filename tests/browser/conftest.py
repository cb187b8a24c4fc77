"""Fixtures of the browser tests: those of tests/service/conftest.py (which
re-exports tests/integration's real Kafka broker, topics, producer and
TDengine stand-in, and adds the `serve` fixture: a started, logged-in
`k2td serve`). Loaded from its file under a name of its own so it does not
clash with this conftest."""

import importlib.util
import os

HERE = os.path.dirname(os.path.abspath(__file__))
SERVICE_CONFTEST = os.path.join(os.path.dirname(HERE), "service", "conftest.py")


def _service_fixtures():
    spec = importlib.util.spec_from_file_location("k2td_service_conftest", SERVICE_CONFTEST)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


_sc = _service_fixtures()
kafka = _sc.kafka
make_topic = _sc.make_topic
produce = _sc.produce
standin_factory = _sc.standin_factory
standin = _sc.standin
k2td_bin = _sc.k2td_bin
serve_factory = _sc.serve_factory
serve = _sc.serve
