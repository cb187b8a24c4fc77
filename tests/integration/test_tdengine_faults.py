"""TDengine misbehaving: through a TCP proxy, the connection cut in the
middle of an INSERT's answer (written or not?) and every answer slow; through
the stand-in's fail injection, the answers of a gateway or server in trouble
(5xx, a taosd shutting down). Nothing may be lost and the target must be
exact."""

import json

import pytest

import helpers
import meters
from rss import RssSampler, sanitized
from tcp_proxy import TcpProxy
from test_group import committed_offsets

DEVICES = 100


@pytest.fixture
def proxy(standin):
    """A TcpProxy in front of the stand-in, whose meters target is set up."""
    meters.setup_target(standin)
    p = TcpProxy(("127.0.0.1", standin.port)).start()
    yield p
    p.stop()


def _proxied_task(kafka, standin, proxy, topic, **keys):
    to = f"taos+http://root:taosdata@127.0.0.1:{proxy.port}/kdb"
    return meters.task(kafka, standin, [topic], to=to, **keys)


def test_connection_cut_in_the_middle_of_insert_answers(kafka, make_topic, produce, standin,
                                                        k2td, proxy):
    topic = make_topic(partitions=4)
    total = 20_000
    produce(topic, [meters.message(i, DEVICES) for i in range(total // 2)])
    task = _proxied_task(kafka, standin, proxy, topic, timeout="0", batch_size="1000")
    run = k2td.start(task)
    helpers.wait_until(lambda: meters.count(standin) > 0, 120, "the first rows")
    # the server carries these INSERTs out; k2td sees half an answer
    proxy.cut(3)
    produce(topic, [meters.message(i, DEVICES) for i in range(total // 2, total)])
    helpers.wait_until(lambda: proxy.cuts() == 3, 120, "three answers cut")
    helpers.wait_until(lambda: meters.count(standin) == total, 180, "every row")
    assert run.terminate() == 0, run.stderr()
    err = run.stderr()
    assert "retrying in" in err, err
    assert meters.rows(standin) == meters.expected_rows(range(total), DEVICES)
    assert committed_offsets(kafka, "taosx" + topic, topic, 4) == total


def test_slow_answers_keep_the_group_and_lose_nothing(kafka, make_topic, produce, standin,
                                                      k2td, proxy):
    topic = make_topic(partitions=4)
    total = 20_000
    # 4 KB messages (the padding is a field the supertable does not have,
    # ignored): 80 MB wait in the topic, far more than the prefetch queue
    # may hold, so the queue fills while TDengine is slow
    produce(topic, [json.dumps(dict(meters.record(i, DEVICES), pad="p" * 4000))
                    for i in range(total)])
    # every answer 2 s late, longer than the heartbeat interval: the consumer
    # must stay in its group while it waits
    proxy.delay(2.0)
    task = _proxied_task(kafka, standin, proxy, topic, timeout="8s", batch_size="5000",
                         **{"session.timeout.ms": "6000", "heartbeat.interval.ms": "500",
                            "queued.max.messages.kbytes": "4096"})
    run = k2td.start(task)
    sampler = RssSampler(run.pid).start()
    assert run.wait(600) == 0, run.stderr()
    err = run.stderr()
    assert "revoked" not in err.split("finished")[0], err
    assert meters.rows(standin) == meters.expected_rows(range(total), DEVICES)
    assert committed_offsets(kafka, "taosx" + topic, topic, 4) == total
    # consumption paused while the writes waited: one batch (5000 x 4 KB)
    # and a 4 MiB queue, not the 80 MB of the topic
    peak = sampler.stop().peak_mib
    print(f"k2td peak RSS {peak:.1f} MiB")  # shown with pytest -s
    if not sanitized(k2td.binary):
        assert peak < 96, f"peak RSS {peak:.1f} MiB"


def test_5xx_answers_are_retried_and_lose_nothing(kafka, make_topic, produce, standin, k2td):
    meters.setup_target(standin)
    topic = make_topic(partitions=4)
    total = 20_000
    produce(topic, [meters.message(i, DEVICES) for i in range(total // 2)])
    task = meters.task(kafka, standin, [topic], timeout="0", batch_size="1000")
    run = k2td.start(task)
    helpers.wait_until(lambda: meters.count(standin) > 0, 120, "the first rows")
    # a gateway in trouble (503: taosAdapter's memory guard), then what a
    # taosAdapter with httpCodeServerError = true answers a request that
    # reached it while taosd shut down (500 with 305, docs/tdengine.md); the
    # test sends no SQL while failures are armed, so k2td's requests take all
    standin.fail(3, status=503)
    produce(topic, [meters.message(i, DEVICES) for i in range(total // 2, total * 3 // 4)])
    helpers.wait_until(lambda: run.stderr().count("retrying in") >= 3, 120, "three retries")
    standin.fail(3, status=500, code=305, desc="Database is closing down")
    produce(topic, [meters.message(i, DEVICES) for i in range(total * 3 // 4, total)])
    helpers.wait_until(lambda: run.stderr().count("Database is closing down") >= 3, 120,
                       "three more retries")
    helpers.wait_until(lambda: meters.count(standin) == total, 180, "every row")
    assert run.terminate() == 0, run.stderr()
    assert "(HTTP 503); retrying in" in run.stderr()
    assert meters.rows(standin) == meters.expected_rows(range(total), DEVICES)
    assert committed_offsets(kafka, "taosx" + topic, topic, 4) == total


def test_a_stopping_taosd_is_waited_out(kafka, make_topic, produce, standin, k2td):
    # what the real taosAdapter answers (HTTP 200) while taosd shuts down:
    # 305 to a request that reaches it then, 1321 to an INSERT in flight
    # (tests/tdengine/test_outages.py, docs/tdengine.md)
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    produce(topic, [meters.message(i) for i in range(100)])
    run = k2td.start(meters.task(kafka, standin, [topic], timeout="6s"))
    helpers.wait_until(lambda: meters.count(standin) == 100, 120, "the first rows")
    standin.fail(2, status=200, code=1321, desc="Vnode stopped")
    produce(topic, [meters.message(i) for i in range(100, 200)])
    helpers.wait_until(lambda: run.returncode is not None or
                       run.stderr().count("Vnode stopped; retrying in") == 2, 120,
                       "two retries of 1321")
    standin.fail(2, status=200, code=305, desc="Database is closing down")
    produce(topic, [meters.message(i) for i in range(200, 300)])
    run.wait(120)
    assert run.returncode == 0, run.stderr()
    assert run.stderr().count("TDengine error 305 (0x0131): Database is closing down; "
                              "retrying in") == 2
    assert meters.rows(standin) == meters.expected_rows(range(300))


def _policy_parser(**policies):
    """meters.task's default parser with the write policies `policies`."""
    return {"global": policies, "parse": {"value": {"json": ""}},
            "model": {"name": "d_{id}", "using": "meters"}}


def test_connection_timeout_in_second_bounds_each_request(kafka, make_topic, produce, standin,
                                                          k2td, proxy):
    topic = make_topic(partitions=2)
    total = 2_000
    produce(topic, [meters.message(i, DEVICES) for i in range(total // 2)])
    task = _proxied_task(kafka, standin, proxy, topic, timeout="0",
                         parser=_policy_parser(connection_timeout_in_second=1))
    run = k2td.start(task)
    helpers.wait_until(lambda: meters.count(standin) == total // 2, 120, "the first rows")
    # a server that never answers: each request is given up after the task's
    # 1 s (not libcurl's or k2td's own default) and sent again
    proxy.stall()
    produce(topic, [meters.message(i, DEVICES) for i in range(total // 2, total)])
    helpers.wait_until(lambda: run.stderr().count("timed out after 1") >= 2, 40,
                       "two requests given up after 1 s")
    proxy.resume()
    helpers.wait_until(lambda: meters.count(standin) == total, 180, "every row")
    assert run.terminate() == 0, run.stderr()
    assert meters.rows(standin) == meters.expected_rows(range(total), DEVICES)
    assert committed_offsets(kafka, "taosx" + topic, topic, 2) == total


def test_database_connection_error_break_stops_at_the_first_failed_request(
        kafka, make_topic, produce, standin, k2td):
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    produce(topic, [meters.message(i) for i in range(100)])
    task = meters.task(kafka, standin, [topic], timeout="0",
                       parser=_policy_parser(database_connection_error="break"))
    run = k2td.start(task)
    helpers.wait_until(lambda: meters.count(standin) == 100, 120, "the first rows")
    standin.fail(1, status=503)
    produce(topic, [meters.message(i) for i in range(100, 200)])
    assert run.wait(120) == 1, run.stderr()
    err = run.stderr()
    assert "(HTTP 503) (database_connection_error is break)" in err, err
    assert "retrying in" not in err, err
    assert meters.rows(standin) == meters.expected_rows(range(100))
    assert committed_offsets(kafka, "taosx" + topic, topic, 1) == 100
