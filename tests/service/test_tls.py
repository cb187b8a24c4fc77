"""HTTPS with a certificate from the arguments or the config file, the
Secure cookie and HSTS, and the warning for a plain listener beyond
loopback (security review)."""

import http.client
import json
import ssl
import subprocess

import pytest


def make_cert(tmp_path):
    """Writes a self-signed certificate for 127.0.0.1 and its key; returns
    their paths."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def check_https(s, cert):
    assert s.scheme == "https"
    s.ssl_context = ssl.create_default_context(cafile=str(cert))
    a = s.call("POST", "/api/login", {"user": "admin", "password": s.password}, token=None)
    assert a.status == 200
    assert "; Secure" in a.headers["set-cookie"]
    assert a.headers["strict-transport-security"].startswith("max-age=")
    s.token = a.json()["token"]
    assert s.call("GET", "/api/tasks").status == 200
    plain = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
    with pytest.raises((http.client.HTTPException, OSError)):  # no plain HTTP answer
        plain.request("GET", "/api/health")
        plain.getresponse()
    plain.close()


def test_https_with_certificate_arguments(serve_factory, tmp_path):
    cert, key = make_cert(tmp_path)
    s = serve_factory(args=["--tls-cert", str(cert), "--tls-key", str(key)])
    check_https(s, cert)


def test_https_from_the_config_file(serve_factory, tmp_path):
    cert, key = make_cert(tmp_path)
    cfg = tmp_path / "serve.json"
    cfg.write_text(json.dumps({"password": "from-config-2", "tls_cert": str(cert),
                               "tls_key": str(key)}))
    s = serve_factory(args=["--config", str(cfg)], password=None)
    s.password = "from-config-2"
    check_https(s, cert)


def test_plain_http_has_no_secure_cookie_nor_hsts(serve):
    a = serve.call("POST", "/api/login", {"user": "admin", "password": serve.password},
                   token=None)
    assert "Secure" not in a.headers["set-cookie"]
    assert "strict-transport-security" not in a.headers
    assert "without TLS" not in serve.log()  # loopback: no warning


def test_listening_beyond_loopback_without_tls_warns(serve_factory):
    s = serve_factory(args=["--listen", "0.0.0.0:0"])
    assert s.stop() == 0
    assert "other machines can reach this service, and without TLS" in s.log()
