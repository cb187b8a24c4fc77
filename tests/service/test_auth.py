"""Login, sessions, the failed-login limit and which routes need a login."""

import os
import stat
import subprocess
import threading

import pytest

PROTECTED = [
    ("POST", "/api/logout"), ("GET", "/api/session"), ("GET", "/api/tasks"),
    ("POST", "/api/tasks"), ("GET", "/api/tasks/1"), ("PUT", "/api/tasks/1"),
    ("DELETE", "/api/tasks/1"), ("POST", "/api/tasks/1/start"), ("POST", "/api/tasks/1/stop"),
    ("POST", "/api/tasks/1/copy"), ("GET", "/api/tasks/1/status"), ("GET", "/metrics"),
    ("POST", "/api/check"), ("POST", "/api/samples"), ("POST", "/api/samples/upload"),
    ("POST", "/api/preview"), ("POST", "/api/target/databases"),
    ("POST", "/api/target/databases/create"), ("POST", "/api/target/stables"),
    ("POST", "/api/target/stables/propose"), ("POST", "/api/target/stables/create"),
    ("POST", "/api/uploads?name=a.pem"), ("GET", "/api/uploads"), ("DELETE", "/api/uploads/1"),
]


def test_health_needs_no_login(serve):
    a = serve.call("GET", "/api/health", token=None)
    assert a.status == 200
    assert a.json() == {"status": "ok", "version": "0.1.0"}


@pytest.mark.parametrize("method,path", PROTECTED)
def test_every_other_route_needs_a_login(serve, method, path):
    a = serve.call(method, path, body={} if method in ("POST", "PUT") else None, token=None)
    assert a.status == 401, a
    assert a.json() == {"error": "not logged in", "field": None}
    bogus = serve.call(method, path, token="0" * 64)
    assert bogus.status == 401


def test_login_gives_a_token_and_a_cookie(serve):
    a = serve.call("POST", "/api/login", {"user": "admin", "password": serve.password},
                   token=None)
    assert a.status == 200
    body = a.json()
    assert body["user"] == "admin"
    assert len(body["token"]) == 64 and int(body["token"], 16) >= 0
    cookie = a.headers["set-cookie"]
    assert cookie.startswith(f"k2td_session={body['token']};")
    for attr in ("HttpOnly", "SameSite=Strict", "Path=/"):
        assert attr in cookie
    assert serve.call("GET", "/api/session", token=body["token"]).json() == {"user": "admin"}
    by_cookie = serve.call("GET", "/api/tasks", token=None,
                           headers={"Cookie": f"k2td_session={body['token']}"})
    assert by_cookie.status == 200


def test_wrong_password_names_the_field_and_is_not_logged(serve):
    a = serve.call("POST", "/api/login", {"user": "admin", "password": "nope-nope"}, token=None)
    assert a.status == 401
    assert a.json() == {"error": "wrong user or password", "field": "password"}
    a = serve.call("POST", "/api/login", {"user": "root", "password": serve.password},
                   token=None)
    assert a.status == 401
    assert "nope-nope" not in serve.log()
    assert serve.password not in serve.log()


@pytest.mark.parametrize("body,field", [
    ({"password": "x"}, "user"), ({"user": "admin"}, "password"),
    ({"user": 1, "password": "x"}, "user"), ({"user": "admin", "password": ["x"]}, "password"),
])
def test_login_body_errors_name_the_field(serve, body, field):
    a = serve.call("POST", "/api/login", body, token=None)
    assert a.status == 400
    assert a.json()["field"] == field


def test_five_failures_block_the_address_with_retry_after(serve):
    for _ in range(5):
        assert serve.call("POST", "/api/login", {"user": "admin", "password": "bad"},
                          token=None).status == 401
    a = serve.call("POST", "/api/login", {"user": "admin", "password": "bad"}, token=None)
    assert a.status == 429
    assert 1 <= int(a.headers["retry-after"]) <= 60
    # even the right password waits
    a = serve.call("POST", "/api/login", {"user": "admin", "password": serve.password},
                   token=None)
    assert a.status == 429
    # a session made before still works
    assert serve.call("GET", "/api/session").status == 200


def test_logout_forgets_the_token(serve):
    token = serve.token
    a = serve.call("POST", "/api/logout")
    assert a.status == 204
    assert "Max-Age=0" in a.headers["set-cookie"]
    assert serve.call("GET", "/api/session", token=token).status == 401


def test_a_restart_logs_everyone_out(serve):
    old = serve.token
    serve.restart()
    assert serve.call("GET", "/api/tasks", token=old).status == 401
    serve.login()
    assert serve.call("GET", "/api/tasks").status == 200


def test_cookie_requests_from_another_origin_are_refused(serve):
    cookie = {"Cookie": f"k2td_session={serve.token}"}
    a = serve.call("POST", "/api/tasks/1/copy", token=None,
                   headers=dict(cookie, Origin="http://evil.example"))
    assert a.status == 403
    same = serve.call("POST", "/api/tasks/1/copy", token=None,
                      headers=dict(cookie, Origin=serve.url))
    assert same.status == 404  # passed the origin check; task 1 does not exist


def test_first_start_writes_a_random_password_0600(serve_factory, tmp_path):
    s = serve_factory(data_dir=tmp_path / "fresh", password=None)
    path = tmp_path / "fresh" / "admin-password"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(tmp_path / "fresh").st_mode) == 0o700
    password = path.read_text().strip()
    assert len(password) == 20
    assert str(path) in s.log()
    assert password not in s.log()
    s.login(password=password)
    # a later start keeps it
    s.password = None
    s.restart()
    s.login(password=password)
    with open(tmp_path / "fresh" / "k2td.db", "rb") as f:
        assert password.encode() not in f.read()


def test_config_file_sets_user_and_password(serve_factory, tmp_path):
    cfg = tmp_path / "serve.json"
    cfg.write_text('{"user": "ops", "password": "from-config-1"}')
    s = serve_factory(args=["--config", str(cfg)], password=None)
    assert s.call("POST", "/api/login", {"user": "admin", "password": "from-config-1"},
                  token=None).status == 401
    s.login(user="ops", password="from-config-1")


def test_config_file_with_an_unknown_key_is_refused(k2td_bin, tmp_path):
    import subprocess
    cfg = tmp_path / "serve.json"
    cfg.write_text('{"user": "ops", "password": "x", "pasword": "y"}')
    p = subprocess.run([k2td_bin, "serve", "--listen", "127.0.0.1:0", "--data-dir",
                        str(tmp_path / "d"), "--config", str(cfg)],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 2
    assert "pasword" in p.stderr


@pytest.mark.parametrize("args", [["--listen", "nonsense"], ["--listen", "127.0.0.1:99999"],
                                  ["--log-level", "loud"], ["extra"]])
def test_bad_arguments_exit_2(k2td_bin, tmp_path, args):
    import subprocess
    p = subprocess.run([k2td_bin, "serve", "--data-dir", str(tmp_path / "d")] + args,
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 2, p.stderr


def test_parallel_wrong_logins_are_counted_before_hashing(serve):
    barrier = threading.Barrier(12)
    statuses = []

    def attempt():
        barrier.wait()
        a = serve.call("POST", "/api/login", {"user": "admin", "password": "wrong"}, token=None)
        statuses.append(a.status)

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [401] * 5 + [429] * 7


def test_origin_is_compared_with_the_service_not_with_host(serve_factory):
    s = serve_factory(args=["--public-url", "https://k2td.example.com/k2td/"])
    s.login()
    cookie = f"k2td_session={s.token}"

    def post(origin, host=None):
        headers = {"Cookie": cookie, "Origin": origin}
        if host:
            headers["Host"] = host
        return s.call("POST", "/api/tasks/1/copy", token=None, headers=headers).status

    assert post("http://evil.example", host="evil.example") == 403
    assert post(f"https://127.0.0.1:{s.port}") == 403  # not the scheme it serves
    assert post(f"http://127.0.0.1:{s.port + 1}") == 403
    # 404: past the origin check (task 1 does not exist)
    assert post(f"http://127.0.0.1:{s.port}") == 404
    assert post(f"http://localhost:{s.port}") == 404
    assert post("https://k2td.example.com", host="evil.example") == 404


def test_a_loose_data_directory_is_tightened(serve_factory, tmp_path):
    d = tmp_path / "loose"
    d.mkdir(mode=0o755)
    os.chmod(d, 0o755)
    s = serve_factory(data_dir=d)
    assert stat.S_IMODE(os.stat(d).st_mode) == 0o700
    assert "had mode 0755; set to 0700" in s.log()


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give the directory away")
def test_a_data_directory_of_another_user_is_refused(k2td_bin, tmp_path):
    d = tmp_path / "theirs"
    d.mkdir(mode=0o700)
    os.chown(d, 65534, 65534)
    p = subprocess.run([k2td_bin, "serve", "--listen", "127.0.0.1:0", "--data-dir", str(d)],
                       capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, K2TD_ADMIN_PASSWORD="x"))
    assert p.returncode == 2, p.stderr
    assert "not by this user" in p.stderr


def test_public_urls_from_the_config_file(serve_factory, tmp_path):
    cfg = tmp_path / "serve.json"
    cfg.write_text('{"password": "from-config-3", "public_urls": ["https://proxy.example"]}')
    s = serve_factory(args=["--config", str(cfg), "--public-url", "http://other.example:8080"],
                      password=None)
    s.login(password="from-config-3")

    def post(origin):
        return s.call("POST", "/api/tasks/1/copy", token=None,
                      headers={"Cookie": f"k2td_session={s.token}", "Origin": origin}).status

    assert post("https://proxy.example") == 404  # past the origin check
    assert post("http://other.example:8080") == 404
    assert post("https://other.example") == 403
