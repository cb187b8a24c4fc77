"""The task form's helpers against a real broker and the TDengine stand-in:
connectivity check, samples, sample files, preview and the target helpers."""

import meters
import pytest
from helpers import unique_name

PARSER = {"parse": {"value": {"json": ""}}, "model": {"name": "d_{id}", "using": "meters"}}


def td(standin, db="kdb", password="taosdata"):
    return f"taos+http://root:{password}@127.0.0.1:{standin.port}/{db}"


def test_check_reports_both_ends_ok(serve, kafka, make_topic, standin):
    meters.setup_target(standin)
    topic = make_topic(partitions=3)
    a = serve.call("POST", "/api/check", {"from": f"kafka://{kafka.bootstrap}?topics={topic}",
                                          "to": td(standin)})
    assert a.status == 200, a
    assert a.json() == {"kafka": {"ok": True, "topics": [{"name": topic, "partitions": 3}]},
                        "tdengine": {"ok": True, "database": "kdb", "precision": "ms"}}


def test_check_tells_each_failure_apart(serve, kafka, standin):
    meters.setup_target(standin, db="usdb", precision="us")
    a = serve.call("POST", "/api/check", {"from": f"kafka://{kafka.bootstrap}?topics=nope_xyz",
                                          "to": td(standin, password="wrong")}).json()
    # a missing topic names the topics, an unreachable broker the source
    assert a["kafka"]["ok"] is False and a["kafka"]["field"] == "from.topics"
    assert "nope_xyz" in a["kafka"]["error"]
    assert a["tdengine"]["ok"] is False and "credentials" in a["tdengine"]["error"]
    assert "wrong" not in a["tdengine"]["error"]
    # taosAdapter refuses a user name of 24 bytes or more before any login (519)
    long_user = f"taos+http://{'u' * 24}:taosdata@127.0.0.1:{standin.port}/kdb"
    a = serve.call("POST", "/api/check", {"from": "kafka://127.0.0.1:1?topics=t",
                                          "to": long_user}).json()
    assert a["tdengine"]["ok"] is False and a["tdengine"]["code"] == "0x0207"
    assert "rejected the credentials" in a["tdengine"]["error"], a
    a = serve.call("POST", "/api/check", {"from": "kafka://127.0.0.1:1?topics=t",
                                          "to": td(standin, db="missing")}).json()
    assert a["kafka"]["ok"] is False and "cannot be reached" in a["kafka"]["error"], a
    assert "Connection refused" in a["kafka"]["error"], a
    assert a["kafka"]["field"] == "from"
    assert a["tdengine"] == {"ok": False, "error": "database `missing` does not exist",
                             "code": "0x0388"}
    a = serve.call("POST", "/api/check", {"from": "kafka://127.0.0.1:1?topics=t",
                                          "to": "taos+http://root:x@127.0.0.1:1/db"}).json()
    assert a["tdengine"]["ok"] is False and "unreachable" in a["tdengine"]["error"]
    a = serve.call("POST", "/api/check", {"from": "kafka://127.0.0.1:1?topics=t",
                                          "to": td(standin, db="usdb")}).json()
    assert a["tdengine"] == {"ok": True, "database": "usdb", "precision": "us"}


def test_check_names_a_topic_and_a_group_not_authorised(serve, kafka, make_topic, standin):
    """A topic or consumer group the brokers refuse the DSN's user is named,
    with the user, as not authorised (not as a missing topic, nor passed),
    also by the samples of the topic, and the password is not shown."""
    if kafka.sasl() is None:
        pytest.skip("the broker was given through K2TD_BOOTSTRAP")
    meters.setup_target(standin)
    address, user, password = kafka.sasl()
    denied, allowed = make_topic(partitions=1), make_topic(partitions=1)
    group = unique_name("denied_group")
    acls = kafka.deny(user, "topic", denied) + kafka.deny(user, "group", f"taosx{group}")
    try:
        for topic, text, field in ((denied, f"topic `{denied}`", "from.topics"),
                                   (allowed, f"group `taosx{group}`", "from.group")):
            dsn = (f"kafka://{address}?topics={topic}&group={group}&sasl_mechanism=PLAIN"
                   f"&sasl_username={user}&sasl_password={password}")
            a = serve.call("POST", "/api/check", {"from": dsn, "to": td(standin)})
            assert a.status == 200, a
            kafka_check = a.json()["kafka"]
            assert kafka_check["ok"] is False and kafka_check["field"] == field, kafka_check
            assert f"{text} is not authorised for user `{user}`" in kafka_check["error"]
            assert password.encode() not in a.body
        a = serve.call("POST", "/api/samples", {"from": dsn.replace(allowed, denied), "count": 1,
                                                "timeout_ms": 3000})
        assert a.status == 502, a
        assert f"topic `{denied}` is not authorised for user `{user}`" in a.json()["error"], a
        assert password.encode() not in a.body
    finally:
        kafka.allow_again(acls)


@pytest.mark.parametrize("body,field", [
    ({"to": "taos+http://h:6041/db"}, "from"),
    ({"from": "kafka://h:9092?topics=t"}, "to"),
    ({"from": "kafka://h:9092", "to": "taos+http://h:6041/db"}, "from.topics"),
    ({"from": "kafka://h:9092?topics=t&bogus=1", "to": "taos+http://h:6041/db"}, "from.bogus"),
    ({"from": "kafka://h:9092?topics=t", "to": "mysql://h/db"}, "to"),
    ({"from": 5, "to": "taos+http://h:6041/db"}, "from"),
])
def test_check_400_when_a_dsn_does_not_parse(serve, body, field):
    a = serve.call("POST", "/api/check", body)
    assert a.status == 400
    assert a.json()["field"] == field


def test_samples_read_without_committing(serve, kafka, make_topic, produce):
    topic = make_topic(partitions=1)
    produce(topic, [f"m{i}" for i in range(20)], partition=0, key=[f"k{i}" for i in range(20)])
    dsn = f"kafka://{kafka.bootstrap}?topics={topic}&group=samples"
    a = serve.call("POST", "/api/samples", {"from": dsn, "count": 5})
    assert a.status == 200, a
    got = a.json()["samples"]
    assert [s["value"] for s in got] == [f"m{i}" for i in range(5)]
    assert [s["offset"] for s in got] == list(range(5))
    assert got[0]["topic"] == topic and got[0]["partition"] == 0 and got[0]["key"] == "k0"
    again = serve.call("POST", "/api/samples", {"from": dsn, "count": 5}).json()["samples"]
    assert [s["offset"] for s in again] == list(range(5)), "samples must not commit"
    assert len(serve.call("POST", "/api/samples", {"from": dsn}).json()["samples"]) == 10


@pytest.mark.parametrize("body,field", [
    ({"from": "kafka://h:9092?topics=t", "count": 0}, "count"),
    ({"from": "kafka://h:9092?topics=t", "count": 1001}, "count"),
    ({"from": "kafka://h:9092?topics=t", "count": "5"}, "count"),
    ({"from": "kafka://h:9092?topics=t", "timeout_ms": -1}, "timeout_ms"),
    ({"count": 5}, "from"),
])
def test_samples_bad_input(serve, body, field):
    a = serve.call("POST", "/api/samples", body)
    assert a.status == 400
    assert a.json()["field"] == field


def test_samples_from_missing_topic_is_502(serve, kafka):
    a = serve.call("POST", "/api/samples",
                   {"from": f"kafka://{kafka.bootstrap}?topics=no_such_topic_q", "count": 1,
                    "timeout_ms": 3000})
    assert a.status == 502
    assert a.json()["field"] == "from"


def test_sample_files(serve):
    csv = b"id,value,other\n1,\"{\"\"a\"\": 1}\",x\n2,plain,y\n"
    a = serve.call("POST", "/api/samples/upload", raw=csv, headers={"Content-Type": "text/csv"})
    assert a.status == 200
    assert a.json() == {"samples": [{"value": '{"a": 1}'}, {"value": "plain"}]}
    msg = b"message\nhello\nworld\n"
    assert serve.call("POST", "/api/samples/upload", raw=msg).json() == \
        {"samples": [{"value": "hello"}, {"value": "world"}]}
    lines = b'{"id": 1}\r\n\r\n{"id": 2}\nnot json, still a line\n'
    assert serve.call("POST", "/api/samples/upload", raw=lines).json() == {"samples": [
        {"value": '{"id": 1}'}, {"value": '{"id": 2}'}, {"value": "not json, still a line"}]}
    binary = serve.call("POST", "/api/samples/upload", raw=b"ok\xff\x00x\n").json()
    assert binary == {"samples": [{"value": "ok\\xff\\x00x"}]}
    assert serve.call("POST", "/api/samples/upload", raw=b"").status == 400


def test_preview_is_the_engine_preview(serve, standin):
    meters.setup_target(standin)
    body = {"to": td(standin), "parser": PARSER,
            "samples": [meters.message(1), "not json"]}
    a = serve.call("POST", "/api/preview", body)
    assert a.status == 200, a
    doc = a.json()
    assert doc["target"]["db"] == "kdb"
    assert len(doc["messages"]) == 2 and "error" in doc["messages"][1]
    assert doc["mapped"][0]["subtable"] == "d_1"
    assert doc["sql"] and doc["sql"][0].startswith("INSERT INTO")
    assert meters.count(standin) == 0


@pytest.mark.parametrize("mutate,status,field", [
    (lambda b: b.pop("samples"), 400, "samples"),
    (lambda b: b.update(samples=[]), 400, "samples"),
    (lambda b: b.update(samples=["a", 1]), 400, "samples[1]"),
    (lambda b: b.update(samples=["a"] * 1001), 400, "samples"),
    (lambda b: b.update(parser="x"), 400, "parser"),
    (lambda b: b["parser"].update(parse={"value": {"regex": "("}}), 400, "parser"),
    (lambda b: b.update({"from": 3}), 400, "from"),
    (lambda b: b.update(to="taos+http://h:6041/"), 400, "to"),
    (lambda b: b["parser"]["model"].update(using="nope"), 400, "parser.model.using"),
])
def test_preview_bad_input(serve, standin, mutate, status, field):
    meters.setup_target(standin)
    body = {"to": td(standin), "parser": {"parse": {"value": {"json": ""}},
                                          "model": {"name": "d_{id}", "using": "meters"}},
            "samples": [meters.message(1)]}
    mutate(body)
    a = serve.call("POST", "/api/preview", body)
    assert a.status == status, a
    assert a.json()["field"] == field


def test_preview_with_tdengine_down_is_502(serve):
    a = serve.call("POST", "/api/preview", {"to": "taos+http://root:x@127.0.0.1:1/db",
                                            "parser": PARSER, "samples": ["{}"]})
    assert a.status == 502


def test_databases_list_and_create(serve, standin):
    meters.setup_target(standin)
    a = serve.call("POST", "/api/target/databases", {"to": td(standin)})
    assert a.status == 200
    assert a.json() == {"databases": ["kdb"]}
    c = serve.call("POST", "/api/target/databases/create",
                   {"to": td(standin), "name": "fresh_db", "precision": "us"})
    assert c.status == 201 and c.json() == {"name": "fresh_db"}
    assert "fresh_db" in serve.call("POST", "/api/target/databases",
                                    {"to": td(standin)}).json()["databases"]
    again = serve.call("POST", "/api/target/databases/create",
                       {"to": td(standin), "name": "fresh_db"})
    assert again.status == 400 and again.json()["field"] == "name"
    for bad, field in (({"name": "1x"}, "name"), ({"name": "a-b"}, "name"), ({}, "name"),
                       ({"name": "ok", "precision": "s"}, "precision")):
        a = serve.call("POST", "/api/target/databases/create", dict(bad, to=td(standin)))
        assert a.status == 400 and a.json()["field"] == field, (bad, a)
    wrong = serve.call("POST", "/api/target/databases", {"to": td(standin, password="bad")})
    assert wrong.status == 502 and b"bad@" not in wrong.body


def test_stables_list_with_schema(serve, standin):
    meters.setup_target(standin)
    a = serve.call("POST", "/api/target/stables", {"to": td(standin)})
    assert a.status == 200, a
    [st] = a.json()["stables"]
    assert st["name"] == "meters"
    assert [(c["name"], c["type"]) for c in st["columns"]] == [
        ("ts", "TIMESTAMP"), ("current", "FLOAT"), ("voltage", "INT"), ("phase", "FLOAT")]
    assert [(c["name"], c["type"], c["length"]) for c in st["tags"]] == [
        ("groupid", "INT", 4), ("location", "VARCHAR", 24)]


def test_propose_then_create_a_stable(serve, standin):
    meters.setup_target(standin)
    parser = {"parse": {"value": {"json": ["id", "ts::timestamp(ms)", "voltage", "current",
                                           "location", "ok"]}},
              "model": {"name": "d_{id}", "using": "new_meters"}}
    samples = ['{"id": 1, "ts": 1764000000000, "voltage": 220, "current": 1.5, '
               '"location": "Beijing", "ok": true}',
               '{"id": 2, "ts": 1764000000001, "voltage": 221, "current": 2, '
               '"location": "Shanghai.Pudong", "ok": false}']
    a = serve.call("POST", "/api/target/stables/propose",
                   {"to": td(standin), "parser": parser, "samples": samples})
    assert a.status == 200, a
    p = a.json()
    assert p["name"] == "" and p["tags"] == []
    cols = {c["name"]: c["type"] for c in p["columns"]}
    assert p["columns"][0] == {"name": "ts", "type": "TIMESTAMP", "length": 8}
    assert cols == {"ts": "TIMESTAMP", "id": "BIGINT", "voltage": "BIGINT", "current": "DOUBLE",
                    "location": "VARCHAR", "ok": "BOOL"}
    columns = [c for c in p["columns"] if c["name"] not in ("id", "location")]
    tags = [c for c in p["columns"] if c["name"] in ("id", "location")]
    c = serve.call("POST", "/api/target/stables/create",
                   {"to": td(standin), "name": "new_meters", "columns": columns, "tags": tags})
    assert c.status == 201, c
    names = [s["name"] for s in serve.call("POST", "/api/target/stables",
                                           {"to": td(standin)}).json()["stables"]]
    assert sorted(names) == ["meters", "new_meters"]
    # the new supertable takes the parser's rows: the preview maps them
    pv = serve.call("POST", "/api/preview", {"to": td(standin), "parser": parser,
                                             "samples": samples}).json()
    assert [m["subtable"] for m in pv["mapped"]] == ["d_1", "d_2"]


def test_propose_without_a_time_field_adds_ts(serve, standin):
    parser = {"parse": {"value": {"json": ""}}, "model": {"name": "t", "using": "x"}}
    a = serve.call("POST", "/api/target/stables/propose",
                   {"to": td(standin), "parser": parser, "samples": ['{"v": "abc"}']}).json()
    assert a["columns"][0] == {"name": "ts", "type": "TIMESTAMP", "length": 8}
    assert a["columns"][1]["name"] == "v" and a["columns"][1]["type"] == "VARCHAR"


@pytest.mark.parametrize("mutate,field", [
    (lambda b: b.update(name="bad name"), "name"),
    (lambda b: b["columns"][0].update(type="INT"), "columns[0].type"),
    (lambda b: b["columns"][1].update(type="WHATEVER"), "columns[1].type"),
    (lambda b: b["columns"][2].update(name=""), "columns[2].name"),
    (lambda b: b["columns"][2].pop("length"), "columns[2].length"),
    (lambda b: b.update(tags=[]), "tags"),
    (lambda b: b.update(columns="x"), "columns"),
    (lambda b: b["tags"][0].update(type=None), "tags[0].type"),
])
def test_create_stable_names_the_bad_column(serve, standin, mutate, field):
    meters.setup_target(standin)
    body = {"to": td(standin), "name": "s1",
            "columns": [{"name": "ts", "type": "TIMESTAMP"}, {"name": "v", "type": "INT"},
                        {"name": "s", "type": "VARCHAR", "length": 10}],
            "tags": [{"name": "g", "type": "INT"}]}
    mutate(body)
    a = serve.call("POST", "/api/target/stables/create", body)
    assert a.status == 400, a
    assert a.json()["field"] == field
    assert [s["name"] for s in serve.call("POST", "/api/target/stables",
                                          {"to": td(standin)}).json()["stables"]] == ["meters"]
