"""Faults of the real server other than an outage: the supertable dropped
while k2td writes into it, and taosAdapter answering HTTP 5xx."""

import meters
from helpers import wait_until
from realtd import RealTd
from tdcase import archive_lines, json_task, summary
from test_group import committed_offsets

PARTITIONS = 2
DEVICES = 100


def _produce(produce, topic, lo, hi):
    produce(topic, [meters.message(i, DEVICES) for i in range(lo, hi)],
            partition=[i % PARTITIONS for i in range(lo, hi)])


def _count(td):
    return td.ok(f"SELECT COUNT(*) FROM {td.db}.meters")[0][0]


def _offsets(lo, hi):
    """The (partition, offset) of messages lo..hi-1 as _produce placed them
    in a fresh topic."""
    return {(i % PARTITIONS, i // PARTITIONS) for i in range(lo, hi)}


# the first messages, written; the supertable is dropped once a fifth of
# them landed; DROPPED more come after the drop, before it is created
# again; AFTER more follow its re-creation
FIRST, DROPPED, AFTER = 50_000, 10_000, 2_000
N = FIRST + DROPPED + AFTER


def _drop_mid_run(kafka, make_topic, produce, td, k2td, **policies):
    """Starts a run on FIRST messages, drops the supertable while it writes
    them and produces DROPPED more; returns (run, topic)."""
    meters.setup_target(td, db=td.db)
    topic = make_topic(partitions=PARTITIONS)
    _produce(produce, topic, 0, FIRST)
    task = json_task(kafka, td, topic, workdir=k2td.workdir,
                     source_keys={"timeout": "10s", "batch_size": "5000",
                                  "commit_interval": "200ms"}, **policies)
    run = k2td.start(task)
    wait_until(lambda: run.returncode is not None or _count(td) >= FIRST // 5, 120,
               "a fifth of the first rows", interval=0.05)
    td.ok(f"DROP STABLE {td.db}.meters")
    _produce(produce, topic, FIRST, FIRST + DROPPED)
    return run, topic


def test_a_supertable_dropped_mid_run_archives_its_rows_until_it_is_back(
        kafka, make_topic, produce, td, k2td):
    """table_not_exist (default retry): every row k2td cannot write because
    the supertable is gone - the statement in flight when it was dropped,
    then each batch after it, for which the supertable is looked up again -
    is archived with its reason; once the supertable is created again the
    rows are written. Nothing is lost or counted twice: rows written +
    rows archived = messages, and the committed offsets are all of them."""
    run, topic = _drop_mid_run(kafka, make_topic, produce, td, k2td)
    wait_until(lambda: run.returncode is not None or
               committed_offsets(kafka, "taosx" + topic, topic, PARTITIONS) == FIRST + DROPPED, 120,
               "every message before the re-creation settled", interval=0.2)
    assert run.returncode is None, run.stderr()[-3000:]
    td.ok(meters.CREATE_STABLE.format(db=td.db))
    _produce(produce, topic, FIRST + DROPPED, N)
    run.wait(180)
    assert run.returncode == 0, run.stderr()[-3000:]
    numbers = summary(run)
    lines = archive_lines(k2td.workdir)
    archived = {(l["partition"], l["offset"]) for l in lines}
    assert len(archived) == len(lines) == numbers["archived"]  # each row once
    assert numbers["consumed"] == N
    assert numbers["wrote"] + numbers["archived"] == N, numbers
    # what came after the drop and before the re-creation, all archived ...
    assert _offsets(FIRST, FIRST + DROPPED) <= archived
    # ... with some of the first messages (those not yet written at the drop)
    assert archived - _offsets(FIRST, FIRST + DROPPED) <= _offsets(0, FIRST)
    assert {l["reason"] for l in lines} == {f"supertable `{td.db}`.`meters` does not exist"}
    # what came after the re-creation is stored, exactly
    assert meters.rows(td, db=td.db) == meters.expected_rows(range(FIRST + DROPPED, N), DEVICES)
    assert committed_offsets(kafka, "taosx" + topic, topic, PARTITIONS) == N
    print(f"\nsupertable dropped: {numbers}")


def test_a_supertable_dropped_mid_run_stops_the_task_under_break(kafka, make_topic, produce,
                                                                  td, k2td):
    """table_not_exist = break: the first row that cannot be written because
    the supertable is gone stops the task (exit 1) naming the policy, with
    nothing archived and that row's batch not committed."""
    run, topic = _drop_mid_run(kafka, make_topic, produce, td, k2td, table_not_exist="break")
    run.wait(180)
    assert run.returncode == 1, run.stderr()[-3000:]
    assert "does not exist (policy table_not_exist: break)" in run.stderr()
    assert archive_lines(k2td.workdir) == []
    assert committed_offsets(kafka, "taosx" + topic, topic, PARTITIONS) < FIRST + DROPPED


# what taosAdapter answers to every request while its memory use is above
# monitor.pauseAllMemoryThreshold (per cent of the machine's memory)
PAUSED = "memory exceeds threshold"
GATEWAY_PORT = 6045


def test_a_gateway_answering_503_is_waited_out(kafka, make_topic, produce, td, k2td, gateway):
    """taosAdapter answers HTTP 503 with the body "memory exceeds threshold"
    (a JSON string) to every request while its memory use is above
    monitor.pauseAllMemoryThreshold; set to 0.01 % here, it always is. k2td,
    writing through that gateway, retries while its partitions wait and,
    once a gateway with the normal settings is back on the port, writes
    every row exactly once."""
    meters.setup_target(td, db=td.db)
    topic = make_topic(partitions=PARTITIONS)
    _produce(produce, topic, 0, 1000)
    normal = gateway(GATEWAY_PORT)
    task = json_task(kafka, td, topic, source_keys={"timeout": "5s"})
    task["to"] = RealTd(normal.url).dsn(td.db)
    run = k2td.start(task)
    wait_until(lambda: run.returncode is not None or _count(td) == 1000, 120, "the first rows")
    normal.stop()
    paused = gateway(GATEWAY_PORT, ["--monitor.pauseAllMemoryThreshold", "0.01"],
                     ready=lambda answer: answer == PAUSED)
    _produce(produce, topic, 1000, 2000)
    wait_until(lambda: run.returncode is not None or run.stderr().count("HTTP 503: ") >= 3,
               120, "three retries of a 503")
    assert run.returncode is None, run.stderr()[-3000:]
    assert f"HTTP 503: {PAUSED}; retrying in" in run.stderr()
    assert _count(td) == 1000
    paused.stop()
    gateway(GATEWAY_PORT)
    run.wait(120)
    assert run.returncode == 0, run.stderr()[-3000:]
    assert summary(run)["wrote"] == 2000
    assert meters.rows(td, db=td.db) == meters.expected_rows(range(2000), DEVICES)
    assert committed_offsets(kafka, "taosx" + topic, topic, PARTITIONS) == 2000
