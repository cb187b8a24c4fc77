"""The stand-in as a TDengine Cloud gateway (--cloud-token): /rest/sql runs
a statement only when its `token` query parameter is the gateway's token,
whatever else the request carries; anything else is HTTP 401 with
taosAdapter's authentication failure.

Run: python3 -m pytest -q tests/standin/test_standin_token.py
"""

import base64
import http.client
import json
import os
import subprocess
import sys

import pytest

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'tdengine_standin.py')
TOKEN = 'c1oud+token/=1'
BASIC = 'Basic ' + base64.b64encode(b'root:taosdata').decode()


@pytest.fixture(scope='module')
def gateway(tmp_path_factory):
    """(host, port) of a stand-in started with --cloud-token TOKEN."""
    data = str(tmp_path_factory.mktemp('gateway') / 'td.sqlite')
    proc = subprocess.Popen([sys.executable, SCRIPT, '--host', '127.0.0.1', '--port', '0',
                             '--data', data, '--cloud-token', TOKEN],
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    assert line.startswith('standin listening on 127.0.0.1:'), line
    yield '127.0.0.1', int(line.rsplit(':', 1)[1])
    proc.terminate()
    proc.wait(10)
    proc.stdout.close()


def post(gateway, path, headers=None):
    """POSTs `select server_version()` to path; returns (status, JSON answer)."""
    conn = http.client.HTTPConnection(*gateway, timeout=30)
    try:
        conn.request('POST', path, b'select server_version()', headers or {})
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read())
    finally:
        conn.close()


@pytest.mark.parametrize('path, headers, status', [
    ('/rest/sql?token=c1oud%2Btoken%2F%3D1', None, 200),
    ('/rest/sql/information_schema?token=c1oud%2Btoken%2F%3D1', {'Authorization': BASIC}, 200),
    ('/rest/sql?token=c1oud%2Btoken%2F%3D2', None, 401),
    ('/rest/sql?token=', None, 401),
    ('/rest/sql', {'Authorization': BASIC}, 401),
    ('/rest/sql?tz=UTC', None, 401),
])
def test_only_the_token_opens_the_gateway(gateway, path, headers, status):
    got, answer = post(gateway, path, headers)
    assert got == status, answer
    if status == 401:
        assert answer == {'code': 855, 'desc': 'Authentication failure'}
    else:
        assert answer['code'] == 0 and answer['rows'] == 1
