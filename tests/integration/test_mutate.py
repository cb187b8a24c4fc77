"""The mutate stages through a real broker: the seed's walkthrough example
(split `message` on '-', filter `id != 1`, subtable `t_{id}`) plus map rules."""

import json

import meters


def test_seed_split_filter_map(kafka, make_topic, produce, standin, k2td):
    meters.setup_target(standin)
    standin.sql("CREATE STABLE kdb.seed (ts TIMESTAMP, message_0 VARCHAR(16), "
                "message_1 VARCHAR(16), label VARCHAR(32), volt INT) TAGS (id INT)")
    topic = make_topic(partitions=1)
    produce(topic, [json.dumps({"id": 1, "message": "hello-word"}),
                    json.dumps({"id": 2, "message": "hello-word"}),
                    json.dumps({"id": 3, "message": "abc-def"})])
    parser = {
        "parse": {"value": {"json": ""}},
        "mutate": [
            {"extract": {"message": {"split": {"separator": "-", "count": 2}}}},
            {"filter": ["id != 1"]},
            {"map": {"ts": {"generator": "now"},
                     "label": {"format": "${message_0.to_upper()}#${id}"},
                     "volt": {"expr": "id * 100 + 7"}}},
        ],
        "model": {"name": "t_{id}", "using": "seed"},
    }
    run = k2td.run(meters.task(kafka, standin, [topic], parser=parser), timeout=90)
    assert run.returncode == 0, run.stderr()
    answer = standin.sql("SELECT tbname, message_0, message_1, label, volt, id FROM kdb.seed "
                         "ORDER BY tbname")
    assert answer["data"] == [["t_2", "hello", "word", "HELLO#2", 207, 2],
                              ["t_3", "abc", "def", "ABC#3", 307, 3]]
    assert "1 rows filtered" in run.stderr()


def test_bad_mutate_stage_is_a_configuration_error(kafka, make_topic, standin, k2td):
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    parser = {"parse": {"value": {"json": ""}},
              "mutate": [{"filter": ["id >"]}],
              "model": {"name": "t_{id}", "using": "meters"}}
    run = k2td.run(meters.task(kafka, standin, [topic], parser=parser), timeout=30)
    assert run.returncode == 2, run.stderr()
    assert "parser.mutate[0].filter" in run.stderr()
