"""Helpers shared by the real-TDengine tests: tasks aimed at the test's
database, runs that must succeed, and exact read-backs."""

import meters


def td_task(kafka, td, topic, parser=None, db=None, **keys):
    """meters.task() reading `topic` into td's database (or `db`) on the real
    server, with a parser of its own when given."""
    return meters.task(kafka, None, [topic], parser=parser, to=td.dsn(db), **keys)


def run_ok(k2td, task, timeout=120):
    """Runs the task to its idle end and asserts it exited 0; returns the run."""
    run = k2td.run(task, timeout=timeout)
    assert run.returncode == 0, run.stderr()
    return run


def select(td, text):
    """The rows of one SELECT (asserting success)."""
    return td.ok(text)
