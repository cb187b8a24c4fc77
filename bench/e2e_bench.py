"""End-to-end benchmark: a real Kafka broker -> k2td -> (a) a fast
acknowledging sink, (b) the TDengine stand-in; beside kcat's raw consume rate
on the same topic in the same run, plus k2td's peak RSS.

    .cache/venv/bin/python bench/e2e_bench.py [--messages 1000000] [--standin-messages 200000]

Needs the build (build/k2td) and the test tooling (scripts/install-deps.sh --test).
Rates on these shared 2-core machines drift between runs: compare the ratio
k2td/kcat from one run, not absolute numbers across runs.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))
import helpers  # noqa: E402

LOCATIONS = ["California.SanFrancisco", "California.LosAngeles", "Oregon.Portland"]
PARSER = {"parse": {"value": {"json": ""}}, "model": {"name": "d_{id}", "using": "meters"}}


def canonical(i):
    """perf-baselines.md's message, with a spread of ids, times and values."""
    return json.dumps({"id": i % 1000,
                       "ts": f"2025-11-01T{i // 3600000 % 24:02d}:{i // 60000 % 60:02d}:"
                             f"{i // 1000 % 60:02d}.{i % 1000:03d}Z",
                       "current": round(10 + (i % 300) * 0.1, 2), "voltage": 200 + i % 40,
                       "phase": round((i % 100) * 0.01, 2), "location": LOCATIONS[i % 3],
                       "groupid": i % 10}, separators=(",", ":"))


def run_k2td(bootstrap, topic, group, sink_port):
    """Runs k2td to the end of the topic; returns (summary dict, peak RSS in MiB)."""
    dsn = (f"kafka://{bootstrap}?topics={topic}&group={group}&timeout=3s")
    # /usr/bin/time measures the peak RSS: rusage from Python would report the
    # forking Python's own peak, which Linux carries across exec
    argv = ["/usr/bin/time", "-f", "maxrss_kb=%M", os.path.join(REPO, "build", "k2td"), "run",
            "--from", dsn,
            "--to", f"taos+http://root:taosdata@127.0.0.1:{sink_port}/bench",
            "--parser", json.dumps(PARSER)]
    proc = subprocess.run(argv, stderr=subprocess.PIPE, text=True)
    log = proc.stderr
    if proc.returncode != 0:
        raise RuntimeError(f"k2td failed:\n{log}")
    m = re.search(r"consumed (\d+) messages, wrote (\d+) rows.*?; (\d+) msg/s over ([\d.]+) s",
                  log)
    rss_kb = int(re.search(r"maxrss_kb=(\d+)", log)[1])
    return ({"consumed": int(m[1]), "written": int(m[2]), "rate": int(m[3]),
             "active_s": float(m[4])}, rss_kb / 1024.0)


def kcat_rate(bootstrap, topic, expected):
    t0 = time.monotonic()
    out = subprocess.run(["kcat", "-C", "-b", bootstrap, "-t", topic, "-e", "-o", "beginning",
                          "-q", "-f", "x"], capture_output=True, check=True).stdout
    secs = time.monotonic() - t0
    if len(out) != expected:
        raise RuntimeError(f"kcat read {len(out)} of {expected} messages")
    return expected / secs, secs


def start(argv, ready):
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    m = re.search(ready, line)
    if not m:
        raise RuntimeError(f"{argv[1]} did not start: {line}")
    return proc, int(m[1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=1_000_000)
    ap.add_argument("--standin-messages", type=int, default=200_000)
    ap.add_argument("--partitions", type=int, default=4)
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="k2td-bench-")
    kafka = helpers.Kafka.start(os.path.join(work, "broker"))
    procs = []
    try:
        topic = "bench_meters"
        kafka.create_topic(topic, args.partitions)
        t0 = time.monotonic()
        kafka.produce(topic, [canonical(i) for i in range(args.messages)])
        print(f"produced {args.messages} messages in {time.monotonic() - t0:.1f} s")

        kcat, kcat_s = kcat_rate(kafka.bootstrap, topic, args.messages)
        sink, sink_port = start([sys.executable, os.path.join(REPO, "bench", "fast_sink.py")],
                                r"listening on 127\.0\.0\.1:(\d+)")
        procs.append(sink)
        fast, rss = run_k2td(kafka.bootstrap, topic, "bench-fast", sink_port)
        assert fast["written"] == args.messages, fast

        standin = helpers.Standin(os.path.join(work, "standin")).start()
        procs.append(standin.proc)
        standin.sql("CREATE DATABASE bench PRECISION 'ms'")
        standin.sql("CREATE STABLE bench.meters (ts TIMESTAMP, current FLOAT, voltage INT, "
                    "phase FLOAT) TAGS (groupid INT, location VARCHAR(24))")
        small = "bench_meters_small"
        kafka.create_topic(small, args.partitions)
        kafka.produce(small, [canonical(i) for i in range(args.standin_messages)])
        slow, slow_rss = run_k2td(kafka.bootstrap, small, "bench-standin", standin.port)
        stored = standin.sql("SELECT COUNT(*) FROM bench.meters")["data"][0][0]
        assert stored == args.standin_messages, stored
        standin.stop()

        print(f"kcat raw consume:      {kcat:>10,.0f} msg/s  ({args.messages} in {kcat_s:.2f} s)")
        print(f"k2td -> fast sink:     {fast['rate']:>10,} msg/s  ({fast['written']} rows in "
              f"{fast['active_s']:.2f} s)  = {fast['rate'] / kcat:.0%} of kcat; "
              f"peak RSS {rss:.1f} MiB")
        print(f"k2td -> stand-in:      {slow['rate']:>10,} msg/s  ({stored} rows verified; "
              f"peak RSS {slow_rss:.1f} MiB)")
    finally:
        for p in procs:
            p.terminate()
        kafka.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
