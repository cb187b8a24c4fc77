"""TDengine outages against the real server: taosd, then taosAdapter alone,
stopped for 60 s while k2td is mid-way through 1,000,000 messages in four
partitions, then started again. k2td must wait (partitions paused, the write
retried), lose nothing and write nothing twice: afterwards the target holds
exactly the 1,000,000 rows, read back in full and compared value by value,
and the group's committed offsets add up to 1,000,000.

The outage begins once a tenth of the rows landed, while only the first 30 %
of the messages are in the topic; the other 70 % are produced while the
server is down, so the outage always falls in the middle of the ingest.
"""

import re
import time

import pytest

import meters
from helpers import wait_until
from tdcase import summary, td_task
from test_group import committed_offsets

N = 1_000_000
DEVICES = 1000
PARTITIONS = 4
OUTAGE_S = 60
BEFORE = N * 3 // 10


def _produce(produce, topic, lo, hi):
    produce(topic, [meters.message(i, DEVICES) for i in range(lo, hi)],
            partition=[i % PARTITIONS for i in range(lo, hi)])


def _count(td):
    return td.ok(f"SELECT COUNT(*) FROM {td.db}.meters")[0][0]


def _stored(td):
    """Every stored row as (tbname, ts in epoch ms, current, voltage, phase,
    groupid, location), sorted; the timestamps read as integers and sorted
    here, which keeps the 1,000,000-row read cheap."""
    ms = td.sql(f"SELECT tbname, CAST(ts AS BIGINT), current, voltage, phase, groupid, "
                f"location FROM {td.db}.meters", timeout=300)
    assert ms["code"] == 0, ms
    return sorted(tuple(r) for r in ms["data"])


def _expected():
    out = []
    for i in range(N):
        r = meters.record(i, DEVICES)
        out.append((f"d_{r['id']}", r["ts"], r["current"], r["voltage"], r["phase"],
                    r["groupid"], r["location"]))
    return sorted(out)


def _retry_reasons(stderr):
    """The distinct reasons of k2td's "retrying" warnings, numbers of the
    backoff left out."""
    reasons = re.findall(r"tdengine: (.*); retrying in \d+ ms", stderr)
    return sorted(set(reasons))


def _ingest_through_an_outage(name, kafka, make_topic, produce, td, k2td, td_processes):
    """Runs the 1,000,000-message ingest with `name` stopped for OUTAGE_S s
    mid-way; returns (the finished run, its topic, numbers for the report)."""
    meters.setup_target(td, db=td.db)
    topic = make_topic(partitions=PARTITIONS)
    _produce(produce, topic, 0, BEFORE)
    task = td_task(kafka, td, topic, group=f"outage_{name}", timeout="10s",
                   batch_size="10000")
    run = k2td.start(task)
    wait_until(lambda: run.returncode is not None or _count(td) >= N // 10, 300,
               "a tenth of the rows", interval=0.2)
    assert run.returncode is None, run.stderr()[-3000:]
    before = _count(td)
    stopped_at = time.monotonic()
    stop_s = td_processes.stop(name)
    _produce(produce, topic, BEFORE, N)
    wait_until(lambda: run.returncode is not None or "retrying in" in run.stderr(), 120,
               f"k2td to retry while {name} is down")
    # the scenario: the server stays down OUTAGE_S s in all while k2td retries
    wait_until(lambda: run.returncode is not None or
               time.monotonic() - stopped_at >= OUTAGE_S, OUTAGE_S + 60,
               f"{OUTAGE_S} s of outage", interval=0.5)
    assert run.returncode is None, "k2td must wait for TDengine, not exit:\n" + \
        run.stderr()[-3000:]
    during = run.stderr()
    td_processes.start()
    up_at = time.monotonic()
    wait_until(lambda: run.returncode is not None or _count(td) == N, 600, "every row",
               interval=1)
    caught_up_s = time.monotonic() - up_at
    run.wait(600)
    assert run.returncode == 0, run.stderr()[-3000:]
    numbers = {"rows before the outage": before, "stop took s": round(stop_s, 1),
               "outage s": round(up_at - stopped_at, 1),
               "all rows in s after REST answered again": round(caught_up_s, 1),
               "retry reasons": _retry_reasons(during)}
    print(f"\n{name} outage: {numbers}")
    return run, topic, numbers


def _assert_exact(run, kafka, td, group, topic):
    assert summary(run) == {"consumed": N, "wrote": N, "refused": 0, "skipped": 0,
                            "archived": 0}, run.stderr()[-3000:]
    assert committed_offsets(kafka, group, topic, PARTITIONS) == N
    assert _stored(td) == _expected()


@pytest.mark.parametrize("name", ["taosd", "taosadapter"])
def test_a_60_s_outage_mid_ingest_loses_nothing(name, kafka, make_topic, produce, td, k2td,
                                                td_processes):
    run, topic, numbers = _ingest_through_an_outage(name, kafka, make_topic, produce, td, k2td,
                                                    td_processes)
    assert numbers["retry reasons"], run.stderr()[-3000:]
    _assert_exact(run, kafka, td, f"taosxoutage_{name}", topic)
