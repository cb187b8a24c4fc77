#!/usr/bin/env python3
"""Test stand-in for TDengine 3.3.7's REST API (taosAdapter + server), used by k2td's tests.

Usage: tdengine_standin.py --host 127.0.0.1 --port PORT --data FILE.sqlite
                           [--user root --password taosdata] [--cloud-token TOKEN]
Prints `standin listening on HOST:PORT` once ready (--port 0 picks a free port).
State lives in the SQLite file: every statement is one committed transaction, so the
process may be killed (even with SIGKILL) and restarted on the same file.

Endpoints: POST /rest/sql[/<db>] (Basic or `Taosd <token>` auth, or with --cloud-token only
`?token=TOKEN` as a TDengine Cloud gateway; errors are HTTP 200 with
{"code", "desc"}), GET /rest/login/<user>/<pass>, GET /-/ping, and for tests only
POST /_standin/fail {"count": N, "status": S} and POST /_standin/reset (see server.py).

It answers like the real server, codes and messages included, for: databases (PRECISION,
KEEP), supertables, child tables, ALTER STABLE ADD/MODIFY, DESCRIBE, SHOW, every INSERT
form, a read-back subset of SELECT and information_schema.  Each database has 2 vgroups;
a table's vgroup is the first byte of MD5(table name) modulo 2 (catalog.py), and an
INSERT row out of the KEEP window fails only its vgroup.  Not supported: normal tables,
INSERT ... SELECT/FILE, GROUP BY/joins/expressions in SELECT.
"""

import argparse
import signal
import sys

from engine import Engine
from server import StandinServer
from store import Store


def main(argv=None):
    """Parses arguments, opens the data file and serves until SIGINT/SIGTERM; returns 0."""
    ap = argparse.ArgumentParser(description='TDengine REST stand-in for tests')
    ap.add_argument('--host', default='127.0.0.1')
    ap.add_argument('--port', type=int, default=6041)
    ap.add_argument('--data', required=True, help='SQLite file holding all state')
    ap.add_argument('--user', default='root')
    ap.add_argument('--password', default='taosdata')
    ap.add_argument('--cloud-token', help='serve /rest/sql only with ?token=CLOUD_TOKEN')
    args = ap.parse_args(argv)
    engine = Engine(Store(args.data))
    server = StandinServer((args.host, args.port), engine, args.user, args.password,
                           args.cloud_token)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    print('standin listening on %s:%d' % (args.host, server.server_address[1]), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
