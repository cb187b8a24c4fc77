"""Overload: a backlog much larger than k2td's memory, and messages of 1 MB
and 10 MB. k2td's resident memory (VmHWM, sampled from /proc) must stay
under a stated bound: one batch plus librdkafka's bounded prefetch queue
(docs/reliability.md, "Overload"). The bound is asserted on the release
build only: AddressSanitizer's quarantine and shadow memory make the
sanitized binary's RSS say nothing about k2td's own."""

import json

import pytest
from confluent_kafka import Producer

import meters
from rss import RssSampler, sanitized
from test_group import committed_offsets
from test_policies import archive_lines, with_options

DEVICES = 100
MIB = 1024 * 1024
# The idle timeout of these runs: after writing megabytes of messages (slowly,
# in the sanitizer build) the partition's end can stay unknown a few seconds,
# until a fetch answers again; meters.task's 3 s would end the run unfinished.
IDLE = "6s"


def drain_sampled(k2td, task, timeout):
    """Runs task to its end while sampling k2td's RSS; returns (the finished
    run, its peak RSS in MiB)."""
    run = k2td.start(task)
    sampler = RssSampler(run.pid).start()
    run.wait(timeout)
    peak = sampler.stop().peak_mib
    print(f"k2td peak RSS {peak:.1f} MiB")  # shown with pytest -s
    return run, peak


def assert_under(k2td, peak_mib, bound_mib, run):
    """Asserts the peak RSS is under bound_mib unless the binary is
    sanitized (whose RSS is mostly the sanitizer's)."""
    if not sanitized(k2td.binary):
        assert peak_mib < bound_mib, (f"peak RSS {peak_mib:.1f} MiB, bound {bound_mib} MiB",
                                      run.stderr()[-3000:])


@pytest.mark.heavy
def test_a_backlog_twice_the_prefetch_queue_drains_under_the_memory_bound(
        kafka, make_topic, produce, standin, k2td):
    # the whole backlog waits in the topic before k2td starts, twice what
    # the prefetch queue may hold (250,000 messages), and the stand-in is
    # much slower than Kafka: the queue stays full. 1,000,000 queued
    # messages (the limit before) took about 245 MiB
    meters.setup_target(standin)
    topic = make_topic(partitions=8)
    total = 500_000
    for lo in range(0, total, 100_000):
        produce(topic, [meters.message(i, DEVICES) for i in range(lo, lo + 100_000)])
    run, peak = drain_sampled(k2td, meters.task(kafka, standin, [topic], timeout=IDLE), 900)
    assert run.returncode == 0, run.stderr()
    assert f"consumed {total} messages, wrote {total} rows" in run.stderr()
    assert meters.count(standin, timeout=120) == total
    assert committed_offsets(kafka, "taosx" + topic, topic, 8) == total
    assert_under(k2td, peak, 200, run)


def _big_array(first, size):
    """A JSON array of canonical records from index `first` on, of about
    `size` bytes; returns (payload, the record indexes)."""
    out, n, i = [], 2, first
    while n < size:
        out.append(meters.message(i, DEVICES))
        n += len(out[-1]) + 1
        i += 1
    return "[" + ",".join(out) + "]", range(first, i)


def test_1_mb_and_10_mb_messages(kafka, make_topic, standin, k2td):
    meters.setup_target(standin)
    # the broker's default max.message.bytes is about 1 MB
    topic = make_topic(partitions=2, config={"max.message.bytes": str(24 * MIB)})
    one_mb, rows_1 = _big_array(0, MIB)
    ten_mb, rows_10 = _big_array(rows_1.stop, 10 * MIB)
    tail = rows_10.stop
    # a single value no TDengine column can hold: 10 MB in the location tag
    huge = json.dumps({"id": 1, "ts": meters.BASE_MS + tail, "location": "x" * (10 * MIB)})
    part0 = [meters.message(tail + 1, DEVICES), one_mb, ten_mb, huge,
             meters.message(tail + 2, DEVICES)]
    part1 = [one_mb, meters.message(tail + 3, DEVICES)]
    producer = Producer({"bootstrap.servers": kafka.bootstrap,
                         "message.max.bytes": 24 * MIB, "linger.ms": 0})
    for p, msgs in ((0, part0), (1, part1)):
        for m in msgs:
            producer.produce(topic, m, partition=p)
            producer.poll(0)
    assert producer.flush(60) == 0
    task = with_options(meters.task(kafka, standin, [topic], timeout=IDLE),
                        data_dir=str(k2td.workdir))
    run, peak = drain_sampled(k2td, task, 600)
    err = run.stderr()
    assert run.returncode == 0, err
    indexes = list(rows_1) + list(rows_10) + [tail + 1, tail + 2, tail + 3]
    # the 1 MB array twice (as a message delivered again): the same rows
    assert meters.rows(standin, timeout=120) == meters.expected_rows(indexes, DEVICES)
    archived = archive_lines(k2td.workdir, "meters")
    assert [(a["topic"], a["partition"], a["offset"]) for a in archived] == [(topic, 0, 3)]
    assert f"{10 * MIB} bytes long, more than 24" in archived[0]["reason"], \
        archived[0]["reason"][:300]
    assert archived[0]["payload"] == huge
    assert f"{topic} [0] offset 3" in err, err[-3000:]
    assert "1 rows archived" in err, err[-3000:]
    assert committed_offsets(kafka, "taosx" + topic, topic, 2) == len(part0) + len(part1)
    assert_under(k2td, peak, 256, run)


def test_a_burst_of_1_mb_messages_is_written_in_bounded_batches(kafka, make_topic, produce,
                                                                standin, k2td):
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    total = 160
    # 0.9 MB each, one row (the padding is a field the supertable lacks,
    # ignored); batch_size would let 10,000 of them (9 GB) into one batch
    produce(topic, [json.dumps(dict(meters.record(i, DEVICES), pad="p" * 900_000))
                    for i in range(total)])
    # a small prefetch queue, so that what the batch holds decides the peak;
    # a batch that is not full waits 5 s for more
    task = meters.task(kafka, standin, [topic], timeout=IDLE, batch_timeout="5s",
                       **{"queued.max.messages.kbytes": "8192"})
    run, peak = drain_sampled(k2td, task, 300)
    assert run.returncode == 0, run.stderr()
    assert meters.rows(standin) == meters.expected_rows(range(total), DEVICES)
    assert committed_offsets(kafka, "taosx" + topic, topic, 1) == total
    # batches close at 16 MiB of payloads, not after 5 s with all 144 MB
    assert_under(k2td, peak, 100, run)
