"""The target URL forms against a real TDengine 3.3.7.5 with taosAdapter
3.3.7.8: https with the certificate checked against the operator's CA
(options.target_ca, `k2td serve`'s target_ca) on a port of its own, the
failures an untrusted certificate or a wrong host name give, and what the
community taosAdapter does with TDengine Cloud's `?token=`.

taosAdapter 3.3.7.8 of the community edition serves no TLS (its [ssl]
settings are "applicable for the Enterprise Edition" and absent from its
source), so the https tests put a TLS front of their own (a certificate
made by the test with openssl) before the real taosAdapter; every answer
still comes from the real server."""

import json
import os
import socket
import ssl
import subprocess
import threading

import pytest

import helpers
import meters
from tdcase import json_task, run_ok

T = meters.BASE_MS
TOKEN = "c10ud-t0ken-xyzzy-abcdef0123456789"
SERVICE_CONFTEST = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "service", "conftest.py")


def _openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_ca(directory, name):
    """Makes a CA (name.pem, name.key) in directory; returns the CA's path."""
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", f"/CN=k2td-test-{name}", "-keyout", f"{name}.key", "-out", f"{name}.pem",
             cwd=directory)
    return os.path.join(directory, f"{name}.pem")


def make_server_cert(directory, ca):
    """Makes server.pem/server.key for the address 127.0.0.1 alone (not the
    name localhost), signed by the CA named ca; returns (cert, key) paths."""
    with open(os.path.join(directory, "san.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\n")
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
             "-keyout", "server.key", "-out", "server.csr", cwd=directory)
    _openssl("x509", "-req", "-in", "server.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key",
             "-CAcreateserial", "-days", "2", "-extfile", "san.ext", "-out", "server.pem",
             cwd=directory)
    return os.path.join(directory, "server.pem"), os.path.join(directory, "server.key")


def _pipe(src, dst):
    """Copies src to dst until either ends, then closes both."""
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.close()
            except OSError:
                pass


class TlsFront:
    """Serves TLS with cert/key on 127.0.0.1 at a free port (.port) and
    passes each connection's bytes to the plain-HTTP taosAdapter at
    backend; close() stops accepting."""

    def __init__(self, cert, key, backend):
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(cert, key)
        self.backend = backend
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        try:
            tls = self.ctx.wrap_socket(conn, server_side=True)
        except (OSError, ssl.SSLError):  # the client refused the certificate
            conn.close()
            return
        plain = socket.create_connection(self.backend)
        threading.Thread(target=_pipe, args=(plain, tls), daemon=True).start()
        _pipe(tls, plain)

    def close(self):
        self.sock.close()


@pytest.fixture(scope="module")
def tls(td_server, tmp_path_factory):
    """A TLS front before the real taosAdapter: .front (TlsFront), .ca (the
    CA that signed its certificate), .rogue (a CA that did not)."""
    d = str(tmp_path_factory.mktemp("tls"))
    ca = make_ca(d, "ca")
    rogue = make_ca(d, "rogue")
    cert, key = make_server_cert(d, "ca")
    backend = ("127.0.0.1", td_server.port)
    front = TlsFront(cert, key, backend)

    class Tls:
        pass
    t = Tls()
    t.front, t.ca, t.rogue = front, ca, rogue
    yield t
    front.close()


def https_dsn(td, port, host="127.0.0.1", scheme="https"):
    return f"{scheme}://root:taosdata@{host}:{port}/{td.db}"


def _meters_topic(make_topic, produce, td, n=5):
    meters.setup_target(td, db=td.db)
    topic = make_topic(partitions=1)
    produce(topic, [meters.message(i) for i in range(n)])
    return topic


def _https_task(kafka, td, topic, dsn, ca=None):
    task = json_task(kafka, td, topic)
    task["to"] = dsn
    if ca:
        task["options"] = {"target_ca": ca}
    return task


def test_https_with_the_operators_ca(kafka, make_topic, produce, td, k2td, tls):
    """Through https on the front's own port, the certificate checked
    against options.target_ca: `k2td check` passes and the rows land, read
    back from the real server; both scheme spellings work."""
    topic = _meters_topic(make_topic, produce, td)
    for scheme in ("https", "taos+https"):
        task = _https_task(kafka, td, topic, https_dsn(td, tls.front.port, scheme=scheme),
                           tls.ca)
        check = k2td.run(task, args=("check", "{task}"), timeout=120)
        assert check.returncode == 0, check.stdout() + check.stderr()
    run = run_ok(k2td, task)
    assert f"taos+https://root:***@127.0.0.1:{tls.front.port}/{td.db}" in run.stderr()
    assert meters.rows(td, db=td.db) == meters.expected_rows(range(5))


@pytest.mark.parametrize("case", ["no-ca", "rogue-ca", "host-name", "unreadable-ca"])
def test_https_refusals_name_the_cause(case, kafka, make_topic, produce, td, k2td, tls, tmp_path):
    """An untrusted certificate (the system's CAs, or a CA that did not sign
    it), a host name the certificate does not hold (localhost) and a CA file
    that cannot be read stop k2td before it reads anything: exit 5, with
    libcurl's reason and where the trusted CAs come from."""
    topic = _meters_topic(make_topic, produce, td)
    host, ca, reason, advice = {
        "no-ca": ("127.0.0.1", None, "SSL certificate problem",
                  "checked against the system's CAs; give the CA that signed it with "
                  "options.target_ca"),
        "rogue-ca": ("127.0.0.1", tls.rogue, "SSL certificate problem",
                     "checked against the CAs of options.target_ca"),
        "host-name": ("localhost", tls.ca, "localhost",
                      "checked against the CAs of options.target_ca"),
        "unreadable-ca": ("127.0.0.1", str(tmp_path / "missing-ca.pem"), "missing-ca.pem",
                          "options.target_ca must be a readable PEM file"),
    }[case]
    run = k2td.run(_https_task(kafka, td, topic, https_dsn(td, tls.front.port, host), ca),
                   timeout=120)
    assert run.returncode == 5, run.stderr()
    err = run.stderr()
    assert (f"no connection to TDengine (reading the database options): cannot talk to "
            f"TDengine at https://{host}:{tls.front.port}: ") in err
    assert reason in err and advice in err, err
    assert td.ok(f"SELECT COUNT(*) FROM {td.db}.meters") == [[0]]


def test_service_target_ca(kafka, make_topic, produce, td, k2td_bin, tls, tmp_path):
    """`k2td serve` with target_ca in its config reaches the https target in
    its helpers and runs a task there; a client's task may not set
    options.target_ca itself."""
    Serve = helpers.load_conftest("k2td_service_conftest_urls", SERVICE_CONFTEST).Serve
    config = tmp_path / "serve.json"
    config.write_text(json.dumps({"password": "urls-test-password", "target_ca": tls.ca}))
    s = Serve(k2td_bin, tmp_path / "serve", password="urls-test-password",
              args=("--config", str(config))).start()
    try:
        s.login()
        to = https_dsn(td, tls.front.port)
        dbs = s.call("POST", "/api/target/databases", {"to": to})
        assert dbs.status == 200 and td.db in dbs.json()["databases"], dbs
        topic = _meters_topic(make_topic, produce, td)
        task = _https_task(kafka, td, topic, to)
        refused = s.call("POST", "/api/tasks", dict(task, options={"target_ca": tls.ca}))
        assert refused.status == 400, refused
        assert "task.options.target_ca: set by the service's operator" in refused.json()["error"]
        made = s.call("POST", "/api/tasks", task)
        assert made.status == 201, made
        tid = made.json()["id"]
        assert s.call("POST", f"/api/tasks/{tid}/start").status == 200
        helpers.wait_until(lambda: s.call("GET", f"/api/tasks/{tid}/status").json()["state"]
                           in ("finished", "failed"), 120, "the task to end")
        assert s.call("GET", f"/api/tasks/{tid}/status").json()["state"] == "finished"
        assert meters.rows(td, db=td.db) == meters.expected_rows(range(5))
    finally:
        assert s.stop() == 0, helpers.tail(s.log_path)


def test_community_taosadapter_and_the_token(kafka, make_topic, produce, td, k2td):
    """The community taosAdapter ignores a `token` query parameter: beside
    Basic credentials they alone decide (a wrong password fails as it would
    without the token); alone it is HTTP 401
    {"code": 4357, "desc": "no auth info input"}. So a token-only target
    stops k2td with exit 6 (credentials), and one with user:pass beside the
    token writes. The token shows in neither run's output."""
    answer = helpers.rest_sql(td.url, "root", "taosdata", "SELECT server_version()",
                              token=TOKEN)
    assert answer["code"] == 0, answer
    answer = helpers.rest_sql(td.url, "root", "wrong", "SELECT 1", token=TOKEN)
    assert (answer["code"], answer["desc"]) == (0x0357, "Authentication failure"), answer
    host = f"127.0.0.1:{td.port}"
    topic = _meters_topic(make_topic, produce, td)
    task = json_task(kafka, td, topic)
    task["to"] = f"taos+http://{host}/{td.db}?token={TOKEN}"
    alone = k2td.run(task, timeout=120)
    assert alone.returncode == 6, alone.stderr()
    assert "no auth info input" in alone.stderr()
    task["to"] = f"taos+http://root:taosdata@{host}/{td.db}?token={TOKEN}"
    beside = run_ok(k2td, task)
    assert meters.rows(td, db=td.db) == meters.expected_rows(range(5))
    for run in (alone, beside):
        assert "t0ken" not in run.stderr() + run.stdout()
