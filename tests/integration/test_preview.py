"""`k2td preview`: sample messages through the parser, the mutate stages and
the mapper, shown stage by stage, with the supertable's schema read from the
TDengine stand-in, given in a --schema file, or (TDengine unreachable) taken
from the mapping; nothing is written and Kafka is never contacted."""

import json
import subprocess

import pytest

import meters

SEED_PARSER = {
    "parse": {"value": {"json": ""}},
    "mutate": [
        {"extract": {"message": {"split": {"separator": "-", "count": 2}}}},
        {"filter": ["id != 1"]},
        {"map": {"ts": {"value": 1700000000000}}},
    ],
    "model": {"name": "t_{id}", "using": "seed"},
}


def seed_target(standin):
    meters.setup_target(standin)
    answer = standin.sql("CREATE STABLE kdb.seed (ts TIMESTAMP, message_0 VARCHAR(16), "
                         "message_1 VARCHAR(16)) TAGS (id INT)")
    assert answer["code"] == 0, answer


def seed_task(standin):
    # the source is never contacted: nothing listens on port 1
    return {"name": "seed", "from": "kafka://127.0.0.1:1?topics=nowhere",
            "to": f"taos+http://root:taosdata@127.0.0.1:{standin.port}/kdb",
            "parser": SEED_PARSER}


def preview(k2td_bin, tmp_path, task, lines, *extra):
    task_path = tmp_path / "task.json"
    task_path.write_text(json.dumps(task))
    sample = tmp_path / "sample.txt"
    sample.write_text("".join(line + "\n" for line in lines))
    return subprocess.run([k2td_bin, "preview", str(task_path), "--sample", str(sample),
                           *extra], capture_output=True, text=True, timeout=60)


def fields(row):
    return {f["name"]: (f["type"], f["value"]) for f in row["fields"]}


def values(row, key="columns"):
    return {c["name"]: (c["type"], c["value"]) for c in row[key]}


def test_seed_example_stage_by_stage(standin, k2td_bin, tmp_path):
    seed_target(standin)
    lines = [json.dumps({"id": 1, "message": "hello-word"}),
             json.dumps({"id": 2, "message": "hello-word"}),
             json.dumps({"id": 3, "message": "abc-def"})]
    run = preview(k2td_bin, tmp_path, seed_task(standin), lines, "--json")
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert doc["target"] == {"db": "kdb", "stable": "seed", "precision": "ms",
                             "schema_from": "tdengine"}
    assert [m["rows"] for m in doc["messages"]] == [1, 1, 1]
    assert [r["message"] for r in doc["parsed"]] == [0, 1, 2]
    assert fields(doc["parsed"][1]) == {"id": ("int", "2"), "message": ("string", "hello-word")}

    split, filt, ts = doc["stages"]
    assert split["kind"] == "extract" and split["dropped"] == []
    assert fields(split["rows"][2])["message_0"] == ("string", "abc")
    assert fields(split["rows"][2])["message_1"] == ("string", "def")
    assert filt["kind"] == "filter"
    assert [r["message"] for r in filt["rows"]] == [1, 2]
    assert len(filt["dropped"]) == 1
    dropped = filt["dropped"][0]
    assert dropped["message"] == 0 and fields(dropped)["id"] == ("int", "1")
    assert "id != 1" in dropped["reason"]
    assert ts["kind"] == "map" and [r["message"] for r in ts["rows"]] == [1, 2]

    assert [m["message"] for m in doc["mapped"]] == [1, 2]
    first = doc["mapped"][0]
    assert first["subtable"] == "t_2"
    assert values(first) == {"ts": ("TIMESTAMP", "1700000000000"),
                             "message_0": ("VARCHAR(16)", "'hello'"),
                             "message_1": ("VARCHAR(16)", "'word'")}
    assert values(first, "tags") == {"id": ("INT", "2")}
    assert doc["mapped"][1]["subtable"] == "t_3"
    assert doc["subtables"] == ["t_2", "t_3"]
    assert len(doc["sql"]) == 1
    sql = doc["sql"][0]
    assert sql.startswith("INSERT INTO ")
    assert "`t_2` USING `kdb`.`seed`" in sql and "`t_3` USING `kdb`.`seed`" in sql
    assert "(1700000000000,'hello','word')" in sql and "'abc','def'" in sql
    assert "t_1" not in sql


def test_text_output_has_every_stage(standin, k2td_bin, tmp_path):
    seed_target(standin)
    lines = [json.dumps({"id": 1, "message": "a-b"}), json.dumps({"id": 2, "message": "c-d"})]
    run = preview(k2td_bin, tmp_path, seed_task(standin), lines)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert out.splitlines()[1] == "schema from: tdengine", out
    for part in ("parsed rows:", "after stage 1 (filter)", "dropped msg 0:", "mapped rows:",
                 "VARCHAR(16)", "subtables:\n  t_2", "INSERT INTO "):
        assert part in out, out


def test_names_no_sample_row_has_are_warnings(standin, k2td_bin, tmp_path):
    seed_target(standin)
    task = seed_task(standin)
    task["parser"] = {
        "parse": {"value": {"json": ""}},
        "mutate": [{"filter": ["idd != 1"]},
                   {"map": {"message_0": {"expr": "mesage + \"!\""},
                            "ts": {"value": 1700000000000}}}],
        "model": {"name": "t_{idd}", "using": "seed"},
    }
    lines = [json.dumps({"id": i, "message": "a-b"}) for i in range(3)]
    run = preview(k2td_bin, tmp_path, task, lines, "--json")
    assert run.returncode == 0, run.stderr
    warnings = {w["path"]: w["message"] for w in json.loads(run.stdout)["warnings"]}
    assert warnings == {
        "parser.mutate[0].filter[0]":
            "field `idd` is in none of the sample rows that reach it (did you mean `id`?)",
        "parser.mutate[1].map.message_0":
            "field `mesage` is in none of the sample rows that reach it (did you mean `message`?)",
        "parser.model.name":
            "placeholder `idd` is in none of the sample rows that reach it (did you mean `id`?)",
    }, warnings
    text = preview(k2td_bin, tmp_path, task, lines)
    assert "warnings:\n  parser.mutate[0].filter[0]: field `idd`" in text.stdout, text.stdout
    # the seed task's names are all there: no warning
    run = preview(k2td_bin, tmp_path, seed_task(standin), lines, "--json")
    assert json.loads(run.stdout)["warnings"] == []


def test_malformed_line_is_reported_and_the_rest_previewed(standin, k2td_bin, tmp_path):
    seed_target(standin)
    lines = [json.dumps({"id": 2, "message": "x-y"}), "{not json",
             json.dumps({"id": 4, "message": "p-q"})]
    run = preview(k2td_bin, tmp_path, seed_task(standin), lines, "--json")
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    bad = doc["messages"][1]
    assert bad["payload"] == "{not json" and bad["error"] and "rows" not in bad
    assert [r["message"] for r in doc["parsed"]] == [0, 2]
    assert doc["subtables"] == ["t_2", "t_4"]


def test_value_too_long_shows_the_reason(standin, k2td_bin, tmp_path):
    seed_target(standin)
    lines = [json.dumps({"id": 2, "message": "x" * 20 + "-y"}),
             json.dumps({"id": 3, "message": "ok-fine"})]
    run = preview(k2td_bin, tmp_path, seed_task(standin), lines, "--json")
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    refused, kept = doc["mapped"]
    assert refused["message"] == 0 and "subtable" not in refused
    assert "message_0" in refused["error"] and "more than 16" in refused["error"]
    assert kept["subtable"] == "t_3"
    assert doc["subtables"] == ["t_3"]
    assert "x" * 20 not in doc["sql"][0]


def test_preview_writes_nothing(standin, k2td_bin, tmp_path):
    seed_target(standin)
    lines = [json.dumps({"id": i, "message": "a-b"}) for i in range(2, 6)]
    run = preview(k2td_bin, tmp_path, seed_task(standin), lines, "--json")
    assert run.returncode == 0, run.stderr
    assert len(json.loads(run.stdout)["mapped"]) == 4
    assert standin.sql("SELECT COUNT(*) FROM kdb.seed")["data"][0][0] == 0
    tables = standin.sql("SHOW kdb.TABLES")
    assert tables["code"] != 0 or not tables["data"], tables


def test_missing_supertable_exit_code(standin, k2td_bin, tmp_path):
    meters.setup_target(standin)
    run = preview(k2td_bin, tmp_path, seed_task(standin), ["{}"], "--json")
    assert run.returncode == 8, run.stderr
    assert "seed" in run.stderr and run.stdout == ""


def test_bytes_that_are_not_utf8_keep_the_document_valid(standin, k2td_bin, tmp_path):
    seed_target(standin)
    task_path = tmp_path / "task.json"
    task_path.write_text(json.dumps(seed_task(standin)))
    sample = b'{"id": 2, "message": "a\xff-b"}\n\x00\xfe\n'
    run = subprocess.run([k2td_bin, "preview", str(task_path), "--sample", "-", "--json"],
                         input=sample, capture_output=True, timeout=60)
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout.decode("utf-8"))
    assert doc["messages"][1]["payload"] == "\\x00\\xfe" and doc["messages"][1]["error"]
    assert fields(doc["parsed"][0])["message"] == ("string", "a\\xff-b")


# The seed supertable as DESCRIBE lists it, for --schema.
SEED_SCHEMA = [{"name": "ts", "type": "TIMESTAMP", "length": 8, "note": ""},
               {"name": "message_0", "type": "VARCHAR", "length": 16, "note": ""},
               {"name": "message_1", "type": "VARCHAR", "length": 16, "note": ""},
               {"name": "id", "type": "INT", "length": 4, "note": "TAG"}]
SEED_LINES = [json.dumps({"id": 2, "message": "hello-word"}),
              json.dumps({"id": 3, "message": "x" * 20 + "-y"}),
              json.dumps({"id": 4, "message": "abc-def"})]


def schema_file(tmp_path, schema, name="schema.json"):
    path = tmp_path / name
    path.write_text(schema if isinstance(schema, str) else json.dumps(schema))
    return str(path)


def mapped(doc):
    """What the preview shows after mapping: rows, subtables, SQL."""
    return doc["mapped"], doc["subtables"], doc["sql"]


def test_schema_file_gives_what_the_target_gives(standin, k2td_bin, tmp_path):
    """The seed supertable read from the stand-in and the same schema given
    in a file map the samples alike, the file also once the stand-in is
    stopped; the document says where the schema came from."""
    seed_target(standin)
    task = seed_task(standin)
    run = preview(k2td_bin, tmp_path, task, SEED_LINES, "--json")
    assert run.returncode == 0, run.stderr
    from_target = json.loads(run.stdout)
    assert from_target["target"]["schema_from"] == "tdengine"
    assert "more than 16" in from_target["mapped"][1]["error"]

    path = schema_file(tmp_path, SEED_SCHEMA)
    run = preview(k2td_bin, tmp_path, task, SEED_LINES, "--json", "--schema", path)
    assert run.returncode == 0, run.stderr
    from_file = json.loads(run.stdout)
    assert from_file["target"] == {"db": "kdb", "stable": "seed", "precision": "ms",
                                   "schema_from": "file", "schema_file": path}
    assert mapped(from_file) == mapped(from_target)

    standin.stop()
    run = preview(k2td_bin, tmp_path, task, SEED_LINES, "--json", f"--schema={path}")
    assert run.returncode == 0, run.stderr
    assert mapped(json.loads(run.stdout)) == mapped(from_target)
    text = preview(k2td_bin, tmp_path, task, SEED_LINES, "--schema", path)
    assert text.returncode == 0, text.stderr
    assert text.stdout.splitlines()[1] == f"schema from: file ({path})", text.stdout


def test_schema_file_wins_over_the_target(standin, k2td_bin, tmp_path):
    """An explicit --schema is used even where TDengine answers: a narrower
    column there refuses a value the real one takes."""
    seed_target(standin)
    narrow = [dict(c) for c in SEED_SCHEMA]
    narrow[1]["length"] = 4
    path = schema_file(tmp_path, {"precision": "us", "stables": {"seed": narrow}})
    run = preview(k2td_bin, tmp_path, seed_task(standin), SEED_LINES, "--json", "--schema", path)
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert doc["target"]["schema_from"] == "file" and doc["target"]["precision"] == "us"
    ok, too_long, abc = doc["mapped"]
    assert "more than 4" in ok["error"], ok
    assert values(abc)["message_0"] == ("VARCHAR(4)", "'abc'")
    assert doc["subtables"] == ["t_4"]


def test_unreachable_target_takes_the_schema_from_the_mapping(standin, k2td_bin, tmp_path):
    """With TDengine unreachable (the stand-in stopped), the supertable is
    the model's columns and tags, typed by the JSON field list (else
    VARCHAR(4096), the first column TIMESTAMP); the output says so and why
    TDengine was not read, without the DSN's password."""
    # port 1: nothing listens there (a stopped stand-in's port may be taken
    # by another process by the time the preview runs)
    task = seed_task(standin)
    task["to"] = task["to"].replace(f":{standin.port}/", ":1/").replace("taosdata", "Pa55word")
    task["parser"] = {
        "parse": {"value": {"json": ["id::int", "ts", "v::float", "name::varchar(8)"]}},
        "model": {"name": "t_{id}", "using": "meters", "columns": ["ts", "v", "name", "note"],
                  "tags": ["id"]}}
    lines = [json.dumps({"id": 1, "ts": 1700000000000, "v": 1.5, "name": "ab"}),
             json.dumps({"id": 2, "ts": 1700000000001, "v": 2, "name": "toolongname"})]
    run = preview(k2td_bin, tmp_path, task, lines, "--json")
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    target = doc["target"]
    assert target["schema_from"] == "mapping" and target["precision"] == "ms", target
    assert target["unreachable"].startswith("TDengine is unreachable"), target
    assert "127.0.0.1:1:" in target["unreachable"], target
    first, refused = doc["mapped"]
    assert values(first) == {"ts": ("TIMESTAMP", "1700000000000"), "v": ("FLOAT", "1.5"),
                             "name": ("VARCHAR(8)", "'ab'"), "note": ("VARCHAR(4096)", "NULL")}
    assert values(first, "tags") == {"id": ("INT", "1")}
    assert "name" in refused["error"] and "more than 8" in refused["error"], refused
    assert doc["subtables"] == ["t_1"]
    assert "USING `kdb`.`meters`" in doc["sql"][0]

    text = preview(k2td_bin, tmp_path, task, lines)
    assert text.returncode == 0, text.stderr
    head = text.stdout.splitlines()
    assert head[1] == "schema from: mapping", text.stdout
    assert head[2] == f"  because {target['unreachable']}", text.stdout
    assert "Pa55word" not in run.stdout + run.stderr + text.stdout + text.stderr


def test_mapping_without_columns_cannot_stand_in(standin, k2td_bin, tmp_path):
    """A mapping that names no columns gives no schema: with TDengine
    unreachable the preview fails saying both why (exit 2)."""
    task = seed_task(standin)
    task["to"] = task["to"].replace(f":{standin.port}/", ":1/")
    run = preview(k2td_bin, tmp_path, task, SEED_LINES, "--json")
    assert run.returncode == 2, run.stderr
    assert run.stdout == ""
    assert "TDengine is unreachable" in run.stderr, run.stderr
    assert ("the schema cannot come from the mapping either: the mapping of supertable `seed` "
            "names no columns") in run.stderr, run.stderr


BAD_SCHEMAS = {
    "not_json": ("[{\"name\": ", "invalid JSON near line 1"),
    "unknown_type": ([{"name": "ts", "type": "TIMESTAMP"}, {"name": "v", "type": "INTEGER"},
                      {"name": "id", "type": "INT", "note": "TAG"}],
                     "schema[1].type: unknown type `INTEGER`"),
    "missing_name": ([{"name": "ts", "type": "TIMESTAMP"}, {"type": "INT"},
                      {"name": "id", "type": "INT", "note": "TAG"}],
                     "schema[1].name: must be a non-empty string, not missing"),
    "no_length": ([{"name": "ts", "type": "TIMESTAMP"}, {"name": "v", "type": "NCHAR"},
                   {"name": "id", "type": "INT", "note": "TAG"}],
                  "schema[1]: type NCHAR needs a length"),
    "no_tags": ([{"name": "ts", "type": "TIMESTAMP"}, {"name": "v", "type": "INT"}],
                "schema: has no tags: it is not a supertable"),
    "not_a_list": ({"stables": []}, "schema.stables: must be an object naming each supertable"),
}


@pytest.mark.parametrize("case", sorted(BAD_SCHEMAS))
def test_bad_schema_file_is_refused(case, standin, k2td_bin, tmp_path):
    """A --schema file that cannot be read as a schema stops the preview
    (exit 2) before anything else, naming the file and the entry."""
    seed_target(standin)
    schema, reason = BAD_SCHEMAS[case]
    path = schema_file(tmp_path, schema)
    run = preview(k2td_bin, tmp_path, seed_task(standin), SEED_LINES, "--schema", path)
    assert run.returncode == 2, run.stderr
    assert run.stdout == ""
    assert run.stderr.startswith(f"k2td: --schema: {path}: {reason}"), run.stderr


def test_schema_file_without_the_supertable(standin, k2td_bin, tmp_path):
    """A schema file that describes other supertables only: exit 8, as a
    missing supertable, naming the ones it has."""
    path = schema_file(tmp_path, {"stables": {"other": SEED_SCHEMA}})
    run = preview(k2td_bin, tmp_path, seed_task(standin), SEED_LINES, "--schema", path)
    assert run.returncode == 8, run.stderr
    assert f"{path}: describes no supertable `seed` (only `other`)" in run.stderr
    missing = preview(k2td_bin, tmp_path, seed_task(standin), SEED_LINES, "--schema",
                      str(tmp_path / "absent.json"))
    assert missing.returncode == 2
    assert f"{tmp_path / 'absent.json'}: cannot read: No such file" in missing.stderr
