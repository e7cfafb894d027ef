"""A TCP forwarder on loopback that a test can cut and restore: a network outage on demand.

The product is pointed at the proxy instead of PostgreSQL, so a test can take the
database away from it without touching the server other tests share. `cut()` closes
every open connection and then, depending on the mode, resets new ones at once
("refuse": the server is gone) or accepts them and never answers ("stall": a network
that swallows packets, which only the product's timeouts can end). `restore()` forwards
again. Written here because it is a few dozen lines of asyncio and a test needs control
over each connection that a general-purpose proxy (toxiproxy, socat) would not give
without another process to manage.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import threading


class TcpProxy:
    """127.0.0.1:`port` → `target_host`:`target_port`, in a thread of its own."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.mode = "up"
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._writers: set[asyncio.StreamWriter] = set()
        self._server: asyncio.Server | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def __enter__(self) -> TcpProxy:
        self._thread.start()
        self._call(self._start())
        return self

    def __exit__(self, *_: object) -> None:
        self._call(self._stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    def cut(self, mode: str = "refuse") -> None:
        """Close every connection; new ones are reset ("refuse") or left hanging ("stall")."""
        assert mode in ("refuse", "stall")
        self._call(self._set(mode))

    def restore(self) -> None:
        """Forward again (connections left hanging by a stall are closed)."""
        self._call(self._set("up"))

    @property
    def open_connections(self) -> int:
        return len(self._writers)

    # --- in the proxy's thread ----------------------------------------------------

    def _call(self, coroutine) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=10)

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()
        self._close_all()

    async def _set(self, mode: str) -> None:
        self.mode = mode
        self._close_all()

    def _close_all(self) -> None:
        for writer in list(self._writers):
            _reset(writer)
        self._writers.clear()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.mode == "refuse":
            _reset(writer)
            return
        self._writers.add(writer)
        if self.mode == "stall":
            return  # accepted, never answered; closed by the next cut or restore
        try:
            upstream_reader, upstream = await asyncio.open_connection(*self.target)
        except OSError:
            self._writers.discard(writer)
            _reset(writer)
            return
        self._writers.add(upstream)
        await asyncio.gather(
            self._pipe(reader, upstream),
            self._pipe(upstream_reader, writer),
            return_exceptions=True,
        )
        for end in (writer, upstream):
            self._writers.discard(end)
            _reset(end)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                if writer not in self._writers:
                    return
                writer.write(data)
                await writer.drain()
        finally:
            _reset(writer)


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close at once with a reset, as a vanished server or a broken link looks."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()
