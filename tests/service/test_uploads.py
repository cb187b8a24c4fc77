"""/api/uploads: files stored 0600 under the data dir, listed without
content, deleted; names checked."""

import os
import stat

import pytest


def test_upload_list_delete(serve):
    data = b"-----BEGIN CERTIFICATE-----\nsecret-bytes\n"
    a = serve.call("POST", "/api/uploads?name=ca.pem", raw=data)
    assert a.status == 201, a
    up = a.json()
    assert up["name"] == "ca.pem" and up["size"] == len(data)
    assert up["ref"] == f"@upload:{up['id']}"
    assert serve.data_dir.encode() not in a.body
    path = os.path.join(serve.data_dir, "uploads", f"{up['id']}-ca.pem")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with open(path, "rb") as f:
        assert f.read() == data
    listed = serve.call("GET", "/api/uploads")
    assert listed.status == 200
    [item] = listed.json()["uploads"]
    assert set(item) == {"id", "name", "size", "created_at"}
    assert item["id"] == up["id"] and item["size"] == len(data)
    assert b"secret-bytes" not in listed.body
    assert serve.call("DELETE", f"/api/uploads/{up['id']}").status == 204
    assert not os.path.exists(path)
    assert serve.call("GET", "/api/uploads").json() == {"uploads": []}
    assert serve.call("DELETE", f"/api/uploads/{up['id']}").status == 404


@pytest.mark.parametrize("query", ["", "?name=", "?name=../x", "?name=a/b", "?name=" + "a" * 101,
                                   "?name=..", "?name=a%20b", "?other=x"])
def test_bad_names_are_400_naming_name(serve, query):
    a = serve.call("POST", "/api/uploads" + query, raw=b"x")
    assert a.status == 400
    assert a.json()["field"] == "name"
    assert os.listdir(os.path.join(serve.data_dir, "uploads")) == []


def test_an_empty_upload_is_refused(serve):
    a = serve.call("POST", "/api/uploads?name=empty.pem", raw=b"")
    assert a.status == 400
    assert serve.call("GET", "/api/uploads").json() == {"uploads": []}


def test_same_name_twice_gives_two_files(serve):
    a = serve.call("POST", "/api/uploads?name=k.keytab", raw=b"1").json()
    b = serve.call("POST", "/api/uploads?name=k.keytab", raw=b"2").json()
    assert a["id"] != b["id"] and a["ref"] != b["ref"]
