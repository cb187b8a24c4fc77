"""Every write path of k2td against a real TDengine server: broker -> k2td ->
taosAdapter, then a SELECT of exactly what was stored (values, tags and
subtable names)."""

import json

import pytest

import meters
from tdcase import run_ok, td_task
from test_parsers import CASES as PARSER_CASES

T = meters.BASE_MS


def test_json_meters_land_exactly(kafka, make_topic, produce, td, k2td):
    """The canonical meters task (JSON, d_{id} subtables auto-created with
    their tags) stores every record with its values and tags, as the
    stand-in-based integration tests expect."""
    meters.setup_target(td, db=td.db)
    topic = make_topic(partitions=2)
    produce(topic, [meters.message(i) for i in range(40)])
    run_ok(k2td, td_task(kafka, td, topic))
    assert meters.rows(td, db=td.db) == meters.expected_rows(range(40))


# parse.value, payloads, expected (tbname, ts, voltage) rows: the stand-in
# suite's cases of the parsers that need no plugin
PARSERS = {kind: PARSER_CASES[kind] for kind in ("regex", "csv", "udt")}


@pytest.mark.parametrize("kind", sorted(PARSERS))
def test_payload_parsers(kind, kafka, make_topic, produce, td, k2td):
    """The regex, CSV and Lua (udt) parsers each store their rows, with the
    d_{id} subtable and its groupid tag left NULL, on the real server."""
    value, payloads, expected = PARSERS[kind]
    meters.setup_target(td, db=td.db)
    topic = make_topic(partitions=1)
    produce(topic, payloads)
    parser = {"parse": {"value": value}, "model": {"name": "d_{id}", "using": "meters"}}
    run_ok(k2td, td_task(kafka, td, topic, parser=parser))
    assert td.ok(f"SELECT tbname, ts, voltage, groupid FROM {td.db}.meters ORDER BY tbname, ts") \
        == [[t, meters.iso_ms(ts), v, None] for t, ts, v in expected]


def test_split_filter_map_into_t_id_subtables(kafka, make_topic, produce, td, k2td):
    """extract/split, filter and map (format, expr) feed auto-created t_{id}
    subtables whose INT tag comes from the message."""
    td.ok(f"CREATE STABLE {td.db}.seed (ts TIMESTAMP, message_0 VARCHAR(16), "
          "message_1 VARCHAR(16), label VARCHAR(32), volt INT) TAGS (id INT)")
    topic = make_topic(partitions=1)
    produce(topic, [json.dumps({"id": 1, "ts": T, "message": "hello-word"}),
                    json.dumps({"id": 2, "ts": T + 1, "message": "hello-word"}),
                    json.dumps({"id": 3, "ts": T + 2, "message": "abc-def"})])
    parser = {
        "parse": {"value": {"json": ""}},
        "mutate": [
            {"extract": {"message": {"split": {"separator": "-", "count": 2}}}},
            {"filter": ["id != 1"]},
            {"map": {"label": {"format": "${message_0.to_upper()}#${id}"},
                     "volt": {"expr": "id * 100 + 7"}}},
        ],
        "model": {"name": "t_{id}", "using": "seed"},
    }
    run = run_ok(k2td, td_task(kafka, td, topic, parser=parser))
    assert td.ok(f"SELECT tbname, ts, message_0, message_1, label, volt, id FROM {td.db}.seed "
                 "ORDER BY tbname") == [
        ["t_2", meters.iso_ms(T + 1), "hello", "word", "HELLO#2", 207, 2],
        ["t_3", meters.iso_ms(T + 2), "abc", "def", "ABC#3", 307, 3]]
    assert "1 rows filtered" in run.stderr()
    assert sorted(r[0] for r in td.ok(f"SHOW {td.db}.TABLES")) == ["t_2", "t_3"]
