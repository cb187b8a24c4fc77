"""k2td run: a real broker -> k2td -> the stand-in, checked row by row."""

import json

import meters


def test_objects_land_row_by_row(kafka, make_topic, produce, standin, k2td):
    meters.setup_target(standin)
    topic = make_topic()
    produce(topic, [meters.message(i) for i in range(500)])
    run = k2td.run(meters.task(kafka, standin, [topic]), timeout=90)
    assert run.returncode == 0, run.stderr()
    assert meters.rows(standin) == meters.expected_rows(range(500))
    assert "summary:" in run.stderr() and "consumed 500 messages" in run.stderr()


def test_array_and_ndjson_payloads(kafka, make_topic, produce, standin, k2td):
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    array = "[" + ",".join(meters.message(i) for i in range(0, 5)) + "]"
    lines = "\n".join(meters.message(i) for i in range(5, 10)) + "\n"
    produce(topic, [array, lines, meters.message(10)])
    run = k2td.run(meters.task(kafka, standin, [topic]), timeout=90)
    assert run.returncode == 0, run.stderr()
    assert meters.rows(standin) == meters.expected_rows(range(11))


def test_nested_fields_flatten_into_columns(kafka, make_topic, produce, standin, k2td):
    meters.setup_target(standin)
    standin.sql("CREATE STABLE kdb.nested (ts TIMESTAMP, data_voltage INT, location_0_city "
                "VARCHAR(16)) TAGS (id INT)")
    topic = make_topic(partitions=1)
    produce(topic, [json.dumps({"id": 7, "ts": meters.BASE_MS, "data": {"voltage": 221},
                                "location": [{"city": "Portland"}]})])
    parser = {"parse": {"value": {"json": ""}}, "model": {"name": "n_{id}", "using": "nested"}}
    run = k2td.run(meters.task(kafka, standin, [topic], parser=parser), timeout=90)
    assert run.returncode == 0, run.stderr()
    answer = standin.sql("SELECT tbname, data_voltage, location_0_city, id FROM kdb.nested")
    assert answer["data"] == [["n_7", 221, "Portland", 7]]


def test_two_topics(kafka, make_topic, produce, standin, k2td):
    meters.setup_target(standin)
    a, b = make_topic(), make_topic()
    produce(a, [meters.message(i) for i in range(0, 300)])
    produce(b, [meters.message(i) for i in range(300, 600)])
    run = k2td.run(meters.task(kafka, standin, [a, b]), timeout=90)
    assert run.returncode == 0, run.stderr()
    assert meters.rows(standin) == meters.expected_rows(range(600))


def test_timeout_ends_the_task_cleanly(kafka, make_topic, standin, k2td):
    meters.setup_target(standin)
    topic = make_topic()
    run = k2td.run(meters.task(kafka, standin, [topic], timeout="2s"), timeout=60)
    assert run.returncode == 0, run.stderr()
    assert "no message for 2000 ms" in run.stderr()
    assert "summary: task `meters` finished" in run.stderr()


def test_field_list_with_alias_and_type(kafka, make_topic, produce, standin, k2td):
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    produce(topic, [json.dumps({"dev": 3, "t": meters.BASE_MS // 1000, "v": "230",
                                "grp": 2, "loc": "x"})])
    parser = {"parse": {"value": {"json": ["$.dev=id", "$.t=ts::timestamp(s)", "$.v=voltage::int",
                                           "$.grp=groupid", "$.loc=location"]}},
              "model": {"name": "d_{id}", "using": "meters"}}
    run = k2td.run(meters.task(kafka, standin, [topic], parser=parser), timeout=90)
    assert run.returncode == 0, run.stderr()
    answer = standin.sql("SELECT tbname, ts, voltage, groupid, location FROM kdb.meters")
    assert answer["data"] == [["d_3", meters.iso_ms(meters.BASE_MS), 230, 2, "x"]]
