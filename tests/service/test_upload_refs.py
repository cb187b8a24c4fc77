"""A task whose files are uploads shows the client the reference it gave
(@upload:<id>), never the stored file's path on the host: in the task and
the task list, and in its status with its activity ("running: from ...")
and errors (docs/security.md, "Files: the upload store"). The Kerberos
case, where kinit's command line and messages name the keytab, is in
test_gssapi_upload.py."""

import os

import pytest

import meters
from test_run import wait_status


def upload(serve, path, name):
    """Uploads the file at path as `name`; returns its reference."""
    with open(path, "rb") as f:
        a = serve.call("POST", f"/api/uploads?name={name}", raw=f.read())
    assert a.status == 201, a
    return a.json()["ref"]


def assert_no_upload_path(serve, task_id):
    """What a client can read about task task_id (the task, the list, the
    status with activity and errors) holds no path of the upload store."""
    uploads = os.path.join(serve.data_dir, "uploads")
    for path in (f"/api/tasks/{task_id}", "/api/tasks", f"/api/tasks/{task_id}/status"):
        a = serve.call("GET", path)
        assert a.status == 200, a
        assert uploads.encode() not in a.body, (path, a.body)


def test_a_tls_task_shows_its_uploaded_ca_by_reference(serve, kafka, make_topic, produce,
                                                       standin):
    if kafka.ssl() is None:
        pytest.skip("the broker was given through K2TD_BOOTSTRAP")
    address, ca = kafka.ssl()
    meters.setup_target(standin)
    topic = make_topic(partitions=1)
    produce(topic, [meters.message(i) for i in range(5)])
    ref = upload(serve, ca, "ca.pem")
    task = meters.secure_task(kafka, standin, [topic], address, ca=ref)
    a = serve.call("POST", "/api/tasks", task)
    assert a.status == 201, a
    task_id = a.json()["id"]
    assert serve.call("POST", f"/api/tasks/{task_id}/start").status == 200
    s = wait_status(serve, task_id, lambda s: s["run"]["written_rows"] == 5, "5 rows written")
    running = [e["message"] for e in s["activity"] if "running: from" in e["message"]]
    assert running, s["activity"]
    assert f"ssl.ca.location={ref.lstrip('@')}" in running[0], running[0]
    assert_no_upload_path(serve, task_id)
