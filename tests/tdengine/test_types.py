"""Every column and tag type of TDengine 3.3.7, precisions, duplicate
timestamps and values at the edges, written by k2td to a real server and
read back exactly."""

import json

import pytest

import meters
from tdcase import json_task, run_ok, td_task

T = meters.BASE_MS

ALL_TYPES = ("(ts TIMESTAMP, c_bool BOOL, c_ti TINYINT, c_si SMALLINT, c_int INT, c_bi BIGINT, "
             "c_uti TINYINT UNSIGNED, c_usi SMALLINT UNSIGNED, c_ui INT UNSIGNED, "
             "c_ubi BIGINT UNSIGNED, c_f FLOAT, c_d DOUBLE, c_vc VARCHAR(16), c_bin BINARY(16), "
             "c_nc NCHAR(8), c_vb VARBINARY(16), c_geo GEOMETRY(64), c_ts TIMESTAMP)")
TAG_TYPES = ("TAGS (t_bool BOOL, t_ti TINYINT, t_si SMALLINT, t_int INT, t_bi BIGINT, "
             "t_uti TINYINT UNSIGNED, t_usi SMALLINT UNSIGNED, t_ui INT UNSIGNED, "
             "t_ubi BIGINT UNSIGNED, t_f FLOAT, t_d DOUBLE, t_vc VARCHAR(16), t_bin BINARY(16), "
             "t_nc NCHAR(8), t_vb VARBINARY(16), t_geo GEOMETRY(64), t_ts TIMESTAMP)")

# the limits of each integer type, then ordinary values
EXTREMES = {"c_bool": True, "c_ti": -128, "c_si": -32768, "c_int": -2147483648,
            "c_bi": -9223372036854775808, "c_uti": 255, "c_usi": 65535, "c_ui": 4294967295,
            "c_ubi": 18446744073709551615, "c_f": 3.5, "c_d": -1.25e300, "c_vc": "a" * 16,
            "c_bin": "b" * 16, "c_nc": "日本語テキスト元気", "c_vb": "\x01AZ", "c_geo": "POINT (1 2)",
            "c_ts": T - 1}


def _typed(values, prefix):
    """values with its c_ keys renamed to `prefix` (tags are t_)."""
    return {prefix + k[2:]: v for k, v in values.items()}


def _write(kafka, make_topic, produce, td, k2td, stable, messages, template):
    """Produces `messages` (dicts) and runs a JSON task into `stable`."""
    topic = make_topic(partitions=1)
    produce(topic, [json.dumps(m) for m in messages])
    return run_ok(k2td, json_task(kafka, td, topic, template=template, stable=stable))


def test_every_column_and_tag_type(kafka, make_topic, produce, td, k2td):
    """A row with every column type at its limits, and a subtable tagged with
    every tag type, are stored with exactly those values."""
    td.ok(f"CREATE STABLE {td.db}.allt {ALL_TYPES} {TAG_TYPES}")
    msg = dict(EXTREMES, ts=T, dev="x1", **_typed(EXTREMES, "t_"))
    msg["c_nc"] = msg["t_nc"] = "日本語テキスト"  # 7 characters, NCHAR(8)
    _write(kafka, make_topic, produce, td, k2td, "allt", [msg], "a_{dev}")
    cols = [c for c in EXTREMES]
    got = td.ok(f"SELECT tbname, {', '.join(cols)} FROM {td.db}.allt")
    tags = td.ok(f"SELECT DISTINCT {', '.join('t_' + c[2:] for c in cols)} FROM {td.db}.allt")
    expect = [True, -128, -32768, -2147483648, -9223372036854775808, 255, 65535, 4294967295,
              18446744073709551615, 3.5, -1.25e300, "a" * 16, "b" * 16, "日本語テキスト",
              "01415a", "0101000000000000000000f03f0000000000000040", meters.iso_ms(T - 1)]
    assert got == [["a_x1"] + expect]
    assert tags == [expect]


def test_json_tag(kafka, make_topic, produce, td, k2td):
    """A JSON tag takes the message's JSON text; its keys read back as the
    typed JSON values (a string unquoted, a number as a double)."""
    td.ok(f"CREATE STABLE {td.db}.jt (ts TIMESTAMP, v INT) TAGS (info JSON)")
    info = json.dumps({"site": "Zürich \"HQ\"", "floor": 3})
    _write(kafka, make_topic, produce, td, k2td, "jt",
           [{"id": 1, "ts": T, "v": 5, "info": info}], "j_{id}")
    assert td.ok(f"SELECT tbname, v, info->'site', info->'floor' FROM {td.db}.jt") == [
        ["j_1", 5, 'Zürich "HQ"', 3.0]]


@pytest.mark.parametrize("precision,digits", [("us", 6), ("ns", 9)])
def test_precisions(precision, digits, kafka, make_topic, produce, td, k2td):
    """Epoch-ms input lands at the right instant in us and ns databases, and
    an RFC3339 timestamp with sub-ms digits keeps them."""
    db = td.database(precision)
    td.ok(f"CREATE STABLE {db}.p (ts TIMESTAMP, v INT) TAGS (id INT)")
    topic = make_topic(partitions=1)
    produce(topic, [json.dumps({"id": 1, "ts": T, "v": 1}),
                    json.dumps({"id": 1, "ts": "2025-11-24T16:00:00.123456789Z", "v": 2})])
    parser = {"parse": {"value": {"json": ""}}, "model": {"name": "p_{id}", "using": "p"}}
    run_ok(k2td, td_task(kafka, td, topic, parser=parser, db=db))
    frac = "123456789"[:digits]
    assert td.ok(f"SELECT ts, v FROM {db}.p ORDER BY ts") == [
        ["2025-11-24T16:00:00." + "0" * digits + "Z", 1],
        [f"2025-11-24T16:00:00.{frac}Z", 2]]


def test_duplicate_timestamps_overwrite(kafka, make_topic, produce, td, k2td):
    """Two rows with one timestamp for one subtable keep the later one's
    values (the earlier one's where the later has none)."""
    meters.setup_target(td, db=td.db)
    _write(kafka, make_topic, produce, td, k2td, "meters",
           [{"id": 1, "ts": T, "voltage": 1, "current": 1.5},
            {"id": 1, "ts": T, "voltage": 2},
            {"id": 1, "ts": T + 1, "voltage": 3}], "d_{id}")
    assert td.ok(f"SELECT ts, voltage, current FROM {td.db}.meters ORDER BY ts") == [
        [meters.iso_ms(T), 2, 1.5], [meters.iso_ms(T + 1), 3, None]]


NASTY = ["it's \"quoted\"", "back\\slash\\", "two\nlines\ttab", "naïve 北京 🚀", "'; DROP DATABASE x; --"]


def test_strings_with_quotes_backslashes_newlines(kafka, make_topic, produce, td, k2td):
    """Strings with quotes, backslashes, newlines, non-ASCII text and SQL
    look-alikes are stored byte for byte, in columns and in tag values."""
    td.ok(f"CREATE STABLE {td.db}.s (ts TIMESTAMP, vc VARCHAR(64), nc NCHAR(32)) "
          "TAGS (tv VARCHAR(64), tn NCHAR(32))")
    _write(kafka, make_topic, produce, td, k2td, "s",
           [{"id": i, "ts": T + i, "vc": s, "nc": s, "tv": s, "tn": s} for i, s in enumerate(NASTY)],
           "s_{id}")
    assert td.ok(f"SELECT vc, nc, tv, tn FROM {td.db}.s ORDER BY ts") == [[s] * 4 for s in NASTY]


def test_names_that_need_backticks(kafka, make_topic, produce, td, k2td):
    """A supertable, columns and a tag named with keywords and upper case,
    and subtable names that are keywords or hold a '-', are written through
    backtick-quoted names and stored as they are."""
    td.ok(f"CREATE STABLE {td.db}.`select` (`ts` TIMESTAMP, `value` INT, `Order` DOUBLE) "
          "TAGS (`from` VARCHAR(16))")
    _write(kafka, make_topic, produce, td, k2td, "select",
           [{"name": "table", "ts": T, "value": 1, "Order": 0.5, "from": "a"},
            {"name": "x-y", "ts": T, "value": 2, "Order": 1.5, "from": "b"}], "{name}")
    assert td.ok(f"SELECT tbname, `value`, `Order`, `from` FROM {td.db}.`select` "
                 "ORDER BY `value`") == [["table", 1, 0.5, "a"], ["x-y", 2, 1.5, "b"]]

