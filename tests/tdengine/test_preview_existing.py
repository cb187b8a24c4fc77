"""`k2td preview` against a real TDengine server: a subtable that already
exists under another supertable (the preview's SQL is refused), or under the
same one with other tags (which the server keeps), is reported; tags equal
to the mapped values, as the server shows them, are not."""

import json

import meters
from tdcase import td_task
from test_cli_check_preview import NO_KAFKA, _preview

TYPED_TAGS = ("t TIMESTAMP, fl FLOAT, d DOUBLE, u BIGINT UNSIGNED, b BOOL, vb VARBINARY(8), "
              "s VARCHAR(20), nc NCHAR(8), g GEOMETRY(64)")
# the server's literals for the values TYPED_SAMPLE maps to, and others for each
TYPED_SAME = ("1700000000123, 1.1, 0.1, 18446744073709551615, true, '\\x6162', 'a\\\\b\\'c\"', "
              "'é中', 'POINT(1 2)'")
TYPED_OTHER = "1700000000124, 1.2, 0.2, 1, false, 'abc', 'other', 'x', 'POINT(1 3)'"
TYPED_SAMPLE = {"t": 1700000000123, "fl": 1.1, "d": 0.1, "u": 18446744073709551615, "b": True,
                "vb": "ab", "s": "a\\b'c\"", "nc": "é中", "g": "POINT(1 2)"}


def _task(td, template, stable):
    return td_task(NO_KAFKA, td, "nowhere", parser={
        "parse": {"value": {"json": ""}}, "model": {"name": template, "using": stable}})


def _by_name(entries):
    return sorted(entries, key=lambda e: (e["subtable"], e.get("tag", "")))


def test_subtables_of_another_supertable_or_with_other_tags(td, k2td):
    meters.setup_target(td, db=td.db)
    for sql in (f"CREATE STABLE {td.db}.other (ts TIMESTAMP, v INT) TAGS (x INT)",
                f"CREATE TABLE {td.db}.d_0 USING {td.db}.other TAGS (1)",
                f"CREATE TABLE {td.db}.d_1 USING {td.db}.meters TAGS (1, 'Elsewhere')",
                f"CREATE TABLE {td.db}.d_2 USING {td.db}.meters TAGS (2, 'Oregon.Portland')"):
        td.ok(sql)
    run = _preview(k2td, _task(td, "d_{id}", "meters"), [meters.message(i) for i in range(4)])
    assert run.returncode == 0, run.stderr()
    doc = json.loads(run.stdout())
    other = "subtable `d_0` already exists under supertable `other`: its rows would be refused"
    tags = ("subtable `d_1` exists with tag location=`Elsewhere` where the preview maps "
            "`California.LosAngeles`: TDengine keeps the existing tags")
    assert _by_name(doc["existing"]) == [
        {"subtable": "d_0", "stable": "other", "preview_stable": "meters", "message": other},
        {"subtable": "d_1", "stable": "meters", "tag": "location", "value": "Elsewhere",
         "preview_value": "California.LosAngeles", "message": tags}]
    assert sorted(w["message"] for w in doc["warnings"]) == [other, tags]

    # what the preview warns about is what the server does with its SQL
    answer = td.sql(doc["sql"][0])
    assert (answer["code"], answer["desc"]) == (1565, "Table already exists in other stables")
    td.ok(f"INSERT INTO {td.db}.d_1 USING {td.db}.meters TAGS (1, 'California.LosAngeles') "
          f"VALUES ({meters.BASE_MS}, 1, 1, 1)")
    assert td.ok(f"SELECT location FROM {td.db}.d_1") == [["Elsewhere"]]


def test_tags_compare_as_the_server_shows_them(td, k2td):
    # x'1\ has the very tags the preview maps: FLOAT, DOUBLE, VARBINARY, ...
    # as ins_tags shows them agree; x'2\ has other values for all (GEOMETRY
    # is not compared); x'3\ is under another supertable
    db = td.db
    for sql in (f"CREATE STABLE {db}.typed (ts TIMESTAMP, v INT) TAGS ({TYPED_TAGS})",
                f"CREATE STABLE {db}.other (ts TIMESTAMP, v INT) TAGS (x INT)",
                f"CREATE TABLE {db}.`x'1\\` USING {db}.typed TAGS ({TYPED_SAME})",
                f"CREATE TABLE {db}.`x'2\\` USING {db}.typed TAGS ({TYPED_OTHER})",
                f"CREATE TABLE {db}.`x'3\\` USING {db}.other TAGS (1)"):
        td.ok(sql)
    lines = [json.dumps(dict(TYPED_SAMPLE, id=i, ts=meters.BASE_MS + i, v=i)) for i in (1, 2, 3)]
    run = _preview(k2td, _task(td, "x'{id}\\", "typed"), lines)
    assert run.returncode == 0, run.stderr()
    doc = json.loads(run.stdout())
    assert doc["subtables"] == ["x'1\\", "x'2\\", "x'3\\"]
    found = {(e["subtable"], e.get("tag")): (e["stable"], e.get("value"), e.get("preview_value"))
             for e in doc["existing"]}
    assert found == {
        ("x'2\\", "t"): ("typed", "1700000000124", "1700000000123"),
        ("x'2\\", "fl"): ("typed", "1.20000", "1.10000"),
        ("x'2\\", "d"): ("typed", "0.200000000", "0.100000000"),
        ("x'2\\", "u"): ("typed", "1", "18446744073709551615"),
        ("x'2\\", "b"): ("typed", "false", "true"),
        ("x'2\\", "vb"): ("typed", "\\x616263", "\\x6162"),
        ("x'2\\", "s"): ("typed", "other", "a\\b'c\""),
        ("x'2\\", "nc"): ("typed", "x", "é中"),
        ("x'3\\", None): ("other", None, None),
    }, doc["existing"]


def test_json_tags_compare_as_values(td, k2td):
    # the server sorts a JSON tag's keys: j1 has the mapped value, j2 not
    db = td.db
    for sql in (f"CREATE STABLE {db}.js (ts TIMESTAMP, v INT) TAGS (j JSON)",
                f"CREATE TABLE {db}.j1 USING {db}.js TAGS ('{{\"n\":1,\"k\":\"v\"}}')",
                f"CREATE TABLE {db}.j2 USING {db}.js TAGS ('{{\"k\":\"w\"}}')"):
        td.ok(sql)
    lines = [json.dumps({"id": i, "ts": meters.BASE_MS + i, "v": i, "j": '{"n":1,"k":"v"}'})
             for i in (1, 2)]
    run = _preview(k2td, _task(td, "j{id}", "js"), lines)
    assert run.returncode == 0, run.stderr()
    assert json.loads(run.stdout())["existing"] == [
        {"subtable": "j2", "stable": "js", "tag": "j", "value": '{"k":"w"}',
         "preview_value": '{"n":1,"k":"v"}',
         "message": "subtable `j2` exists with tag j=`{\"k\":\"w\"}` where the preview maps "
                    "`{\"n\":1,\"k\":\"v\"}`: TDengine keeps the existing tags"}]
