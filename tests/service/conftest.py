"""Pytest fixtures for the API tests of `k2td serve`, importable by other suites.

The Kafka broker, topic, producer and TDengine stand-in fixtures are those
of tests/integration/conftest.py (re-exported here). This file adds:

  Serve        one `k2td serve` process on its own data directory:
               Serve(binary, data_dir, password="...").start() -> self
               .url, .port, .data_dir, .user, .password, .scheme ("https" when
               it serves TLS; set .ssl_context to trust its certificate)
               .login(user=None, password=None) -> token (also kept as .token)
               .call(method, path, body=None, token=<.token>, headers=None, raw=None)
                   -> Answer(status, headers, body bytes, .json())
               .answers: ("METHOD path", body bytes) of every call so far
               .kill() (SIGKILL), .stop() (SIGTERM, returns the exit status),
               .restart(), .log()
  serve        fixture: a started Serve on a fresh data dir with a known
               password, logged in (.token set), stopped after the test; the
               test fails when the service does not exit 0 (so sanitizer
               reports fail it).
  serve_factory  fixture: serve_factory(data_dir=None, env=None, args=()) -> a
               started Serve, stopped after the test.

Other suites (tests/browser) import it as a plain module:
    sys.path.insert(0, "<repo>/tests/service"); from conftest import Serve
(importing it puts tests/integration on sys.path itself). The binary comes
from $K2TD_BIN (default <repo>/build/k2td), as in the integration tests.
"""

import json
import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
INTEGRATION = os.path.join(REPO, "tests", "integration")
if INTEGRATION not in sys.path:
    sys.path.insert(0, INTEGRATION)

import helpers  # noqa: E402  (tests/integration/helpers.py)


_ic = helpers.load_conftest("k2td_integration_conftest",
                           os.path.join(INTEGRATION, "conftest.py"))
pytest_configure = _ic.pytest_configure  # the markers `heavy` and `soak`
kafka = _ic.kafka
own_kafka = _ic.own_kafka
make_topic = _ic.make_topic
produce = _ic.produce
standin_factory = _ic.standin_factory
standin = _ic.standin
k2td_bin = _ic.k2td_bin
k2td = _ic.k2td
kdc = _ic.kdc
kafka3 = _ic.kafka3
pytest_configure = _ic.pytest_configure

DEFAULT_PASSWORD = "service-test-password"


class Answer:
    """An HTTP answer: .status, .headers (a dict, lower-case names), .body (bytes)."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = {k.lower(): v for k, v in headers.items()}
        self.body = body

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"Answer({self.status}, {self.body[:300]!r})"


class Serve:
    """One `k2td serve` child process. The first start picks a free port;
    later starts reuse it, so a restarted service is found at the same .url."""

    # any listen address (0.0.0.0 too): the tests reach it on 127.0.0.1
    LISTENING = re.compile(r"listening on (https?)://\S*:(\d+) ")

    def __init__(self, binary, data_dir, password=DEFAULT_PASSWORD, env=None, args=()):
        self.binary = str(binary)
        self.data_dir = str(data_dir)
        self.user = "admin"
        self.password = password
        self.env = dict(env or {})
        self.args = list(args)
        self.port = 0
        self.scheme = "http"
        self.ssl_context = None
        self.proc = None
        self.token = None
        self.answers = []  # ("METHOD path", body) of every call, for searches of the answers
        os.makedirs(os.path.dirname(self.data_dir.rstrip("/")), exist_ok=True)
        self.log_path = os.path.join(os.path.dirname(self.data_dir.rstrip("/")),
                                     os.path.basename(self.data_dir.rstrip("/")) + ".serve.log")

    @property
    def url(self):
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def start(self, timeout=60):
        """Starts the service and waits until it listens; returns self.
        Raises RuntimeError with its log when it exits first."""
        if self.running():
            raise RuntimeError("k2td serve already running")
        env = dict(os.environ, **self.env)
        if self.password is not None:
            env["K2TD_ADMIN_PASSWORD"] = self.password
        log = open(self.log_path, "a")
        offset = log.tell()
        try:
            self.proc = subprocess.Popen(
                [self.binary, "serve", "--listen", f"127.0.0.1:{self.port}",
                 "--data-dir", self.data_dir] + self.args,
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env)
        finally:
            log.close()

        def listening():
            with open(self.log_path, "r", errors="replace") as f:
                f.seek(offset)
                m = self.LISTENING.search(f.read())
            if m:
                self.scheme = m.group(1)
                return int(m.group(2))
            if self.proc.poll() is not None:
                raise RuntimeError(f"k2td serve exited ({self.proc.returncode}):\n"
                                   f"{helpers.tail(self.log_path)}")
            return None

        try:
            self.port = helpers.wait_until(listening, timeout, "k2td serve to listen")
        except TimeoutError:
            self.kill()
            raise RuntimeError(f"k2td serve not ready after {timeout}s:\n"
                               f"{helpers.tail(self.log_path)}")
        self.token = None
        return self

    def log(self):
        """Returns everything the service logged so far (all its runs)."""
        with open(self.log_path, "r", errors="replace") as f:
            return f.read()

    def call(self, method, path, body=None, token="default", headers=None, raw=None,
             timeout=120):
        """Sends one request; body is JSON-encoded unless raw (bytes) is
        given. token "default" uses .token (none when not logged in), None
        sends no Authorization. Returns an Answer for every HTTP status."""
        hdrs = dict(headers or {})
        if token == "default":
            token = self.token
        if token:
            hdrs["Authorization"] = f"Bearer {token}"
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=hdrs)
        try:
            with urllib.request.urlopen(req, timeout=timeout, context=self.ssl_context) as resp:
                answer = Answer(resp.status, dict(resp.headers), resp.read())
        except urllib.error.HTTPError as e:
            answer = Answer(e.code, dict(e.headers), e.read())
        self.answers.append((f"{method} {path}", answer.body))
        return answer

    def login(self, user=None, password=None):
        """Logs in (the service's own credentials unless given) and returns
        the token, also kept as .token. Raises AssertionError on failure."""
        a = self.call("POST", "/api/login", {"user": user or self.user,
                                             "password": password or self.password},
                      token=None)
        assert a.status == 200, a
        self.token = a.json()["token"]
        return self.token

    # the same reaping as the stand-in's: signal, wait, SIGKILL after timeout
    _end = helpers.Standin._end

    def stop(self, timeout=120):
        """Stops the service with SIGTERM (tasks write their open batch and
        commit); returns its exit status."""
        return self._end(signal.SIGTERM, timeout)

    def kill(self):
        """Kills the service with SIGKILL (a crash); returns its exit status."""
        return self._end(signal.SIGKILL, 30)

    def restart(self):
        """Stops (SIGTERM) a running service and starts it again on the same
        port and data; the old token no longer works. Returns self."""
        if self.running():
            rc = self.stop()
            assert rc == 0, f"k2td serve exited {rc}:\n{helpers.tail(self.log_path)}"
        return self.start()


@pytest.fixture
def serve_factory(k2td_bin, tmp_path):
    """serve_factory(data_dir=None, env=None, args=(), password=...) -> a
    started Serve (not logged in); every one still running after the test is
    stopped, and the test fails unless it exited 0."""
    made = []

    def make(data_dir=None, env=None, args=(), password=DEFAULT_PASSWORD):
        s = Serve(k2td_bin, data_dir or tmp_path / f"serve{len(made) + 1}", password=password,
                  env=env, args=args)
        made.append(s)
        try:
            return s.start()
        except RuntimeError as e:
            pytest.fail(str(e), pytrace=False)

    yield make
    for s in made:
        rc = s.stop()
        assert rc in (0, None, -signal.SIGKILL), \
            f"k2td serve exited {rc}:\n{helpers.tail(s.log_path, 80)}"


@pytest.fixture
def serve(serve_factory):
    """A started, logged-in Serve on a fresh data directory."""
    s = serve_factory()
    s.login()
    return s
