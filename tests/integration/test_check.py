"""k2td check: each failure has its own message and exit code."""

import meters


def check(k2td, task):
    return k2td.run(task, args=("check", "{task}"), timeout=60)


def test_check_passes_and_names_each_failure(kafka, make_topic, standin, k2td):
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    good = meters.task(kafka, standin, [topic])
    run = check(k2td, good)
    assert run.returncode == 0, run.stdout() + run.stderr()
    assert run.stdout().count("ok") >= 6

    def variant(**changes):
        task = dict(good)
        task.update(changes)
        return task

    closed = "127.0.0.1:1"
    cases = [
        (variant(**{"from": f"kafka://{closed}?topics={topic}"}), 3, "kafka brokers"),
        (variant(**{"from": f"kafka://{kafka.bootstrap}?topics=no_such_topic"}), 4,
         "no_such_topic"),
        (variant(to=f"taos+http://root:taosdata@{closed}/kdb"), 5, "tdengine reachable"),
        (variant(to=f"taos+http://root:wrong@127.0.0.1:{standin.port}/kdb"), 6,
         "tdengine credentials"),
        (variant(to=f"taos+http://{'u' * 24}:wrong@127.0.0.1:{standin.port}/kdb"), 6,
         "tdengine credentials"),
        (variant(to=f"taos+http://root:taosdata@127.0.0.1:{standin.port}/nodb"), 7,
         "tdengine database"),
        (variant(parser={"parse": {"value": {"json": ""}},
                         "model": {"name": "d_{id}", "using": "nometers"}}), 8,
         "tdengine supertable"),
    ]
    for task, code, text in cases:
        run = check(k2td, task)
        assert run.returncode == code, (code, run.stdout(), run.stderr())
        assert "FAIL" in run.stdout() and text in run.stdout(), run.stdout()
        assert "wrong" not in run.stdout() + run.stderr()
