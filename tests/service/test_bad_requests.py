"""No input crashes the service: bad JSON, wrong types, huge bodies,
unknown routes, wrong methods, odd paths. Every error is JSON with a 4xx
status, and the service still answers afterwards."""

import json
import random
import socket

import pytest

POST_ROUTES = ["/api/login", "/api/tasks", "/api/check", "/api/samples", "/api/preview",
               "/api/target/databases", "/api/target/databases/create", "/api/target/stables",
               "/api/target/stables/propose", "/api/target/stables/create"]

BAD_BODIES = [b"", b"{", b"nul", b"[]", b"1", b'"text"', b"null", b"true", b"{\"a\":}",
              b"\xff\xfe\x00garbage", b'{"a": 1, "a": 2}', b"{}" + b" " * 10 + b"x",
              b'{"from": 1, "to": [], "parser": "x", "samples": {}}',
              b'{"from": null, "to": null, "name": null, "columns": null}',
              b'{"' + b"k" * 5000 + b'": 1}', b"[" * 2000 + b"]" * 2000]


def assert_json_error(a, statuses=range(400, 500)):
    assert a.status in statuses, a
    err = a.json()
    assert set(err) == {"error", "field"}, err
    assert isinstance(err["error"], str) and err["error"]
    assert err["field"] is None or isinstance(err["field"], str)


@pytest.mark.parametrize("path", POST_ROUTES)
def test_bad_bodies_get_a_4xx_json_error(serve, path):
    for body in BAD_BODIES:
        a = serve.call("POST", path, raw=body, headers={"Content-Type": "application/json"})
        assert_json_error(a)
    assert serve.call("GET", "/api/health").status == 200


def test_wrong_types_in_a_task_name_the_field(serve):
    base = {"name": "x", "from": "kafka://h:9092?topics=t", "to": "taos+http://h:6041/db",
            "parser": {"parse": {"value": {"json": ""}}, "model": {"name": "t", "using": "s"}}}
    for key in list(base):
        for wrong in (None, 1, 1.5, True, [], {}, "", "\u0000"):
            body = dict(base, **{key: wrong})
            a = serve.call("POST", "/api/tasks", body)
            if a.status == 201:  # a value the key accepts
                continue
            assert_json_error(a)
            assert a.json()["field"] is not None and a.json()["field"].split(".")[0] == key, \
                (key, wrong, a)


def test_bodies_over_4_mib_are_413(serve):
    big = b'{"name": "' + b"x" * (4 * 1024 * 1024 + 10) + b'"}'
    a = serve.call("POST", "/api/tasks", raw=big)
    assert a.status == 413
    assert_json_error(a, statuses=[413])
    assert serve.call("GET", "/api/health").status == 200


def test_uploads_may_be_larger_but_not_over_16_mib(serve):
    ok = serve.call("POST", "/api/uploads?name=big.bin", raw=b"\0" * (5 * 1024 * 1024))
    assert ok.status == 201
    big = serve.call("POST", "/api/uploads?name=huge.bin", raw=b"\0" * (16 * 1024 * 1024 + 1))
    assert big.status == 413


def test_chunked_body_over_the_limit_is_413(serve):
    """A body without Content-Length (chunked) is cut at the limit too."""
    s = socket.create_connection(("127.0.0.1", serve.port), timeout=60)
    head = (f"POST /api/tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
            f"{serve.token}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n").encode()
    s.sendall(head)
    chunk = b"x" * 65536
    try:
        for _ in range(80):  # 5 MiB
            s.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
        s.sendall(b"0\r\n\r\n")
    except OSError:
        pass  # the service may answer and close before the end
    answer = b""
    while True:
        try:
            got = s.recv(65536)
        except OSError:
            break
        if not got:
            break
        answer += got
    s.close()
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


@pytest.mark.parametrize("method,path,status", [
    ("GET", "/api/nope", 404), ("GET", "/api", 404), ("GET", "/api/", 404),
    ("GET", "/api/tasks/1/nope", 404), ("GET", "/api/tasks//start", 404),
    ("DELETE", "/api/tasks", 405), ("PATCH", "/api/tasks/1", 405), ("GET", "/api/login", 405),
    ("PUT", "/api/health", 405), ("GET", "/api/check", 405), ("POST", "/metrics", 405),
    ("GET", "/nope.html", 404), ("GET", "/assets/nope.js", 404), ("POST", "/", 405),
    ("GET", "/api/uploads/abc", 405), ("DELETE", "/api/uploads/abc", 404),
])
def test_unknown_routes_and_wrong_methods(serve, method, path, status):
    a = serve.call(method, path)
    assert_json_error(a, statuses=[status])
    if status == 405 and path.startswith("/api"):
        assert a.headers.get("allow")


def test_random_garbage_never_crashes_it(serve):
    rng = random.Random(20261201)
    paths = POST_ROUTES + ["/api/tasks/1", "/api/tasks/1/start", "/api/uploads?name=a"]
    for _ in range(300):
        path = rng.choice(paths)
        n = rng.randrange(0, 300)
        if rng.random() < 0.5:
            body = bytes(rng.randrange(256) for _ in range(n))
        else:
            doc = {rng.choice(["name", "from", "to", "parser", "samples", "count", "columns",
                               "tags", "user", "password", "x"]):
                   rng.choice([None, 1, -1, 1e308, "", "x" * n, [1, "a"], {"a": {}}, True])
                   for _ in range(rng.randrange(0, 6))}
            body = json.dumps(doc).encode()
        a = serve.call(rng.choice(["POST", "PUT"]), path, raw=body)
        assert a.status < 500 or a.status == 502, (path, body[:100], a)
        a.json()
    assert serve.call("GET", "/api/health").status == 200
