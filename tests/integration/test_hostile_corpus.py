"""A corpus of hostile messages through every text parser (JSON, CSV,
regex, a Lua UDT script), each one among good messages in one partition:
malformed payloads, bytes that are not UTF-8, numbers out of range, deep
nesting, SQL and quotes in values and names, names too long, scripts that
spin or eat memory. Each message must end as its policy says (written,
repaired, or archived with its topic/partition/offset and reason), be
counted, and never stop the stream; the committed offset covers them all.
The sanitizer pass of scripts/test.sh runs this against the ASan build."""

import json
import os

import pytest

import meters
from test_group import committed_offsets

T = meters.BASE_MS
STABLE = ("CREATE STABLE IF NOT EXISTS kdb.hostile (ts TIMESTAMP, v INT, f FLOAT, s NCHAR(16), "
          "b VARCHAR(16)) TAGS (loc VARCHAR(24))")
COLUMNS = "tbname, ts, v, f, s, b, loc"
NAME_SQL = "x`; DROP DATABASE kdb; --"


def row(table, i, v=None, f=None, s=None, b=None, loc=None):
    """A row as the stand-in answers `SELECT COLUMNS` (message i's time)."""
    return (table, meters.iso_ms(T + i), v, f, s, b, loc)


def good_json(i):
    return json.dumps({"id": 1, "ts": T + i, "v": i, "f": 0.5, "s": "ok", "b": "ok",
                       "loc": "here"})


def good_row(i):
    return row("d_1", i, i, 0.5, "ok", "ok", "here")


# d_1's tag comes from the corpus's first message (a subtable's tags are set
# when it is created).
# (payload, what becomes of it): ("row", expected row), ("archived", reason
# part) for a row a policy archived, ("malformed", reason part) for a
# payload the parser refused (archived too, and counted as malformed).
JSON_CORPUS = [
    (good_json(0), ("row", good_row(0))),
    (b"", ("malformed", "empty payload")),
    (None, ("malformed", "empty payload")),
    ('{"id": 1, "ts": ', ("malformed", "expected a value, found end of input")),
    ('{"a":[' * 40000, ("malformed", "nesting deeper than 64 levels")),
    ('{"a":' * 50000 + "1" + "}" * 50000, ("malformed", "nesting deeper than 64 levels")),
    ('{"id": 1, "ts": %d} xyz' % (T + 6), ("malformed", "unexpected data after an object")),
    ('{"id": 1, "ts": %d, "s": "\\ud800"}' % (T + 7),
     ("malformed", "high surrogate not followed by a low surrogate")),
    (b'{"id": 1, "ts": %d, "s": "a\xff\xfeb"}' % (T + 8),
     ("archived", "column `s` (NCHAR): 'a\\xff\\xfeb' is not valid UTF-8 (at byte 1)")),
    # a VARCHAR keeps bytes as they are, as TDengine itself does
    (b'{"id": 1, "ts": %d, "b": "a\xff\xfeb"}' % (T + 9),
     ("row", row("d_1", 9, b=b"a\xff\xfeb".decode("utf-8", "surrogateescape"),
                      loc="here"))),
    (json.dumps({"id": 1, "ts": T + 10, "v": 99999999999}),
     ("archived", "column `v` (INT): 99999999999 is out of range")),
    ('{"id": 1, "ts": %d, "f": 1e400}' % (T + 11),
     ("archived", "column `f` (FLOAT): 1e400 is out of range")),
    ('{"id": 1, "ts": 99999999999999999999999}', ("archived", "is not a valid timestamp")),
    (json.dumps({"id": 1, "ts": T + 13, "v": "1); DROP TABLE x; --"}),
     ("archived", "column `v` (INT): '1); DROP TABLE x; --' is not an integer")),
    (json.dumps({"id": 1, "ts": T + 14, "s": "a\u0000b"}), ("archived", "contains a NUL byte")),
    (json.dumps({"id": NAME_SQL, "ts": T + 15, "v": 15}), ("row", row("d_" + NAME_SQL, 15, 15))),
    (json.dumps({"id": "a" * 300, "ts": T + 16}),
     ("archived", "is 302 bytes long, more than 192")),
    (json.dumps({"id": "a.b", "ts": T + 17, "v": 17}), ("row", row("d_a_b", 17, 17))),
    (json.dumps({"id": 1, "ts": T + 18, "loc": "x" * 100000}),
     ("archived", "is 100000 bytes long, more than 24")),
    (json.dumps({"id": 1, "ts": T + 19, "s": "it's \\ `x`\n');--"}),
     ("row", row("d_1", 19, s="it's \\ `x`\n');--", loc="here"))),
    ('{"id": 1, "ts": %d, "v\\u0000": 5, "v": 20}' % (T + 20),
     ("row", row("d_1", 20, 20, loc="here"))),
    (good_json(21), ("row", good_row(21))),
]

CSV_CORPUS = [
    (f"1,{T},0,ok", ("row", row("d_1", 0, 0, s="ok"))),
    (f'1,{T + 1},1,"unterminated', ("malformed", "field 4: unterminated quoted field")),
    (b"1,%d,2,a\xff" % (T + 2), ("archived", "is not valid UTF-8")),
    (f"1,{T + 3},99999999999,x", ("archived", "out of range")),
    (b"\x00\x01\x02", ("malformed", "line 1: 1 field, expected 4")),
    (f"{NAME_SQL},{T + 5},5,q", ("row", row("d_" + NAME_SQL, 5, 5, s="q"))),
    (f"1,{T + 6},6,ok", ("row", row("d_1", 6, 6, s="ok"))),
]

REGEX_CORPUS = [
    (f"d1 {T} 0", ("row", row("d_1", 0, 0))),
    ("garbage", ("malformed", "")),
    (b"d1 %d 2\xff" % (T + 2), ("malformed", "")),
    (f"d1 {T + 3} 99999999999", ("archived", "out of range")),
    ("d" + "1" * 300 + f" {T + 4} 4", ("archived", "more than 192")),
    (f"d1 {T + 5} 5", ("row", row("d_1", 5, 5))),
]

UDT = """
if data.spin then while true do end end
if data.hog then local t = {} for i = 1, 1e9 do t[i] = string.rep("x", 64) .. i end end
if data.fail then error("refused by the script") end
return {{id = data.id, ts = data.ts, v = data.v}}
"""

UDT_CORPUS = [
    (json.dumps({"id": 1, "ts": T, "v": 0}), ("row", row("d_1", 0, 0))),
    (json.dumps({"spin": True}), ("malformed", "instruction budget")),
    (json.dumps({"hog": True}), ("malformed", "memory limit")),
    (json.dumps({"fail": True}), ("malformed", "refused by the script")),
    ("not json", ("malformed", "")),
    (json.dumps({"id": 1, "ts": T + 5, "v": 99999999999}), ("archived", "out of range")),
    (json.dumps({"id": 1, "ts": T + 6, "v": 6}), ("row", row("d_1", 6, 6))),
]

CASES = {
    "json": ({"json": ""}, JSON_CORPUS),
    "csv": ({"csv": {"names": ["id", "ts", "v", "s"]}}, CSV_CORPUS),
    "regex": ({"regex": "^d(?<id>[0-9]+) (?<ts>[0-9]+) (?<v>-?[0-9]+)$"}, REGEX_CORPUS),
    "udt": ({"udt": UDT}, UDT_CORPUS),
}


def archived_offsets(workdir):
    """{offset: reason} of the task's archive file."""
    path = os.path.join(str(workdir), "tasks", "hostile", "archived", "archive.jsonl")
    with open(path) as f:
        return {line["offset"]: line["reason"] for line in map(json.loads, f)}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_hostile_messages_end_by_their_policy(kind, kafka, make_topic, produce, standin, k2td):
    value, corpus = CASES[kind]
    meters.setup_target(standin)
    assert standin.sql(STABLE)["code"] == 0
    topic = make_topic(partitions=1)
    produce(topic, [payload for payload, _ in corpus])
    parser = {"parse": {"value": value}, "model": {"name": "d_{id}", "using": "hostile"}}
    task = meters.task(kafka, standin, [topic], name="hostile", parser=parser)
    task["options"] = {"data_dir": str(k2td.workdir)}
    run = k2td.run(task, timeout=180)
    log = run.stderr()
    assert run.returncode == 0, log

    archived = archived_offsets(k2td.workdir)
    expected_rows = sorted(what for verdict, what in (o for _, o in corpus) if verdict == "row")
    for offset, (_, (verdict, what)) in enumerate(corpus):
        where = f"{topic} [0] offset {offset}"
        if verdict == "row":
            assert offset not in archived, (offset, archived.get(offset))
            continue
        assert offset in archived, (offset, log)
        assert what in archived[offset], (offset, archived[offset])
        assert f"archived a row of {where}:" in log, (offset, log)
        if verdict == "malformed":
            assert f"malformed message {where}:" in log, (offset, log)

    answer = standin.sql(f"SELECT {COLUMNS} FROM kdb.hostile ORDER BY tbname, ts")
    assert answer["code"] == 0, answer
    assert sorted(tuple(r) for r in answer["data"]) == expected_rows
    malformed = sum(1 for _, (verdict, _) in corpus if verdict == "malformed")
    assert f"wrote {len(expected_rows)} rows" in log, log
    assert f"{len(corpus) - len(expected_rows)} rows archived" in log, log
    assert f"{malformed} malformed messages" in log, log
    assert committed_offsets(kafka, "taosx" + topic, topic, 1) == len(corpus)
