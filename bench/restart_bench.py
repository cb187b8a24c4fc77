"""Restart benchmark: how long a task restarted after kill -9 takes to write
its first row, with static group membership (k2td's default) and without
(enable_group_instance_id=false, the consumer group behaviour before it).

A real Kafka broker -> k2td -> the fast acknowledging sink (bench/fast_sink.py).
Each round: k2td runs until rows arrive, is killed with SIGKILL, more messages
are produced, and k2td starts again `--pause` seconds after the kill; the
time from that start to the next row the sink acknowledges is measured. The
broker's default session timeout (45 s) applies.

    .cache/venv/bin/python bench/restart_bench.py [--rounds 3] [--pause 1.0]

Needs the build (build/k2td) and the test tooling (scripts/install-deps.sh --test).
"""

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))
sys.path.insert(0, os.path.join(REPO, "bench"))
import helpers  # noqa: E402
from e2e_bench import PARSER, canonical, start  # noqa: E402


def sink_rows(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_sink/stats", timeout=10) as r:
        return json.load(r)["rows"]


def k2td_start(bootstrap, topic, group, static, sink_port, log_path):
    dsn = (f"kafka://{bootstrap}?topics={topic}&group={group}&timeout=0"
           f"&enable_group_instance_id={'true' if static else 'false'}")
    argv = [os.path.join(REPO, "build", "k2td"), "run", "--from", dsn,
            "--to", f"taos+http://root:taosdata@127.0.0.1:{sink_port}/bench",
            "--parser", json.dumps(PARSER)]
    log = open(log_path, "a")
    try:
        return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=log)
    finally:
        log.close()


def wait_more_rows(port, than, limit_s):
    """Seconds until the sink holds more than `than` rows, or None after limit_s."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit_s:
        if sink_rows(port) > than:
            return time.monotonic() - t0
        time.sleep(0.05)
    return None


def measure(kafka, sink_port, static, rounds, pause, work):
    topic = f"restart_{'static' if static else 'dynamic'}"
    group = topic
    kafka.create_topic(topic, 4)
    produced = 0

    def produce(n):
        nonlocal produced
        kafka.produce(topic, [canonical(i) for i in range(produced, produced + n)],
                      partition=[i % 4 for i in range(produced, produced + n)])
        produced += n

    produce(20_000)
    log = os.path.join(work, f"{topic}.log")
    proc = k2td_start(kafka.bootstrap, topic, group, static, sink_port, log)
    if wait_more_rows(sink_port, sink_rows(sink_port), 120) is None:
        raise RuntimeError(f"k2td wrote nothing; see {log}")
    times = []
    for _ in range(rounds):
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        produce(20_000)
        time.sleep(pause)  # the restart comes `pause` s after the crash
        before = sink_rows(sink_port)
        proc = k2td_start(kafka.bootstrap, topic, group, static, sink_port, log)
        took = wait_more_rows(sink_port, before, 180)
        times.append(took)
        # the next kill after this round's rows are in
        wait_more_rows(sink_port, sink_rows(sink_port), 5)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return times


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--pause", type=float, default=1.0)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="k2td-restart-bench-")
    kafka = helpers.Kafka.start(os.path.join(work, "broker"))
    sink = None
    try:
        sink, sink_port = start([sys.executable, os.path.join(REPO, "bench", "fast_sink.py")],
                                r"listening on 127\.0\.0\.1:(\d+)")
        for static in (False, True):
            times = measure(kafka, sink_port, static, args.rounds, args.pause, work)
            shown = ", ".join("> 180 s" if t is None else f"{t:.1f} s" for t in times)
            done = [t for t in times if t is not None]
            median = f"{statistics.median(done):.1f} s" if done else "-"
            print(f"{'static membership' if static else 'dynamic membership'}: first row "
                  f"{shown} after the restart (median {median})")
    finally:
        if sink:
            sink.terminate()
        kafka.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
