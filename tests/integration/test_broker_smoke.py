"""The test broker and the Kafka fixtures work: what the produce helper
writes is exactly what an independent consumer (kcat) reads back."""

import subprocess


def kcat_consume(bootstrap, topic, fmt):
    """Reads `topic` from the beginning to its end with kcat and returns one
    line per message, formatted with kcat's -f `fmt` (which must end in \\n)."""
    proc = subprocess.run(
        ["kcat", "-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-e", "-q", "-f", fmt],
        capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    return proc.stdout.decode().splitlines()


def test_thousand_messages_come_back_exactly(kafka, make_topic, produce):
    topic = make_topic(partitions=4)
    sent = [f"message-{i}" for i in range(1000)]

    assert produce(topic, sent) == 1000

    got = kcat_consume(kafka.bootstrap, topic, "%s\n")
    assert len(got) == 1000
    assert sorted(got) == sorted(sent)


def test_topic_has_the_partitions_asked_for(kafka, make_topic):
    topic = make_topic(partitions=3)

    md = kafka.admin().list_topics(topic=topic, timeout=10).topics[topic]

    assert sorted(md.partitions) == [0, 1, 2]


def test_produce_sets_partition_key_and_timestamp(kafka, make_topic, produce):
    topic = make_topic(partitions=4)

    produce(topic, [b"a", "b"], partition=2, key="k1", timestamp_ms=1700000000123)
    produce(topic, ["c", None], partition=[0, 1], key=[b"k2", None], timestamp_ms=[1, 2])

    got = sorted(kcat_consume(kafka.bootstrap, topic, "%p|%k|%T|%s\n"))
    assert got == ["0|k2|1|c", "1||2|", "2|k1|1700000000123|a", "2|k1|1700000000123|b"]
