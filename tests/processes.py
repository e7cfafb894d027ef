"""The product as separate processes, the way people run it: `hms serve`, `hms worker`."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def hms_process(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    """`hms ARGS…` in a child process, its output captured."""
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", *args],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def serve(
    args: list[str], env: dict[str, str], *, wait: float = 60
) -> tuple[subprocess.Popen, str]:
    """`hms serve` on a free port; returns once /healthz answers."""
    port = free_port()
    process = hms_process(["serve", "--port", str(port), *args], env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + wait
    while True:  # waiting for the port to open, not for an outcome
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return process, base
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(process.communicate()[0].decode()[-3000:])
        time.sleep(0.1)


def stop(process: subprocess.Popen, sig: int = signal.SIGINT, timeout: float = 30) -> str:
    """Stop a child with `sig`; its output (killed if it does not stop within `timeout`)."""
    process.send_signal(sig)
    try:
        return process.communicate(timeout=timeout)[0].decode()
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()[0].decode()
