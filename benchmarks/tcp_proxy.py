"""A TCP relay on loopback that can cut every connection and refuse new ones for a while: the
database "restarting" as the servers see it, without restarting the PostgreSQL that other
programs on this machine share (benchmarks/faults.py; `pg_ctlcluster ... restart` would cut
them all).

    with TcpRelay(("127.0.0.1", 5432)) as relay:    # relay.port: connect here instead
        relay.cut(3.0)   # close every relayed connection, refuse new ones for 3 s, then accept
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from typing import Any


class TcpRelay:
    """Relays connections from 127.0.0.1:`port` to `upstream`, two threads per connection."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.port = 0
        self.cuts = 0
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._stopped = threading.Event()

    def __enter__(self) -> TcpRelay:
        self._listen()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stopped.set()
        self._close_listener()
        self._close_all()

    def cut(self, seconds: float) -> None:
        """Close every relayed connection and refuse new ones for `seconds` (blocks)."""
        self.cuts += 1
        self._close_listener()
        self._close_all()
        time.sleep(seconds)
        if not self._stopped.is_set():
            self._listen()

    def _listen(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # closed by cut() or exit
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self._lock:
                self._open |= {client, server}
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        for end in (source, target):
            self._close(end)

    def _close(self, end: socket.socket) -> None:
        with self._lock:
            self._open.discard(end)
        with contextlib.suppress(OSError):
            end.shutdown(socket.SHUT_RDWR)
        end.close()

    def _close_all(self) -> None:
        with self._lock:
            ends = list(self._open)
        for end in ends:
            self._close(end)

    def _close_listener(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
