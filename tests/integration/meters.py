"""The canonical "meters" data set of the integration tests: messages, the
target supertable, task definitions and the read-back of what landed."""

import json
import urllib.parse

BASE_MS = 1764000000000  # 2025-11-24T16:00:00Z, well inside the default KEEP
LOCATIONS = ["California.SanFrancisco", "California.LosAngeles", "Oregon.Portland"]

CREATE_STABLE = ("CREATE STABLE IF NOT EXISTS {db}.meters (ts TIMESTAMP, current FLOAT, "
                 "voltage INT, phase FLOAT) TAGS (groupid INT, location VARCHAR(24))")


def record(i, devices=10):
    """The i-th canonical record as a dict (ts in epoch ms)."""
    return {"id": i % devices, "ts": BASE_MS + i, "current": round(10 + (i % 100) * 0.25, 2),
            "voltage": 200 + i % 40, "phase": round((i % 10) * 0.125, 3),
            "location": LOCATIONS[i % devices % len(LOCATIONS)], "groupid": i % devices % 4}


def message(i, devices=10):
    return json.dumps(record(i, devices), separators=(",", ":"))


def setup_target(standin, db="kdb", precision="ms"):
    """Creates the database and the meters supertable in the stand-in."""
    for sql in (f"CREATE DATABASE IF NOT EXISTS {db} PRECISION '{precision}'",
                CREATE_STABLE.format(db=db)):
        answer = standin.sql(sql)
        assert answer["code"] == 0, answer


def task(kafka, standin, topics, name="meters", db="kdb", template="d_{id}", parser=None,
         to=None, **dsn_keys):
    """A task definition (dict) reading `topics` into db.meters: written to
    the stand-in, or to the target DSN `to` when given (a real server:
    taos+http://root:taosdata@127.0.0.1:6041/<db>)."""
    # a group of the test's own (its first topic): members of other tests'
    # groups stay registered for their session after they stop (static
    # membership), and a new member of such a group would wait for them.
    # The idle timeout counts only once every partition is held and read to
    # its end: a run of messages produced before it ends 3 s after the last;
    # a test that produces while its task runs sets its own (or "0").
    keys = {"topics": ",".join(topics), "group": topics[0], "timeout": "3s",
            "batch_timeout": "200ms"}
    keys.update({k: str(v) for k, v in dsn_keys.items()})
    query = "&".join(f"{k}={v}" for k, v in keys.items())
    return {
        "name": name,
        "from": f"kafka://{kafka.bootstrap}?{query}",
        "to": to or f"taos+http://root:taosdata@127.0.0.1:{standin.port}/{db}",
        "parser": parser or {"parse": {"value": {"json": ""}},
                             "model": {"name": template, "using": "meters"}},
    }


def secure_task(kafka, standin, topics, address, name="meters", timeout="6s", **keys):
    """task() reading `topics` of `kafka` through its listener at `address`,
    with the DSN keys `keys` (security keys...) added; values are URL-encoded
    (so inline PEM text passes), "@path" file names kept as written."""
    t = task(kafka, standin, topics, name=name, timeout=timeout)
    t["from"] = t["from"].replace(kafka.bootstrap, address, 1)
    for key, value in keys.items():
        t["from"] += f"&{key}=" + urllib.parse.quote(str(value), safe="@/")
    return t


def rows(standin, db="kdb", table="meters", timeout=30):
    """Every stored row as (tbname, ts, current, voltage, phase, groupid,
    location), sorted by table and time; ts as the stand-in prints it.
    timeout bounds the query (seconds)."""
    answer = standin.sql(f"SELECT tbname, ts, current, voltage, phase, groupid, location "
                         f"FROM {db}.{table} ORDER BY tbname, ts", timeout=timeout)
    assert answer["code"] == 0, answer
    return [tuple(r) for r in answer["data"]]


def count(standin, db="kdb", table="meters", timeout=30):
    answer = standin.sql(f"SELECT COUNT(*) FROM {db}.{table}", timeout=timeout)
    assert answer["code"] == 0, answer
    return answer["data"][0][0]


def iso_ms(ms):
    """Epoch ms as the RFC3339 text the stand-in returns for an ms database."""
    import datetime
    dt = datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def expected_rows(indexes, devices=10, template="d_{id}"):
    """The rows that records `indexes` must become, in rows() order."""
    out = []
    for i in indexes:
        r = record(i, devices)
        out.append((template.replace("{id}", str(r["id"])), iso_ms(r["ts"]), r["current"],
                    r["voltage"], r["phase"], r["groupid"], r["location"]))
    return sorted(out, key=lambda t: (t[0], t[1]))
