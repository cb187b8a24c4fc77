"""Routing rules and row error policies through a real broker and the
stand-in: rows go to the supertable their rule names, and every row that
cannot be written as it is is archived, skipped, repaired or stops the task,
as parser.global says, while the good rows of its batch land."""

import base64
import json
import os

import pytest

import meters
from helpers import wait_until


def archive_lines(data_dir, task_name):
    path = os.path.join(data_dir, "tasks", task_name, "archived", "archive.jsonl")
    with open(path) as f:
        return [json.loads(line) for line in f]


def with_options(task, **options):
    task["options"] = options
    return task


def json_policy_task(kafka, standin, topic, k2td, **policies):
    """A task reading topic's JSON into meters (d_{id}) with parser.global
    set to policies, archiving under k2td's workdir."""
    parser = {"global": policies, "parse": {"value": {"json": ""}},
              "model": {"name": "d_{id}", "using": "meters"}}
    return with_options(meters.task(kafka, standin, [topic], parser=parser),
                        data_dir=str(k2td.workdir))


def test_rules_route_rows_to_their_supertables(kafka, make_topic, produce, standin, k2td):
    meters.setup_target(standin)
    standin.sql("CREATE STABLE kdb.events (ts TIMESTAMP, code INT, text VARCHAR(32)) "
                "TAGS (source VARCHAR(16))")
    topic = make_topic(partitions=1)
    base = meters.BASE_MS
    produce(topic, [
        json.dumps({"kind": "meter", "id": 1, "ts": base, "voltage": 220}),
        json.dumps({"kind": "event", "source": "door", "ts": base + 1, "code": 7, "msg": "open"}),
        json.dumps({"kind": "other", "ts": base + 2}),
        json.dumps({"kind": "meter", "id": 2, "ts": base + 3, "voltage": 221}),
    ])
    parser = {
        "parse": {"value": {"json": ""}},
        "rules": [
            {"matches": {"expr": "kind == \"meter\""},
             "model": {"name": "d_{id}", "using": "meters"}},
            {"matches": {"expr": "kind == \"event\""},
             "mutate": [{"map": {"text": {"format": "${msg}!"}}}],
             "model": {"name": "e_{source}", "using": "events"}},
        ],
    }
    run = k2td.run(meters.task(kafka, standin, [topic], parser=parser), timeout=90)
    assert run.returncode == 0, run.stderr()
    assert standin.sql("SELECT tbname, voltage FROM kdb.meters ORDER BY ts")["data"] == [
        ["d_1", 220], ["d_2", 221]]
    assert standin.sql("SELECT tbname, code, text, source FROM kdb.events")["data"] == [
        ["e_door", 7, "open!", "door"]]
    assert "1 rows filtered" in run.stderr()


def test_templated_supertable_and_a_list_of_models(kafka, make_topic, produce, standin, k2td):
    meters.setup_target(standin)
    standin.sql("CREATE STABLE kdb.temp (ts TIMESTAMP, v DOUBLE) TAGS (dev VARCHAR(8))")
    standin.sql("CREATE STABLE kdb.hum (ts TIMESTAMP, v DOUBLE) TAGS (dev VARCHAR(8))")
    standin.sql("CREATE STABLE kdb.copy (ts TIMESTAMP, v DOUBLE) TAGS (dev VARCHAR(8))")
    topic = make_topic(partitions=1)
    base = meters.BASE_MS
    produce(topic, [json.dumps({"metric": "temp", "dev": "a", "ts": base, "v": 21.5}),
                    json.dumps({"metric": "hum", "dev": "a", "ts": base + 1, "v": 40.0}),
                    json.dumps({"metric": "wind", "dev": "a", "ts": base + 2, "v": 3.0})])
    parser = {"parse": {"value": {"json": ""}},
              "model": [{"name": "{metric}_{dev}", "using": "{metric}"},
                        {"name": "c_{dev}", "using": "copy"}]}
    task = with_options(meters.task(kafka, standin, [topic], parser=parser),
                        data_dir=str(k2td.workdir))
    run = k2td.run(task, timeout=90)
    assert run.returncode == 0, run.stderr()
    assert standin.sql("SELECT tbname, v FROM kdb.temp")["data"] == [["temp_a", 21.5]]
    assert standin.sql("SELECT tbname, v FROM kdb.hum")["data"] == [["hum_a", 40.0]]
    assert standin.sql("SELECT COUNT(*) FROM kdb.copy")["data"] == [[3]]
    # `wind` has no supertable: table_not_exist (retry, then archive)
    lines = archive_lines(k2td.workdir, "meters")
    assert [(l["offset"], "wind" in l["reason"]) for l in lines] == [(2, True)]


@pytest.mark.parametrize("policy,named", [
    (None, None),                    # the default: archive
    ({"replace_to": ""}, None),      # taosX's JSON: loads, and still builds no `d_`
    ("leave_blank", None),
    ({"replace_to": "unknown"}, "d_unknown"),
])
def test_no_subtable_name_from_an_empty_placeholder(policy, named, kafka, make_topic, produce,
                                                     standin, k2td):
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    base = meters.BASE_MS
    produce(topic, [meters.message(0),
                    json.dumps({"ts": base + 1, "voltage": 1}),              # no id
                    json.dumps({"id": None, "ts": base + 2, "voltage": 2}),  # NULL
                    json.dumps({"id": "", "ts": base + 3, "voltage": 3})])   # empty
    policies = {} if policy is None else {"variable_not_exist_in_table_name_template": policy}
    run = k2td.run(json_policy_task(kafka, standin, topic, k2td, **policies), timeout=90)
    assert run.returncode == 0, run.stderr()
    tables = standin.sql("SELECT tbname, voltage FROM kdb.meters ORDER BY ts")["data"]
    if named:
        assert tables == [["d_0", 200], [named, 1], [named, 2], [named, 3]]
        return
    assert tables == [["d_0", 200]]
    reasons = {l["offset"]: l["reason"] for l in archive_lines(k2td.workdir, "meters")}
    assert reasons == {1: "subtable name: template variable `id` is missing",
                       2: "subtable name: template variable `id` is NULL",
                       3: "subtable name: template variable `id` is empty"}, reasons


def test_default_policies_archive_bad_rows_and_keep_the_good(kafka, make_topic, produce,
                                                             standin, k2td):
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    good = [meters.message(i) for i in range(3)]
    bad = [
        json.dumps({"id": 1, "voltage": 1}),                                  # no timestamp
        json.dumps({"id": 1, "ts": 5}),                                       # 1970: out of range
        json.dumps({"id": 1, "ts": meters.BASE_MS, "location": "x" * 30}),   # too long for (24)
        b"\xff\xfe{not json",                                                 # malformed, not UTF-8
    ]
    produce(topic, good[:1] + bad + good[1:])
    task = with_options(meters.task(kafka, standin, [topic]), data_dir=str(k2td.workdir))
    run = k2td.run(task, timeout=90)
    assert run.returncode == 0, run.stderr()
    assert meters.count(standin) == 3
    # a malformed message is archived as it is read, the others when mapped
    lines = sorted(archive_lines(k2td.workdir, "meters"), key=lambda l: l["offset"])
    assert [l["offset"] for l in lines] == [1, 2, 3, 4]
    assert all(l["topic"] == topic and l["partition"] == 0 for l in lines)
    assert "primary timestamp `ts` is missing" in lines[0]["reason"]
    assert "time range" in lines[1]["reason"]
    assert "30 bytes long, more than 24" in lines[2]["reason"]
    assert lines[0]["payload"] == bad[0]
    assert "payload" not in lines[3]
    assert base64.b64decode(lines[3]["payload_base64"]) == bad[3]
    assert "archived" in run.stderr()


def test_repairs_add_field_and_widen(kafka, make_topic, produce, standin, k2td):
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    produce(topic, [
        json.dumps({"id": 1, "voltage": 220}),                                    # now
        json.dumps({"id": 2, "ts": meters.BASE_MS, "location": "y" * 30}),        # widened
        json.dumps({"id": 3, "ts": meters.BASE_MS, "extra": 1.5, "note": "n"}),   # 2 new columns
        json.dumps({"id": "a.b", "ts": meters.BASE_MS}),                          # a_b
    ])
    task = json_policy_task(kafka, standin, topic, k2td,
                            primary_timestamp_null="use_current_time",
                            field_name_not_found="add_field", field_length_extend=True)
    run = k2td.run(task, timeout=90)
    assert run.returncode == 0, run.stderr()
    rows = standin.sql("SELECT tbname, location, extra, note FROM kdb.meters ORDER BY tbname")
    assert rows["data"] == [["d_1", None, None, None], ["d_2", "y" * 30, None, None],
                            ["d_3", None, 1.5, "n"], ["d_a_b", None, None, None]]
    described = {r[0]: r for r in standin.sql("DESCRIBE kdb.meters")["data"]}
    assert described["extra"][1] == "DOUBLE"
    assert described["location"][2] >= 30
    assert not os.path.exists(os.path.join(k2td.workdir, "tasks", "meters", "archived"))


def test_a_repair_counts_once_when_the_batch_is_mapped_again(kafka, make_topic, produce,
                                                             standin, k2td):
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    produce(topic, [
        json.dumps({"id": 1, "ts": meters.BASE_MS, "location": "z" * 30}),   # truncated
        json.dumps({"id": 2, "ts": meters.BASE_MS, "extra": 2.5}),           # a new column:
    ])                                                                       # the batch again
    task = json_policy_task(kafka, standin, topic, k2td,
                            field_length_overflow="truncate_and_archive",
                            field_name_not_found="add_field")
    run = k2td.run(task, timeout=90)
    assert run.returncode == 0, run.stderr()
    rows = standin.sql("SELECT tbname, location, extra FROM kdb.meters ORDER BY tbname")
    assert rows["data"] == [["d_1", "z" * 24, None], ["d_2", None, 2.5]]
    lines = archive_lines(k2td.workdir, "meters")
    assert [l["offset"] for l in lines] == [0]
    assert "truncate_and_archive" in lines[0]["reason"]
    assert "1 rows repaired, 1 columns altered" in run.stderr()


def test_break_stops_the_task_without_committing(kafka, make_topic, produce, standin, k2td):
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    produce(topic, [meters.message(0), json.dumps({"id": 1, "voltage": 1})])
    task = json_policy_task(kafka, standin, topic, k2td, primary_timestamp_null="break")
    run = k2td.run(task, timeout=90)
    assert run.returncode == 1, run.stderr()
    assert f"{topic} [0] offset 1" in run.stderr()
    assert "primary_timestamp_null: break" in run.stderr()
    offsets = kafka.admin().list_consumer_group_offsets(
        [__import__("confluent_kafka").ConsumerGroupTopicPartitions("meters")])
    committed = offsets["meters"].result().topic_partitions
    assert all(tp.offset < 0 for tp in committed), committed


def test_a_supertable_dropped_while_the_task_runs_is_table_not_exist(kafka, make_topic,
                                                                    produce, standin, k2td):
    # k2td holds the schema: the first batch after the drop is refused by
    # TDengine (9731), the next ones find no supertable when mapped; all are
    # archived (table_not_exist: retry, then archive) until it is back
    from test_group import committed_offsets
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    produce(topic, [meters.message(i) for i in range(10)])
    task = json_policy_task(kafka, standin, topic, k2td)
    task["from"] = task["from"].replace("timeout=3s", "timeout=6s") + "&commit_interval=200ms"
    run = k2td.start(task)
    wait_until(lambda: meters.count(standin) == 10, 120, "the first rows")
    assert standin.sql("DROP STABLE kdb.meters")["code"] == 0
    produce(topic, [meters.message(i) for i in range(10, 15)])
    wait_until(lambda: run.returncode is not None or
               committed_offsets(kafka, "taosx" + topic, topic, 1) == 15, 120,
               "the refused batch settled")
    produce(topic, [meters.message(i) for i in range(15, 20)])
    wait_until(lambda: run.returncode is not None or
               committed_offsets(kafka, "taosx" + topic, topic, 1) == 20, 120,
               "a batch mapped without the supertable settled")
    assert run.returncode is None, run.stderr()
    meters.setup_target(standin)
    produce(topic, [meters.message(i) for i in range(20, 25)])
    run.wait(90)
    assert run.returncode == 0, run.stderr()
    lines = archive_lines(k2td.workdir, "meters")
    assert sorted(l["offset"] for l in lines) == list(range(10, 20))
    assert {l["reason"] for l in lines} == {"supertable `kdb`.`meters` does not exist"}
    assert "TDengine error 9731 (0x2603): Table does not exist: the statement's supertable " \
        "is gone" in run.stderr()
    assert "wrote 15 rows, 0 rows refused by TDengine, 0 rows skipped, 10 rows archived" \
        in run.stderr()
    assert meters.rows(standin) == meters.expected_rows(range(20, 25))


# A parser as taosX's Explorer saves it (digest §2.5, §3, §5): the wrapper
# with sample inputs, a global block with every write policy, field specs
# with JSON paths and types, mutate stages and a model.
TAOSX_PARSER = {
    "parser": {
        "global": {
            "cache": {"max_size": "1GB", "location": "", "on_fail": "skip"},
            "archive": {"keep_days": 30, "max_size": 1, "location": "archived",
                        "on_fail": "rotate"},
            "database_connection_error": "cache",
            "database_not_exist": "break",
            "table_not_exist": "retry",
            "primary_timestamp_overflow": "archive",
            "primary_timestamp_null": "archive",
            "primary_key_null": "archive",
            "table_name_length_overflow": "archive",
            "table_name_contains_illegal_char": {"replace_to": "_"},
            "variable_not_exist_in_table_name_template": {"replace_to": ""},
            "field_name_not_found": "add_field",
            "field_name_length_overflow": "archive",
            "field_length_extend": True,
            "field_length_overflow": "archive",
            "ingesting_error": "archive",
            "connection_timeout_in_second": 30,
        },
        "parse": {"value": {"json": ["id::int", "ts::timestamp(ms)", "$.data.v=voltage::int",
                                     "$.data.c=current::double", "message"]}},
        "mutate": [
            {"extract": {"message": {"split": {"separator": "-", "count": 2}}}},
            {"filter": ["id != 1"]},
            {"map": {"location": {"format": "${message_0}.${message_1}"},
                     "groupid": {"expr": "id % 4"}}},
        ],
        "model": {"name": "t_{id}", "using": "meters", "tags": ["groupid", "location"],
                  "columns": ["ts", "current", "voltage"]},
    },
    "input": [{"value": "{\"id\": 2, \"ts\": 1764000000000}", "key": ""}],
}


def test_a_taosx_parser_runs_unchanged(kafka, make_topic, produce, standin, k2td):
    meters.setup_target(standin)
    topic = make_topic(partitions=2)
    base = meters.BASE_MS
    produce(topic, [json.dumps({"id": i, "ts": base + i, "message": f"CA-SF{i}",
                                "data": {"v": 200 + i, "c": i / 4}}) for i in range(6)])
    task = with_options(meters.task(kafka, standin, [topic], parser=TAOSX_PARSER),
                        data_dir=str(k2td.workdir))
    run = k2td.run(task, timeout=90)
    assert run.returncode == 0, run.stderr()
    rows = standin.sql("SELECT tbname, current, voltage, groupid, location FROM kdb.meters "
                       "ORDER BY tbname")["data"]
    assert rows == [[f"t_{i}", i / 4, 200 + i, i % 4, f"CA.SF{i}"] for i in (0, 2, 3, 4, 5)]
