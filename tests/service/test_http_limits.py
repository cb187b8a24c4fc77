"""Connections and bodies from clients without a session (security review): idle sockets cannot lock others out, bodies are not read before
the session is checked, memory stays bounded."""

import http.client
import socket
import threading

import helpers


def rss_mib(pid):
    """Returns the resident memory of process pid in MiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def read_answer(sock):
    """Reads from sock until the peer closes it or a whole answer head came;
    returns the bytes (b"" when the peer closed without answering)."""
    data = b""
    while b"\r\n\r\n" not in data:
        try:
            got = sock.recv(65536)
        except OSError:
            break
        if not got:
            break
        data += got
    return data


def health_from(serve, source, timeout=20):
    """GET /api/health over a new connection from the address source;
    returns the status."""
    conn = http.client.HTTPConnection("127.0.0.1", serve.port, timeout=timeout,
                                      source_address=(source, 0))
    try:
        conn.request("GET", "/api/health")
        return conn.getresponse().status
    finally:
        conn.close()


def closed_by_peer(sock):
    """Returns True when the service has closed sock (refused or timed out)."""
    sock.setblocking(False)
    try:
        return sock.recv(1) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def test_500_idle_connections_do_not_lock_out_a_new_client(serve):
    base = rss_mib(serve.proc.pid)
    held = []
    try:
        # 440 from 127.0.0.2..9 (55 each) and 60 from 127.0.0.1: every
        # address is over its limit, so the limit per address refuses most
        for i in range(500):
            source = "127.0.0.1" if i < 60 else f"127.0.0.{2 + i % 8}"
            s = socket.socket()
            s.bind((source, 0))
            s.connect(("127.0.0.1", serve.port))
            held.append(s)
        # the per-address limit (16) leaves at most 9 * 16 of them open
        helpers.wait_until(lambda: sum(closed_by_peer(s) for s in held) >= 500 - 9 * 16, 60,
                           "the service to refuse the connections over its per-address limit")
        assert health_from(serve, "127.0.0.10") == 200
        assert rss_mib(serve.proc.pid) - base < 128
    finally:
        for s in held:
            s.close()


def test_an_upload_without_a_session_is_refused_before_its_body(serve):
    s = socket.create_connection(("127.0.0.1", serve.port), timeout=20)
    s.sendall(b"POST /api/uploads?name=a.pem HTTP/1.1\r\nHost: 127.0.0.1\r\n"
              b"Content-Length: 16000000\r\n\r\n")
    answer = read_answer(s)  # no body byte was sent
    s.close()
    assert answer.startswith(b"HTTP/1.1 401"), answer[:200]


def test_a_login_body_is_small(serve):
    s = socket.create_connection(("127.0.0.1", serve.port), timeout=20)
    s.sendall(b"POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
              b"Content-Length: 1000000\r\n\r\n")
    answer = read_answer(s)
    s.close()
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    serve.login()  # a normal login still passes


def test_unauthenticated_uploads_do_not_grow_memory(serve):
    base = rss_mib(serve.proc.pid)
    chunk = b"\0" * (1024 * 1024)

    def upload():
        try:
            s = socket.create_connection(("127.0.0.1", serve.port), timeout=60)
            s.sendall(b"POST /api/uploads?name=a.pem HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      b"Content-Length: %d\r\n\r\n" % (16 * len(chunk)))
            for _ in range(16):
                s.sendall(chunk)
            s.close()
        except OSError:
            pass  # refused and closed early: what should happen

    threads = [threading.Thread(target=upload) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert serve.call("GET", "/api/health").status == 200
    assert rss_mib(serve.proc.pid) - base < 64
