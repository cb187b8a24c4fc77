"""The archive on a disk that is full or read-only, through a real broker
and the stand-in: with archive.on_fail wait (the default) the batch that
holds a row to archive is not committed while the archive cannot be
written, the error names the archive's path and the system's reason, and
the task goes on by itself when the disk is writable again. In the end
every good row is in the target, every bad row is archived exactly once,
and the committed offsets cover exactly what was written or archived."""

import json
import os

import pytest

import meters
from helpers import wait_until
from test_group import committed_offsets
from tmpfs import mounted


@pytest.fixture
def small_disk(tmp_path):
    with mounted(tmp_path / "disk", size="512k") as disk:
        yield disk


def message(i):
    """Message i: every fourth (i % 4 == 1) has no timestamp, so
    primary_timestamp_null archives it; the others are good rows."""
    if i % 4 == 1:
        return json.dumps({"id": i % 10, "voltage": i})
    return meters.message(i)


def bad(offsets):
    return [i for i in offsets if i % 4 == 1]


def good(offsets):
    return [i for i in offsets if i % 4 != 1]


def disk_task(kafka, standin, topic, disk, **global_policy):
    parser = {"global": global_policy, "parse": {"value": {"json": ""}},
              "model": {"name": "d_{id}", "using": "meters"}}
    task = meters.task(kafka, standin, [topic], parser=parser, timeout="6s",
                       commit_interval="200ms")
    task["options"] = {"data_dir": disk.path}
    return task


def archived_offsets(disk):
    path = os.path.join(disk.path, "tasks", "meters", "archived", "archive.jsonl")
    with open(path) as f:
        return sorted(json.loads(line)["offset"] for line in f)


def wait_for_log(run, text, what):
    wait_until(lambda: run.returncode is not None or text in run.stderr(), 60, what)
    assert run.returncode is None, run.stderr()


def assert_held(kafka, standin, topic, committed, first_bad):
    """While the archive waits nothing of the batch is written or committed
    past its first row to archive."""
    assert committed_offsets(kafka, "taosx" + topic, topic, 1) == committed
    assert committed <= first_bad


def test_archive_waits_while_the_disk_is_full_or_read_only(kafka, make_topic, produce, standin,
                                                         k2td, small_disk):
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    group = "taosx" + topic
    task = disk_task(kafka, standin, topic, small_disk)
    archive = os.path.join(small_disk.path, "tasks", "meters", "archived", "archive.jsonl")

    # a full disk: the archive cannot be created; the batch waits, then goes
    # on when the space returns
    small_disk.fill()
    produce(topic, [message(i) for i in range(20)])
    run = k2td.start(task)
    wait_for_log(run, f"archive {archive}: cannot write: No space left on device",
                 "the archive's ENOSPC in the log")
    assert "archive.on_fail: wait" in run.stderr()
    assert_held(kafka, standin, topic, 0, bad(range(20))[0])
    assert meters.count(standin) == 0
    small_disk.empty()
    wait_until(lambda: committed_offsets(kafka, group, topic, 1) == 20, 60,
               "the batch committed once space returned")
    assert run.wait(90) == 0, run.stderr()
    assert f"archive {archive} is writable again" in run.stderr()

    # a read-only disk: the next run waits; a stop while it waits commits
    # nothing of the held batch, and a later run archives it
    small_disk.read_only()
    produce(topic, [message(i) for i in range(20, 40)])
    run = k2td.start(task)
    wait_for_log(run, f"archive {archive}: cannot open: Read-only file system",
                 "the archive's EROFS in the log")
    assert_held(kafka, standin, topic, 20, bad(range(20, 40))[0])
    assert run.terminate(60) == 0, run.stderr()
    assert committed_offsets(kafka, group, topic, 1) == 20
    small_disk.writable()
    run = k2td.run(task, timeout=90)
    assert run.returncode == 0, run.stderr()

    assert committed_offsets(kafka, group, topic, 1) == 40
    assert archived_offsets(small_disk) == bad(range(40))
    assert meters.rows(standin) == meters.expected_rows(good(range(40)))


def test_archive_on_fail_break_and_skip_on_a_full_disk(kafka, make_topic, produce, standin, k2td,
                                                      small_disk):
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    small_disk.fill()
    produce(topic, [message(i) for i in range(8)])
    run = k2td.run(disk_task(kafka, standin, topic, small_disk, archive={"on_fail": "break"}),
                   timeout=90)
    assert run.returncode == 1, run.stderr()
    assert "cannot archive a refused row" in run.stderr()
    assert "No space left on device" in run.stderr()
    assert committed_offsets(kafka, "taosx" + topic, topic, 1) == 0
    run = k2td.run(disk_task(kafka, standin, topic, small_disk, archive={"on_fail": "skip"}),
                   timeout=90)
    assert run.returncode == 0, run.stderr()
    assert "could not be archived" in run.stderr()
    assert committed_offsets(kafka, "taosx" + topic, topic, 1) == 8
    assert meters.rows(standin) == meters.expected_rows(good(range(8)))
