"""A fast acknowledging TDengine REST sink for the end-to-end benchmark.

It answers k2td's schema queries for the canonical `meters` supertable
(perf-baselines.md) and acknowledges every INSERT without storing it, so the
benchmark measures k2td and Kafka, not a database. It counts the rows it
acknowledged (one `(` ... `)` tuple after each VALUES) and reports them at
GET /_sink/stats. Benchmarks only: it never decides product behaviour.

    python3 bench/fast_sink.py --port 0     # prints "fast sink listening on 127.0.0.1:PORT"
"""

import argparse
import http.server
import json
import re
import sys
import threading

DESCRIBE = [["ts", "TIMESTAMP", 8, ""], ["current", "FLOAT", 4, ""], ["voltage", "INT", 4, ""],
            ["phase", "FLOAT", 4, ""], ["groupid", "INT", 4, "TAG"],
            ["location", "VARCHAR", 24, "TAG"]]
TUPLE = re.compile(rb"\)\(|VALUES \(")


class Sink(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # buffer the answer so headers and body leave in one send: two small
    # sends meet Nagle + delayed ACK and cost 40 ms per request
    wbufsize = 1 << 16
    rows = 0
    requests = 0
    lock = threading.Lock()

    def log_message(self, *args):
        pass

    def answer(self, obj, status=200):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        with Sink.lock:
            self.answer({"rows": Sink.rows, "requests": Sink.requests})

    def do_POST(self):
        sql = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        head = sql[:200].lower()
        if b"ins_databases" in head:
            self.answer({"code": 0, "column_meta": [["name", "VARCHAR", 64],
                                                    ["precision", "VARCHAR", 2],
                                                    ["keep", "VARCHAR", 32]],
                         "data": [["bench", "ms", "3650d,3650d,3650d"]], "rows": 1})
        elif head.startswith(b"describe"):
            meta = [["field", "VARCHAR", 325], ["type", "VARCHAR", 20], ["length", "INT", 4],
                    ["note", "VARCHAR", 16]]
            self.answer({"code": 0, "column_meta": meta, "data": DESCRIBE, "rows": len(DESCRIBE)})
        else:
            n = len(TUPLE.findall(sql))
            with Sink.lock:
                Sink.rows += n
                Sink.requests += 1
            self.answer({"code": 0, "column_meta": [["affected_rows", "INT", 4]], "data": [[n]],
                         "rows": 1})


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    args = p.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Sink)
    print(f"fast sink listening on 127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
