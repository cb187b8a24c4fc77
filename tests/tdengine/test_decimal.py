"""DECIMAL(p, s) columns of a real TDengine 3.3.7: values from JSON numbers
and strings at the edges of DECIMAL64 (p <= 18) and DECIMAL128 (p <= 38),
negative, rounded to the scale, read back exactly; values that do not fit
settled by the row policy; DECIMAL through the service's supertable helpers,
and the server's refusal of DECIMAL tags."""

import json
import os

import pytest

import helpers
import meters
from tdcase import archived, json_task, run_ok

T = meters.BASE_MS
SERVICE_CONFTEST = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "service", "conftest.py")

# DECIMAL64 at its widest (18 digits) and at all-fraction, DECIMAL128 at its
# widest (38 digits) with and without a fraction, and a small one
STABLE = ("(ts TIMESTAMP, d64 DECIMAL(18,4), f64 DECIMAL(18,18), d128 DECIMAL(38,10), "
          "i128 DECIMAL(38,0), d2 DECIMAL(10,2)) TAGS (id INT)")
COLUMNS = ["d64", "f64", "d128", "i128", "d2"]


def _message(ts, **values):
    """A JSON message whose values are written as given: raw JSON text (a
    number with more digits than a double holds stays exact)."""
    return "{" + ", ".join([f'"id": 1, "ts": {ts}'] + [f'"{k}": {v}' for k, v in values.items()]) + "}"


def _stored(td):
    return td.ok(f"SELECT {', '.join(COLUMNS)} FROM {td.db}.dm ORDER BY ts")


def test_decimal_values_read_back_exactly(kafka, make_topic, produce, td, k2td):
    """The largest and smallest values of each width, from JSON numbers and
    from strings, values rounded half away from zero to the scale, exponents,
    integers beyond 64 bits and bools are stored as exactly these digits."""
    td.ok(f"CREATE STABLE {td.db}.dm {STABLE}")
    messages = [
        # the largest values, as JSON numbers
        _message(T, d64="99999999999999.9999", f64="0.999999999999999999",
                 d128="9999999999999999999999999999.9999999999",
                 i128="99999999999999999999999999999999999999", d2="99999999.99"),
        # the smallest, as strings
        _message(T + 1, d64='"-99999999999999.9999"', f64='"-0.999999999999999999"',
                 d128='"-9999999999999999999999999999.9999999999"',
                 i128='"-99999999999999999999999999999999999999"', d2='"-99999999.99"'),
        # rounded to the scale, half away from zero, on the digits
        _message(T + 2, d64="1.23455", f64='"0.0000000000000000005"',
                 d128='"-0.00000000005"', i128="12345678901234567890123456789.5",
                 d2="-1.245"),
        _message(T + 3, d64="1.23454999999", f64='"-0.0000000000000000005"',
                 d128="0.00000000004", i128='"-0.5"', d2='"99999999.994"'),
        # exponents, an integer beyond 64 bits, a bool, zero with a sign
        _message(T + 4, d64="1.5e3", f64='"1E-18"', d128="18446744073709551616",
                 i128="1e37", d2="true"),
        _message(T + 5, d64='"-0.00001"', f64="0", d128="-0", i128="false", d2="null"),
    ]
    topic = make_topic(partitions=1)
    produce(topic, messages)
    run_ok(k2td, json_task(kafka, td, topic, template="m_{id}", stable="dm",
                           workdir=k2td.workdir))
    assert archived(k2td.workdir) == []
    assert _stored(td) == [
        ["99999999999999.9999", "0.999999999999999999", "9999999999999999999999999999.9999999999",
         "99999999999999999999999999999999999999", "99999999.99"],
        ["-99999999999999.9999", "-0.999999999999999999",
         "-9999999999999999999999999999.9999999999", "-99999999999999999999999999999999999999",
         "-99999999.99"],
        ["1.2346", "0.000000000000000001", "-0.0000000001", "12345678901234567890123456790",
         "-1.25"],
        ["1.2345", "-0.000000000000000001", "0.0000000000", "-1", "99999999.99"],
        ["1500.0000", "0.000000000000000001", "18446744073709551616.0000000000",
         "10000000000000000000000000000000000000", "1.00"],
        ["0.0000", "0.000000000000000000", "0.0000000000", "0", None],
    ]


def test_decimal_values_that_do_not_fit(kafka, make_topic, produce, td, k2td):
    """A value with too many digits before the point, one that gets one by
    rounding, text that is not a number and an exponent past the range are
    refused per row with the column, its type and the reason (the default
    policy archives them); the good rows of the batch are stored."""
    td.ok(f"CREATE STABLE {td.db}.dm {STABLE}")
    messages = [
        _message(T, d2="12.5"),                              # 0 good
        _message(T + 1, d2="100000000"),                     # 1 nine digits before the point
        _message(T + 2, d2='"99999999.995"'),                # 2 nine after rounding
        _message(T + 3, d64='"12abc"'),                      # 3 not a number
        _message(T + 4, i128="1e38"),                        # 4 39 digits
        _message(T + 5, f64="1"),                            # 5 no digit before the point
        _message(T + 6, d128='"1e-400"', d2="-3"),           # 6 good: rounds to zero
    ]
    topic = make_topic(partitions=1)
    produce(topic, messages)
    run = run_ok(k2td, json_task(kafka, td, topic, template="m_{id}", stable="dm",
                                 workdir=k2td.workdir))
    assert td.ok(f"SELECT ts, d128, d2 FROM {td.db}.dm ORDER BY ts") == [
        [meters.iso_ms(T), None, "12.50"], [meters.iso_ms(T + 6), "0.0000000000", "-3.00"]]
    lines = archived(k2td.workdir)
    assert [o for o, _ in lines] == [1, 2, 3, 4, 5], run.stderr()
    reasons = [r for _, r in lines]
    assert ("column `d2` (DECIMAL(10, 2)): 100000000 is out of range: at most 8 digits before "
            "the point (after rounding to 2 decimal places)") in reasons[0]
    assert "column `d2` (DECIMAL(10, 2)): '99999999.995' is out of range" in reasons[1]
    assert "column `d64` (DECIMAL(18, 4)): '12abc' is not a decimal number" in reasons[2]
    assert ("column `i128` (DECIMAL(38, 0)): 1e38 is out of range: at most 38 digits "
            "(after rounding to an integer)") in reasons[3]
    assert "column `f64` (DECIMAL(18, 18)): 1 is out of range: at most 0 digits" in reasons[4]


def test_the_server_alone_would_store_bad_text(td):
    """Why k2td checks DECIMAL text itself: the server stores text that is
    not a number as the digits before the first stray character, or as 0,
    and refuses only values too large ("Decimal value overflow", 0x013D)."""
    td.ok(f"CREATE TABLE {td.db}.raw (ts TIMESTAMP, d DECIMAL(10,2))")
    for i, text in enumerate(["'12abc'", "'abc'", "'1.2.3'", "' 5'", "true"]):
        td.ok(f"INSERT INTO {td.db}.raw VALUES ({T + i}, {text})")
    assert [r[0] for r in td.ok(f"SELECT d FROM {td.db}.raw ORDER BY ts")] == [
        "12.00", "0.00", "1.23", "0.00", "0.00"]
    answer = td.sql(f"INSERT INTO {td.db}.raw VALUES ({T + 9}, 99999999.995)")
    assert (answer["code"], answer["desc"]) == (0x013D, "Decimal value overflow")
    answer = td.sql(f"CREATE STABLE {td.db}.t (ts TIMESTAMP, v INT) TAGS (d DECIMAL(10,2))")
    assert answer["desc"] == "Decimal type is not allowed for tag", answer


@pytest.fixture
def serve(k2td_bin, tmp_path):
    """`k2td serve` inside the server's namespace, logged in; stopped after
    the test."""
    Serve = helpers.load_conftest("k2td_service_conftest_decimal", SERVICE_CONFTEST).Serve
    s = Serve(k2td_bin, tmp_path / "serve").start()
    s.login()
    yield s
    assert s.stop() == 0, helpers.tail(s.log_path)


def test_service_helpers_create_list_and_propose_decimal(serve, td):
    """The supertable helpers create DECIMAL columns, list them with their
    precision and scale, propose DECIMAL for numbers a DOUBLE would round,
    and refuse a DECIMAL tag naming it, before asking the server (which
    refuses DECIMAL tags too)."""
    to = td.dsn()
    body = {"to": to, "name": "dm",
            "columns": [{"name": "ts", "type": "TIMESTAMP"},
                        {"name": "price", "type": "DECIMAL", "precision": 20, "scale": 5},
                        {"name": "qty", "type": "DECIMAL", "precision": 6}],
            "tags": [{"name": "id", "type": "INT"}]}
    made = serve.call("POST", "/api/target/stables/create", body)
    assert made.status == 201, made
    described = {r[0]: r[1] for r in td.ok(f"DESCRIBE {td.db}.dm")}
    assert described["price"] == "DECIMAL(20, 5)" and described["qty"] == "DECIMAL(6, 0)"
    listed = serve.call("POST", "/api/target/stables", {"to": to}).json()["stables"]
    assert listed[0]["columns"][1] == {"name": "price", "type": "DECIMAL", "length": 16,
                                       "precision": 20, "scale": 5}

    tagged = dict(body, name="dt", tags=[{"name": "d", "type": "DECIMAL", "precision": 10}])
    refused = serve.call("POST", "/api/target/stables/create", tagged)
    assert refused.status == 400, refused
    assert refused.json()["field"] == "tags[0].type"
    assert "refuses DECIMAL tags" in refused.json()["error"]
    wide = dict(body, name="dw", columns=body["columns"][:1] + [
        {"name": "p", "type": "DECIMAL", "precision": 39}])
    assert serve.call("POST", "/api/target/stables/create", wide).json()["field"] == \
        "columns[1].precision"

    parser = {"parse": {"value": {"json": ""}}, "model": {"name": "d_{id}", "using": "dm2"}}
    samples = ['{"id": 1, "ts": 1764000000000, "price": 12345678901234.56789, "v": 1.5}',
               '{"id": 2, "ts": 1764000000001, "price": 0.1, "v": 2.25}']
    proposed = serve.call("POST", "/api/target/stables/propose",
                          {"to": to, "parser": parser, "samples": samples})
    assert proposed.status == 200, proposed
    cols = {c["name"]: c for c in proposed.json()["columns"]}
    assert cols["price"] == {"name": "price", "type": "DECIMAL", "length": 16, "precision": 38,
                             "scale": 5}
    assert cols["v"]["type"] == "DOUBLE"
    columns = [c for c in proposed.json()["columns"] if c["name"] != "id"]
    created = serve.call("POST", "/api/target/stables/create",
                         {"to": to, "name": "dm2", "columns": columns,
                          "tags": [{"name": "id", "type": "INT"}]})
    assert created.status == 201, created
    preview = serve.call("POST", "/api/preview", {"to": to, "parser": parser,
                                                  "samples": samples})
    assert preview.status == 200, preview
    values = {v["name"]: v for v in preview.json()["mapped"][0]["columns"]}
    assert values["price"] == {"name": "price", "type": "DECIMAL(38, 5)",
                               "value": "12345678901234.56789"}
