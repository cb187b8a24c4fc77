"""Drafts whose parser has no model yet: the preview shows parsing and the
mutate stages without reading TDengine, the supertable proposal works, and
a saved task (or `k2td run`) still needs a model. Also: the proposal never
names two columns like the time column."""

import json
import subprocess

PARSE_ONLY = {"parse": {"value": {"json": ""}},
              "mutate": [{"filter": "id != 2"}]}
SAMPLES = ['{"id": 1, "v": 1.5}', '{"id": 2, "v": 2.5}', "not json"]
# nothing listens on port 1: a draft that reads TDengine fails with 502
UNREACHABLE = "taos+http://root:x@127.0.0.1:1/db"


def td(standin, db="kdb"):
    return f"taos+http://root:taosdata@127.0.0.1:{standin.port}/{db}"


def test_preview_without_model_shows_parsing_and_stages_only(serve):
    a = serve.call("POST", "/api/preview",
                   {"to": UNREACHABLE, "parser": PARSE_ONLY, "samples": SAMPLES})
    assert a.status == 200, a
    doc = a.json()
    assert doc["target"] is None
    assert [m.get("rows") for m in doc["messages"]] == [1, 1, None]
    assert "error" in doc["messages"][2]
    assert [r["message"] for r in doc["parsed"]] == [0, 1]
    [stage] = doc["stages"]
    assert stage["kind"] == "filter"
    assert [r["message"] for r in stage["rows"]] == [0]
    assert [d["message"] for d in stage["dropped"]] == [1]
    assert doc["mapped"] == [] and doc["subtables"] == [] and doc["sql"] == []


def test_preview_without_model_reads_no_supertable(serve, standin):
    # the database exists but has no supertable at all
    assert standin.sql("CREATE DATABASE IF NOT EXISTS emptydb")["code"] == 0
    a = serve.call("POST", "/api/preview", {"to": td(standin, "emptydb"),
                                            "parser": {"parse": {"value": {"json": ""}}},
                                            "samples": ['{"a": 1}']})
    assert a.status == 200, a
    doc = a.json()
    assert doc["parsed"][0]["fields"] == [{"name": "a", "type": "int", "value": "1"}]
    assert doc["stages"] == [] and doc["mapped"] == [] and doc["sql"] == []


def test_preview_with_a_model_still_reads_tdengine(serve):
    parser = dict(PARSE_ONLY, model={"name": "t_{id}", "using": "meters"})
    a = serve.call("POST", "/api/preview",
                   {"to": UNREACHABLE, "parser": parser, "samples": SAMPLES})
    assert a.status == 502, a


def test_preview_without_model_still_checks_the_parser(serve):
    a = serve.call("POST", "/api/preview", {"to": UNREACHABLE,
                                            "parser": {"mutate": []}, "samples": ["{}"]})
    assert a.status == 400 and a.json()["field"] == "parser.parse", a
    a = serve.call("POST", "/api/preview", {"to": UNREACHABLE, "parser": {
        "parse": {"value": {"json": ""}}, "mutate": [{"nope": {}}]}, "samples": ["{}"]})
    assert a.status == 400 and a.json()["field"].startswith("parser"), a


def propose(serve, samples):
    """Proposes a supertable for samples with a model-less JSON parser;
    returns its columns as (name, type) pairs."""
    a = serve.call("POST", "/api/target/stables/propose",
                   {"to": UNREACHABLE, "parser": {"parse": {"value": {"json": ""}}},
                    "samples": samples})
    assert a.status == 200, a
    return [(c["name"], c["type"]) for c in a.json()["columns"]]


def test_propose_without_model(serve):
    assert propose(serve, ['{"id": 7, "name": "x"}']) == [
        ("ts", "TIMESTAMP"), ("id", "BIGINT"), ("name", "VARCHAR")]


def test_a_saved_task_still_needs_a_model(serve, tmp_path, k2td_bin):
    task = {"name": "no_model", "from": "kafka://127.0.0.1:1?topics=t", "to": UNREACHABLE,
            "parser": {"parse": {"value": {"json": ""}}}}
    a = serve.call("POST", "/api/tasks", task)
    assert a.status == 400, a
    assert "`model` is required" in a.json()["error"]
    path = tmp_path / "task.json"
    path.write_text(json.dumps(task))
    run = subprocess.run([str(k2td_bin), "run", str(path)], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode != 0
    assert "task.parser: key `model` is required" in run.stderr


def test_propose_takes_an_integer_epoch_ts_as_the_time_column(serve):
    samples = ['{"ts": 1764000000000, "id": 1, "v": 2.5}',
               '{"ts": 1764000000001, "id": 2, "v": 3}']
    assert propose(serve, samples) == [("ts", "TIMESTAMP"), ("id", "BIGINT"), ("v", "DOUBLE")]


def test_propose_takes_a_string_ts_as_the_time_column(serve):
    # a string that does not read as a time, named like the time column
    assert propose(serve, ['{"TS": "n/a", "v": 1}']) == [("TS", "TIMESTAMP"), ("v", "BIGINT")]


def test_propose_keeps_a_ts_field_beside_another_time_field(serve):
    # "at" reads as a time: it is the first column; "ts" is a plain column
    assert propose(serve, ['{"at": "2025-11-24T10:00:00Z", "ts": 5}']) == [
        ("at", "TIMESTAMP"), ("ts", "BIGINT")]
