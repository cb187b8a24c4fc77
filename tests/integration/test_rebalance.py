"""Rebalance storms: several `k2td run` processes of one task file share a
consumer group while a large ingest is produced, and members die by SIGKILL,
join and restart at seeded random moments. Every member joins as a static
member of its own (a member slot of the task on this host, kafka_member.h):
none is fenced, a restart takes the place and the partitions of a member that
died, and what a dead member held is consumed again once its session ends.
Nothing is lost or added, and no committed offset ever runs ahead of the rows
TDengine holds."""

import datetime
import random
import re
import threading
import time

import pytest
from confluent_kafka import ConsumerGroupState, KafkaException

import helpers
import meters
from test_group import committed_by_partition

PARTITIONS = 8
DEVICES = 1000
# a short session, so the partitions of a member that died and did not come
# back move to the others within seconds (the broker's minimum is 6 s)
GROUP_KEYS = {"session.timeout.ms": "6000", "heartbeat.interval.ms": "500",
              "commit_interval": "500ms", "batch_size": "5000"}
WAIT = 300  # seconds any one condition may take: generous, for the sanitizer build


class Ingest(threading.Thread):
    """Produces messages 0..n-1 of the meters set to topic, message i to
    partition i % PARTITIONS, in chunks, while the members run. The last
    tenth waits for .gate, so that what happens before the gate opens happens
    during the ingest. .produced counts the messages acknowledged so far,
    .error holds what stopped it early."""

    def __init__(self, produce, topic, n):
        super().__init__(daemon=True)
        self.produce, self.topic, self.n = produce, topic, n
        self.gate = threading.Event()
        self.produced = 0
        self.error = None

    def run(self):
        try:
            cut = self.n * 9 // 10
            bounds = sorted({*range(0, self.n, 16000), cut, self.n})
            for lo, hi in zip(bounds, bounds[1:]):
                if lo == cut:
                    self.gate.wait()
                self.produce(self.topic, [meters.message(i, DEVICES) for i in range(lo, hi)],
                             partition=[i % PARTITIONS for i in range(lo, hi)])
                self.produced = hi
        except Exception as e:  # reported by the test thread
            self.error = e


def instance_id(run):
    """The group.instance.id a member logged at its start, or None yet."""
    m = re.search(r"group\.instance\.id=(\S+?),", run.stderr())
    return m.group(1) if m else None


def holds_partitions(run):
    """True when the member's last assignment gave it partitions and nothing
    was revoked since."""
    events = re.findall(r"kafka: (assigned (\d+)|revoked)", run.stderr())
    return bool(events) and events[-1][1] not in ("", "0")


def landed_timestamps(standin):
    """The timestamps of the rows TDengine holds, as the stand-in prints
    them (each tells one meters message)."""
    answer = standin.sql("SELECT ts FROM kdb.meters", timeout=WAIT)
    assert answer["code"] == 0, answer
    return {row[0] for row in answer["data"]}


def last_assigned_at(run):
    """The epoch seconds of the member's last "assigned" log line, or 0."""
    stamps = re.findall(r"^(\S+)Z INFO  kafka: assigned", run.stderr(), re.M)
    if not stamps:
        return 0
    return datetime.datetime.fromisoformat(stamps[-1] + "+00:00").timestamp()


def check_committed_not_ahead(kafka, group, topic, standin):
    """Asserts that every message below a partition's committed offset has
    its row in TDengine: the offsets are read first, the rows after."""
    committed = committed_by_partition(kafka, group, topic, PARTITIONS)
    landed = landed_timestamps(standin)
    for p, offset in enumerate(committed):
        missing = [p + PARTITIONS * k for k in range(offset)
                   if meters.iso_ms(meters.BASE_MS + p + PARTITIONS * k) not in landed]
        assert not missing, (f"partition {p}: committed offset {offset} but the rows of "
                             f"{len(missing)} messages below it are missing "
                             f"(first: message {missing[0]})")
    return committed


def settled(kafka, group, live):
    """True when the group is stable with exactly the live members, every
    partition held by one of them, and each of them says it holds some;
    False also while the group's coordinator does not answer."""
    try:
        found = kafka.admin().describe_consumer_groups([group], request_timeout=10)[group]
        found = found.result()
    except KafkaException:  # no coordinator yet (a fresh broker): not settled
        return False
    held = sorted(tp.partition for m in found.members for tp in m.assignment.topic_partitions)
    return (found.state == ConsumerGroupState.STABLE and held == list(range(PARTITIONS)) and
            sorted(str(m.group_instance_id) for m in found.members) ==
            sorted(str(instance_id(r)) for r in live) and all(holds_partitions(r) for r in live))


def run_storm(kafka, make_topic, produce, standin, k2td, n, events, seed):
    """Three members of one task file, an ingest of n messages produced while
    they run, and `events` ("kill", "add", "restart") at seeded random
    moments (rows landed); checks the target, the offsets and the members.
    Returns {event: [seconds from the event until the last live member got
    its share of the partitions]}."""
    assert n % PARTITIONS == 0
    meters.setup_target(standin)
    topic = make_topic(partitions=PARTITIONS)
    group = "taosx" + topic
    task = meters.task(kafka, standin, [topic], timeout="0", **GROUP_KEYS)
    first = k2td.start(task)
    same_file = ("run", first.task_path)  # every member runs this very file
    live = [first] + [k2td.start(task, args=same_file) for _ in range(2)]
    helpers.wait_until(lambda: settled(kafka, group, live) or
                       any(r.returncode is not None for r in live),
                       WAIT, "the three members to share the partitions", interval=0.2)
    for r in live:  # one fenced by another of the same instance id would have ended
        assert r.returncode is None, r.stderr()[-3000:]
    ids = [instance_id(r) for r in live]
    assert len(set(ids)) == 3, ids

    ingest = Ingest(produce, topic, n)
    ingest.start()
    rng = random.Random(seed)
    goals = sorted(rng.sample(range(n // 10, n * 8 // 10), len(events)))
    dead_ids, rebalance = [], {}
    for event, goal in zip(events, goals):
        helpers.wait_until(lambda: meters.count(standin, timeout=WAIT) >= goal or
                           any(r.returncode is not None for r in live),
                           WAIT, f"{goal} rows", interval=0.2)
        for r in live:
            assert r.returncode is None, r.stderr()[-3000:]
        if event == "kill":
            victim = live.pop(rng.randrange(len(live)))
            victim.kill()
            started = time.time()
            if "--member" not in victim.argv:  # a slot of the host name a restart takes
                dead_ids.append(instance_id(victim))
            check_committed_not_ahead(kafka, group, topic, standin)
        elif event == "add":  # a new member, by name: not a restart of a dead one
            started = time.time()
            live.append(k2td.start(task, args=same_file + ("--member", f"extra{len(live)}")))
        else:  # a member started again: it takes a dead member's slot and place
            started = time.time()
            live.append(k2td.start(task, args=same_file))
        helpers.wait_until(lambda: settled(kafka, group, live) or
                           any(r.returncode is not None for r in live),
                           WAIT, f"the group to settle after `{event}`", interval=0.2)
        # a measurement, not a condition: the members' log lines tell when
        # the last of them got its share (the test's own checks take time)
        rebalance.setdefault(event, []).append(
            round(max(last_assigned_at(r) for r in live) - started, 1))
        for r in live:
            assert r.returncode is None, r.stderr()[-3000:]
        if event == "restart" and dead_ids:
            assert instance_id(live[-1]) in dead_ids, (instance_id(live[-1]), dead_ids)
            dead_ids.remove(instance_id(live[-1]))
    ingest.gate.set()
    ingest.join(WAIT)
    assert not ingest.is_alive() and ingest.error is None, ingest.error
    helpers.wait_until(lambda: committed_by_partition(kafka, group, topic, PARTITIONS) ==
                       [n // PARTITIONS] * PARTITIONS or
                       any(r.returncode is not None for r in live),
                       WAIT, "every partition committed to its end", interval=0.2)
    for r in live:
        assert r.returncode is None, r.stderr()[-3000:]
        assert r.terminate(WAIT) == 0, r.stderr()[-3000:]
        assert "another consumer joined group" not in r.stderr(), r.stderr()[-3000:]
    # every partition consumed to its end, and exactly what was produced landed
    assert committed_by_partition(kafka, group, topic, PARTITIONS) == \
        [n // PARTITIONS] * PARTITIONS
    assert meters.rows(standin, timeout=WAIT) == meters.expected_rows(range(n), DEVICES)
    return rebalance


def test_members_die_join_and_restart_during_an_ingest(kafka, make_topic, produce, standin,
                                                       k2td):
    rebalance = run_storm(kafka, make_topic, produce, standin, k2td, 64_000,
                         ["kill", "add", "kill", "restart"], seed=3)
    print("seconds until the last member got its share:", rebalance)


@pytest.mark.soak
def test_a_rebalance_storm_during_a_large_ingest(kafka, make_topic, produce, standin, k2td):
    rebalance = run_storm(kafka, make_topic, produce, standin, k2td, 300_000,
                         ["kill", "add", "kill", "restart", "kill", "kill", "restart",
                          "restart"], seed=7)
    print("seconds until the last member got its share:", rebalance)
