"""`k2td check` and `k2td preview` against a real TDengine server: a good
task passes, and each failure a user meets (a refused password or user, a
missing database or supertable, a table k2td cannot write) has its own
exit status and a message naming it."""

import json
import os
from types import SimpleNamespace

import pytest

import meters
from tdcase import td_task

T = meters.BASE_MS
PASSWORD = "Wr0ngSecret"
# preview --sample never contacts Kafka: nothing listens on port 1
NO_KAFKA = SimpleNamespace(bootstrap="127.0.0.1:1")


def _target(td):
    """Creates meters and a normal table in td's database."""
    meters.setup_target(td, db=td.db)
    td.ok(f"CREATE TABLE {td.db}.plain (ts TIMESTAMP, v INT)")


def _using(stable):
    """The meters parser aimed at supertable `stable`."""
    return {"parse": {"value": {"json": ""}}, "model": {"name": "d_{id}", "using": stable}}


# what the task changes, the exit status, the failing check's line
CHECK_CASES = {
    "wrong_password": (lambda td: {"to": td.dsn(password=PASSWORD)}, 6,
                       "FAIL  tdengine credentials: TDengine at {url} rejected the credentials: "
                       "TDengine error 855 (0x0357): Authentication failure"),
    "unknown_user": (lambda td: {"to": td.dsn(user="nosuchuser", password=PASSWORD)}, 6,
                     "FAIL  tdengine credentials: TDengine at {url} rejected the credentials: "
                     "TDengine error 849 (0x0351): Invalid user"),
    "user_name_too_long": (lambda td: {"to": td.dsn(user="u" * 24, password=PASSWORD)}, 6,
                           "FAIL  tdengine credentials: TDengine at {url} rejected the "
                           "credentials: TDengine error 519 (0x0207): Invalid user name"),
    "no_database": (lambda td: {"to": td.dsn("k2td_no_such_db")}, 7,
                    "FAIL  tdengine database: database `k2td_no_such_db` does not exist"),
    "no_supertable": (lambda td: {"parser": _using("nometers")}, 8,
                      "FAIL  tdengine supertable: supertable `{db}`.`nometers` does not exist"),
    "normal_table": (lambda td: {"parser": _using("plain")}, 1,
                     "FAIL  tdengine supertable schema: `{db}`.`plain` has no tags: it is not a "
                     "supertable"),
}


def test_check_passes_then_names_each_failure(kafka, make_topic, td, k2td):
    """`k2td check` of a good task passes every step (exit 0); then each
    failure stops at its own step with its exit status and the server's
    reason, the steps before it passed, and no password in the output."""
    _target(td)
    topic = make_topic(partitions=1)
    good = td_task(kafka, td, topic)
    run = k2td.run(good, args=("check", "{task}"), timeout=60)
    assert run.returncode == 0, run.stdout() + run.stderr()
    for step in ("kafka brokers", "kafka topics", "tdengine reachable", "tdengine credentials",
                 "tdengine database", "tdengine supertable"):
        assert f"ok    {step}" in run.stdout(), run.stdout()

    runs = {name: k2td.start(dict(good, **change(td)), args=("check", "{task}"))
            for name, (change, _, _) in CHECK_CASES.items()}
    for name, (_, code, line) in CHECK_CASES.items():
        run = runs[name]
        run.wait(60)
        out = run.stdout()
        assert run.returncode == code, (name, out, run.stderr())
        assert line.format(url=td.url, db=td.db) in out.splitlines(), (name, out)
        assert "ok    tdengine reachable" in out, (name, out)
        assert PASSWORD not in out + run.stderr(), name


def _preview(k2td, task, lines, *extra):
    """Runs `k2td preview TASK --sample FILE --json [extra]` on `lines` (one
    sample each) and returns the finished run."""
    path = os.path.join(k2td.workdir, f"samples-{len(k2td.runs) + 1}.txt")
    with open(path, "w") as f:
        f.write("".join(line + "\n" for line in lines))
    return k2td.run(task, args=("preview", "{task}", "--sample", path, "--json", *extra),
                    timeout=60)


def test_preview_reads_the_real_schema_and_writes_nothing(td, k2td):
    """`k2td preview` maps samples to a supertable of a us database as the
    server describes it: epoch-ms times become µs ticks, the server's types
    are shown, rows that do not fit (too long, wrong type) are refused naming
    their column; nothing is written, and the preview's SQL, run on the
    server, stores the rows it showed at the right instants."""
    db = td.database("us")
    meters.setup_target(td, db=db)
    task = td_task(NO_KAFKA, td, "nowhere", db=db)
    lines = [meters.message(0), meters.message(1),
             json.dumps({"id": 2, "ts": T + 2, "location": "L" * 25}),
             json.dumps({"id": 3, "ts": T + 3, "voltage": "abc"})]
    run = _preview(k2td, task, lines)
    assert run.returncode == 0, run.stderr()
    doc = json.loads(run.stdout())
    assert doc["target"] == {"db": db, "stable": "meters", "precision": "us",
                             "schema_from": "tdengine"}
    first, second, too_long, wrong_type = doc["mapped"]
    assert {c["name"]: (c["type"], c["value"]) for c in first["columns"]} == {
        "ts": ("TIMESTAMP", str(T * 1000)), "current": ("FLOAT", "10.0"),
        "voltage": ("INT", "200"), "phase": ("FLOAT", "0.0")}
    assert [(t["name"], t["type"]) for t in first["tags"]] == [
        ("groupid", "INT"), ("location", "VARCHAR(24)")]
    assert (first["subtable"], second["subtable"]) == ("d_0", "d_1")
    assert "location" in too_long["error"] and "more than 24" in too_long["error"], too_long
    assert "voltage" in wrong_type["error"], wrong_type
    assert td.ok(f"SELECT COUNT(*) FROM {db}.meters") == [[0]]
    assert td.ok(f"SHOW {db}.TABLES") == []

    for sql in doc["sql"]:
        td.ok(sql)
    assert td.ok(f"SELECT tbname, ts, voltage FROM {db}.meters ORDER BY ts") == [
        ["d_0", "2025-11-24T16:00:00.000000Z", 200], ["d_1", "2025-11-24T16:00:00.001000Z", 201]]


def test_preview_with_the_described_schema_as_a_file(td, k2td):
    """The supertable as the server's DESCRIBE lists it, given to `k2td
    preview --schema` (with the database's precision), maps the samples
    exactly as the schema read from the server does."""
    db = td.database("us")
    meters.setup_target(td, db=db)
    answer = td.sql(f"DESCRIBE {db}.meters")
    assert answer["code"] == 0, answer
    names = [m[0] for m in answer["column_meta"]]
    rows = [dict(zip(names, row)) for row in answer["data"]]
    schema = {"precision": "us", "stables": {"meters": [
        {"name": r["field"], "type": r["type"], "length": r["length"], "note": r["note"]}
        for r in rows]}}
    path = os.path.join(k2td.workdir, "meters-schema.json")
    with open(path, "w") as f:
        json.dump(schema, f)
    task = td_task(NO_KAFKA, td, "nowhere", db=db)
    lines = [meters.message(0), meters.message(1),
             json.dumps({"id": 2, "ts": T + 2, "location": "L" * 25}),
             json.dumps({"id": 3, "ts": T + 3, "voltage": "abc"})]
    from_server = json.loads(_preview(k2td, task, lines).stdout())
    run = _preview(k2td, task, lines, "--schema", path)
    assert run.returncode == 0, run.stderr()
    from_file = json.loads(run.stdout())
    assert from_server["target"]["schema_from"] == "tdengine"
    assert from_file["target"] == dict(from_server["target"], schema_from="file",
                                       schema_file=path)
    for key in ("mapped", "subtables", "sql"):
        assert from_file[key] == from_server[key], key
    assert len(from_file["sql"]) == 1 and from_file["subtables"] == ["d_0", "d_1"]


@pytest.mark.parametrize("name", ["wrong_password", "user_name_too_long", "no_database",
                                  "no_supertable"])
def test_preview_exit_status_names_the_failure(name, td, k2td):
    """`k2td preview` stops before showing anything when the server refuses
    the credentials (exit 6), the database (7) or the supertable (8) is
    missing, with the reason on stderr and no password in it."""
    _target(td)
    change, code, line = CHECK_CASES[name]
    task = dict(td_task(NO_KAFKA, td, "nowhere"), **change(td))
    run = _preview(k2td, task, [meters.message(0)])
    assert run.returncode == code, run.stderr()
    assert run.stdout() == ""
    reason = line.format(url=td.url, db=td.db).split(": ", 1)[1]
    assert f"k2td: {reason}" in run.stderr(), run.stderr()
    assert PASSWORD not in run.stderr()


def test_preview_of_a_table_k2td_cannot_write(td, k2td):
    """A normal table as the model's supertable is refused by `k2td preview`
    as by `k2td run`: exit status 2 naming the table."""
    _target(td)
    task = dict(td_task(NO_KAFKA, td, "nowhere"), parser=_using("plain"))
    run = _preview(k2td, task, [meters.message(0)])
    assert run.returncode == 2, run.stderr()
    assert f"`{td.db}`.`plain` has no tags: it is not a supertable" in run.stderr()
