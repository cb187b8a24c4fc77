"""A TCP proxy for fault tests: forwards 127.0.0.1:<port> to a target
address, and on demand
  - stalls: holds every connection open and forwards nothing more in either
    direction (a request sent meanwhile is never answered) until resumed;
  - delays every answer (what the server sends) by some seconds;
  - cuts the next answers: half of the server's answer is forwarded and the
    connection closed, so the client cannot know whether its request was
    carried out.

    proxy = TcpProxy(("127.0.0.1", standin.port)).start()
    ... point k2td at proxy.port ...
    proxy.stall(); ...; proxy.resume(); proxy.stop()
"""

import select
import socket
import threading
import time


class TcpProxy:
    def __init__(self, target):
        self.target = target
        self.lock = threading.Lock()
        self.stalled = threading.Event()
        self.held_bytes = 0          # bytes received from clients while stalled
        self.delay_s = 0.0           # added before each answer is forwarded
        self.cuts_left = 0           # answers still to cut
        self.cut_count = 0           # answers cut so far
        self.closing = False
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.threads = []

    def start(self):
        """Starts accepting; returns self."""
        t = threading.Thread(target=self._accept, daemon=True)
        t.start()
        self.threads.append(t)
        return self

    def stall(self):
        """From now on nothing is forwarded; bytes arriving are held."""
        with self.lock:
            self.held_bytes = 0
        self.stalled.set()

    def resume(self):
        """Forwards again, the held bytes first."""
        self.stalled.clear()

    def delay(self, seconds):
        """Holds every answer `seconds` before forwarding it (0: no delay)."""
        self.delay_s = seconds

    def cut(self, answers=1):
        """Drops the next `answers` answers, closing their connections."""
        with self.lock:
            self.cuts_left += answers

    def cuts(self):
        """Answers cut so far."""
        with self.lock:
            return self.cut_count

    def held(self):
        """Bytes clients sent since stall() that were not forwarded."""
        with self.lock:
            return self.held_bytes

    def stop(self):
        """Closes the listener and every connection."""
        self.closing = True
        self.stalled.clear()
        self.listener.close()

    def _accept(self):
        while not self.closing:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target, timeout=10)
            except OSError:
                client.close()
                continue
            t = threading.Thread(target=self._pump, args=(client, server), daemon=True)
            t.start()
            self.threads.append(t)

    def _take_cut(self):
        """True when the answer arriving now is to be cut (counted)."""
        with self.lock:
            if self.cuts_left <= 0:
                return False
            self.cuts_left -= 1
            self.cut_count += 1
            return True

    def _pump(self, client, server):
        """Copies both ways until either side closes; while stalled, what
        arrives is kept and sent after resume()."""
        peer = {client: server, server: client}
        pending = {client: b"", server: b""}
        try:
            while not self.closing:
                readable, _, _ = select.select([client, server], [], [], 0.1)
                for s in readable:
                    data = s.recv(65536)
                    if not data:
                        return
                    if s is server and self._take_cut():
                        client.sendall(data[:len(data) // 2])  # half an answer, then the cut
                        return
                    pending[s] += data
                    if self.stalled.is_set() and s is client:
                        with self.lock:
                            self.held_bytes += len(data)
                if self.stalled.is_set():
                    continue
                if pending[server] and self.delay_s:
                    time.sleep(self.delay_s)
                for s in (client, server):
                    if pending[s]:
                        peer[s].sendall(pending[s])
                        pending[s] = b""
        except OSError:
            return
        finally:
            client.close()
            server.close()
