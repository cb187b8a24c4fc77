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
    # a broker that refuses the connection is reported as soon as librdkafka
    # says every broker is down, not after the check's 10 s
    run = check(k2td, cases[0][0])
    assert (f"FAIL  kafka brokers: kafka: brokers {closed} cannot be reached: "
            f"{closed}/bootstrap: Connect to ipv4#{closed} failed: Connection refused") in \
        run.stdout(), run.stdout()


def _parser(mutate=(), name="d_{id}", **model):
    return {"parse": {"value": {"json": ""}}, "mutate": list(mutate),
            "model": {"name": name, "using": "meters", **model}}


def test_check_builds_the_mapping_as_a_run_would(kafka, make_topic, standin, k2td):
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    cases = [
        (_parser(columns=["ts", "currnt"]),
         "task.parser.model.columns: `currnt` is not a column of supertable `kdb`.`meters`"),
        (_parser(columns=["current", "voltage"]),
         "task.parser.model.columns: the first column must be the primary timestamp `ts`"),
    ]
    for parser, text in cases:
        run = check(k2td, meters.task(kafka, standin, [topic], parser=parser))
        assert run.returncode == 2, (run.stdout(), run.stderr())
        assert f"FAIL  task parser, stages and mapping: {text}" in run.stdout(), run.stdout()
        # the same refusal ends a run at its start
        started = k2td.run(meters.task(kafka, standin, [topic], parser=parser), timeout=60)
        assert started.returncode == 2 and text in started.stderr(), started.stderr()


def test_names_the_first_messages_lack_are_warned_by_check_and_run(kafka, make_topic, produce,
                                                                    standin, k2td):
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    produce(topic, [meters.message(i) for i in range(20)])
    misspelt = meters.task(kafka, standin, [topic], parser=_parser(
        mutate=[{"filter": ["idd != 1"]}], name="d_{idd}"))
    filter_warning = ("warn  parser.mutate[0].filter[0]: field `idd` is in none of the sample "
                      "rows that reach it (did you mean `id`?)")
    name_warning = ("warn  parser.model.name: placeholder `idd` is in none of the sample rows "
                    "that reach it (did you mean `id`?)")
    run = check(k2td, misspelt)
    assert run.returncode == 0, (run.stdout(), run.stderr())
    assert filter_warning in run.stdout() and name_warning in run.stdout(), run.stdout()
    # the filter keeps every row (`idd` is NULL, not 1); none has a subtable name
    assert (f"warn  samples: 10 of 10 mapped row(s) would not be written; the first, of {topic} "
            "[0] offset 0: subtable name: template variable `idd` is missing; "
            "variable_not_exist_in_table_name_template: archive") in run.stdout(), \
        run.stdout()
    good = check(k2td, meters.task(kafka, standin, [topic]))
    assert good.returncode == 0, good.stdout()
    assert "ok    samples: 10 message(s) read where the task would start\n" \
           "ok    samples: the 10 row(s) they map to would all be written" in good.stdout(), \
        good.stdout()
    assert not [line for line in good.stdout().splitlines() if line.startswith("warn")], \
        good.stdout()
    # a run logs the same warnings once, on its first messages, and goes on
    # by its policies (an empty placeholder archives the row)
    ran = k2td.run(misspelt, timeout=120)
    assert ran.returncode == 0, ran.stderr()
    err = ran.stderr()
    assert err.count("task `meters`: parser.mutate[0].filter[0]: field `idd` is in none of the "
                     "sample rows that reach it (did you mean `id`?) (checked on 10 message(s) "
                     "of the first batch)") == 1, err
    assert "task `meters`: parser.model.name: placeholder `idd`" in err, err
    good_run = k2td.run(meters.task(kafka, standin, [topic], group="good"), timeout=120)
    assert good_run.returncode == 0, good_run.stderr()
    assert "summary: task `meters` finished" in good_run.stderr(), good_run.stderr()
    assert "is in none of the sample rows" not in good_run.stderr(), good_run.stderr()
