"""GSSAPI through the service as the page does it: the keytab is uploaded
(POST /api/uploads), the task names it by its reference (@upload:<id>), and
the service's task logs in to a real Kafka 3 broker with k2td's own kinit
command against a real KDC and writes every message; with a keytab whose key
the KDC changed, the start fails and the task's error names kinit's own
reason. Neither shows the client the keytab's path on the host (kinit's
command line holds it)."""

import json

import meters
from helpers import unique_name
from test_run import status, wait_status
from test_upload_refs import assert_no_upload_path, upload


def gssapi_task(serve, kafka3, standin, topic, principal, keytab_path):
    task = meters.secure_task(kafka3, standin, [topic], kafka3.sasl()[0],
                              sasl_mechanism="GSSAPI", sasl_kerberos_service_name="kafka",
                              sasl_kerberos_principal=principal,
                              sasl_kerberos_keytab=upload(serve, keytab_path, "client.keytab"))
    a = serve.call("POST", "/api/tasks", task)
    assert a.status == 201, a
    return a.json()["id"]


def test_an_uploaded_keytab_logs_the_task_in(serve_factory, kafka3, kdc, standin, tmp_path,
                                             request):
    serve = serve_factory(env=dict(kdc.env, KRB5CCNAME=f"FILE:{tmp_path}/krb5cc"))
    serve.login()
    meters.setup_target(standin)
    topic = kafka3.create_topic(unique_name(request.node.name), 2)
    kafka3.produce(topic, [meters.message(i) for i in range(30)])
    principal = kdc.keytab("k2td-svc", tmp_path / "client.keytab")
    task_id = gssapi_task(serve, kafka3, standin, topic, principal, tmp_path / "client.keytab")
    assert serve.call("POST", f"/api/tasks/{task_id}/start").status == 200
    wait_status(serve, task_id, lambda s: s["run"]["written_rows"] == 30, "30 rows written")
    assert meters.rows(standin) == meters.expected_rows(range(30))
    assert_no_upload_path(serve, task_id)
    assert serve.call("POST", f"/api/tasks/{task_id}/stop").status == 200


def test_a_stale_uploaded_keytab_is_a_named_failure(serve_factory, kafka3, kdc, standin,
                                                    tmp_path, request):
    serve = serve_factory(env=dict(kdc.env, KRB5CCNAME=f"FILE:{tmp_path}/krb5cc"))
    serve.login()
    meters.setup_target(standin)
    topic = kafka3.create_topic(unique_name(request.node.name), 1)
    principal = kdc.keytab("k2td-stale", tmp_path / "stale.keytab")
    kdc.rekey(principal)
    task_id = gssapi_task(serve, kafka3, standin, topic, principal, tmp_path / "stale.keytab")
    serve.call("POST", f"/api/tasks/{task_id}/start")
    s = wait_status(serve, task_id, lambda s: s["state"] == "failed", "the start to fail",
                    timeout=180)
    error = serve.call("GET", f"/api/tasks/{task_id}").json()["last_error"]["message"]
    assert "refused the connection: kinit failed: Password incorrect" in error, error
    assert "GSSAPI" in error, error
    assert s["health"] != "Ready"
    s = status(serve, task_id)
    assert s["run"]["written_rows"] == 0
    assert any("kinit failed: Password incorrect" in e["message"] for e in s["activity"]), s
    assert_no_upload_path(serve, task_id)


def test_samples_with_a_stale_keytab_name_kinit_and_keep_its_output(serve_factory, kafka3, kdc,
                                                                    standin, tmp_path, request):
    """The page's sample reader logs in like a task: with a keytab whose key
    the KDC changed, its error names kinit's reason, and kinit's own output
    (which names the keytab's path) does not reach the service's log."""
    serve = serve_factory(env=dict(kdc.env, KRB5CCNAME=f"FILE:{tmp_path}/krb5cc"))
    serve.login()
    topic = kafka3.create_topic(unique_name(request.node.name), 1)
    principal = kdc.keytab("k2td-samples", tmp_path / "samples.keytab")
    kdc.rekey(principal)
    task = meters.secure_task(kafka3, standin, [topic], kafka3.sasl()[0],
                              sasl_mechanism="GSSAPI", sasl_kerberos_service_name="kafka",
                              sasl_kerberos_principal=principal,
                              sasl_kerberos_keytab=upload(serve, tmp_path / "samples.keytab",
                                                          "samples.keytab"))
    a = serve.call("POST", "/api/samples", {"from": task["from"], "count": 5})
    assert a.status != 200, a
    message = json.dumps(a.json())
    assert "kinit failed: Password incorrect" in message, message
    assert str(tmp_path) not in message, message
    log = serve.log()
    assert "kinit: Password incorrect" not in log, log[-3000:]
    assert str(tmp_path / "samples.keytab") not in log, log[-3000:]
