"""What an API client's task may ask of the host (docs/security.md): only the
librdkafka properties of the allowlist, files only from the upload store by
reference, Kerberos names that cannot break out of kinit's command line,
the same answer for every refused path on the host, no ${env:...} or
${file:...} secrets, no plugin folder or archive path of its own. The
operator's config sets the kinit command and may take its password from a
file."""

import json
import os
import time
import urllib.parse

TO = "taos+http://root:taosdata@127.0.0.1:1/db"


def check(serve, query):
    """POST /api/check for a source DSN with the given query (brokers that
    do not answer, so a refused DSN is the only fast 400)."""
    return serve.call("POST", "/api/check",
                      {"from": f"kafka://127.0.0.1:1?topics=t&{query}", "to": TO})


def appears(path, seconds=3.0):
    """Returns True when path exists within seconds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if os.path.exists(path):
            return True
        time.sleep(0.1)
    return os.path.exists(path)


def q(text):
    return urllib.parse.quote(text, safe="")


def test_a_kinit_command_from_a_client_is_refused_and_never_run(serve, tmp_path):
    marker = tmp_path / "kinit-ran"
    a = check(serve, "sasl_mechanism=GSSAPI&sasl_kerberos_principal=p"
                     f"&sasl_kerberos_kinit_cmd={q('touch ' + str(marker))}")
    assert a.status == 400, a
    assert a.json()["field"] == "from.sasl_kerberos_kinit_cmd"
    assert "operator" in a.json()["error"]
    assert not appears(marker)


def test_a_principal_with_shell_characters_is_refused_and_never_run(serve, tmp_path):
    marker = tmp_path / "principal-ran"
    a = check(serve, "sasl_mechanism=GSSAPI&sasl_kerberos_service_name=kafka"
                     f"&sasl_kerberos_principal={q('x;touch ' + str(marker))}"
                     "&sasl_kerberos_keytab=@upload:1")
    assert a.status == 400, a
    assert a.json()["field"] == "from.sasl_kerberos_principal"
    assert str(marker) not in a.body.decode()
    assert not appears(marker)


def test_properties_that_load_code_are_refused(serve, tmp_path):
    for query in ["plugin.library.paths=" + q(str(tmp_path / "x.so")),
                  "ssl.engine.location=/tmp/e.so", "sasl.oauthbearer.method=oidc",
                  "plugin%2Elibrary%2Epaths=/tmp/x.so"]:
        a = check(serve, query)
        assert a.status == 400, (query, a)
        assert "operator" in a.json()["error"], a


def test_a_refused_path_gives_one_answer_whatever_the_file(serve):
    answers = set()
    for path in ["/etc/shadow", "/etc/passwd", "/no/such/file", "/root"]:
        a = check(serve, f"ca=@{path}")
        assert a.status == 400, a
        answers.add(a.body)
    assert len(answers) == 1, answers
    assert b"etc" not in answers.pop()


def test_an_upload_is_named_by_reference_never_by_path(serve):
    up = serve.call("POST", "/api/uploads?name=ca.pem", raw=b"not a certificate\n").json()
    assert up["ref"] == f"@upload:{up['id']}"
    a = check(serve, f"ca={q(up['ref'])}")
    # the reference resolves: the check goes on to the (absent) brokers
    assert a.status == 200, a
    assert serve.data_dir.encode() not in a.body
    task = {"name": "t", "from": f"kafka://127.0.0.1:1?topics=t&ca={q(up['ref'])}",
            "to": TO, "parser": {"parse": {"value": {"json": ""}},
                                 "model": {"name": "d_{id}", "using": "meters"}}}
    made = serve.call("POST", "/api/tasks", task)
    assert made.status == 201, made
    got = serve.call("GET", f"/api/tasks/{made.json()['id']}").json()
    assert got["from"] == task["from"]
    missing = check(serve, "ca=@upload:999999")
    assert missing.status == 400 and "no such upload" in missing.json()["error"]


def test_config_tells_the_page_about_kinit(serve):
    a = serve.call("GET", "/api/config")
    assert a.status == 200, a
    kafka = a.json()["kafka"]
    assert kafka["allow_kinit_override"] is False
    assert "'%{sasl.kerberos.principal}'" in kafka["kinit_cmd"]


def test_the_operators_kinit_command_runs(serve_factory, tmp_path):
    marker = tmp_path / "operator-kinit"
    cfg = tmp_path / "serve.json"
    cfg.write_text(json.dumps({"password": "pw-of-the-operator",
                               "kafka": {"sasl.kerberos.kinit.cmd": f"touch {marker}"}}))
    s = serve_factory(args=["--config", str(cfg)], password=None)
    s.login(password="pw-of-the-operator")
    assert s.call("GET", "/api/config").json()["kafka"]["kinit_cmd"] == f"touch {marker}"
    a = check(s, "sasl_mechanism=GSSAPI&sasl_kerberos_principal=p&sasl_kerberos_service_name=k")
    assert a.status == 200, a
    assert appears(marker)
    assert check(s, "sasl.kerberos.kinit.cmd=true").status == 400


def test_secret_references_are_for_the_operator_only(serve):
    parser = {"parse": {"value": {"json": ""}}, "model": {"name": "d_{id}", "using": "meters"}}
    for frm, to, field in [
            ("kafka://127.0.0.1:1?topics=t&sasl_password=${env:HOME}", TO, "from.sasl_password"),
            ("kafka://127.0.0.1:1?topics=t&sasl%2Epassword=${file:/etc/hostname}", TO,
             "from.sasl.password"),
            ("kafka://127.0.0.1:1?topics=t", "taos+http://root:${env:HOME}@127.0.0.1:1/db", "to")]:
        made = serve.call("POST", "/api/tasks", {"name": "t", "from": frm, "to": to,
                                                 "parser": parser})
        assert made.status == 400, made
        assert made.json()["field"] == field and "operator" in made.json()["error"]
        checked = serve.call("POST", "/api/check", {"from": frm, "to": to})
        assert checked.status == 400, checked
        assert os.environ["HOME"] not in checked.body.decode()


def test_the_admin_password_may_come_from_a_file(serve_factory, tmp_path):
    pw = tmp_path / "admin.pw"
    pw.write_text("Admin-From-File-1\n")
    cfg = tmp_path / "serve.json"
    cfg.write_text(json.dumps({"password": f"${{file:{pw}}}"}))
    s = serve_factory(args=["--config", str(cfg)], password=None)
    s.login(password="Admin-From-File-1")


def test_plugin_folders_and_archive_paths_are_the_operators(serve):
    base = {"name": "t", "from": "kafka://127.0.0.1:1?topics=t", "to": TO}
    parser = {"parse": {"value": {"json": ""}}, "model": {"name": "d_{id}", "using": "meters"}}
    for over, field in [
            ({"options": {"plugins_home": "/tmp"}}, "options.plugins_home"),
            ({"parser": dict(parser, **{"global": {"archive": {"location": "/tmp/x"}}})},
             "parser.global.archive.location"),
            ({"parser": dict(parser, **{"global": {"archive": {"location": "a/../../x"}}})},
             "parser.global.archive.location")]:
        made = serve.call("POST", "/api/tasks", {**base, "parser": parser, **over})
        assert made.status == 400, made
        assert made.json()["field"] == field, made
    ok = dict(parser, **{"global": {"archive": {"location": "kept"}}})
    assert serve.call("POST", "/api/tasks", dict(base, parser=ok)).status == 201
