"""Consumer group and client id rule, and two processes sharing a group."""

import helpers
import meters


def committed_by_partition(kafka, group, topic, partitions):
    """The group's committed offset of each partition of topic, in partition
    order (0 for a partition without one)."""
    from confluent_kafka import ConsumerGroupTopicPartitions, TopicPartition
    request = ConsumerGroupTopicPartitions(
        group, [TopicPartition(topic, p) for p in range(partitions)])
    result = kafka.admin().list_consumer_group_offsets([request])[group].result()
    offsets = [0] * partitions
    for tp in result.topic_partitions:
        offsets[tp.partition] = max(tp.offset, 0)
    return offsets


def committed_offsets(kafka, group, topic, partitions):
    """The sum of the group's committed offsets over topic's partitions."""
    return sum(committed_by_partition(kafka, group, topic, partitions))


def test_group_and_client_id_get_the_prefix(kafka, make_topic, produce, standin, k2td):
    meters.setup_target(standin)
    topic = make_topic(partitions=2)
    produce(topic, [meters.message(i) for i in range(40)])
    task = meters.task(kafka, standin, [topic], name="g1", group="foo", client_id="bar")
    run = k2td.run(task, timeout=90)
    assert run.returncode == 0, run.stderr()
    assert "group.id=taosxfoo client.id=taosxbar" in run.stderr()
    assert committed_offsets(kafka, "taosxfoo", topic, 2) == 40


def test_task_id_and_custom_prefix(kafka, make_topic, produce, standin, k2td):
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    produce(topic, [meters.message(i) for i in range(5)])
    task = meters.task(kafka, standin, [topic], group="foo", client_id="bar",
                       with_task_id="true")
    task["id"] = "100"
    run = k2td.run(task, timeout=90)
    assert "group.id=taosx100foo client.id=taosx100bar" in run.stderr(), run.stderr()
    assert committed_offsets(kafka, "taosx100foo", topic, 1) == 5

    task = meters.task(kafka, standin, [topic], group="foo", id_prefix="acme-")
    run = k2td.run(task, timeout=90)
    assert "group.id=acme-foo" in run.stderr(), run.stderr()


def test_two_processes_share_the_partitions(kafka, make_topic, produce, standin, k2td):
    meters.setup_target(standin)
    topic = make_topic(partitions=4)
    # the idle timeout counts from each start: it spans both joins and the
    # rebalance before the first message
    task = meters.task(kafka, standin, [topic], group="shared", timeout="30s",
                       **{"session.timeout.ms": "6000", "heartbeat.interval.ms": "500"})
    # members of one task running at the same time each need their own name
    first = k2td.start({**task, "from": task["from"] + "&instance_name=a"})
    helpers.wait_until(lambda: "assigned 4 partition(s)" in first.stderr(), 120, "first member")
    second = k2td.start({**task, "from": task["from"] + "&instance_name=b"})
    helpers.wait_until(lambda: "assigned 2 partition(s)" in second.stderr()
                       and "assigned 2 partition(s)" in first.stderr(), 120, "a rebalance")
    # explicit partitions: a keyless producer sticks to one partition per batch
    produce(topic, [meters.message(i, devices=50) for i in range(20000)],
            partition=[i % 4 for i in range(20000)])
    first.wait(120)
    second.wait(120)
    assert first.returncode == 0 and second.returncode == 0, first.stderr() + second.stderr()
    assert meters.rows(standin) == meters.expected_rows(range(20000), devices=50)
    for run in (first, second):
        consumed = int(run.stderr().split("consumed ")[-1].split(" messages")[0])
        assert consumed > 0, run.stderr()


def test_cooperative_member_without_partitions_closes_cleanly(kafka, make_topic, produce,
                                                              standin, k2td):
    # librdkafka 2.0.2 aborts when a cooperative-sticky consumer that never got a
    # partition is closed (upstream #4312); k2td must leave such a group cleanly
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    produce(topic, [meters.message(i) for i in range(10)])
    coop = {"partition.assignment.strategy": "cooperative-sticky",
            "session.timeout.ms": "6000", "heartbeat.interval.ms": "500"}
    holder = k2td.start(meters.task(kafka, standin, [topic], group="coop", timeout="0",
                                    instance_name="holder", **coop))
    helpers.wait_until(lambda: "assigned 1 partition(s)" in holder.stderr(), 120, "the holder")
    idle = k2td.run(meters.task(kafka, standin, [topic], group="coop", timeout="4s",
                                instance_name="idle", **coop), timeout=60)
    # it never held a partition: the timeout passing is not a finish
    assert idle.returncode == 9, idle.stderr()
    assert "not finished: no message for 4000 ms and no partition assigned" in idle.stderr()
    assert "summary: task `meters` not finished" in idle.stderr()
    assert "consumed 0 messages" in idle.stderr()
    holder.terminate()
    assert holder.returncode == 0, holder.stderr()
    assert meters.count(standin) == 10
