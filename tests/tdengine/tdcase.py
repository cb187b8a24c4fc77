"""Helpers shared by the real-TDengine tests: tasks aimed at the test's
database, runs that must succeed, and exact read-backs."""

import json
import os
import re

import meters


def td_task(kafka, td, topic, parser=None, db=None, **keys):
    """meters.task() reading `topic` into td's database (or `db`) on the real
    server, with a parser of its own when given."""
    keys.setdefault("timeout", "6s")
    return meters.task(kafka, None, [topic], parser=parser, to=td.dsn(db), **keys)


def run_ok(k2td, task, timeout=120):
    """Runs the task to its idle end and asserts it exited 0; returns the run."""
    run = k2td.run(task, timeout=timeout)
    assert run.returncode == 0, run.stderr()
    return run


def json_task(kafka, td, topic, template="d_{id}", stable="meters", workdir=None, db=None,
              source_keys=None, **policies):
    """A JSON task into `stable` (subtables named by `template`) with
    parser.global = policies, archiving under `workdir` when given;
    source_keys (a dict) add to or override the `from` DSN's keys."""
    parser = {"parse": {"value": {"json": ""}},
              "model": {"name": template, "using": stable}}
    if policies:
        parser["global"] = policies
    task = td_task(kafka, td, topic, parser=parser, db=db, **(source_keys or {}))
    if workdir is not None:
        task["options"] = {"data_dir": str(workdir)}
    return task


def archive_lines(workdir, task_name="meters"):
    """The task's archive lines as dicts, in file order; [] when nothing was
    archived."""
    path = os.path.join(str(workdir), "tasks", task_name, "archived", "archive.jsonl")
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f]


def archived(workdir, task_name="meters"):
    """The task's archive lines as (offset, reason), in offset order; [] when
    nothing was archived."""
    return sorted((l["offset"], l["reason"]) for l in archive_lines(workdir, task_name))


SUMMARY = re.compile(r"summary: task `[^`]*` \S+(?: \S+)? after [\d.]+ s: consumed (\d+) messages, "
                     r"wrote (\d+) rows, (\d+) rows refused by TDengine, (\d+) rows skipped, "
                     r"(\d+) rows archived")


def summary(run):
    """The counts of a finished run's summary line: {"consumed", "wrote",
    "refused", "skipped", "archived"}."""
    found = SUMMARY.findall(run.stderr())
    assert found, run.stderr()[-3000:]
    return dict(zip(("consumed", "wrote", "refused", "skipped", "archived"),
                    map(int, found[-1])))
