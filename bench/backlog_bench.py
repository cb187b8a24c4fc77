"""Backlog benchmark: k2td drains a topic that already holds N canonical
meters messages (perf-baselines.md) in several partitions of a real broker,
while its resident memory is sampled from /proc/<pid>/status; reports the
peak RSS (VmHWM), the rate and whether the peak stayed under the bound.

    .cache/venv/bin/python bench/backlog_bench.py --sink standin|fast [--messages N]
    bash scripts/test-tdengine.sh --exec .cache/venv/bin/python bench/backlog_bench.py \\
        --sink tdengine [--messages 10000000]

--sink tdengine writes into the real TDengine REST endpoint $K2TD_TD_URL
(default http://127.0.0.1:6041; scripts/test-tdengine.sh --exec runs the
command in the server's network namespace, with the broker there too) and
counts the rows afterwards; standin writes into tests/standin (SQLite, a
few tens of thousands of rows/s) and counts them; fast into bench/fast_sink.py,
which acknowledges without storing and counts the rows it acknowledged.
Exit status 0 when every row arrived and the peak stayed under --bound-mib,
1 otherwise. Needs build/k2td and the test tooling
(scripts/install-deps.sh --test).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))
import helpers  # noqa: E402
from e2e_bench import PARSER, canonical, start  # noqa: E402
from rss import RssSampler  # noqa: E402

STABLE = ("CREATE STABLE {db}.meters (ts TIMESTAMP, current FLOAT, voltage INT, phase FLOAT) "
          "TAGS (groupid INT, location VARCHAR(24))")
SUMMARY = re.compile(r"consumed (\d+) messages, wrote (\d+) rows.*?; (\d+) msg/s over ([\d.]+) s")


class Sink:
    """The target k2td writes to: .dsn for the task, .count() the rows it
    holds (or acknowledged), .close()."""

    def __init__(self, kind, work):
        self.kind, self.db, self.procs = kind, "backlog", []
        if kind == "tdengine":
            self.url = os.environ.get("K2TD_TD_URL", "http://127.0.0.1:6041")
            self.db = helpers.unique_name("backlog").lower()
            self._sql(f"CREATE DATABASE {self.db} VGROUPS 2 BUFFER 64 PRECISION 'ms'")
        elif kind == "standin":
            self.standin = helpers.Standin(os.path.join(work, "standin")).start()
            self.procs.append(self.standin.proc)
            self.url = self.standin.url
            self._sql(f"CREATE DATABASE {self.db} PRECISION 'ms'")
        else:
            proc, port = start([sys.executable, os.path.join(REPO, "bench", "fast_sink.py")],
                               r"listening on 127\.0\.0\.1:(\d+)")
            self.procs.append(proc)
            self.url = f"http://127.0.0.1:{port}"
            self.db = "bench"  # the only database the fast sink knows
        if kind != "fast":
            self._sql(STABLE.format(db=self.db))
        self.dsn = "taos+http://root:taosdata@" + self.url.split("://", 1)[1] + "/" + self.db

    def _sql(self, text):
        answer = helpers.rest_sql(self.url, "root", "taosdata", text, timeout=600)
        if answer.get("code") != 0:
            raise RuntimeError(f"{text}: {answer}")
        return answer.get("data")

    def count(self):
        if self.kind == "fast":
            with urllib.request.urlopen(self.url + "/_sink/stats", timeout=30) as r:
                return json.load(r)["rows"]
        return self._sql(f"SELECT COUNT(*) FROM {self.db}.meters")[0][0]

    def close(self):
        if self.kind == "tdengine":
            helpers.rest_sql(self.url, "root", "taosdata", f"DROP DATABASE IF EXISTS {self.db}")
        for p in self.procs:
            p.terminate()
            p.wait()


def produce_backlog(kafka, topic, n, chunk=200_000):
    """Produces canonical messages 0..n-1 in chunks (the whole list of 10 M
    would take gigabytes of Python strings)."""
    for lo in range(0, n, chunk):
        kafka.produce(topic, [canonical(i) for i in range(lo, min(n, lo + chunk))])


def drain(k2td, kafka, topic, group, sink, batch_size, extra):
    """Runs `k2td run` in consumer group `group` until the topic is drained;
    returns (summary, sampler, wall seconds). Raises RuntimeError with k2td's
    log when it fails."""
    dsn = f"kafka://{kafka.bootstrap}?topics={topic}&group={group}&timeout=20s"
    dsn += f"&batch_size={batch_size}" + "".join(f"&{kv}" for kv in extra)
    log = tempfile.NamedTemporaryFile("w+", prefix="k2td-backlog-", suffix=".log")
    t0 = time.monotonic()
    proc = subprocess.Popen([k2td, "run", "--from", dsn, "--to", sink.dsn,
                             "--parser", json.dumps(PARSER)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log)
    sampler = RssSampler(proc.pid).start()
    rc = proc.wait()
    wall = time.monotonic() - t0
    sampler.stop()
    log.seek(0)
    text = log.read()
    m = SUMMARY.search(text)
    if rc != 0 or not m:
        raise RuntimeError(f"k2td exited {rc}:\n{text[-4000:]}")
    return ({"consumed": int(m[1]), "written": int(m[2]), "rate": int(m[3]),
             "active_s": float(m[4])}, sampler, wall)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--messages", type=int, default=10_000_000)
    ap.add_argument("--partitions", type=int, default=8)
    ap.add_argument("--sink", choices=("tdengine", "standin", "fast"), default="tdengine")
    ap.add_argument("--bound-mib", type=float, default=256.0)
    ap.add_argument("--batch-size", type=int, default=10_000)
    ap.add_argument("--k2td", default=os.path.join(REPO, "build", "k2td"))
    ap.add_argument("--samples", help="write the RSS samples (seconds, KiB) to this file")
    ap.add_argument("--variant", action="append", default=[],
                    help="drain the same backlog again (a group of its own) with these "
                         "source DSN keys added, as k=v&k=v; may be repeated")
    ap.add_argument("dsn_keys", nargs="*", help="more source DSN keys, as key=value")
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="k2td-backlog-")
    kafka = helpers.Kafka.start(os.path.join(work, "broker"))
    sink = None
    try:
        topic = kafka.create_topic(helpers.unique_name("backlog"), args.partitions)
        t0 = time.monotonic()
        produce_backlog(kafka, topic, args.messages)
        print(f"produced {args.messages:,} messages into {args.partitions} partitions in "
              f"{time.monotonic() - t0:.0f} s", flush=True)
        sink = Sink(args.sink, work)
        ok = True
        for n, variant in enumerate([""] + args.variant):
            before = sink.count() if args.sink == "fast" else 0
            keys = args.dsn_keys + [kv for kv in variant.split("&") if kv]
            summary, sampler, wall = drain(args.k2td, kafka, topic, f"{topic}_{n}", sink,
                                           args.batch_size, keys)
            stored = sink.count() - before
            if args.samples:
                with open(args.samples + (f".{n}" if n else ""), "w") as f:
                    f.writelines(f"{t:.2f} {kib}\n" for t, kib in sampler.samples)
            peak = sampler.peak_mib
            complete = stored == args.messages and summary["written"] == args.messages
            under = peak < args.bound_mib
            ok = ok and complete and under
            print(f"== source DSN keys: {'&'.join(keys) or '(defaults)'}")
            print(f"sink {args.sink}: {stored:,} of {args.messages:,} rows stored"
                  f"{'' if complete else ' (ROWS MISSING)'}")
            print(f"k2td: {summary['rate']:,} msg/s over {summary['active_s']:.1f} s of "
                  f"activity ({args.messages / wall:,.0f} rows/s over {wall:.1f} s wall, "
                  f"start-up included)")
            print(f"peak RSS {peak:.1f} MiB (VmHWM); {'under' if under else 'OVER'} the bound "
                  f"of {args.bound_mib:.0f} MiB; {len(sampler.samples)} samples", flush=True)
        return 0 if ok else 1
    finally:
        if sink:
            sink.close()
        kafka.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
