"""`k2td preview` against the TDengine stand-in: subtables that already exist
under another supertable, or under the same one with other tags, are
reported (a run's rows would be refused, or written under the old tags);
a preview whose subtables are new or match reports nothing."""

import json
from types import SimpleNamespace

import meters
from test_preview import preview


# the source is never contacted: nothing listens on port 1
NO_KAFKA = SimpleNamespace(bootstrap="127.0.0.1:1")


def _task(standin, template="d_{id}"):
    return meters.task(NO_KAFKA, standin, ["nowhere"], template=template)


def _setup(standin, *sql):
    meters.setup_target(standin)
    for stmt in ("CREATE STABLE kdb.other (ts TIMESTAMP, v INT) TAGS (x INT)",) + sql:
        answer = standin.sql(stmt)
        assert answer["code"] == 0, (stmt, answer)


def _other_stable(name):
    return {"subtable": name, "stable": "other", "preview_stable": "meters",
            "message": f"subtable `{name}` already exists under supertable `other`: its rows "
                       "would be refused"}


def test_subtables_of_another_supertable_or_with_other_tags_are_reported(standin, k2td_bin,
                                                                         tmp_path):
    # record 1 maps groupid 1, location California.LosAngeles; record 2
    # groupid 2, Oregon.Portland (which d_2 already has); d_3 is new
    _setup(standin, "CREATE TABLE kdb.d_0 USING kdb.other TAGS (1)",
           "CREATE TABLE kdb.d_1 USING kdb.meters TAGS (1, 'Elsewhere')",
           "CREATE TABLE kdb.d_2 USING kdb.meters TAGS (2, 'Oregon.Portland')")
    lines = [meters.message(i) for i in range(4)]
    run = preview(k2td_bin, tmp_path, _task(standin), lines, "--json")
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    tags = ("subtable `d_1` exists with tag location=`Elsewhere` where the preview maps "
            "`California.LosAngeles`: TDengine keeps the existing tags")
    assert sorted(doc["existing"], key=lambda e: e["subtable"]) == [
        _other_stable("d_0"),
        {"subtable": "d_1", "stable": "meters", "tag": "location", "value": "Elsewhere",
         "preview_value": "California.LosAngeles", "message": tags}]
    assert sorted(doc["warnings"], key=lambda w: w["message"]) == [
        {"path": "parser.model.name", "message": _other_stable("d_0")["message"]},
        {"path": "parser.model.name", "message": tags}]
    # the preview still shows every row and writes nothing
    assert doc["subtables"] == ["d_0", "d_1", "d_2", "d_3"]
    assert meters.count(standin) == 0

    text = preview(k2td_bin, tmp_path, _task(standin), lines)
    assert text.returncode == 0, text.stderr
    assert "\nwarnings:\n" in text.stdout, text.stdout
    assert f"\n  parser.model.name: {tags}\n" in text.stdout, text.stdout


def test_a_clean_preview_reports_nothing(standin, k2td_bin, tmp_path):
    # d_2 exists with the tags the preview maps; the others are new
    _setup(standin, "CREATE TABLE kdb.d_2 USING kdb.meters TAGS (2, 'Oregon.Portland')")
    run = preview(k2td_bin, tmp_path, _task(standin), [meters.message(i) for i in range(4)],
                  "--json")
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert (doc["existing"], doc["warnings"]) == ([], [])
    assert "warnings:" not in preview(k2td_bin, tmp_path, _task(standin),
                                      [meters.message(i) for i in range(4)]).stdout


def test_names_with_quotes_and_many_subtables(standin, k2td_bin, tmp_path):
    # 1200 subtables take three queries of each kind; the clashes sit in the
    # second and third, their names hold a quote and a backslash, and a tag
    # that the existing table has as NULL counts as other
    last = meters.record(1100)
    _setup(standin, "CREATE TABLE kdb.`it's\\700` USING kdb.other TAGS (1)",
           f"CREATE TABLE kdb.`it's\\1100` USING kdb.meters TAGS (NULL, '{last['location']}')")
    lines = [json.dumps(dict(meters.record(i), id=i)) for i in range(1200)]
    run = preview(k2td_bin, tmp_path, _task(standin, template="it's\\{id}"), lines, "--json")
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert len(doc["subtables"]) == 1200
    groupid = last["groupid"]
    assert sorted(doc["existing"], key=lambda e: e["subtable"]) == [
        {"subtable": "it's\\1100", "stable": "meters", "tag": "groupid", "value": None,
         "preview_value": str(groupid),
         "message": f"subtable `it's\\1100` exists with tag groupid=NULL where the preview maps "
                    f"`{groupid}`: TDengine keeps the existing tags"},
        _other_stable("it's\\700")]
