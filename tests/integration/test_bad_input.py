"""Bad messages are logged with topic/partition/offset, counted and archived
(the default write policies); bad configuration stops k2td before it
consumes anything."""

import json

import meters


def test_bad_messages_are_archived_and_the_stream_goes_on(kafka, make_topic, produce, standin,
                                                         k2td):
    meters.setup_target(standin)
    # d_5 already belongs to another supertable: TDengine itself refuses its rows
    standin.sql("CREATE STABLE kdb.other (ts TIMESTAMP, v INT) TAGS (g INT)")
    standin.sql("CREATE TABLE kdb.d_5 USING kdb.other TAGS (1)")
    topic = make_topic(partitions=1)
    bad_value = dict(meters.record(2), voltage="abc")
    no_ts = {k: v for k, v in meters.record(3).items() if k != "ts"}
    produce(topic, [
        meters.message(0),          # offset 0: good
        '{"id": 1, "ts": ',         # offset 1: malformed JSON
        json.dumps(bad_value),      # offset 2: voltage is not an INT
        json.dumps(no_ts),          # offset 3: no primary timestamp
        meters.message(4),          # offset 4: good
        meters.message(5),          # offset 5: refused by TDengine (d_5 is in `other`)
        meters.message(6),          # offset 6: good
    ])
    task = meters.task(kafka, standin, [topic])
    task["options"] = {"data_dir": str(k2td.workdir)}
    run = k2td.run(task, timeout=90)
    assert run.returncode == 0, run.stderr()
    log = run.stderr()
    assert f"malformed message {topic} [0] offset 1" in log
    for offset in (1, 2, 3, 5):
        assert f"archived a row of {topic} [0] offset {offset}:" in log
    assert "`voltage`" in log and "primary timestamp" in log
    assert "TDengine refused the row for subtable `d_5`" in log
    assert "Table already exists in other stables" in log
    assert meters.rows(standin) == meters.expected_rows([0, 4, 6])
    assert ("1 rows refused by TDengine, 0 rows skipped, 4 rows archived, 0 rows repaired, "
            "0 columns altered, 0 rows filtered, 1 malformed messages" in log)


def test_unknown_dsn_key_stops_before_consuming(kafka, make_topic, produce, standin, k2td):
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    produce(topic, [meters.message(0)])
    task = meters.task(kafka, standin, [topic], group="cfg", colour="blue")
    run = k2td.run(task, timeout=30)
    assert run.returncode == 2
    assert "colour" in run.stderr()
    assert meters.count(standin) == 0


def test_config_errors_name_the_key(kafka, standin, k2td):
    cases = [
        ({"name": "x", "to": "taos+http://root:taosdata@127.0.0.1:1/kdb", "parser": {}},
         "from"),
        ({"name": "x", "from": "kafka://127.0.0.1:9092", "to": "taos+http://h:1/kdb",
          "parser": {"parse": {"value": {"json": ""}}, "model": {"name": "t", "using": "meters"}}},
         "topics"),
        ({"name": "x", "from": "kafka://127.0.0.1:9092?topics=a", "to": "taos+http://h:1/kdb",
          "parser": {"parse": {"value": {"json": ""}}, "model": {"name": "t", "using": "meters"},
                     "mutatee": []}}, "mutatee"),
        ({"name": "x", "from": "kafka://127.0.0.1:9092?topics=a&timeout=5q",
          "to": "taos+http://h:1/kdb",
          "parser": {"parse": {"value": {"json": ""}}, "model": {"name": "t", "using": "m"}}},
         "timeout"),
        ({"name": "x", "from": "kafka://127.0.0.1:9092?topics=a&enable.partition.eof=maybe",
          "to": "taos+http://h:1/kdb",
          "parser": {"parse": {"value": {"json": ""}}, "model": {"name": "t", "using": "m"}}},
         "enable.partition.eof"),
    ]
    for task, key in cases:
        run = k2td.run(task, timeout=30)
        assert run.returncode == 2, (task, run.stderr())
        assert key in run.stderr(), (key, run.stderr())


def test_secrets_stay_out_of_the_log(kafka, make_topic, standin, k2td):
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    task = meters.task(kafka, standin, [topic], timeout="1s")
    task["to"] = f"taos+http://root:Sup3rSecret@127.0.0.1:{standin.port}/kdb"
    run = k2td.run(task, timeout=60)
    assert run.returncode == 6, run.stderr()
    assert "Sup3rSecret" not in run.stderr() + run.stdout()
