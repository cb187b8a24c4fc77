"""`k2td preview`: sample messages through the parser, the mutate stages and
the mapper, shown stage by stage, with the supertable's schema read from the
TDengine stand-in; nothing is written and Kafka is never contacted."""

import json
import subprocess

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
    assert doc["target"] == {"db": "kdb", "stable": "seed", "precision": "ms"}
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
