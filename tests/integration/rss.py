"""The resident memory of a running process, sampled from /proc/<pid>/status
in a background thread: the highest VmRSS seen, the kernel's own high-water
mark VmHWM (exact, whatever the sampling missed), and the samples over time.
Used by the overload tests and bench/backlog_bench.py."""

import threading
import time


def status_kib(pid, field):
    """Returns field (VmRSS, VmHWM...) of /proc/<pid>/status in KiB, or None
    when the process is gone or the field is absent."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


class RssSampler:
    """Samples pid's VmRSS and VmHWM every `interval` s until the process
    exits or stop() is called. .samples holds (seconds since start, VmRSS
    KiB); .hwm_kib the last VmHWM read (the peak of the whole life of the
    process, to within the last interval before it exited)."""

    def __init__(self, pid, interval=0.05):
        self.pid = pid
        self.interval = interval
        self.samples = []
        self.hwm_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self._t0 = time.monotonic()
        self._thread.start()
        return self

    def _run(self):
        while not self._stop.is_set():
            rss = status_kib(self.pid, "VmRSS")
            hwm = status_kib(self.pid, "VmHWM")
            if rss is None or hwm is None:
                return  # exited (or a zombie: no VmRSS any more)
            self.samples.append((time.monotonic() - self._t0, rss))
            self.hwm_kib = max(self.hwm_kib, hwm)
            self._stop.wait(self.interval)

    def stop(self):
        """Stops sampling (waits for the thread); returns self."""
        self._stop.set()
        self._thread.join()
        return self

    @property
    def peak_mib(self):
        """The peak resident set in MiB: VmHWM, or the highest VmRSS sampled
        when that is higher (never, unless VmHWM was reset)."""
        top = max((rss for _, rss in self.samples), default=0)
        return max(self.hwm_kib, top) / 1024.0


def sanitized(binary):
    """Returns True when the executable at `binary` was built with
    AddressSanitizer (its resident memory is then mostly the sanitizer's)."""
    with open(binary, "rb") as f:
        return b"__asan_init" in f.read()
