"""Helpers for the shared-store tests: a small team on any URL, and a TCP proxy
in front of PostgreSQL that can be cut and restored (a server outage as the
client sees it, without stopping the server other tests use)."""

from __future__ import annotations

import contextlib
import socket
import threading
from pathlib import Path
from typing import Any


def make_team(url: str) -> Any:
    """The conftest's small team (ada admin, max manager, reps rita and rob) on `url`."""
    from salessprint.services import open_store
    from salessprint.services.members import add_member
    from salessprint.services.team import init_team

    store = open_store(url, check_schema=False)
    init_team(store, "Test Team", "ada", "Ada Admin")
    add_member(store, "ada", login="max", name="Max Manager", role="manager")
    add_member(store, "ada", login="rita", name="Rita Rep", role="rep", sales_role="AE")
    add_member(store, "ada", login="rob", name="Rob Rep", role="rep", sales_role="SDR")
    return store


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a target; `cut()` drops every connection and
    refuses new ones, `restore()` listens again on the same port."""

    def __init__(self, target_host: str = "127.0.0.1", target_port: int = 5432) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self._server: socket.socket | None = None
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> TcpProxy:
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(64)
        self.port = server.getsockname()[1]
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()
        return self

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._conns += [client, upstream]
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        if self._server is not None:
            # shutdown() wakes the thread blocked in accept(); close() alone
            # would leave the socket listening on Linux until it returned.
            with contextlib.suppress(OSError):
                self._server.shutdown(socket.SHUT_RDWR)
            self._server.close()
            self._server = None
        with self._lock:
            conns, self._conns = self._conns, []
        for s in conns:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def restore(self) -> None:
        self.start()

    def url_for(self, pg_url: str) -> str:
        return pg_url.replace("127.0.0.1:5432", f"127.0.0.1:{self.port}")


STALL_PROXY = r"""
import socket, sys, threading

def pump(src, dst):
    try:
        while data := src.recv(65536):
            dst.sendall(data)
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", 0))
server.listen(64)
print(server.getsockname()[1], flush=True)
while True:
    client, _ = server.accept()
    try:
        upstream = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
    except OSError:
        client.close()
        continue
    upstream.settimeout(None)
    for a, b in ((client, upstream), (upstream, client)):
        threading.Thread(target=pump, args=(a, b), daemon=True).start()
"""


def _stopped(task: Path) -> bool:
    """A thread of /proc/<pid>/task is stopped by a signal (state T)."""
    try:
        stat: str = (task / "stat").read_text()
    except OSError:
        return True  # the thread is gone
    return stat.rsplit(")", 1)[1].split()[0] == "T"


class StallProxy:
    """A TCP proxy in a subprocess in front of PostgreSQL, for a link that
    stalls rather than closes: `pause()` stops the process (SIGSTOP), so
    the kernel still accepts connections and acknowledges data but nothing
    is forwarded either way, as on a frozen VPN; `resume()` (SIGCONT) lets
    everything queued through. `close()` kills it."""

    def __init__(self, target_host: str = "127.0.0.1", target_port: int = 5432) -> None:
        import subprocess
        import sys

        self.process = subprocess.Popen(
            [sys.executable, "-c", STALL_PROXY, target_host, str(target_port)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        self.port = int(self.process.stdout.readline())

    def pause(self) -> None:
        """Stop the proxy, and return once every thread of it is stopped (a
        signal is delivered asynchronously: a thread still running could
        forward one more message)."""
        import signal
        import time

        self.process.send_signal(signal.SIGSTOP)
        tasks = Path(f"/proc/{self.process.pid}/task")
        deadline = time.monotonic() + 10
        while not all(_stopped(task) for task in tasks.iterdir()):
            if time.monotonic() > deadline:
                raise AssertionError("the proxy did not stop")

    def resume(self) -> None:
        import signal

        self.process.send_signal(signal.SIGCONT)

    def close(self) -> None:
        self.process.kill()  # (SIGKILL ends a stopped process too)
        self.process.wait(10)
        if self.process.stdout is not None:
            self.process.stdout.close()

    def url_for(self, pg_url: str) -> str:
        return pg_url.replace("127.0.0.1:5432", f"127.0.0.1:{self.port}")
