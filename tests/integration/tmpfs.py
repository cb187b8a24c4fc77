"""A small tmpfs mounted for one test, to make a disk full or read-only
and then give the space back.

    with mounted(path, size="512k") as disk:   # skips the test unless root
        disk.fill()        # writes a filler file until the disk is full
        disk.empty()       # deletes the filler: space returns
        disk.read_only()   # remount ro
        disk.writable()    # remount rw
    # unmounted here, also after a failure
"""

import contextlib
import errno
import os
import subprocess

import pytest


@contextlib.contextmanager
def mounted(path, size):
    """Yields a Tmpfs of size mounted at path and unmounts it at the end,
    also on failure; skips the test when no tmpfs can be mounted here."""
    why = Tmpfs.why_not()
    if why:
        pytest.skip(why)
    disk = Tmpfs(path, size)
    try:
        yield disk
    finally:
        disk.close()


class Tmpfs:
    FILLER = ".filler"

    @staticmethod
    def why_not():
        """Returns why no tmpfs can be mounted here, or None when it can."""
        if os.geteuid() != 0:
            return "mounting a tmpfs to make a disk full or read-only needs root"
        return None

    def __init__(self, path, size="512k"):
        self.path = str(path)
        os.makedirs(self.path, exist_ok=True)
        self._mount("-t", "tmpfs", "-o", f"size={size},mode=0700", "k2td-test", self.path)
        self.mounted = True

    def _mount(self, *args):
        subprocess.run(["mount", *args], check=True, capture_output=True, text=True)

    def fill(self):
        """Writes the filler until the disk has no block left."""
        chunk = b"\0" * 4096
        fd = os.open(os.path.join(self.path, self.FILLER), os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        try:
            while True:
                os.write(fd, chunk)
        except OSError as e:
            assert e.errno == errno.ENOSPC, e
        finally:
            os.close(fd)
        # the disk is full: even a small new file gets no block
        probe = os.path.join(self.path, ".probe")
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT)
        try:
            os.write(fd, b"x")
            raise AssertionError("the tmpfs still has room after filling it")
        except OSError as e:
            assert e.errno == errno.ENOSPC, e
        finally:
            os.close(fd)
            if os.path.exists(probe):
                os.unlink(probe)

    def empty(self):
        os.unlink(os.path.join(self.path, self.FILLER))

    def read_only(self):
        self._mount("-o", "remount,ro", self.path)

    def writable(self):
        self._mount("-o", "remount,rw", self.path)

    def close(self):
        if self.mounted:
            subprocess.run(["umount", "-l", self.path], check=False, capture_output=True)
            self.mounted = False
