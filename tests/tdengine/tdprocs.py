"""The real server's processes, for the outage tests: taosd and taosAdapter
stopped and started one at a time, and gateways of a test's own (another
taosAdapter on the same taosd with settings of its own).

td.sh (scripts/test-tdengine.sh exports its path as K2TD_TD_SH, and TD_STATE
and TD_NETNS) starts both servers in the run's network namespace and keeps
their pids in $TD_STATE/run/<name>.pid. Stopping reads that file; starting
again is `td.sh up`, which starts whatever is not running and waits until
REST answers. The tests run inside that namespace, so processes started here
share it.
"""

import os
import signal
import socket
import subprocess
import time

import helpers

NAMES = ("taosd", "taosadapter")


def _alive(pid):
    """True when process pid exists (and is not a zombie)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class TdProcesses:
    """taosd and taosAdapter of the suite's server. .stop(name) stops one;
    .start() starts every stopped one again (and is what the `td_processes`
    fixture does after each test that stopped one, failed or not)."""

    def __init__(self, td_sh, state):
        self.td_sh = td_sh
        self.state = state
        self.stopped = set()

    @classmethod
    def from_env(cls):
        """The handle on the server of scripts/test-tdengine.sh. Raises
        RuntimeError naming what is missing when not run through it."""
        td_sh, state = os.environ.get("K2TD_TD_SH"), os.environ.get("TD_STATE")
        if not td_sh or not state or not os.path.isfile(td_sh):
            raise RuntimeError("K2TD_TD_SH and TD_STATE are not set: run the real-server "
                               "tests through scripts/test-tdengine.sh")
        return cls(td_sh, state)

    def pid_file(self, name):
        return os.path.join(self.state, "run", f"{name}.pid")

    def pid(self, name):
        """The pid of the running `name` (from its pid file, checked to be
        that program), or None when it does not run."""
        try:
            with open(self.pid_file(name)) as f:
                pid = int(f.read().strip())
            exe = os.readlink(f"/proc/{pid}/exe")
        except (OSError, ValueError):
            return None
        return pid if os.path.basename(exe) == name and _alive(pid) else None

    def stop(self, name, kill_after=30):
        """Stops `name` (taosd or taosadapter) with SIGTERM, SIGKILL after
        kill_after s, and waits until it is gone; returns the seconds that
        took. Raises RuntimeError when it was not running."""
        assert name in NAMES, name
        pid = self.pid(name)
        if pid is None:
            raise RuntimeError(f"{name} is not running (pid file {self.pid_file(name)})")
        self.stopped.add(name)
        t0 = time.monotonic()
        os.kill(pid, signal.SIGTERM)
        try:
            helpers.wait_until(lambda: not _alive(pid), kill_after, f"{name} to stop",
                               interval=0.1)
        except TimeoutError:
            os.kill(pid, signal.SIGKILL)
            helpers.wait_until(lambda: not _alive(pid), 30, f"{name} to die", interval=0.1)
        os.unlink(self.pid_file(name))
        return time.monotonic() - t0

    def start(self):
        """Starts every stopped process again with `td.sh up` and returns
        when REST answers. Raises RuntimeError with td.sh's output when that
        fails."""
        proc = subprocess.run(["bash", self.td_sh, "up"], capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"td.sh up failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
        self.stopped.clear()
        return proc.stdout

    def home(self):
        """td.sh's TD_HOME: where bin/taosadapter and lib/ are."""
        out = subprocess.run(["bash", self.td_sh, "env"], capture_output=True, text=True,
                             check=True).stdout
        for line in out.splitlines():
            if line.startswith("TD_HOME="):
                return line.split("=", 1)[1]
        raise RuntimeError(f"td.sh env printed no TD_HOME:\n{out}")


class Gateway:
    """Another taosAdapter on the suite's taosd: the suite's configuration
    with `flags` (taosAdapter command-line settings such as
    "--httpCodeServerError") on top, listening on `port`, logging under
    run_dir. .url is its REST endpoint."""

    def __init__(self, procs, run_dir, port, flags=()):
        self.procs = procs
        self.run_dir = str(run_dir)
        self.port = port
        self.flags = list(flags)
        self.proc = None
        os.makedirs(self.run_dir, exist_ok=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def listening(self):
        """True when something accepts connections on the port."""
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            return True
        except OSError:
            return False

    def start(self, timeout=60, ready=None):
        """Starts it and waits until it listens and, when ready is given,
        until its answer to SELECT server_version() (parsed JSON) satisfies
        ready(answer); returns self. Raises RuntimeError when it exits first."""
        home = self.procs.home()
        argv = [os.path.join(home, "bin", "taosadapter"),
                "-c", os.path.join(self.procs.state, "cfg", "taosadapter.toml"),
                "--port", str(self.port), "--log.path", self.run_dir] + self.flags
        with open(os.path.join(self.run_dir, "taosadapter.stdout"), "a") as log:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT,
                                         env=dict(os.environ,
                                                  LD_LIBRARY_PATH=os.path.join(home, "lib")))

        def up():
            if self.proc.poll() is not None:
                raise RuntimeError(f"taosadapter on port {self.port} exited "
                                   f"({self.proc.returncode}); see {self.run_dir}")
            if not self.listening():
                return False
            if ready is None:
                return True
            try:
                answer = helpers.rest_sql(self.url, "root", "taosdata",
                                          "SELECT server_version()", timeout=5)
            except (OSError, ValueError):
                return False
            return ready(answer)

        helpers.wait_until(up, timeout, f"taosadapter on port {self.port}", interval=0.2)
        return self

    def stop(self):
        """Stops it (SIGTERM, SIGKILL after 30 s); no-op when not running."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
