"""`k2td preview` without --sample: the samples are read from the task's Kafka
topics where the task would start, spread over the partitions, without
joining the task's group or committing anything."""

import json

from confluent_kafka import OFFSET_INVALID, Consumer, TopicPartition

import meters

NO_COMMIT = OFFSET_INVALID  # what committed() says for a partition without an offset


def preview(k2td, task, *args):
    """Runs `k2td preview TASK ...` and returns the finished run."""
    return k2td.run(task, args=("preview", "{task}", *args), timeout=90)


def preview_doc(k2td, task, *args):
    run = preview(k2td, task, "--json", *args)
    assert run.returncode == 0, run.stderr()
    return json.loads(run.stdout())


def origins(doc):
    """(topic, partition, offset, payload) of every sample, in output order."""
    return [(m["topic"], m["partition"], m["offset"], m["payload"]) for m in doc["messages"]]


def committed(kafka, group, topic, partitions):
    """The offsets `group` has committed on the topic's partitions."""
    c = Consumer({"bootstrap.servers": kafka.bootstrap, "group.id": group,
                  "enable.auto.commit": False})
    try:
        tps = c.committed([TopicPartition(topic, p) for p in range(partitions)], timeout=30)
        return [tp.offset for tp in tps]
    finally:
        c.close()


def test_samples_are_the_messages_and_nothing_is_committed(kafka, make_topic, produce,
                                                          standin, k2td):
    meters.setup_target(standin)
    topic = make_topic(partitions=2)
    produce(topic, [meters.message(i) for i in range(6)], partition=[i % 2 for i in range(6)])
    task = meters.task(kafka, standin, [topic], name="pv_nocommit")
    # a from that asks librdkafka to store and commit on its own: preview must
    # still leave no offset behind
    eager = task["from"] + "&enable.auto.commit=true&enable.auto.offset.store=true" \
                           "&auto.commit.interval.ms=50"
    doc = preview_doc(k2td, task, "--from", eager, "--count", "10")
    assert origins(doc) == [(topic, i % 2, i // 2, meters.message(i)) for i in (0, 2, 4, 1, 3, 5)]
    assert [m["rows"] for m in doc["messages"]] == [1] * 6
    assert sorted(m["subtable"] for m in doc["mapped"]) == sorted(f"d_{i}" for i in range(6))

    text = preview(k2td, task, "--count", "10")
    assert text.returncode == 0, text.stderr()
    lines = [line.split() for line in text.stdout().splitlines()]
    assert ["msg", "topic", "partition", "offset"] in lines, text.stdout()
    for n, (t, p, o, _) in enumerate(origins(doc)):
        assert [str(n), t, str(p), str(o)] in lines, text.stdout()

    assert meters.count(standin) == 0
    assert committed(kafka, f"taosx{topic}", topic, 2) == [NO_COMMIT, NO_COMMIT]
    run = k2td.run(task, timeout=90)
    assert run.returncode == 0, run.stderr()
    assert meters.rows(standin) == meters.expected_rows(range(6))


def test_preview_starts_at_the_committed_offsets(kafka, make_topic, produce, standin, k2td):
    meters.setup_target(standin)
    topic = make_topic(partitions=2)
    produce(topic, [meters.message(i) for i in range(6)], partition=[i % 2 for i in range(6)])
    task = meters.task(kafka, standin, [topic], name="pv_committed")
    run = k2td.run(task, timeout=90)
    assert run.returncode == 0, run.stderr()
    before = committed(kafka, f"taosx{topic}", topic, 2)
    assert before == [3, 3]

    produce(topic, [meters.message(i) for i in range(6, 9)], partition=[0, 1, 1])
    doc = preview_doc(k2td, task)
    assert origins(doc) == [(topic, 0, 3, meters.message(6)), (topic, 1, 3, meters.message(7)),
                            (topic, 1, 4, meters.message(8))]
    assert committed(kafka, f"taosx{topic}", topic, 2) == before

    # a group that has read everything gets nothing, and is told so
    run = k2td.run(task, timeout=90)
    assert run.returncode == 0, run.stderr()
    empty = preview(k2td, task, "--json")
    assert empty.returncode == 0, empty.stderr()
    assert json.loads(empty.stdout())["messages"] == []
    assert "no messages in Kafka where the task would start" in empty.stderr()


def test_latest_shows_the_last_messages(kafka, make_topic, produce, standin, k2td):
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    produce(topic, [meters.message(i) for i in range(30)])
    task = meters.task(kafka, standin, [topic], name="pv_latest", fallback_offset="Latest")
    doc = preview_doc(k2td, task, "--count", "5")
    assert origins(doc) == [(topic, 0, i, meters.message(i)) for i in range(25, 30)]


def test_bytime_starts_at_start_time(kafka, make_topic, produce, standin, k2td):
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    t0 = 1760000000000
    produce(topic, [meters.message(i) for i in range(10)],
            timestamp_ms=[t0 + i * 1000 for i in range(10)])
    task = meters.task(kafka, standin, [topic], name="pv_bytime", start_time=str(t0 + 4500))
    doc = preview_doc(k2td, task, "--count", "3")
    assert origins(doc) == [(topic, 0, i, meters.message(i)) for i in (5, 6, 7)]


def test_count_is_spread_over_the_partitions(kafka, make_topic, produce, standin, k2td):
    meters.setup_target(standin)
    topic = make_topic(partitions=4)
    produce(topic, [meters.message(i) for i in range(80)], partition=[i % 4 for i in range(80)])
    task = meters.task(kafka, standin, [topic], name="pv_spread")

    doc = preview_doc(k2td, task, "--count", "10")
    got = origins(doc)
    assert [p for _, p, _, _ in got] == [0, 0, 0, 1, 1, 1, 2, 2, 3, 3]
    for _, p, o, payload in got:
        assert payload == meters.message(o * 4 + p)
    assert [o for _, p, o, _ in got if p == 0] == [0, 1, 2]

    assert len(preview_doc(k2td, task, "--count", "1")["messages"]) == 1
    assert len(preview_doc(k2td, task, "--count", "1000")["messages"]) == 80
    assert len(preview_doc(k2td, task)["messages"]) == 10  # the default


def test_a_short_partition_leaves_its_share_to_the_others(kafka, make_topic, produce, standin,
                                                          k2td):
    meters.setup_target(standin)
    topic = make_topic(partitions=3)
    produce(topic, [meters.message(0)], partition=0)
    produce(topic, [meters.message(i) for i in range(1, 41)], partition=[1, 2] * 20)
    task = meters.task(kafka, standin, [topic], name="pv_short")
    doc = preview_doc(k2td, task, "--count", "9")
    parts = [p for _, p, _, _ in origins(doc)]
    assert parts == [0, 1, 1, 1, 1, 2, 2, 2, 2]


def test_empty_topic_gives_no_samples(kafka, make_topic, standin, k2td):
    meters.setup_target(standin)
    topic = make_topic(partitions=3)
    task = meters.task(kafka, standin, [topic], name="pv_empty")
    run = preview(k2td, task, "--json")
    assert run.returncode == 0, run.stderr()
    assert json.loads(run.stdout())["messages"] == []
    # every partition was seen to be empty: the read did not wait for its timeout
    assert "no messages in Kafka where the task would start" in run.stderr()
    assert "stopped reading Kafka" not in run.stderr()


def test_missing_topic_and_unreachable_brokers(kafka, make_topic, produce, standin, k2td):
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    produce(topic, [meters.message(0)])
    task = meters.task(kafka, standin, [topic], name="pv_errors")
    to = task["to"]
    parser = json.dumps(task["parser"])

    def cli(from_dsn):
        return k2td.run("{}", args=("preview", "--from", from_dsn, "--to", to,
                                    "--parser", parser), timeout=90)

    missing = cli(f"kafka://{kafka.bootstrap}?topics={topic},no_such_topic_pv")
    assert missing.returncode == 4, missing.stderr()
    assert "`no_such_topic_pv` does not exist" in missing.stderr()
    assert missing.stdout() == ""

    down = cli(f"kafka://127.0.0.1:1?topics={topic}&sasl.password=hunter2")
    assert down.returncode == 3, down.stderr()
    assert "brokers 127.0.0.1:1 did not answer" in down.stderr()
    assert "hunter2" not in down.stderr() + down.stdout()

    bad = cli(f"kafka://{kafka.bootstrap}?topics={topic}&socket.timeout.ms=soon")
    assert bad.returncode == 2, bad.stderr()
    assert "socket.timeout.ms" in bad.stderr()

    # --from beside a task file replaces the task's source
    elsewhere = dict(task)
    elsewhere["from"] = f"kafka://127.0.0.1:1?topics={topic}"
    doc = preview_doc(k2td, elsewhere, "--from", task["from"])
    assert origins(doc) == [(topic, 0, 0, meters.message(0))]


def test_bad_count_is_a_usage_error(standin, k2td, tmp_path):
    meters.setup_target(standin)
    task = {"name": "pv_usage", "from": "kafka://127.0.0.1:1?topics=nowhere",
            "to": f"taos+http://root:taosdata@127.0.0.1:{standin.port}/kdb",
            "parser": {"parse": {"value": {"json": ""}},
                       "model": {"name": "d_{id}", "using": "meters"}}}
    sample = tmp_path / "sample.txt"
    sample.write_text(meters.message(0) + "\n")
    for args in (("--count", "0"), ("--count", "1001"), ("--count", "ten"), ("--count", "-3"),
                 ("--count=",), ("--count", "5", "--sample", str(sample)), ("--count",)):
        run = preview(k2td, task, *args)
        assert run.returncode == 2, (args, run.stderr())
        assert "--count" in run.stderr(), (args, run.stderr())
        assert run.stdout() == ""
