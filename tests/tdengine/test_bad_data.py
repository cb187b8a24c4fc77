"""Bad data against a real TDengine server: each bad row is archived,
skipped or repaired as the row policy says while the good rows of its batch
land, and a missing database or refused credentials stop k2td with their
own exit status."""

import json

import meters
from helpers import wait_until
from tdcase import archived, json_task, run_ok

T = meters.BASE_MS


def _meters_topic(make_topic, produce, td, messages):
    """Creates the meters supertable and a one-partition topic holding
    `messages` (dicts or raw text); returns the topic."""
    meters.setup_target(td, db=td.db)
    topic = make_topic(partitions=1)
    produce(topic, [m if isinstance(m, str) else json.dumps(m) for m in messages])
    return topic


def _stored(td):
    return td.ok(f"SELECT tbname, ts, voltage, location FROM {td.db}.meters ORDER BY ts")


def test_default_policies_archive_bad_rows(kafka, make_topic, produce, td, k2td):
    """Under the default policies a value too long, a wrong type, NaN and
    Infinity are archived with their reasons, an unknown column is ignored,
    and the good rows around them are stored."""
    topic = _meters_topic(make_topic, produce, td, [
        {"id": 1, "ts": T, "voltage": 1, "location": "L" * 24},        # 0 good, at the limit
        {"id": 1, "ts": T + 1, "location": "x" * 25},                  # 1 too long
        {"id": 1, "ts": T + 2, "voltage": "abc"},                      # 2 wrong type
        '{"id": 1, "ts": %d, "current": NaN}' % (T + 3),               # 3 NaN
        '{"id": 1, "ts": %d, "current": Infinity}' % (T + 4),          # 4 Infinity
        {"id": 2, "ts": T + 5, "voltage": 6, "nosuch": 1},             # 5 unknown column: ignored
    ])
    run = run_ok(k2td, json_task(kafka, td, topic, workdir=k2td.workdir))
    assert _stored(td) == [["d_1", meters.iso_ms(T), 1, "L" * 24],
                           ["d_2", meters.iso_ms(T + 5), 6, None]]
    lines = archived(k2td.workdir)
    assert [o for o, _ in lines] == [1, 2, 3, 4], run.stderr()
    assert "25 bytes long, more than 24" in lines[0][1]
    assert "voltage" in lines[1][1]


def test_server_side_refusal_archives_only_that_row(kafka, make_topic, produce, td, k2td):
    """A value only the server can judge (GEOMETRY text that is not WKT) is
    refused by TDengine; k2td archives that row alone (ingesting_error) and
    stores the rest of its batch."""
    td.ok(f"CREATE STABLE {td.db}.g (ts TIMESTAMP, p GEOMETRY(64)) TAGS (id INT)")
    topic = make_topic(partitions=1)
    produce(topic, [json.dumps({"id": 1, "ts": T + i, "p": p})
                    for i, p in enumerate(["POINT (1 2)", "NOT WKT", "POINT (3 4)"])])
    run = run_ok(k2td, json_task(kafka, td, topic, template="g_{id}", stable="g",
                                 workdir=k2td.workdir))
    assert td.ok(f"SELECT ts, ST_AsText(p) FROM {td.db}.g ORDER BY ts") == [
        [meters.iso_ms(T), "POINT (1.000000 2.000000)"],
        [meters.iso_ms(T + 2), "POINT (3.000000 4.000000)"]]
    assert [o for o, _ in archived(k2td.workdir)] == [1], run.stderr()


def test_repairs_add_columns_and_widen_on_the_server(kafka, make_topic, produce, td, k2td):
    """field_name_not_found=add_field and field_length_extend make k2td ALTER
    the real supertable (a new DOUBLE and VARCHAR column, a wider VARCHAR
    tag) and store the rows that needed it."""
    topic = _meters_topic(make_topic, produce, td, [
        {"id": 2, "ts": T, "location": "y" * 30},
        {"id": 3, "ts": T + 1, "extra": 1.5, "note": "n"},
    ])
    run_ok(k2td, json_task(kafka, td, topic, workdir=k2td.workdir,
                           field_name_not_found="add_field", field_length_extend=True))
    assert td.ok(f"SELECT tbname, location, extra, note FROM {td.db}.meters ORDER BY ts") == [
        ["d_2", "y" * 30, None, None], ["d_3", None, 1.5, "n"]]
    described = {r[0]: r[1:3] for r in td.ok(f"DESCRIBE {td.db}.meters")}
    assert described["extra"][0] == "DOUBLE"
    assert described["location"][1] >= 30
    assert archived(k2td.workdir) == []


def test_missing_database_stops_the_task(kafka, make_topic, produce, td, k2td):
    """A target database that does not exist stops k2td with exit status 7
    (database_not_exist=break) and writes nothing."""
    topic = _meters_topic(make_topic, produce, td, [meters.record(0)])
    run = k2td.run(json_task(kafka, td, topic, db="k2td_no_such_db"), timeout=120)
    assert run.returncode == 7, run.stderr()
    assert td.ok(f"SELECT COUNT(*) FROM {td.db}.meters") == [[0]]


def test_wrong_password_stops_the_task(kafka, make_topic, produce, td, k2td):
    """A password the server refuses stops k2td with exit status 6, and the
    password never appears in its output."""
    topic = _meters_topic(make_topic, produce, td, [meters.record(0)])
    task = json_task(kafka, td, topic)
    task["to"] = td.dsn(password="Wr0ngSecret")
    run = k2td.run(task, timeout=120)
    assert run.returncode == 6, run.stderr()
    assert "Wr0ngSecret" not in run.stderr() + run.stdout()
    assert td.ok(f"SELECT COUNT(*) FROM {td.db}.meters") == [[0]]


def test_a_column_added_by_another_writer_counts_as_added(kafka, make_topic, produce, td, k2td):
    """When the column k2td's add_field repair would add already exists on the
    server (another writer added it after k2td loaded the schema), TDengine
    3.3.7 answers 875 'Column already exists'; k2td takes that as done and
    stores the row instead of archiving it."""
    topic = _meters_topic(make_topic, produce, td, [{"id": 1, "ts": T, "voltage": 1}])
    run = k2td.start(json_task(kafka, td, topic, workdir=k2td.workdir,
                               source_keys={"timeout": "30s"},
                               field_name_not_found="add_field"))
    wait_until(lambda: td.ok(f"SELECT COUNT(*) FROM {td.db}.meters") == [[1]], 120,
               "the first row (k2td holds the schema)")
    td.ok(f"ALTER STABLE {td.db}.meters ADD COLUMN extra DOUBLE")
    produce(topic, [json.dumps({"id": 1, "ts": T + 1, "voltage": 2, "extra": 2.5})])
    run.wait(120)
    assert run.returncode == 0, run.stderr()
    assert td.ok(f"SELECT voltage, extra FROM {td.db}.meters ORDER BY ts") == [[1, None], [2, 2.5]]
    assert archived(k2td.workdir) == [], run.stderr()
