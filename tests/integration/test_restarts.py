"""A crashed task restarted again and again: with static group membership each
restart takes the dead member's place at once (no waiting out its session),
nothing is lost, and a run whose timeout passes only claims to be finished
when it held its partitions and read them to their end."""

import random
import time

import pytest

import helpers
import meters
from test_group import committed_offsets

N_SOAK = 1_000_000
N_SHORT = 200_000
DEVICES = 1000
PARTITIONS = 8
KILLS = 10


def consumed_in_summary(stderr):
    """The message count of the summary line of a k2td run."""
    summary = [line for line in stderr.splitlines() if "summary: task" in line]
    assert summary, stderr[-3000:]
    return int(summary[-1].split("consumed ")[1].split(" messages")[0])


def ten_kills_then_a_run_with_a_timeout(kafka, make_topic, produce, standin, k2td, N):
    """Ingests N messages into 8 partitions while `k2td run` is killed with
    SIGKILL 10 times and restarted; then a run with a timeout finishes it.
    Checks the committed offsets after every kill and the target at the end."""
    meters.setup_target(standin)
    topic = make_topic(partitions=PARTITIONS)
    # the broker's default session timeout (45 s): a restart that had to wait
    # for the dead member would not get a partition before the final run's
    # timeout passed
    group = f"restarts{N}"  # a group of its own: the other size's dead member is not in it
    task = meters.task(kafka, standin, [topic], group=group, timeout="0",
                       batch_size="5000")
    produce(topic, [meters.message(i, DEVICES) for i in range(N)],
            partition=[i % PARTITIONS for i in range(N)])
    # the kills at seeded random moments (rows landed) of the ingest, each
    # restart a seeded random 0.5-3 s after its crash
    rng = random.Random(11)
    goals = sorted(rng.sample(range(N // 20, N * 9 // 10), KILLS))
    pauses = [rng.uniform(0.5, 3.0) for _ in range(KILLS)]
    run = k2td.start(task)
    for goal, pause in zip(goals, pauses):
        helpers.wait_until(lambda: meters.count(standin, timeout=300) >= goal or
                           run.returncode is not None, 300,
                           lambda: f"{goal} rows (the target has {meters.count(standin)}); "
                                   f"k2td's log ends:\n{run.stderr()[-3000:]}", interval=0.2)
        assert run.returncode is None, run.stderr()[-3000:]
        run.kill()
        # offsets are stored only for rows TDengine confirmed
        committed = committed_offsets(kafka, "taosx" + group, topic, PARTITIONS)
        assert committed <= meters.count(standin, timeout=300)
        time.sleep(pause)  # the scenario: the restart comes `pause` s after the crash
        run = k2td.start(task)
    helpers.wait_until(lambda: "assigned" in run.stderr() or run.returncode is not None, 60,
                       "the last run to hold partitions")
    run.kill()
    assert meters.count(standin, timeout=300) < N, "the ingest ended before the last kill"
    committed = committed_offsets(kafka, "taosx" + group, topic, PARTITIONS)
    # the last run of the report: a timeout, started right after a crash
    final = k2td.run({**task, "from": task["from"].replace("timeout=0", "timeout=8s")},
                     timeout=600)
    assert final.returncode == 0, final.stderr()[-3000:]
    assert "every assigned partition read to its end: the task is finished" in final.stderr()
    # the final run read exactly what was not committed, once
    assert consumed_in_summary(final.stderr()) == N - committed
    assert committed_offsets(kafka, "taosx" + group, topic, PARTITIONS) == N
    assert meters.count(standin, timeout=300) == N
    assert meters.rows(standin, timeout=300) == meters.expected_rows(range(N), DEVICES)


@pytest.mark.heavy
def test_ten_kill_9_in_a_row_then_a_run_with_a_timeout(kafka, make_topic, produce, standin,
                                                       k2td):
    ten_kills_then_a_run_with_a_timeout(kafka, make_topic, produce, standin, k2td, N_SHORT)


@pytest.mark.soak
def test_ten_kill_9_during_1_m_messages(kafka, make_topic, produce, standin, k2td):
    ten_kills_then_a_run_with_a_timeout(kafka, make_topic, produce, standin, k2td, N_SOAK)


def crash_then_restart(kafka, make_topic, produce, standin, k2td, timeout, **dsn_keys):
    """Runs a task on 100 messages until they landed, kills it with SIGKILL,
    produces 100 more and runs it again at once with `timeout`; returns that
    second run (ended)."""
    meters.setup_target(standin)
    topic = make_topic(partitions=PARTITIONS)
    produce(topic, [meters.message(i) for i in range(100)])
    task = meters.task(kafka, standin, [topic], timeout="0", **dsn_keys)
    first = k2td.start(task)
    helpers.wait_until(lambda: meters.count(standin) == 100, 120, "the first rows")
    first.kill()
    produce(topic, [meters.message(i) for i in range(100, 200)])
    return k2td.run({**task, "from": task["from"].replace("timeout=0", f"timeout={timeout}")},
                    timeout=120)


def test_a_restart_after_kill_9_gets_its_partitions_at_once(kafka, make_topic, produce,
                                                            standin, k2td):
    # the restart comes far inside the 45 s session of the dead member: it
    # takes its place instead of waiting for it
    second = crash_then_restart(kafka, make_topic, produce, standin, k2td, "8s")
    assert second.returncode == 0, second.stderr()[-3000:]
    assert f"assigned {PARTITIONS} partition(s)" in second.stderr()
    assert meters.rows(standin) == meters.expected_rows(range(200))


def test_without_static_membership_a_timeout_without_partitions_is_not_a_finish(
        kafka, make_topic, produce, standin, k2td):
    # the dead member holds the partitions for its 45 s session: the 6 s
    # timeout passes without a partition
    second = crash_then_restart(kafka, make_topic, produce, standin, k2td, "6s",
                                group="dynamic", enable_group_instance_id="false")
    assert second.returncode == 9, second.stderr()[-3000:]
    assert "not finished: no message for 6000 ms and no partition assigned" in second.stderr()
    assert "waiting for partitions: group `taosxdynamic` is joining or rebalancing" in \
        second.stderr()
    assert "summary: task `meters` not finished" in second.stderr()
    assert meters.count(standin) == 100
