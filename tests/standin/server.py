"""HTTP front end: TDengine's REST endpoints (POST /rest/sql[/<db>], GET /rest/login/<user>/<pass>,
GET /-/ping) and test-control endpoints under /_standin/ that need no authentication.

Given a cloud token, /rest/sql answers like a TDengine Cloud gateway instead: only requests
whose `token` query parameter is that token are served, Basic credentials or none; a missing
or wrong token is HTTP 401 with TDengine's authentication failure (CLOUD_REFUSAL).

The control endpoints:

  POST /_standin/fail   {"count": N, "status": 503[, "code": c, "desc": "..."]}
        the next N /rest/sql requests answer that HTTP status with body
        {"code": c, "desc": "..."} (default 65535, "injected failure") without running;
  POST /_standin/reset  drops every database (and disarms fail injection).
"""

import hashlib
import json
import socket
import sys
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

import errors
import rest_auth
from errors import TdError
from query import QueryResult

INTERNAL_FAILURE = {'code': errors.INTERNAL, 'desc': 'internal stand-in error'}
# a cloud gateway's answer to a missing or wrong token (HTTP 401); TDengine Cloud's own
# body was not measured, this is TDengine's authentication failure
CLOUD_REFUSAL = {'code': errors.AUTH_FAILURE, 'desc': 'Authentication failure'}


def token_for(user, password):
    """The login token for a user (stable across restarts)."""
    return 'standin-' + hashlib.sha256(('%s:%s' % (user, password)).encode()).hexdigest()[:32]


class FailInjector:
    """Counts down injected failures for /rest/sql."""

    def __init__(self):
        self.lock = threading.Lock()
        self.count = 0
        self.answer = (503, {'code': errors.INTERNAL, 'desc': 'injected failure'})

    def arm(self, count, status=503, code=errors.INTERNAL, desc='injected failure'):
        """Makes the next `count` /rest/sql requests answer (status, {code, desc})."""
        with self.lock:
            self.count = count
            self.answer = (status, {'code': code, 'desc': desc})

    def take(self):
        """(status, body) for this request if a failure is due, else None."""
        with self.lock:
            if self.count <= 0:
                return None
            self.count -= 1
            return self.answer


class StandinServer(ThreadingHTTPServer):
    """Threaded HTTP server holding the engine, credentials and fail injector."""
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, engine, user, password, cloud_token=None):
        super().__init__(address, Handler)
        self.engine = engine
        self.user = user
        self.password = password
        self.token = token_for(user, password)
        self.cloud_token = cloud_token
        self.injector = FailInjector()


def result_body(result, with_meta):
    """REST JSON for an int (affected rows) or a QueryResult."""
    if not isinstance(result, QueryResult):
        return {'code': 0, 'column_meta': [['affected_rows', 'INT', 4]], 'data': [[result]], 'rows': 1}
    data = result.rows
    if with_meta:
        names = [f[0] for f in result.fields]
        data = [dict(zip(names, row)) for row in data]
    return {'code': 0, 'column_meta': result.fields, 'data': data, 'rows': len(result.rows)}


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'tdengine-standin'
    wbufsize = -1            # one write per response (headers and body together)

    def setup(self):
        """Disables Nagle so small answers are not delayed."""
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, fmt, *args):
        """Requests are not logged."""

    def _send(self, status, obj):
        """Writes one response with a JSON body (obj None: empty body)."""
        # surrogateescape: stored invalid UTF-8 goes out as its original bytes (query.render)
        data = b'' if obj is None else json.dumps(obj, ensure_ascii=False, separators=(',', ':')).encode(
            'utf-8', 'surrogateescape')
        self.send_response(status)
        self.send_header('Content-Type', 'application/json; charset=utf-8')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self):
        """The request body (Content-Length or chunked)."""
        if 'chunked' in self.headers.get('Transfer-Encoding', '').lower():
            parts = []
            while True:
                size = int(self.rfile.readline().split(b';')[0].strip() or b'0', 16)
                if size == 0:
                    while self.rfile.readline() not in (b'\r\n', b'\n', b''):
                        pass
                    return b''.join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get('Content-Length') or 0)
        return self.rfile.read(length) if length > 0 else b''

    def do_GET(self):
        """/-/ping and /rest/login/<user>/<pass>."""
        path = urlsplit(self.path).path
        if path == '/-/ping':
            self._send(200, None)
        elif path.startswith('/rest/login/'):
            user, _, password = path[len('/rest/login/'):].partition('/')
            if unquote(user) == self.server.user and unquote(password) == self.server.password:
                self._send(200, {'code': 0, 'desc': self.server.token})
            else:
                self._send(401, rest_auth.LOGIN_REFUSED)
        else:
            self._send(404, {'code': errors.INTERNAL, 'desc': 'no such endpoint'})

    def do_POST(self):
        """/rest/sql[/<db>] and the /_standin/ control endpoints."""
        try:
            body = self._body()
        except ValueError:
            self.close_connection = True
            self._send(400, {'code': errors.INTERNAL, 'desc': 'bad request body'})
            return
        url = urlsplit(self.path)
        path = url.path
        if path == '/_standin/fail':
            self._control_fail(body)
        elif path == '/_standin/reset':
            self.server.engine.reset()
            self.server.injector.arm(0)
            self._send(200, {'code': 0})
        elif path == '/rest/sql' or path.startswith('/rest/sql/'):
            self._sql(body, path, parse_qs(url.query))
        else:
            self._send(404, {'code': errors.INTERNAL, 'desc': 'no such endpoint'})

    def _control_fail(self, body):
        """Arms fail injection from a JSON body; 400 on a bad body."""
        try:
            req = json.loads(body or b'{}')
            self.server.injector.arm(int(req.get('count', 1)), int(req.get('status', 503)),
                                     int(req.get('code', errors.INTERNAL)), str(req.get('desc', 'injected failure')))
        except (ValueError, TypeError, AttributeError) as e:
            self._send(400, {'code': errors.INTERNAL, 'desc': 'bad request: %s' % e})
            return
        self._send(200, {'code': 0})

    def _sql(self, body, path, params):
        """Runs one statement; TDengine errors are HTTP 200 with {code, desc}."""
        injected = self.server.injector.take()
        if injected is not None:
            self._send(*injected)
            return
        if self.server.cloud_token is not None:
            # a cloud gateway: its token alone decides, whatever else is sent
            if params.get('token') != [self.server.cloud_token]:
                self._send(401, CLOUD_REFUSAL)
                return
            credentials = None
        else:
            refusal, credentials = rest_auth.read_header(self.headers.get('Authorization'),
                                                         self.server.token)
            if refusal:
                self._send(401, refusal)
                return
        if not body.strip():
            # taosAdapter answers these itself, with HTTP 400, before TDengine sees them
            self._send(400, {'code': 0x1106, 'desc': 'request is empty'} if not body
                       else {'code': 0x1107, 'desc': 'no sql input'})
            return
        refusal = credentials and rest_auth.login_refusal(credentials, self.server.user,
                                                          self.server.password)
        if refusal:
            self._send(200, refusal)
            return
        db = unquote(path[len('/rest/sql/'):]) if path.startswith('/rest/sql/') else ''
        with_meta = params.get('row_with_meta', ['false'])[0].lower() == 'true'
        try:
            result = self.server.engine.execute(body, db or None)
            answer = result_body(result, with_meta)
        except TdError as e:
            answer = {'code': e.code, 'desc': e.desc}
        except Exception:
            traceback.print_exc(file=sys.stderr)
            sys.stderr.flush()
            answer = INTERNAL_FAILURE
        self._send(200, answer)
