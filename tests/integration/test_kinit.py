"""The Kerberos kinit command line (docs/security.md): k2td quotes the
keytab and the principal itself instead of using librdkafka's default
(principal bare, keytab in double quotes where $(...) still runs), and a
principal with shell characters is refused on the command line too."""

import json
import os
import subprocess
import time
import urllib.parse

PARSER = json.dumps({"parse": {"value": {"json": ""}},
                     "model": {"name": "d_{id}", "using": "meters"}})
TO = "taos+http://root:taosdata@127.0.0.1:1/db"


def k2td_check(k2td_bin, query):
    """Runs `k2td check` for a GSSAPI source at a broker that does not
    answer; returns the CompletedProcess."""
    src = f"kafka://127.0.0.1:1?topics=t&sasl_mechanism=GSSAPI&{query}"
    return subprocess.run([str(k2td_bin), "check", "--from", src, "--to", TO, "--parser", PARSER],
                          capture_output=True, text=True, timeout=120)


def test_the_keytab_path_is_quoted_in_kinit(k2td_bin, tmp_path):
    marker = tmp_path / "keytab-ran"
    keytab = urllib.parse.quote(f"@{tmp_path}/k$(touch {marker})", safe="@/")
    k2td_check(k2td_bin, f"sasl_kerberos_principal=p&sasl_kerberos_keytab={keytab}")
    time.sleep(1)
    assert not os.path.exists(marker)


def test_a_principal_with_shell_characters_is_refused(k2td_bin, tmp_path):
    marker = tmp_path / "principal-ran"
    principal = urllib.parse.quote(f"x;touch {marker}", safe="")
    p = k2td_check(k2td_bin, f"sasl_kerberos_keytab=@/tmp/k&sasl_kerberos_principal={principal}")
    assert p.returncode == 2, p.stderr
    assert "sasl_kerberos_principal" in p.stderr and str(marker) not in p.stderr
    time.sleep(1)
    assert not os.path.exists(marker)
