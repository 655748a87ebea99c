"""A real `chroma run` server for tests, and a token-checking proxy in front of it.

`chroma run` (Chroma 1.x) has no authentication of its own; a deployment that needs it puts a proxy in front
that checks the token. ``token_proxy`` is such a proxy, so the client's token handling is tested for real.
"""

from __future__ import annotations

import http.client
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.ui.server import free_port, stop

CHROMA = Path(sys.executable).with_name("chroma")


def chroma_command() -> str | None:
    return str(CHROMA) if CHROMA.exists() else shutil.which("chroma")


def wait_for_heartbeat(url: str, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"no Chroma server answered at {url}") from None
            time.sleep(0.2)


def start_chroma(path: Path, port: int | None = None) -> tuple[subprocess.Popen, str]:
    """Start `chroma run` on 127.0.0.1 (a free port unless given); the caller stops it."""
    command = chroma_command()
    assert command, "no chroma CLI"
    port = port or free_port()
    proc = subprocess.Popen(
        [command, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_heartbeat(url)
    except RuntimeError:
        stop(proc)
        raise
    return proc, url


@contextmanager
def chroma_server(path: Path) -> Iterator[str]:
    proc, url = start_chroma(path)
    try:
        yield url
    finally:
        stop(proc)


@contextmanager
def token_proxy(upstream: str, token: str) -> Iterator[str]:
    """A proxy on 127.0.0.1 that forwards to ``upstream`` only requests that carry ``token``.

    The token is accepted the two ways Chroma clients send it: ``Authorization: Bearer`` or ``X-Chroma-Token``.
    """
    host, port = upstream.split("://", 1)[1].split(":")

    class Handler(BaseHTTPRequestHandler):
        def _forward(self) -> None:
            given = self.headers.get("X-Chroma-Token") or self.headers.get("Authorization", "").removeprefix("Bearer ")
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            if given != token:
                payload = b'{"error":"Unauthorized","message":"missing or wrong token"}'
                self.send_response(401)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                return
            conn = http.client.HTTPConnection(host, int(port), timeout=60)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in {"host", "connection"}}
            conn.request(self.command, self.path, body=body, headers=headers)
            reply = conn.getresponse()
            data = reply.read()
            self.send_response(reply.status)
            for key, value in reply.getheaders():
                if key.lower() not in {"transfer-encoding", "connection", "content-length"}:
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            conn.close()

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _forward

        def log_message(self, *_: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
