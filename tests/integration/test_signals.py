"""Signals of `k2td run`: SIGTERM while TDengine does not answer ends the run
within the task's stop_timeout, committing only what TDengine confirmed;
SIGHUP sets the log level from the task file again."""

import json
import signal

import helpers
import meters
from tcp_proxy import TcpProxy
from test_group import committed_offsets

DEVICES = 50


def test_sigterm_gives_up_an_unanswered_write_and_commits_only_confirmed_rows(
        kafka, make_topic, produce, standin, k2td):
    meters.setup_target(standin)
    proxy = TcpProxy(("127.0.0.1", standin.port)).start()
    try:
        topic = make_topic(partitions=2)
        produce(topic, [meters.message(i, DEVICES) for i in range(2000)])
        to = f"taos+http://root:taosdata@127.0.0.1:{proxy.port}/kdb"
        task = meters.task(kafka, standin, [topic], to=to, timeout="0", batch_size="500")
        task["options"] = {"stop_timeout": "2s"}
        run = k2td.start(task)
        helpers.wait_until(lambda: meters.count(standin) == 2000, 120, "the first 2000 rows")
        # TDengine takes the next statement and never answers it
        proxy.stall()
        produce(topic, [meters.message(i, DEVICES) for i in range(2000, 3000)])
        helpers.wait_until(lambda: proxy.held() > 0, 120, "an INSERT sent to the stalled server")
        # without the stop timeout the write would wait for libcurl's 60 s
        assert run.terminate(timeout=40) == 0, run.stderr()
        err = run.stderr()
        assert "was given up unanswered (the task is stopping)" in err, err
        assert "summary: task `meters` stopped" in err
        assert committed_offsets(kafka, "taosx" + topic, topic, 2) == 2000
        proxy.resume()
        task["from"] = task["from"].replace("timeout=0", "timeout=8s")
        again = k2td.run(task, timeout=180)
        assert again.returncode == 0, again.stderr()
        assert meters.rows(standin) == meters.expected_rows(range(3000), DEVICES)
        assert committed_offsets(kafka, "taosx" + topic, topic, 2) == 3000
    finally:
        proxy.stop()


def _write_level(task, path, level):
    task["options"] = {"log_level": level}
    with open(path, "w") as f:
        json.dump(task, f)


def test_sighup_sets_the_log_level_from_the_task_file(kafka, make_topic, produce, standin, k2td):
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    task = meters.task(kafka, standin, [topic], timeout="0")
    task["options"] = {"log_level": "info"}
    run = k2td.start(task)
    produce(topic, [meters.message(i, DEVICES) for i in range(100)])
    helpers.wait_until(lambda: meters.count(standin) == 100, 120, "the first rows")
    assert "DEBUG" not in run.stderr()

    _write_level(task, run.task_path, "debug")
    run.proc.send_signal(signal.SIGHUP)
    helpers.wait_until(lambda: "SIGHUP: log level debug (was info)" in run.stderr(), 60,
                       "the reload")
    produce(topic, [meters.message(i, DEVICES) for i in range(100, 200)])
    helpers.wait_until(lambda: "batch of" in run.stderr(), 60, "a debug line of the next batch")

    with open(run.task_path, "w") as f:
        f.write("{not json")
    run.proc.send_signal(signal.SIGHUP)
    helpers.wait_until(lambda: "SIGHUP: cannot read the log level again" in run.stderr(), 60,
                       "the refused reload")
    assert "it stays debug" in run.stderr()

    _write_level(task, run.task_path, "warn")
    run.proc.send_signal(signal.SIGHUP)
    helpers.wait_until(lambda: "SIGHUP: log level warn (was debug)" in run.stderr(), 60,
                       "the second reload")
    batches = run.stderr().count("batch of")
    produce(topic, [meters.message(i, DEVICES) for i in range(200, 300)])
    helpers.wait_until(lambda: meters.count(standin) == 300, 120, "the last rows")
    assert run.stderr().count("batch of") == batches
    assert run.terminate() == 0, run.stderr()
    assert meters.rows(standin) == meters.expected_rows(range(300), DEVICES)


def test_sighup_without_a_task_file_keeps_the_level(kafka, make_topic, produce, standin, k2td):
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    task = meters.task(kafka, standin, [topic], timeout="0")
    run = k2td.start({}, args=("run", "--from", task["from"], "--to", task["to"],
                               "--parser", json.dumps(task["parser"])))
    produce(topic, [meters.message(i, DEVICES) for i in range(10)])
    helpers.wait_until(lambda: meters.count(standin) == 10, 120, "the rows")
    run.proc.send_signal(signal.SIGHUP)
    helpers.wait_until(lambda: "SIGHUP: no file to read the log level from" in run.stderr(), 60,
                       "the warning")
    assert "it stays info" in run.stderr()
    assert run.terminate() == 0, run.stderr()
