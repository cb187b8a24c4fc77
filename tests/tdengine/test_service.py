"""`k2td serve` against a real TDengine server, driven over its HTTP API as
the page drives it: the database list and Create Database, the supertable
proposal created as a real STABLE, the connectivity check of both ends, the
preview of samples against a real supertable, and a task that runs to its
end with its rows read back exactly. Every answer is compared with what the
server itself says (SHOW DATABASES, information_schema, DESCRIBE, SELECT)."""

import json

import pytest

import meters
from helpers import unique_name, wait_until

PASSWORD = "Wr0ngSecret"  # a password the server refuses
SYSTEM_DBS = {"information_schema", "performance_schema"}
PARSER = {"parse": {"value": {"json": ""}}, "model": {"name": "d_{id}", "using": "meters"}}


def post(serve, path, body, status=200):
    """POSTs body to path and returns the JSON answer, asserting its status."""
    answer = serve.call("POST", path, body)
    assert answer.status == status, answer
    return answer.json()


def user_databases(td):
    """The server's own list of user databases (SHOW DATABASES), sorted."""
    return sorted(r[0] for r in td.ok("SHOW DATABASES") if r[0] not in SYSTEM_DBS)


def test_database_list_and_create(serve, td):
    """The page's database list is the server's SHOW DATABASES without the
    system databases; Create Database makes a database with the precision
    asked for (ms when none is), and the server's refusals come back as 400
    naming `name` with TDengine's message."""
    listed = post(serve, "/api/target/databases", {"to": td.dsn()})["databases"]
    assert td.db in listed
    assert sorted(listed) == user_databases(td)

    for precision in ("ns", None):
        name = td.own(unique_name("k2td_api").lower())
        body = {"to": td.dsn(), "name": name}
        if precision:
            body["precision"] = precision
        assert post(serve, "/api/target/databases/create", body, 201) == {"name": name}
        assert td.ok("SELECT name, `precision` FROM information_schema.ins_databases "
                     f"WHERE name = '{name}'") == [[name, precision or "ms"]]
    assert sorted(post(serve, "/api/target/databases", {"to": td.dsn()})["databases"]) == \
        user_databases(td)

    before = user_databases(td)
    for name, why in ((td.db, "Database already exists"),
                      ("information_schema", "Cannot create system database")):
        refused = post(serve, "/api/target/databases/create", {"to": td.dsn(), "name": name},
                       400)
        assert refused["field"] == "name" and why in refused["error"], refused
    assert user_databases(td) == before


def test_database_list_names_refused_credentials(serve, td):
    """A wrong password or an unknown user is 502 naming the server's
    refusal, and the password never appears in the answer."""
    for dsn, why in ((td.dsn(password=PASSWORD), "Authentication failure"),
                     (td.dsn(user="nosuchuser", password=PASSWORD), "Invalid user")):
        answer = serve.call("POST", "/api/target/databases", {"to": dsn})
        assert answer.status == 502, answer
        assert answer.json()["field"] == "to" and why in answer.json()["error"], answer
        assert PASSWORD.encode() not in answer.body


# the fields of these samples make one column of each type the proposal knows
PROPOSE_SAMPLES = [
    {"ts": "2025-11-24T16:00:00.000Z", "id": 1, "voltage": 220, "current": 1.5,
     "energy": 18446744073709551615, "on": True, "location": "California.SanFrancisco"},
    {"ts": "2025-11-24T16:00:00.001Z", "id": 2, "voltage": 221, "current": 2,
     "energy": 10000000000000000000, "on": False, "location": "Oregon.Portland"},
]


def test_proposed_supertable_is_created_as_proposed(serve, td):
    """The supertable proposed from samples, with two of its columns made
    tags as the page lets the user do, is created on the server with exactly
    those columns, types, lengths and tags (DESCRIBE), and the target list
    reads it back the same."""
    parser = {"parse": {"value": {"json": ""}}, "model": {"name": "d_{id}", "using": "power"}}
    proposal = post(serve, "/api/target/stables/propose",
                    {"to": td.dsn(), "parser": parser,
                     "samples": [json.dumps(s) for s in PROPOSE_SAMPLES]})
    assert [(c["name"], c["type"]) for c in proposal["columns"]] == [
        ("ts", "TIMESTAMP"), ("id", "BIGINT"), ("voltage", "BIGINT"), ("current", "DOUBLE"),
        ("energy", "BIGINT UNSIGNED"), ("on", "BOOL"), ("location", "VARCHAR")]
    tags = [c for c in proposal["columns"] if c["name"] in ("id", "location")]
    columns = [c for c in proposal["columns"] if c not in tags]
    assert post(serve, "/api/target/stables/create",
                {"to": td.dsn(), "name": "power", "columns": columns, "tags": tags},
                201) == {"name": "power"}

    described = [r[:4] for r in td.ok(f"DESCRIBE {td.db}.power")]
    assert described == [[c["name"], c["type"], c["length"], ""] for c in columns] + \
        [[t["name"], t["type"], t["length"], "TAG"] for t in tags]
    [listed] = post(serve, "/api/target/stables", {"to": td.dsn()})["stables"]
    assert listed == {"name": "power", "columns": columns, "tags": tags}

    again = post(serve, "/api/target/stables/create",
                 {"to": td.dsn(), "name": "power", "columns": columns, "tags": tags}, 400)
    assert again["field"] == "name" and "STable already exists" in again["error"], again


def test_check_reports_each_end_and_each_cause(serve, kafka, make_topic, td):
    """The connectivity check passes for a good source and target and gives
    the database's precision as the server has it; each failure names its
    cause: refused credentials (a wrong password, an unknown user, a user
    name longer than TDengine takes) with TDengine's code, a missing
    database, a missing topic, a closed port."""
    topic = make_topic(partitions=2)
    source = f"kafka://{kafka.bootstrap}?topics={topic}"
    us_db = td.database("us")

    def check(to, source=source):
        return post(serve, "/api/check", {"from": source, "to": to})

    assert check(td.dsn()) == {
        "kafka": {"ok": True, "topics": [{"name": topic, "partitions": 2}]},
        "tdengine": {"ok": True, "database": td.db, "precision": "ms"}}
    assert check(td.dsn(us_db))["tdengine"] == {"ok": True, "database": us_db, "precision": "us"}

    for dsn, why, code in (
            (td.dsn(password=PASSWORD), "Authentication failure", "0x0357"),
            (td.dsn(user="nosuchuser", password=PASSWORD), "Invalid user", "0x0351"),
            (td.dsn(user="u" * 24, password=PASSWORD), "Invalid user name", "0x0207")):
        answer = check(dsn)
        assert answer["kafka"]["ok"] is True
        got = answer["tdengine"]
        assert got["ok"] is False and got["code"] == code, got
        assert "rejected the credentials" in got["error"] and why in got["error"], got
        assert PASSWORD not in json.dumps(answer)

    assert check(td.dsn("k2td_no_such_db"))["tdengine"] == {
        "ok": False, "error": "database `k2td_no_such_db` does not exist", "code": "0x0388"}
    closed = check("taos+http://root:taosdata@127.0.0.1:1/db")["tdengine"]
    assert closed["ok"] is False and "unreachable" in closed["error"], closed

    missing = check(td.dsn(), source=f"kafka://{kafka.bootstrap}?topics=k2td_no_such_topic")
    assert missing["kafka"]["ok"] is False and missing["kafka"]["field"] == "from.topics"
    assert "k2td_no_such_topic" in missing["kafka"]["error"]
    assert missing["tdengine"]["ok"] is True


def test_preview_maps_samples_to_the_real_schema(serve, td):
    """The preview of samples against a real supertable shows its columns
    and tags with the server's types, refuses the rows the server would
    (a value too long, a wrong type) naming the column, writes nothing, and
    its SQL, run on the server, stores the rows it showed."""
    meters.setup_target(td, db=td.db)
    good = meters.record(1)
    samples = [json.dumps(good), "{not json",
               json.dumps({"id": 2, "ts": meters.BASE_MS, "location": "L" * 25}),
               json.dumps({"id": 3, "ts": meters.BASE_MS, "voltage": "abc"})]
    doc = post(serve, "/api/preview", {"to": td.dsn(), "parser": PARSER, "samples": samples})
    assert doc["target"] == {"db": td.db, "stable": "meters", "precision": "ms",
                             "schema_from": "tdengine"}
    assert "error" in doc["messages"][1]
    mapped, too_long, wrong_type = doc["mapped"]
    assert [(c["name"], c["type"]) for c in mapped["columns"]] == [
        ("ts", "TIMESTAMP"), ("current", "FLOAT"), ("voltage", "INT"), ("phase", "FLOAT")]
    assert [(t["name"], t["type"]) for t in mapped["tags"]] == [
        ("groupid", "INT"), ("location", "VARCHAR(24)")]
    assert mapped["subtable"] == "d_1"
    assert "location" in too_long["error"] and "more than 24" in too_long["error"], too_long
    assert "voltage" in wrong_type["error"], wrong_type
    assert doc["subtables"] == ["d_1"]
    assert td.ok(f"SELECT COUNT(*) FROM {td.db}.meters") == [[0]]
    assert td.ok(f"SHOW {td.db}.TABLES") == []

    for sql in doc["sql"]:
        td.ok(sql)
    assert meters.rows(td, db=td.db) == meters.expected_rows([1])


# what the draft changes, the answer's status, field and error
PREVIEW_FAILURES = {
    "no_supertable": (lambda t, b: b["parser"]["model"].update(using="nostable"), 400,
                      "parser.model.using", "supertable `{db}`.`nostable` does not exist"),
    "no_database": (lambda t, b: b.update(to=t.dsn("k2td_no_such_db")), 400, "to",
                    "database `k2td_no_such_db` does not exist"),
    "wrong_password": (lambda t, b: b.update(to=t.dsn(password=PASSWORD)), 502, "to",
                       "rejected the credentials"),
    "normal_table": (lambda t, b: b["parser"]["model"].update(using="plain"), 400, "parser",
                     "`{db}`.`plain` has no tags: it is not a supertable"),
}


@pytest.mark.parametrize("case", sorted(PREVIEW_FAILURES))
def test_preview_names_what_the_server_lacks(serve, td, case):
    """A preview whose supertable or database is missing, whose password is
    refused, or whose target is a normal table is answered with the cause
    and the field to fix."""
    change, status, field, why = PREVIEW_FAILURES[case]
    td.ok(f"CREATE TABLE {td.db}.plain (ts TIMESTAMP, v INT)")
    body = {"to": td.dsn(), "parser": json.loads(json.dumps(PARSER)),
            "samples": [meters.message(1)]}
    change(td, body)
    answer = post(serve, "/api/preview", body, status)
    assert answer["field"] == field and why.format(db=td.db) in answer["error"], answer
    assert PASSWORD not in answer["error"]


def test_a_task_runs_to_its_end_and_its_rows_land(serve, kafka, make_topic, produce, td):
    """A task created, started and left to finish (its source idle for the
    DSN's timeout) stores every message as its row, counts them, and ends
    `finished` without an error."""
    meters.setup_target(td, db=td.db)
    topic = make_topic(partitions=2)
    produce(topic, [meters.message(i) for i in range(300)])
    task = meters.task(kafka, None, [topic], to=td.dsn(), timeout="6s")
    created = post(serve, "/api/tasks", task, 201)
    assert created["state"] == "created"
    assert "taosdata" not in created["to"]
    started = post(serve, f"/api/tasks/{created['id']}/start", None)
    assert started["state"] == "running"

    def ended():
        t = serve.call("GET", f"/api/tasks/{created['id']}").json()
        return t if t["state"] != "running" else None

    done = wait_until(ended, 120, "the task to end")
    assert done["state"] == "finished" and done["last_error"] is None, done
    assert meters.rows(td, db=td.db) == meters.expected_rows(range(300))
    run = serve.call("GET", f"/api/tasks/{created['id']}/status").json()["run"]
    assert (run["kafka_consumed_messages"], run["written_rows"], run["failed_rows"]) == \
        (300, 300, 0), run
    assert done["written_rows"] == 300
