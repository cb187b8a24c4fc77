"""The task form's preview (POST /api/preview) against the TDengine
stand-in: a subtable that already exists under another supertable is in the
answer, and among the warnings the page shows with the table mapping."""

import meters
from test_drafts import PARSER, td


def test_preview_names_a_subtable_of_another_supertable(serve, standin):
    meters.setup_target(standin)
    for sql in ("CREATE STABLE kdb.other (ts TIMESTAMP, v INT) TAGS (x INT)",
                "CREATE TABLE kdb.d_1 USING kdb.other TAGS (1)"):
        assert standin.sql(sql)["code"] == 0, sql
    a = serve.call("POST", "/api/preview", {"to": td(standin), "parser": PARSER,
                                            "samples": [meters.message(1), meters.message(2)]})
    assert a.status == 200, a
    doc = a.json()
    message = "subtable `d_1` already exists under supertable `other`: its rows would be refused"
    assert doc["existing"] == [{"subtable": "d_1", "stable": "other", "preview_stable": "meters",
                                "message": message}]
    assert doc["warnings"] == [{"path": "parser.model.name", "message": message}]
