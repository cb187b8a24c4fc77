"""The other `parse.value` parsers through a real broker: regex, CSV, a Lua
UDT script and a parser plugin (the example plugin built with k2td)."""

import json
import os

import pytest

import meters

T = meters.BASE_MS
UDT = """
local rows = {}
local i = 0
for v in string.gmatch(data.vals, "[^,]+") do
  rows[#rows + 1] = {id = data.id, ts = data.ts + i, voltage = tonumber(v)}
  i = i + 1
end
return rows
"""

CASES = {
    "regex": ({"regex": "^d(?<id>[0-9]+) (?<ts>[0-9]+) (?<voltage>[0-9]+)V$"},
              [f"d7 {T} 231V", f"d8 {T + 1} 232V"],
              [("d_7", T, 231), ("d_8", T + 1, 232)]),
    "csv": ({"csv": {"names": ["id", "ts", "voltage"]}},
            [f"5,{T},240\n6,{T + 1},241"],
            [("d_5", T, 240), ("d_6", T + 1, 241)]),
    "udt": ({"udt": UDT},
            [json.dumps({"id": 1, "ts": T, "vals": "220,221,222"})],
            [("d_1", T, 220), ("d_1", T + 1, 221), ("d_1", T + 2, 222)]),
    "plugin": ({"plugin": {"name": "kv"}},
               [f"id=3,ts={T},voltage=250"],
               [("d_3", T, 250)]),
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_parser_kinds(kind, kafka, make_topic, produce, standin, k2td, k2td_bin):
    value, payloads, expected = CASES[kind]
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    produce(topic, payloads)
    parser = {"parse": {"value": value}, "model": {"name": "d_{id}", "using": "meters"}}
    task = meters.task(kafka, standin, [topic], parser=parser)
    task["options"] = {"plugins_home": os.path.join(os.path.dirname(str(k2td_bin)), "examples",
                                                    "parser-plugin")}
    run = k2td.run(task, timeout=90)
    assert run.returncode == 0, run.stderr()
    answer = standin.sql("SELECT tbname, ts, voltage FROM kdb.meters ORDER BY tbname, ts")
    assert answer["data"] == [[t, meters.iso_ms(ts), v] for t, ts, v in expected], run.stderr()


def test_missing_plugin_is_a_configuration_error(kafka, make_topic, standin, k2td):
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    parser = {"parse": {"value": {"plugin": {"name": "nosuch"}}},
              "model": {"name": "d_{id}", "using": "meters"}}
    task = meters.task(kafka, standin, [topic], parser=parser)
    task["options"] = {"plugins_home": "/nonexistent"}
    run = k2td.run(task, timeout=30)
    assert run.returncode == 2, run.stderr()
    assert "parser.parse.value" in run.stderr() and "nosuch" in run.stderr()


def test_gbk_payloads_are_decoded(kafka, make_topic, produce, standin, k2td):
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    record = {"id": 9, "ts": T, "voltage": 219, "location": "北京.朝阳"}
    produce(topic, [json.dumps(record, ensure_ascii=False).encode("gbk")])
    task = meters.task(kafka, standin, [topic], char_encoding="GBK")
    run = k2td.run(task, timeout=90)
    assert run.returncode == 0, run.stderr()
    answer = standin.sql("SELECT tbname, voltage, location FROM kdb.meters")
    assert answer["data"] == [["d_9", 219, "北京.朝阳"]]
