"""TDengine outages against the real server: taosd, then taosAdapter alone,
stopped for 60 s while k2td is mid-way through 1,000,000 messages in four
partitions, then started again. k2td must wait (partitions paused, the write
retried), lose nothing and write nothing twice: afterwards the target holds
exactly the 1,000,000 rows, read back in full and compared value by value,
the run's summary counts 1,000,000 rows written and none refused, skipped or
archived, and the group's committed offsets add up to 1,000,000.

The outage begins once a tenth of the rows landed, while only the first 30 %
of the messages are in the topic; the other 70 % are produced while the
server is down, so the outage always falls in the middle of the ingest.

What the server answers meanwhile (docs/tdengine.md): with taosd down,
taosAdapter holds each request about 20 s (sometimes 40 or 80) and answers
HTTP 200 with code 11 "Unable to establish connection"; a request that
reaches it while taosd shuts down gets 305 "Database is closing down", one
in flight at that moment may get 1321 "Vnode stopped". With taosAdapter down
the connection is refused.
"""

import datetime
import re
import time

import meters
from helpers import wait_until
from realtd import RealTd
from tdcase import summary, td_task
from test_group import committed_offsets

N = 1_000_000
DEVICES = 1000
PARTITIONS = 4
OUTAGE_S = 60
BEFORE = N * 3 // 10

# the task beside the main one in the taosd outage, through a taosAdapter
# set up with httpCodeServerError = true
SIDE_PORT = 6044
SIDE_N = 20_000


def _messages(lo, hi, devices=DEVICES):
    return [meters.message(i, devices) for i in range(lo, hi)]


def _count(td, db=None):
    return td.ok(f"SELECT COUNT(*) FROM {db or td.db}.meters")[0][0]


def _stored(td, db=None):
    """Every stored row as (tbname, ts in epoch ms, current, voltage, phase,
    groupid, location), sorted here (cheaper than ORDER BY on the server for
    a million rows)."""
    answer = td.sql(f"SELECT tbname, CAST(ts AS BIGINT), current, voltage, phase, groupid, "
                    f"location FROM {db or td.db}.meters", timeout=300)
    assert answer["code"] == 0, answer
    return sorted(tuple(r) for r in answer["data"])


def _expected(n, devices=DEVICES):
    """What records 0..n-1 must become, in _stored()'s form and order."""
    out = []
    for i in range(n):
        r = meters.record(i, devices)
        out.append((f"d_{r['id']}", r["ts"], r["current"], r["voltage"], r["phase"],
                    r["groupid"], r["location"]))
    return sorted(out)


RETRY = re.compile(r"^(\S+) WARN  tdengine: (.*); retrying in (\d+) ms", re.M)


def _retry_reasons(stderr):
    """The distinct reasons of k2td's "retrying" warnings."""
    return sorted({m[1] for m in RETRY.findall(stderr)})


def _last_retry_due(stderr):
    """When (epoch s) k2td's last logged retry was due: the warning's time
    plus its backoff."""
    stamp, _, backoff_ms = RETRY.findall(stderr)[-1]
    logged = datetime.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()
    return logged + int(backoff_ms) / 1000


def _assert_exact(run, kafka, td, topic, n, db=None, devices=DEVICES, partitions=PARTITIONS):
    """The finished run wrote the n messages of topic into db exactly once."""
    assert run.returncode == 0, run.stderr()[-3000:]
    assert summary(run) == {"consumed": n, "wrote": n, "refused": 0, "skipped": 0,
                            "archived": 0}, run.stderr()[-3000:]
    assert committed_offsets(kafka, "taosx" + topic, topic, partitions) == n
    assert _stored(td, db) == _expected(n, devices)


class Outage:
    """The 1,000,000-message ingest of the test, with `name` (taosd or
    taosadapter) stopped OUTAGE_S s mid-way: .run(while_down) runs it
    (while_down is called right after the stop) and returns numbers for the
    report; .task_run is the k2td run, .topic its topic."""

    def __init__(self, name, kafka, make_topic, produce, td, k2td, td_processes):
        self.name, self.kafka, self.produce, self.td = name, kafka, produce, td
        self.k2td, self.td_processes = k2td, td_processes
        meters.setup_target(td, db=td.db)
        self.topic = make_topic(partitions=PARTITIONS)
        self.task_run = None

    def _produce(self, lo, hi):
        self.produce(self.topic, _messages(lo, hi),
                     partition=[i % PARTITIONS for i in range(lo, hi)])

    def run(self, while_down=lambda: None):
        self._produce(0, BEFORE)
        run = self.task_run = self.k2td.start(
            td_task(self.kafka, self.td, self.topic, timeout="5s", batch_size="10000"))
        wait_until(lambda: run.returncode is not None or _count(self.td) >= N // 10, 300,
                   "a tenth of the rows", interval=0.2)
        assert run.returncode is None, run.stderr()[-3000:]
        before = _count(self.td)
        stopped_at = time.monotonic()
        stop_s = self.td_processes.stop(self.name)
        self._produce(BEFORE, N)
        while_down()
        wait_until(lambda: run.returncode is not None or "retrying in" in run.stderr(), 120,
                   f"k2td to retry while {self.name} is down")
        # the scenario: the server stays down OUTAGE_S s in all while k2td retries
        wait_until(lambda: run.returncode is not None or
                   time.monotonic() - stopped_at >= OUTAGE_S, OUTAGE_S + 60,
                   f"{OUTAGE_S} s of outage", interval=0.5)
        assert run.returncode is None, "k2td must wait for TDengine, not exit:\n" + \
            run.stderr()[-3000:]
        during = run.stderr()
        self.td_processes.start()
        up_at, up_wall = time.monotonic(), time.time()
        at_up = _count(self.td)
        wait_until(lambda: run.returncode is not None or _count(self.td) > at_up, 120,
                   "a row written after the outage", interval=0.1)
        first_s = time.monotonic() - up_at
        wait_until(lambda: run.returncode is not None or _count(self.td) == N, 600,
                   "every row", interval=0.5)
        caught_up_s = time.monotonic() - up_at
        run.wait(600)
        return {"rows before the stop": before, "stop took s": round(stop_s, 1),
                "down s": round(up_at - stopped_at, 1),
                "retries": len(RETRY.findall(run.stderr())),
                "last retry due, s after REST answered again":
                    round(_last_retry_due(run.stderr()) - up_wall, 1),
                "rows when REST answered again": at_up,
                "first new row, s after REST answered again": round(first_s, 1),
                "every row in, s after REST answered again": round(caught_up_s, 1),
                "retry reasons": _retry_reasons(during)}


def test_taosd_down_60_s_mid_ingest_loses_nothing(kafka, make_topic, produce, td, k2td,
                                                   td_processes, gateway):
    """taosd stopped 60 s mid-ingest: taosAdapter stays up and either answers
    with TDengine's errors (HTTP 200) or, when it still holds connections to
    taosd, keeps the request until the task's connection timeout (30 s): both
    were seen on this machine, so either is a valid reason to retry. Beside the main task a smaller one writes
    through a second taosAdapter set up with httpCodeServerError = true
    (started afresh when the outage begins), which answers the same outage
    with HTTP 502 and code 11: k2td retries those too and loses nothing."""
    outage = Outage("taosd", kafka, make_topic, produce, td, k2td, td_processes)
    side_gw = gateway(SIDE_PORT, ["--httpCodeServerError"])
    side_db = td.database()
    meters.setup_target(td, db=side_db)
    side_topic = make_topic(partitions=1)
    produce(side_topic, _messages(0, SIDE_N // 2, 10))
    # no timeout: it runs until the main task's ingest is over
    side = k2td.start(td_task(kafka, RealTd(side_gw.url), side_topic, db=side_db,
                              timeout="0"))
    wait_until(lambda: side.returncode is not None or _count(td, side_db) == SIDE_N // 2,
               120, "the side task's first rows")
    def while_down():
        # a taosAdapter without a connection to taosd yet answers each
        # request after ~20 s with HTTP 502, code 11; one that had
        # connections may hold a request until taosd is back instead
        side_gw.stop()
        gateway(SIDE_PORT, ["--httpCodeServerError"])
        produce(side_topic, _messages(SIDE_N // 2, SIDE_N, 10))

    numbers = outage.run(while_down)
    wait_until(lambda: side.returncode is not None or _count(td, side_db) == SIDE_N, 120,
               "the side task's rows")
    side.terminate()
    side_reasons = _retry_reasons(side.stderr())
    print(f"\ntaosd outage: {numbers}; through httpCodeServerError=true: {side_reasons}")
    _assert_exact(outage.task_run, kafka, td, outage.topic, N)
    assert numbers["retry reasons"], numbers
    assert all("TDengine error" in r or "timed out" in r for r in numbers["retry reasons"]), \
        numbers
    assert any("(HTTP 50" in r for r in side_reasons), side.stderr()[-3000:]
    _assert_exact(side, kafka, td, side_topic, SIDE_N, db=side_db, devices=10, partitions=1)


def test_taosadapter_down_60_s_mid_ingest_loses_nothing(kafka, make_topic, produce, td, k2td,
                                                         td_processes):
    """taosAdapter stopped 60 s mid-ingest (taosd stays up): the request in
    flight is cut ("Connection reset by peer"), the next ones are refused
    ("Couldn't connect to server"); k2td retries until the gateway is back."""
    outage = Outage("taosadapter", kafka, make_topic, produce, td, k2td, td_processes)
    numbers = outage.run()
    print(f"\ntaosAdapter outage: {numbers}")
    _assert_exact(outage.task_run, kafka, td, outage.topic, N)
    assert any("Couldn't connect to server" in r for r in numbers["retry reasons"]), numbers
