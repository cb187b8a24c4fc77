#!/usr/bin/env python3
"""Test stand-in for TDengine 3.3.7's REST API (taosAdapter + server), used by k2td's tests.

Usage: tdengine_standin.py --host 127.0.0.1 --port PORT --data FILE.sqlite
                           [--user root --password taosdata]
Prints `standin listening on HOST:PORT` once ready (--port 0 picks a free port).
State lives in the SQLite file, so the process may be killed and restarted on it.
"""

import argparse
import sys

from engine import Engine
from server import StandinServer
from store import Store


def main(argv=None):
    """Parses arguments, opens the data file and serves until interrupted; returns the exit code."""
    ap = argparse.ArgumentParser(description='TDengine REST stand-in for tests')
    ap.add_argument('--host', default='127.0.0.1')
    ap.add_argument('--port', type=int, default=6041)
    ap.add_argument('--data', required=True, help='SQLite file holding all state')
    ap.add_argument('--user', default='root')
    ap.add_argument('--password', default='taosdata')
    args = ap.parse_args(argv)
    engine = Engine(Store(args.data))
    server = StandinServer((args.host, args.port), engine, args.user, args.password)
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
